"""The 受理回执 (receipt): proof of submission, with the application number as a scannable bar code."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable, Table, TableStyle

from counterdesk.documents.pdf.codes import code128
from counterdesk.documents.pdf.fonts import FONT
from counterdesk.documents.pdf.layout import (
    CONTENT_WIDTH,
    build_pdf,
    grid_table,
    heading,
    numbered,
    para,
    spacer,
    stamp_time,
    styles,
    title_block,
)
from counterdesk.documents.pdf.models import ReceiptData


def render_receipt(data: ReceiptData) -> bytes:
    """The receipt PDF for a submitted application."""
    w = CONTENT_WIDTH
    story: list[Flowable] = [*title_block("受理回执", data.hall_name), _number_block(data)]

    story.append(heading("一、办件信息"))
    promised = f"{data.promised_date:%Y年%m月%d日}" if data.promised_date else "以审核结果为准"
    if data.promised_date and not data.holidays_counted:
        promised += "（未计节假日）"
    rows = [
        ["事项名称", data.matter_name, "", ""],
        ["办理地点", data.location, "提交时间", stamp_time(data.submitted_at)],
        ["申请人", data.applicant_name, "证件号码", data.applicant_id],
    ]
    if data.agent_name:
        rows.append(["经办人", data.agent_name, "", ""])
    rows += [
        ["取件方式", data.pickup_method, "承诺办结", promised],
        ["取件信息", data.pickup_detail or "—", "", ""],
        ["受理窗口", data.window, "窗口人员", data.clerk],
    ]
    spans = [r for r, row in enumerate(rows) if row[2] == "" and row[3] == ""]
    story.append(
        grid_table(rows, [w * 0.14, w * 0.38, w * 0.14, w * 0.34], header=False, label_cols=(0, 2), span_rows=spans)
    )

    story.append(heading("二、已收取材料"))
    if data.materials:
        table = [["序号", "材料名称", "来源", "页数"]]
        table += [[str(i), m.name, m.source or "扫描件", str(m.pages)] for i, m in enumerate(data.materials, 1)]
        table.append(["", "合计", "", str(sum(m.pages for m in data.materials))])
        story.append(
            grid_table(table, [w * 0.08, w * 0.60, w * 0.18, w * 0.14], center_cols=(0, 2, 3),
                       extra=[("SPAN", (1, -1), (2, -1))])
        )
    else:
        story.append(para("本次申请未提交材料。"))

    story.append(heading("三、温馨提示"))
    phone = f"或拨打咨询电话 {data.phone} " if data.phone else ""
    story.extend(
        numbered(
            [
                f"请妥善保管本回执，凭办件编号可在任一跨域通办窗口{phone}查询办理进度。",
                "承诺办结时间按工作日计算；需要补正材料的，自材料补齐之日起重新计算。",
                "现场取件请携带本回执及申请人有效身份证件；快递寄送的请保持电话畅通。",
            ]
        )
    )
    story += [spacer(10), _signatures()]
    generated = data.generated_at or data.submitted_at
    return build_pdf(
        story,
        title=f"受理回执 - {data.application_number}",
        author=data.hall_name,
        subject=data.application_number,
        footer=f"{data.hall_name} · 受理回执 · {stamp_time(generated)} 打印",
    )


def _number_block(data: ReceiptData) -> Table:
    """The application number, large, over a Code 128 bar code of it."""
    s = styles()
    number = para(data.application_number, s.big_number)
    table = Table(
        [[para("办件编号", s.cell_center), number], ["", code128(data.application_number)]],
        colWidths=[CONTENT_WIDTH * 0.2, CONTENT_WIDTH * 0.8],
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("SPAN", (0, 0), (0, 1)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 1), (1, 1), "CENTER"),
                ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                ("LINEAFTER", (0, 0), (0, -1), 0.6, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f4f6f8")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _signatures() -> Table:
    s = styles()
    table = Table(
        [[para("申请人（签字）：", s.body), "", para("窗口工作人员（签字）：", s.body), ""]],
        colWidths=[CONTENT_WIDTH * 0.18, CONTENT_WIDTH * 0.27, CONTENT_WIDTH * 0.26, CONTENT_WIDTH * 0.29],
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("LINEBELOW", (1, 0), (1, 0), 0.6, colors.black),
                ("LINEBELOW", (3, 0), (3, 0), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        )
    )
    return table
