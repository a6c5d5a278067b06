"""The 明白卡 (clarity card): one page telling the citizen exactly what this matter needs from them."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from counterdesk.documents.pdf.codes import card_qr_content, qr_code
from counterdesk.documents.pdf.fonts import FONT
from counterdesk.documents.pdf.layout import (
    CONTENT_WIDTH,
    build_pdf,
    escape,
    grid_table,
    heading,
    numbered,
    para,
    stamp_time,
    styles,
)
from counterdesk.documents.pdf.models import CardData, kind_label
from counterdesk.documents.pdf.rendered import RenderedPdf, rendered
from counterdesk.domain.text import REQUIRED_HEADING, required_label

QR_MM = 26


def render_card(data: CardData) -> RenderedPdf:
    """The 明白卡 PDF for one matter, place and set of situation answers."""
    s = styles()
    story: list[Flowable] = [_header(data)]

    story.append(heading("一、基本信息"))
    w = CONTENT_WIDTH
    story.append(
        grid_table(
            [
                ["事项名称", data.matter_name, "", ""],
                ["事项编码", data.matter_code, "服务类别", data.audience_label],
                ["办理地点", _location(data), "承诺时限", time_limit_label(data.time_limit_days)],
                ["收费标准", data.fee or "不收费", "咨询电话", data.phone or "—"],
                ["办理模式", data.mode_label, "", ""],
                *([["办理机构", data.office, "", ""]] if data.office else []),
            ],
            [w * 0.14, w * 0.40, w * 0.14, w * 0.32],
            header=False,
            label_cols=(0, 2),
            span_rows=(0, 4, 5) if data.office else (0, 4),
        )
    )
    if data.office:
        story.append(para("本事项须由申请人本人到上述办理机构现场办理，跨域通办窗口不能代收。请携带以下材料前往。",
                          s.cell))

    story.append(heading("二、您的办事情形"))
    if data.situation:
        rows = [["序号", "问题", "您的选择"]]
        rows += [[str(i), q, a] for i, (q, a) in enumerate(data.situation, 1)]
        story.append(grid_table(rows, [w * 0.08, w * 0.52, w * 0.40], center_cols=(0,)))
    else:
        story.append(para("本事项无需选择办事情形，以下材料适用于所有申请人。"))

    story.append(heading("三、申请材料清单"))
    if data.materials:
        materials: list[list[str | Flowable]] = [["序号", "材料名称及要求", "原件/复印件", "份数", REQUIRED_HEADING]]
        for i, m in enumerate(data.materials, 1):
            name: str | Flowable = m.name
            if m.note:
                name = para(f"{escape(m.name)}<br/><font size=8.5 color='#555555'>{escape(m.note)}</font>",
                            s.cell, markup=True)
            materials.append([str(i), name, kind_label(m.kind), str(m.copies), required_label(m.required)])
        story.append(
            grid_table(materials, [w * 0.08, w * 0.56, w * 0.14, w * 0.08, w * 0.14], center_cols=(0, 2, 3, 4))
        )
    else:
        story.append(para("本事项在您的情形下无需提交材料。"))

    if data.conditions:
        story.append(heading("四、受理条件"))
        story.extend(numbered(data.conditions))
    if data.process:
        story.append(heading("五、办理流程" if data.conditions else "四、办理流程"))
        story.extend(numbered(data.process))

    pdf = build_pdf(
        story,
        title=f"明白卡 - {data.matter_name}",
        author=data.hall_name,
        subject=card_qr_content(data.matter_code, data.county_code),
        footer=f"{data.hall_name} · 明白卡 · {stamp_time(data.generated_at)} 生成 · 政策如有调整，以窗口受理时的要求为准",
    )
    return rendered(pdf, data)


def time_limit_label(days: int) -> str:
    """承诺时限 as printed: 即办 for zero days, otherwise N 个工作日."""
    return "即办（当场办结）" if days <= 0 else f"{days} 个工作日"


def _header(data: CardData) -> Table:
    """Title centred on the page, the QR code at the right (balanced by an empty left column)."""
    s = styles()
    side = (QR_MM + 4) * mm
    title = [
        para(data.matter_name, s.title),
        para(f"一件事一次办明白卡 · {_location(data)} · {data.audience_label}", s.subtitle),
    ]
    qr = qr_code(card_qr_content(data.matter_code, data.county_code), QR_MM)
    table = Table([["", title, qr]], colWidths=[side, CONTENT_WIDTH - 2 * side, side])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (2, 0), (2, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, s.title.textColor),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _location(data: CardData) -> str:
    return f"湖南省{data.place_name}"
