"""The 领取签收单 (release slip): who collected the result, or which courier took it, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib import colors
from reportlab.platypus import Flowable, Table, TableStyle

from counterdesk.documents.pdf.codes import qr_code
from counterdesk.documents.pdf.fonts import FONT
from counterdesk.documents.pdf.layout import (
    CONTENT_WIDTH,
    build_pdf,
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
class ReleaseSlipData:
    """Everything on a 领取签收单; personal data arrives masked."""

    hall_name: str
    application_number: str
    matter_name: str
    applicant_masked: str
    manner: str
    """本人领取, 代领（凭授权委托书）or 快递寄送."""
    collector_masked: str
    """Name and ID number of the collector, masked; empty for a courier."""
    waybill: str | None
    clerk: str
    released_at: datetime


def render_release_slip(data: ReleaseSlipData) -> RenderedPdf:
    """The 领取签收单 PDF of one release."""
    w = CONTENT_WIDTH
    s = styles()
    number = Table([[qr_code(data.application_number, 24), para(data.application_number, s.big_number)]],
                   colWidths=[w * 0.22, w * 0.78])
    number.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                                ("FONTNAME", (0, 0), (-1, -1), FONT)]))
    story: list[Flowable] = [*title_block("领取签收单", data.hall_name), number, heading("一、出件信息")]
    rows = [
        ["事项名称", data.matter_name],
        ["申请人", data.applicant_masked],
        ["出件方式", data.manner],
    ]
    if data.collector_masked:
        rows.append(["领取人", data.collector_masked])
    if data.waybill:
        rows.append(["快递运单号", data.waybill])
    rows += [["出件时间", stamp_time(data.released_at)], ["经办人", data.clerk]]
    story.append(grid_table(rows, [w * 0.18, w * 0.82], header=False, label_cols=(0,)))
    story.append(heading("二、签收"))
    story.append(para("领取人已当场核对办理结果及相关证件、材料，确认无误。", s.body))
    story += [spacer(8), _signatures()]
    pdf = build_pdf(story, title=f"领取签收单 - {data.application_number}", author=data.hall_name,
                    subject=data.application_number,
                    footer=f"{data.hall_name} · 领取签收单 · {stamp_time(data.released_at)} 打印")
    return rendered(pdf, data)


def _signatures() -> Table:
    s = styles()
    w = CONTENT_WIDTH
    table = Table([[para("领取人（签字）：", s.body), "", para("经办人（签字）：", s.body), ""],
                   [para("日期：", s.body), "", para("日期：", s.body), ""]],
                  colWidths=[w * 0.18, w * 0.3, w * 0.18, w * 0.34], rowHeights=[26, 26])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                               ("LINEBELOW", (1, 0), (1, 1), 0.6, colors.black),
                               ("LINEBELOW", (3, 0), (3, 1), 0.6, colors.black)]))
    return table
