"""The one font every PDF uses: WenQuanYi Micro Hei, embedded and subsetted.

reportlab's built-in CID fonts (STSong-Light) are never embedded, so a viewer without that font
shows empty boxes; a TrueType font is embedded as a subset of the glyphs used, with a ToUnicode
map, so the Chinese text both displays everywhere and can be copied or searched.
"""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "CounterdeskSans"
"""The registered name; every style and canvas call uses it."""

FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "wqy-microhei.ttc"


@functools.cache
def register_fonts() -> str:
    """Register the font with reportlab (once per process; parsing it takes ~0.1 s) and return its name."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH), subfontIndex=0))
    # <b> and <i> in paragraph markup must not fall back to Helvetica, which has no Chinese.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT, bold, italic, FONT)
    return FONT
