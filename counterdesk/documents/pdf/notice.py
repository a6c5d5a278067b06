"""The 一次性告知单 (one-time notice): every material still missing or refused, told all at once.

The point of the notice is that the citizen comes back once: it lists each material with what is
required of it and, for one refused at pre-check (预审), the reason it was refused.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from counterdesk.documents.pdf.layout import (
    CONTENT_WIDTH,
    WARN_HEX,
    build_pdf,
    escape,
    grid_table,
    heading,
    numbered,
    para,
    spacer,
    stamp_time,
    styles,
    title_block,
)
from counterdesk.documents.pdf.models import Issuer, NoticeData, NoticeItem, kind_label
from counterdesk.documents.pdf.official import long_date, number_with_qr, sign_and_seal
from counterdesk.documents.pdf.rendered import RenderedPdf, rendered
from counterdesk.domain.text import required_label


def render_notice(data: NoticeData) -> RenderedPdf:
    """The one-time notice PDF listing everything the citizen still has to bring."""
    s = styles()
    w = CONTENT_WIDTH
    story: list[Flowable] = [*title_block("一次性告知单", data.hall_name)]
    if data.application_number:
        story.append(number_with_qr(data.application_number))
    facts = [["事项名称", data.matter_name, "", ""], ["办理地点", data.location, "办件编号", data.application_number or "—"]]
    story.append(
        grid_table(facts, [w * 0.14, w * 0.36, w * 0.14, w * 0.36], header=False, label_cols=(0, 2),
                   span_rows=(0,))
    )
    story.append(spacer(3))
    story.append(para(_opening(data), s.body))
    if data.reason:
        story.append(para(f"补正原因：{data.reason}", s.body))
    if data.items:
        story.append(heading("需补齐或更正的材料"))
        rows = [["序号", "材料名称", "原件/复印件", "份数", "情况", "要求与说明"]]
        rows += [_row(i, item) for i, item in enumerate(data.items, 1)]
        story.append(
            grid_table(rows, [w * 0.06, w * 0.30, w * 0.14, w * 0.06, w * 0.12, w * 0.32], center_cols=(0, 2, 3, 4))
        )

    story.append(heading("办理须知"))
    notes = [
        "补齐材料后，可到任一跨域通办窗口继续办理，无需重新排队取号。",
        "复印件请使用 A4 纸，原件经窗口核验后当场退还。",
    ]
    if data.deadline:
        notes.insert(0, f"请于 {long_date(data.deadline)}前补齐上述材料，逾期需重新提交申请。")
    if data.phone:
        notes.append(f"如有疑问，请拨打咨询电话 {data.phone}。")
    story.extend(numbered(notes))
    issuer = Issuer(body=data.hall_name, seal="业务专用章", window=data.window, clerk=data.clerk)
    story += [spacer(4), sign_and_seal(issuer, data.generated_at.date())]
    pdf = build_pdf(
        story,
        title=f"一次性告知单 - {data.matter_name}",
        author=data.hall_name,
        subject=data.application_number,
        footer=f"{data.hall_name} · 一次性告知单 · {stamp_time(data.generated_at)}",
    )
    return rendered(pdf, data)


def _opening(data: NoticeData) -> str:
    """The sentence under the facts: a numbered request, a draft's gaps, or nothing missing."""
    if data.notice_seq is not None:
        return (f"{data.applicant_name}：经审查，您申请办理的事项需补正以下 {len(data.items)} 项材料"
                f"（第 {data.notice_seq} 次补正告知）。请按本告知单的要求一次性准备齐全后提交。")
    if data.items:
        return (f"{data.applicant_name}：经窗口预审，您申请办理的事项还有以下 {len(data.items)} 项材料需要补齐或更正。"
                "请按本告知单的要求一次性准备齐全后再来办理。")
    return f"{data.applicant_name}：经窗口预审，您申请办理的事项材料已齐全，无需补正。"


def _row(index: int, item: NoticeItem) -> list:
    s = styles()
    if item.reason:
        state = "预审未通过"
        parts = [f"<font color='{WARN_HEX}'>未通过原因：{escape(item.reason)}</font>"]
    else:
        state = "缺少"
        parts = []
    if item.note:
        parts.append(escape(item.note))
    if not item.required:
        parts.append(f"{required_label(False)}：符合相应情形的请提供。")
    requirement = para("<br/>".join(parts) or "—", s.cell, markup=True)
    return [str(index), item.name, kind_label(item.kind), str(item.copies), state, requirement]

