"""The 受理通知书: the 办理地 accepted the application; the legal clock runs from here."""

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
from counterdesk.documents.pdf.models import AcceptanceData
from counterdesk.documents.pdf.official import (
    FACT_COLUMNS,
    long_date,
    number_with_qr,
    party_rows,
    sign_and_seal,
)
from counterdesk.documents.pdf.rendered import RenderedPdf, rendered


def promised_text(data: AcceptanceData) -> str:
    """即办, or the promised date (with a word when the holiday calendar did not cover it)."""
    if data.promised_date is None:
        return "即办"
    text = f"{long_date(data.promised_date)}（{data.time_limit_days} 个工作日）"
    if not data.holidays_counted:
        text += "，未计节假日"
    return text


def render_acceptance(data: AcceptanceData) -> RenderedPdf:
    """The acceptance notice PDF."""
    promised = promised_text(data)
    story: list[Flowable] = [*title_block("受理通知书", data.issuer.body), number_with_qr(data.application_number)]
    story.append(spacer(2))
    if data.promised_date is None:
        decision = "经审查，申请材料齐全、符合法定形式，决定予以受理，即时办结。"
    else:
        decision = f"经审查，申请材料齐全、符合法定形式，决定予以受理，承诺于 {long_date(data.promised_date)}前办结。"
    story.append(para(f"{data.party.name}：您于 {stamp_time(data.received_at)} 提交的“{data.matter_name}”申请，"
                      f"{decision}", styles().body))
    story.append(heading("一、受理信息"))
    rows = [
        ["事项名称", data.matter_name, "", ""],
        ["办理地点", data.location, "收件时间", stamp_time(data.received_at)],
        *party_rows(data.party),
        ["受理时间", stamp_time(data.accepted_at), "承诺办结", promised],
    ]
    spans = [r for r, row in enumerate(rows) if row[2] == "" and row[3] == ""]
    story.append(
        grid_table(rows, FACT_COLUMNS, header=False, label_cols=(0, 2), span_rows=spans)
    )
    story.append(heading("二、告知事项"))
    phone = f"或拨打咨询电话 {data.phone} " if data.phone else ""
    story.extend(numbered([
        "办理时限按工作日计算，不含法定节假日；需要补正材料、听证、现场勘查、专家评审或公示的，所需时间不计入办理时限。",
        f"凭办件编号（或扫描二维码）可在任一跨域通办窗口{phone}查询办理进度。",
        "办结后按您选择的取件方式领取结果；现场领取请携带本通知书及有效身份证件。",
    ]))
    generated = data.generated_at or data.accepted_at
    story += [spacer(4), sign_and_seal(data.issuer, generated.date())]
    pdf = build_pdf(
        story,
        title=f"受理通知书 - {data.application_number}",
        author=data.issuer.body,
        subject=data.application_number,
        footer=f"{data.issuer.body} · 受理通知书 · {stamp_time(generated)} 打印",
    )
    return rendered(pdf, data)
