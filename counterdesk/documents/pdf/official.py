"""The parts every document with legal weight shares: the parties, the number as a QR code, the
issuing body with its seal area, and the applicant's dated signature line.

What the QR code holds is the application number and nothing else (see README): any window's
scanner types it into the lookup, and a lost paper gives away no personal data.
"""

from __future__ import annotations

from datetime import date

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table, TableStyle

from counterdesk.documents.pdf.codes import qr_code
from counterdesk.documents.pdf.fonts import FONT
from counterdesk.documents.pdf.layout import CONTENT_WIDTH, MUTED, para, spacer, styles
from counterdesk.documents.pdf.models import Issuer, Party

FACT_COLUMNS = (CONTENT_WIDTH * 0.15, CONTENT_WIDTH * 0.35, CONTENT_WIDTH * 0.20, CONTENT_WIDTH * 0.30)
"""Label, value, label, value: the second label fits 统一社会信用代码 on one line."""

QR_SIDE_MM = 20
SEAL_SIDE_MM = 30
"""The circle left free for the ink seal (a hall's business seals are about 38 mm across and may
overlap the circle's edge: the circle only keeps print out of the seal's way)."""


def long_date(day: date) -> str:
    """A date as printed on documents: 2026年12月2日 (never zero-padded, so every paper agrees)."""
    return f"{day.year}年{day.month}月{day.day}日"


def number_with_qr(number: str) -> Table:
    """The application number, large, beside a QR code of it and a caption saying what it holds."""
    s = styles()
    caption = para("扫码即得办件编号，可在任一窗口或咨询电话查询进度", s.cell_note)
    column = CONTENT_WIDTH * 0.52
    # A province-wide number is 32 characters: shrink it to fit one line rather than break it.
    size = min(s.big_number.fontSize, (column - 12) / max(1.0, stringWidth(number, FONT, 1)))
    big = ParagraphStyle("number_fit", parent=s.big_number, fontSize=size, leading=max(size * 1.3, 12))
    table = Table(
        [[para("办件编号", s.cell_center), para(number, big), qr_code(number, QR_SIDE_MM)],
         ["", "", caption]],
        colWidths=[CONTENT_WIDTH * 0.16, CONTENT_WIDTH * 0.52, CONTENT_WIDTH * 0.32],
    )
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("SPAN", (0, 0), (0, 1)),
        ("SPAN", (1, 0), (1, 1)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (2, 0), (2, 0), "CENTER"),
        ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
        ("LINEAFTER", (0, 0), (0, -1), 0.6, colors.black),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f4f6f8")),
    ]))
    return table


def party_rows(party: Party) -> list[list[str]]:
    """The applicant's rows of a facts table (four columns: label, value, label, value).

    An enterprise is a public registration: its name and 统一社会信用代码 are printed in full, with
    its 法定代表人; a person's name and ID number arrive masked, the agent's too.
    """
    rows = [["申请人", party.name, party.id_label, party.id_number]]
    if party.legal_representative:
        rows.append(["法定代表人", party.legal_representative, "", ""])
    if party.agent_name:
        rows.append(["经办人", party.agent_name, "经办人证件号码", party.agent_id or "—"])
    return rows


def sign_and_seal(issuer: Issuer, day: date) -> Table:
    """The applicant's dated signature at the left; the issuing body, date and clerk at the right,
    beside a dashed circle left for the seal (pressed over the body's name, as offices do)."""
    s = styles()
    left = [para(f"窗口：{issuer.window}", s.body), spacer(4), para("申请人（签字/盖章）：______________", s.body),
            spacer(4), para("日期：________年____月____日", s.body)]
    right = [para(issuer.body, s.body), para(long_date(day), s.body), para(f"经办人：{issuer.clerk}", s.body)]
    table = Table([[left, _SealArea(issuer.seal), right]],
                  colWidths=[CONTENT_WIDTH * 0.40, CONTENT_WIDTH * 0.24, CONTENT_WIDTH * 0.36])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("ALIGN", (1, 0), (1, 0), "CENTER")]))
    return table


class _SealArea(Flowable):
    """A dashed circle with the seal's name in grey: where the window presses its seal."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self.width = self.height = SEAL_SIDE_MM * mm

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """The circle's fixed size."""
        return self.width, self.height

    def draw(self) -> None:
        """The circle and its label, both light enough that the red seal reads over them."""
        canvas = self.canv
        radius = self.width / 2
        canvas.setStrokeColor(MUTED)
        canvas.setDash(2, 2)
        canvas.setLineWidth(0.5)
        canvas.circle(radius, radius, radius - 1)
        canvas.setDash()
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 8)
        canvas.drawCentredString(radius, radius - 3, f"（{self.label}）")
