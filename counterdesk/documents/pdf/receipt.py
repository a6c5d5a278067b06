"""The 收件凭证 (proof of receipt): the window received these papers — it has not accepted them.

Receiving is not accepting (收受分离): the 办理地 decides later and issues the 受理通知书 with the
promised date, or the 不予受理通知书. So this paper promises no date.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

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
from counterdesk.documents.pdf.models import ReceiptData, kind_label
from counterdesk.documents.pdf.official import (
    FACT_COLUMNS,
    number_with_qr,
    party_rows,
    sign_and_seal,
)
from counterdesk.documents.pdf.rendered import RenderedPdf, rendered


def render_receipt(data: ReceiptData) -> RenderedPdf:
    """The proof-of-receipt PDF for a submitted application."""
    w = CONTENT_WIDTH
    story: list[Flowable] = [*title_block("收件凭证", data.issuer.body), number_with_qr(data.application_number)]
    story.append(spacer(2))
    story.append(para(f"{data.party.name}：您申请办理的“{data.matter_name}”已于 {stamp_time(data.received_at)} "
                      "收件。本凭证仅证明窗口已收到下列材料，不表示已经受理；受理与否由办理地审查后决定，"
                      "受理的将出具受理通知书并载明承诺办结日期。", styles().body))
    story.append(heading("一、办件信息"))
    rows = [
        ["事项名称", data.matter_name, "", ""],
        ["办理地点", data.location, "收件时间", stamp_time(data.received_at)],
        *party_rows(data.party),
        ["取件方式", data.pickup_method, "受理状态", "已收件，待受理"],
        ["取件信息", data.pickup_detail or "—", "", ""],
    ]
    spans = [r for r, row in enumerate(rows) if row[2] == "" and row[3] == ""]
    story.append(
        grid_table(rows, FACT_COLUMNS, header=False, label_cols=(0, 2), span_rows=spans)
    )

    story.append(heading("二、已收取材料"))
    if data.materials:
        table = [["序号", "材料名称", "原件/复印件", "份数", "来源", "页数"]]
        table += [[str(i), m.name, kind_label(m.kind), str(m.copies), m.source or "扫描件", str(m.pages)]
                  for i, m in enumerate(data.materials, 1)]
        table.append(["", "合计", "", "", "", str(sum(m.pages for m in data.materials))])
        story.append(
            grid_table(table, [w * 0.07, w * 0.43, w * 0.14, w * 0.07, w * 0.17, w * 0.12],
                       center_cols=(0, 2, 3, 4, 5), extra=[("SPAN", (1, -1), (4, -1))])
        )
    else:
        story.append(para("本次申请未提交材料。"))

    story.append(heading("三、温馨提示"))
    phone = f"或拨打咨询电话 {data.phone} " if data.phone else ""
    story.extend(numbered([
        f"请妥善保管本凭证，凭办件编号（或扫描二维码）可在任一跨域通办窗口{phone}查询办理进度。",
        "办理时限自受理之日起按工作日计算；需要补正材料的，将出具一次性告知单。",
        "现场取件请携带本凭证及申请人有效身份证件；快递寄送的请保持电话畅通。",
    ]))
    generated = data.generated_at or data.received_at
    story += [spacer(4), sign_and_seal(data.issuer, generated.date())]
    pdf = build_pdf(
        story,
        title=f"收件凭证 - {data.application_number}",
        author=data.issuer.body,
        subject=data.application_number,
        footer=f"{data.issuer.body} · 收件凭证 · {stamp_time(generated)} 打印",
    )
    return rendered(pdf, data)
