"""The shared look of every counter document: A4, centred Chinese title, grid tables, a footer.

Styles are built once per process; renderers only assemble flowables and call ``build_pdf``.
reportlab keeps per-document font state in module globals, so builds are serialised by a lock
(the TUI renders in worker threads).
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from counterdesk.documents.pdf.fonts import FONT, draw_text, register_fonts, text_width, with_fallback_fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#333333")
HEAD_FILL = colors.HexColor("#e9edf2")
LABEL_FILL = colors.HexColor("#f4f6f8")
TITLE_RED = colors.HexColor("#b0171f")
WARN_HEX = "#b0171f"
"""Refusals and failure reasons, as markup colour."""

FOOTER_SIZE = 8
MIN_FOOTER_SIZE = 6
MAX_FOOTER_LINES = 2
FOOTER_Y = 12 * mm
"""Baseline of the footer's last line; the lines above it and the rule stay inside the bottom margin."""
PAGE_NUMBER_ROOM = 60
"""Room kept at the right of the footer's last line for "第 n / N 页"."""

RENDER_LOCK = threading.Lock()
"""Held while reportlab draws text: its embedded-font state is shared by the whole process."""


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of every document."""

    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_head: ParagraphStyle
    cell_note: ParagraphStyle
    big_number: ParagraphStyle


@functools.cache
def styles() -> Styles:
    """The styles, built once (after the font is registered)."""
    register_fonts()

    def style(name: str, size: float, **extra: Any) -> ParagraphStyle:
        base: dict[str, Any] = {"fontName": FONT, "fontSize": size, "leading": size * 1.45, "textColor": INK,
                                "wordWrap": "CJK", "alignment": TA_LEFT}
        return ParagraphStyle(name, **(base | extra))

    return Styles(
        title=style("title", 19, alignment=TA_CENTER, textColor=TITLE_RED, leading=25, spaceAfter=1),
        subtitle=style("subtitle", 9.5, alignment=TA_CENTER, textColor=MUTED, spaceAfter=2),
        heading=style("heading", 12, spaceBefore=6, spaceAfter=3),
        body=style("body", 9.5, leading=14, spaceAfter=1),
        small=style("small", 8.5, textColor=MUTED, spaceBefore=4),
        cell=style("cell", 9.5, leading=13.5),
        cell_center=style("cell_center", 9.5, leading=13.5, alignment=TA_CENTER),
        cell_head=style("cell_head", 9.5, leading=13.5, alignment=TA_CENTER),
        cell_note=style("cell_note", 8.5, textColor=MUTED, leading=12),
        big_number=style("big_number", 15, alignment=TA_CENTER, leading=20),
    )


def escape(text: str) -> str:
    """Plain text made safe for a paragraph's markup (``&``, ``<``, ``>``), as ``xml.sax.saxutils.escape``
    does without importing ``urllib.request`` and ``ssl`` with it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def para(text: str, style: ParagraphStyle | None = None, *, markup: bool = False) -> Paragraph:
    """A paragraph of plain text (escaped, so a citizen's ``<`` or ``&`` prints as typed).

    Rare characters the main font lacks are drawn in a fallback font (see ``fonts``).
    """
    return Paragraph(with_fallback_fonts(text if markup else escape(text)), style or styles().body)


def title_block(title: str, subtitle: str = "") -> list[Flowable]:
    """The centred title (and optional grey line under it)."""
    s = styles()
    block: list[Flowable] = [para(title, s.title)]
    if subtitle:
        block.append(para(subtitle, s.subtitle))
    return block


def heading(text: str) -> Paragraph:
    """A section heading (一、… 二、…)."""
    return para(text, styles().heading)


def cell(value: str | Flowable, style: ParagraphStyle | None = None) -> Flowable:
    """A table cell that wraps Chinese text."""
    if isinstance(value, Flowable):
        return value
    return para(value, style or styles().cell)


def grid_table(
    rows: Sequence[Sequence[str | Flowable]],
    col_widths: Sequence[float],
    *,
    header: bool = True,
    label_cols: Sequence[int] = (),
    center_cols: Sequence[int] = (),
    span_rows: Sequence[int] = (),
    extra: Sequence[tuple] = (),
    dense: tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle] | None = None,
) -> Table:
    """A table with full grid lines; the header row is shaded and repeats on each page.

    ``label_cols`` are shaded as field names; in ``span_rows`` the value runs from column 1 to the end.
    ``dense`` gives the (cell, centred cell, header) styles of a tighter table with less padding (明白卡).
    """
    s = styles()
    plain, centred, head = dense or (s.cell, s.cell_center, s.cell_head)
    data = []
    for r, row in enumerate(rows):
        if header and r == 0:
            data.append([cell(v, head) for v in row])
        else:
            data.append([cell(v, centred if c in center_cols else plain) for c, v in enumerate(row)])
    pad = (2, 3, 4) if dense else (3, 4, 5)
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.6, RULE),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), pad[0]),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad[1]),
        ("LEFTPADDING", (0, 0), (-1, -1), pad[2]),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad[2]),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL))
    for c in label_cols:
        commands.append(("BACKGROUND", (c, 0), (c, -1), LABEL_FILL))
    for r in span_rows:
        commands += [("SPAN", (1, r), (-1, r)), ("BACKGROUND", (1, r), (-1, r), colors.white)]
    commands.extend(extra)
    table = Table(data, colWidths=list(col_widths), repeatRows=1 if header else 0)
    table.setStyle(TableStyle(commands))
    return table


