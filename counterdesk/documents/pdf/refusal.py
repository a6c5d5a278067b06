"""The 不予受理通知书: the reason for the refusal and the citizen's remedies against it.

The remedies are the law's: 行政复议 within 60 days of learning of the decision (行政复议法 §20)
and 行政诉讼 within six months (行政诉讼法 §46).
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from counterdesk.documents.pdf.layout import (
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
from counterdesk.documents.pdf.models import RefusalData
from counterdesk.documents.pdf.official import (
    FACT_COLUMNS,
    number_with_qr,
    party_rows,
    sign_and_seal,
)
from counterdesk.documents.pdf.rendered import RenderedPdf, rendered

REVIEW_DAYS = 60
LAWSUIT_MONTHS = 6


def render_refusal(data: RefusalData) -> RenderedPdf:
    """The refusal notice PDF."""
    s = styles()
    story: list[Flowable] = [*title_block("不予受理通知书", data.issuer.body), number_with_qr(data.application_number)]
    story.append(spacer(2))
    story.append(para(f"{data.party.name}：您于 {stamp_time(data.received_at)} 提交的“{data.matter_name}”申请，"
                      "经审查，决定不予受理。理由如下：", s.body))
    story.append(para(data.reason or "—", s.body))
    story.append(heading("一、办件信息"))
    rows = [
        ["事项名称", data.matter_name, "", ""],
        ["办理地点", data.location, "收件时间", stamp_time(data.received_at)],
        *party_rows(data.party),
        ["决定时间", stamp_time(data.refused_at), "", ""],
    ]
    spans = [r for r, row in enumerate(rows) if row[2] == "" and row[3] == ""]
    story.append(
        grid_table(rows, FACT_COLUMNS, header=False, label_cols=(0, 2), span_rows=spans)
    )
    story.append(heading("二、救济途径"))
    story.extend(numbered([
        f"如对本决定不服，可以自收到本通知书之日起 {REVIEW_DAYS} 日内向{data.review_body}申请行政复议；",
        f"也可以自收到本通知书之日起 {LAWSUIT_MONTHS} 个月内向{data.court}提起行政诉讼。",
        "具备条件后，可以重新提出申请。" + (f"如有疑问，请拨打咨询电话 {data.phone}。" if data.phone else ""),
    ]))
    generated = data.generated_at or data.refused_at
    story += [spacer(4), sign_and_seal(data.issuer, generated.date())]
    pdf = build_pdf(
        story,
        title=f"不予受理通知书 - {data.application_number}",
        author=data.issuer.body,
        subject=data.application_number,
        footer=f"{data.issuer.body} · 不予受理通知书 · {stamp_time(generated)} 打印",
    )
    return rendered(pdf, data)
