"""The 材料流转单 (transfer sheet): what travels to the 办理地 in one courier envelope.

One line per application with a QR code of its number (the 办理地 scans it when signing for the
batch), the materials with their copies, whether paper originals are enclosed, then the sender
and signature lines for whoever hands over and whoever signs for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from counterdesk.documents.pdf.codes import qr_code
from counterdesk.documents.pdf.fonts import FONT
from counterdesk.documents.pdf.layout import (
    CONTENT_WIDTH,
    build_pdf,
    escape,
    grid_table,
    heading,
    para,
    spacer,
    stamp_time,
    styles,
    title_block,
)
from counterdesk.documents.pdf.rendered import RenderedPdf, rendered


@dataclass(frozen=True)
class SheetMaterial:
    """One material of an application as it travels."""

    name: str
    kind: str
    """原件 or 复印件 (as printed)."""
    copies: int
    pages: int
    original_enclosed: bool


@dataclass(frozen=True)
class SheetLine:
    """One application in the envelope."""

    number: str
    matter_name: str
    applicant_masked: str
    materials: list[SheetMaterial] = field(default_factory=list)


@dataclass(frozen=True)
class TransferSheetData:
    """Everything on a 材料流转单."""

    batch: str
    hall_name: str
    hall_code: str
    to_county_name: str
    to_county_code: str
    waybill: str | None
    sender: str
    """The staff member who dispatched (name and ID)."""
    dispatched_at: datetime
    lines: list[SheetLine]


def _materials_cell(line: SheetLine) -> Flowable:
    s = styles()
    if not line.materials:
        return para("（无纸质材料）", s.cell_note)
    text = "<br/>".join(
        f"{i}. {escape(m.name)}（{m.kind} {m.copies} 份，扫描 {m.pages} 页）"
        for i, m in enumerate(line.materials, 1))
    return para(text, s.cell, markup=True)


def _originals(line: SheetLine) -> str:
    enclosed = [m.name for m in line.materials if m.original_enclosed]
    return "附原件：" + "、".join(enclosed) if enclosed else "无原件"


def render_transfer_sheet(data: TransferSheetData) -> RenderedPdf:
    """The 材料流转单 PDF of one transfer batch."""
    w = CONTENT_WIDTH
    s = styles()
    story: list[Flowable] = [*title_block("材料流转单", f"{data.hall_name}（{data.hall_code}） → "
                                                      f"{data.to_county_name}（{data.to_county_code}）")]
    summary = [
        ["流转批次", data.batch, "办件数", str(len(data.lines))],
        ["寄出大厅", f"{data.hall_name}（{data.hall_code}）", "办理地", f"{data.to_county_name}（{data.to_county_code}）"],
        ["快递运单号", data.waybill or "（未填写，请手写）", "寄出时间", stamp_time(data.dispatched_at)],
    ]
    story.append(grid_table(summary, [w * 0.14, w * 0.40, w * 0.12, w * 0.34], header=False, label_cols=(0, 2)))
    story.append(heading("一、流转办件"))
    rows: list[list] = [["序号", "办件编号", "事项 / 申请人", "材料及份数", "原件"]]
    for i, line in enumerate(data.lines, 1):
        number = Table([[qr_code(line.number, 18)], [para(line.number, s.cell_note)]],
                       colWidths=[w * 0.30])
        number.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        who = para(f"{escape(line.matter_name)}<br/>申请人：{escape(line.applicant_masked)}", s.cell, markup=True)
        rows.append([str(i), number, who,
                     _materials_cell(line), para(_originals(line), s.cell_note)])
    story.append(grid_table(rows, [w * 0.06, w * 0.31, w * 0.18, w * 0.30, w * 0.15], center_cols=(0,)))
    # The hand-over block stays on one page: a signature line apart from its heading is useless.
    story.append(KeepTogether([
        heading("二、交接签收"),
        para("办理地收到后请逐件扫码核对办件编号、材料份数及原件，无误后签收；"
             "如有缺漏，请在备注栏写明并当日告知寄出大厅。", s.body),
        spacer(6), _signatures(data.sender)]))
    pdf = build_pdf(story, title=f"材料流转单 - {data.batch}", author=data.hall_name, subject=data.batch,
                    footer=f"{data.hall_name} · 材料流转单 {data.batch} · {stamp_time(data.dispatched_at)} 打印")
    return rendered(pdf, data)


def _signatures(sender: str) -> Table:
    s = styles()
    w = CONTENT_WIDTH
    rows = [
        [para("寄出人：", s.body), para(sender, s.body), para("签收人（签字）：", s.body), ""],
        [para("寄出人（签字）：", s.body), "", para("签收时间：", s.body), ""],
        [para("备注：", s.body), "", "", ""],
    ]
    table = Table(rows, colWidths=[w * 0.2, w * 0.3, w * 0.2, w * 0.3], rowHeights=[24, 24, 30])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("LINEBELOW", (1, 1), (1, 1), 0.6, colors.black),
        ("LINEBELOW", (3, 0), (3, 1), 0.6, colors.black),
        ("SPAN", (1, 2), (3, 2)),
        ("LINEBELOW", (1, 2), (3, 2), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
    ]))
    return table
