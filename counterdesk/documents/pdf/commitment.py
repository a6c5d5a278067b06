"""The 容缺受理承诺书 (and 告知承诺书): what the applicant promises in place of papers, signed at the window.

容缺: each material missing at 受理 with the date by which it will be supplied, and what follows if
it is not. 告知承诺: each certificate a signed commitment replaces, and the check (核查) that may
follow. One paper for both when an application has both, so the applicant signs once.
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
from counterdesk.documents.pdf.models import CommitmentData, PromisedMaterial, kind_label
from counterdesk.documents.pdf.official import FACT_COLUMNS, long_date, number_with_qr, party_rows, sign_and_seal
from counterdesk.documents.pdf.rendered import RenderedPdf, rendered
from counterdesk.domain.clock import now


def render_commitment(data: CommitmentData) -> RenderedPdf:
    """The commitment PDF."""
    s = styles()
    w = CONTENT_WIDTH
    story: list[Flowable] = [*title_block(data.title, data.issuer.body)]
    if data.application_number:
        story.append(number_with_qr(data.application_number))
    story.append(spacer(2))
    received = stamp_time(data.received_at) if data.received_at else "提交后见收件凭证"
    rows = [
        ["事项名称", data.matter_name, "", ""],
        ["办理地点", data.location, "收件时间", received],
        *party_rows(data.party),
    ]
    if not data.application_number:
        rows.append(["办件编号", "提交后生成，见收件凭证", "", ""])
    spans = [r for r, row in enumerate(rows) if row[2] == "" and row[3] == ""]
    story.append(grid_table(rows, FACT_COLUMNS, header=False, label_cols=(0, 2), span_rows=spans))
    story.append(spacer(3))
    story.append(para(f"本人（单位）申请办理“{data.matter_name}”，下列材料未能在申请时提交，"
                      "现就其作出如下承诺：", s.body))
    part = iter("一二三四")
    if data.tolerated:
        story.append(heading(f"{next(part)}、容缺材料（受理后限期补交）"))
        table = [["序号", "材料名称", "原件/复印件", "份数", "补交期限"]]
        table += [[str(i), m.name, kind_label(m.kind), str(m.copies), _due(m, data)]
                  for i, m in enumerate(data.tolerated, 1)]
        story.append(grid_table(table, [w * 0.07, w * 0.38, w * 0.14, w * 0.07, w * 0.34], center_cols=(0, 2, 3)))
    if data.committed:
        story.append(heading(f"{next(part)}、以告知承诺代替的证明材料（事后核查）"))
        table = [["序号", "材料名称", "原件/复印件", "承诺内容"]]
        table += [[str(i), m.name, kind_label(m.kind), "所述情况真实，同意有关部门核查"]
                  for i, m in enumerate(data.committed, 1)]
        story.append(grid_table(table, [w * 0.07, w * 0.38, w * 0.14, w * 0.41], center_cols=(0, 2)))
    story.append(heading(f"{next(part)}、承诺事项"))
    promises = []
    if data.tolerated:
        promises += [
            "本人承诺在上述期限内补交容缺材料，补交的材料真实有效，与申请时所述情况一致。",
            "逾期未补交或补交的材料不符合要求的，同意暂停办理、暂不出具办理结果；已作出的决定可依法撤销，"
            "由此产生的后果由本人承担。",
        ]
    if data.committed:
        promises.append("以告知承诺代替的证明材料，本人承诺所述内容真实；经核查不属实的，同意依法撤销相关决定，"
                        "并承担相应法律责任，失信信息按规定记入信用记录。")
    phone = f"或拨打咨询电话 {data.phone} " if data.phone else ""
    promises.append(f"补交材料可到任一跨域通办窗口办理；凭办件编号（或扫描二维码）可在任一窗口{phone}查询补交情况。")
    story.extend(numbered(promises))
    generated = data.generated_at or data.received_at or now()
    story += [spacer(4), sign_and_seal(data.issuer, generated.date())]
    pdf = build_pdf(
        story,
        title=f"{data.title} - {data.application_number or data.matter_name}",
        author=data.issuer.body,
        subject=data.application_number,
        footer=f"{data.issuer.body} · {data.title} · {stamp_time(generated)} 打印",
    )
    return rendered(pdf, data)


def _due(material: PromisedMaterial, data: CommitmentData) -> str:
    """The deadline as printed: the date, and the working days it counts from 收件."""
    days = f"收件之日起 {material.days} 个工作日" if material.days else ""
    if material.due_on is None:
        return days or "—"
    when = f"{long_date(material.due_on)}前"
    if data.received_at is None:
        days = f"按今日收件计，{days}" if days else "按今日收件计"
    return f"{when}（{days}）" if days else when
