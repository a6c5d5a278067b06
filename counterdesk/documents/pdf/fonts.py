"""The fonts every PDF uses: WenQuanYi Micro Hei, and Hanazono for the rare characters it lacks.

reportlab's built-in CID fonts (STSong-Light) are never embedded, so a viewer without that font
shows empty boxes; a TrueType font is embedded as a subset of the glyphs used, with a ToUnicode
map, so the Chinese text both displays everywhere and can be copied or searched.

Names with rare characters (生僻字 of CJK Extensions A and B, such as 䶮 or 𠮷) are exactly the
ones other systems print as blanks. reportlab takes one font per run of text, so paragraph text
is split into runs, each in the first font that has a glyph for it. The fallback fonts are large
and registered only when a document needs one of their characters.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import TYPE_CHECKING, cast

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from counterdesk.domain import text as untrusted

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

FONT = "CounterdeskSans"
"""The registered name of the main font; every style and canvas call uses it."""

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_PATH = FONT_DIR / "wqy-microhei.ttc"
FALLBACKS = (("CounterdeskHanA", FONT_DIR / "hanazono-a.ttf"), ("CounterdeskHanB", FONT_DIR / "hanazono-b.ttf"))
"""Tried in order for a character the main font lacks: Extension A and BMP additions, then Extension B."""

_lock = threading.Lock()


@functools.cache
def register_fonts() -> str:
    """Register the main font with reportlab (once per process; ~0.1 s) and return its name."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH), subfontIndex=0))
    # <b> and <i> in paragraph markup must not fall back to Helvetica, which has no Chinese.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT, bold, italic, FONT)
    return FONT


def _glyphs(name: str) -> dict[int, int]:
    return cast(TTFont, pdfmetrics.getFont(name)).face.charToGlyph  # registered from a TrueType file


@functools.cache
def _fallback(index: int) -> dict[int, int]:
    """Register fallback font ``index`` on first use and return its character map."""
    name, path = FALLBACKS[index]
    with _lock:
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(name, bold, italic, name)
    return _glyphs(name)


def font_for(ch: str) -> str | None:
    """The registered font that draws ``ch``: the main one if it can, else a fallback, else None."""
    cp = ord(ch)
    if cp < 0x20 or cp in _glyphs(register_fonts()):
        return FONT
    for index, (name, _) in enumerate(FALLBACKS):
        if cp in _fallback(index):
            return name
    return None


def font_runs(text: str) -> list[tuple[str, str]]:
    """``text`` as ``(font, run)`` pieces, each run in the first font that draws it (the main font
    for a character no font has: it prints blank, and ``glyph_warning`` says so)."""
    main = _glyphs(register_fonts())
    runs: list[tuple[str, str]] = []
    for ch in text:
        font = FONT if ord(ch) < 0x20 or ord(ch) in main else font_for(ch) or FONT
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def with_fallback_fonts(markup: str) -> str:
    """Paragraph markup with each run of characters the main font lacks wrapped in ``<font name=…>``.

    Tags and entities are plain ASCII, which the main font always has, so only text is touched.
    """
    main = _glyphs(register_fonts())
    if all(ord(ch) in main or ord(ch) < 0x20 for ch in markup):
        return markup
    return "".join(run if font == FONT else f'<font name="{font}">{run}</font>' for font, run in font_runs(markup))


def text_width(text: str, size: float) -> float:
    """The width of ``text`` as ``draw_text`` sets it."""
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in font_runs(text))


def draw_text(canvas: Canvas, x: float, y: float, text: str, size: float, *, centred: bool = False) -> None:
    """A line drawn straight on a canvas (footers, stamps) in the fonts that have its characters:
    a clerk named 王䶮 compiling a packet is printed whole in its footer. ``x`` is where the line
    starts, or its middle when ``centred``."""
    runs = font_runs(text)
    if centred:
        x -= sum(pdfmetrics.stringWidth(run, font, size) for font, run in runs) / 2
    for font, run in runs:
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, font, size)


def missing_glyphs(*texts: str) -> list[str]:
    """The characters of ``texts`` that no font can draw, in order of first appearance."""
    missing: dict[str, None] = {}
    for text in texts:
        for ch in text or "":
            if not ch.isspace() and font_for(ch) is None:
                missing[ch] = None
    return list(missing)


def glyph_warning(*texts: str) -> str | None:
    """A Chinese sentence naming the characters that will print as blanks, or None if all can print."""
    missing = missing_glyphs(*texts)
    if not missing:
        return None
    # The characters come from people's text: a control or bidi character is named, never sent to a terminal.
    shown = untrusted.shown("".join(missing[:10]), markup=False) + ("等" if len(missing) > 10 else "")
    return f"以下 {len(missing)} 个字在 PDF 中没有字形、将印成空白：{shown}（U+{ord(missing[0]):04X} 等），请在打印件上手写补全。"