def numbered(items: Sequence[str]) -> list[Flowable]:
    """Numbered paragraphs (1. 2. …), hanging indent so wrapped lines align."""
    style = ParagraphStyle("numbered", parent=styles().body, leftIndent=14, firstLineIndent=-14)
    return [para(f"{i}. {text}", style) for i, text in enumerate(items, 1)]


def spacer(height_mm: float) -> Spacer:
    """Vertical space."""
    return Spacer(1, height_mm * mm)


def stamp_time(moment: datetime) -> str:
    """A time as printed on documents: 2026年11月24日 10:30."""
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def build_pdf(
    story: list[Flowable],
    *,
    title: str,
    author: str,
    footer: str,
    subject: str = "",
    page_numbers: bool = True,
) -> bytes:
    """Lay out ``story`` on A4 pages with the footer line and "第 n / N 页", and return the PDF.

    ``page_numbers=False`` leaves the numbers out, for pages numbered later with others (packet).
    """
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=19 * mm,
        title=title,
        author=author,
        subject=subject,
        creator="counterdesk",
        initialFontName=FONT,
    )
    with RENDER_LOCK:
        doc.build(story, canvasmaker=_footer_canvas(footer, page_numbers))
    return buffer.getvalue()


def _footer_canvas(footer: str, page_numbers: bool) -> Callable[..., Canvas]:
    class FooterCanvas(Canvas):
        """Defers each page so the footer can say how many pages there are."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # Canvas's own page reset; reportlab's stubs leave it out

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self._draw_footer(number, total)
                super().showPage()
            super().save()

        def _draw_footer(self, number: int, total: int) -> None:
            lines, size = footer_lines(footer, CONTENT_WIDTH - PAGE_NUMBER_ROOM, FOOTER_SIZE)
            leading = size + 1
            top = FOOTER_Y + leading * (len(lines) - 1)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, top + size + 2, PAGE_WIDTH - MARGIN, top + size + 2)
            self.setFillColor(MUTED)
            for n, line in enumerate(lines):
                draw_text(self, MARGIN, top - n * leading, line, size)
            if page_numbers:
                self.setFont(FONT, FOOTER_SIZE)
                self.drawRightString(PAGE_WIDTH - MARGIN, FOOTER_Y, f"第 {number} / {total} 页")

    return FooterCanvas


FOOTER_SEPARATOR = " · "
"""Between the parts of a footer (the hall, the paper, the time …): a long footer wraps only here."""


def footer_lines(footer: str, width: float, size: float = 8) -> tuple[list[str], float]:
    """The footer's lines and font size: one line when it fits ``width``, else two, broken between parts.

    Nothing is ever cut: a hall's name is what the paper is from. The parts (split at
    ``FOOTER_SEPARATOR``) are packed into at most two lines, the size shrinking to ``MIN_FOOTER_SIZE``
    if need be; a part still wider than a line (a hall name of a hundred characters) is then wrapped
    between its characters.
    """
    parts = footer.split(FOOTER_SEPARATOR)
    while True:
        lines = _pack(parts, width, size)
        if len(lines) <= MAX_FOOTER_LINES and all(text_width(line, size) <= width for line in lines):
            return lines, size
        if size <= MIN_FOOTER_SIZE:
            return _pack([piece for part in parts for piece in _wrap(part, width, size)], width, size), size
        size = max(MIN_FOOTER_SIZE, size - 0.5)


def _pack(parts: list[str], width: float, size: float) -> list[str]:
    lines: list[str] = []
    for part in parts:
        joined = lines[-1] + FOOTER_SEPARATOR + part if lines else part
        if lines and text_width(joined, size) <= width:
            lines[-1] = joined
        else:
            lines.append(part)
    return lines


def _wrap(text: str, width: float, size: float) -> list[str]:
    """``text`` broken between characters into pieces no wider than ``width``."""
    pieces = [""]
    for ch in text:
        if pieces[-1] and text_width(pieces[-1] + ch, size) > width:
            pieces.append("")
        pieces[-1] += ch
    return pieces
