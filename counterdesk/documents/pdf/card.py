"""The 明白卡 (clarity card): one page telling the citizen exactly what this matter needs from them.

Set denser than the notices (smaller type, tighter cells) so the facts, the situation, up to seven
materials and the process fit one A4 page. Each section but the material list is kept whole, so a
card that runs longer (the legal basis, the FAQ) breaks between sections, never two lines in; the
list itself (a generic card's may fill a page) breaks between rows, with the sections after it following.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Table, TableStyle

from counterdesk.documents.pdf.codes import qr_code
from counterdesk.documents.pdf.fonts import FONT
from counterdesk.documents.pdf.layout import (
    CONTENT_WIDTH,
    MUTED,
    TITLE_RED,
    build_pdf,
    escape,
    grid_table,
    para,
    stamp_time,
    styles,
)
from counterdesk.documents.pdf.models import CardData, CardMaterial, kind_label
from counterdesk.documents.pdf.rendered import RenderedPdf, rendered
from counterdesk.domain.guidance import TOLERATED_LABEL
from counterdesk.domain.text import REQUIRED_HEADING, required_label

QR_MM = 27
QR_BYTES = 480
"""What the QR code may hold (UTF-8): at most a version 17 code, whose modules stay 0.29 mm wide at ``QR_MM``."""
QR_CAPTION = "扫码存下材料清单和电话"
NUMERALS = "一二三四五六七八九十"
MATERIALS = "申请材料清单"
MATERIALS_START = 40 * mm
"""Room the material list needs to start on a page: its heading, the table's header and two rows."""


def render_card(data: CardData) -> RenderedPdf:
    """The 明白卡 PDF for one matter and place: for the citizen's answers, or the generic card for the rack."""
    sections = [
        ("基本信息", _facts(data)),
        ("办事情形（按您的情况对照）" if data.generic else "您的办事情形", _situation(data)),
        (MATERIALS, _materials(data)),
        ("受理条件", _numbered(data.conditions)),
        ("办理流程", _numbered(data.process)),
        ("设定依据", _numbered(data.legal_basis, small=True)),
        ("常见问题", _faq(data.faq)),
    ]
    story: list[Flowable] = [_header(data)]
    present = [(title, body) for title, body in sections if body]
    for n, (title, body) in enumerate(present):
        heading = para(f"{NUMERALS[n]}、{title}", _style("heading"))
        if title == MATERIALS:
            # The list may be longer than a page: it may break between rows (its header repeats),
            # once its first rows have room here.
            story += [CondPageBreak(MATERIALS_START), heading, *body]
        else:
            story.append(KeepTogether([heading, *body]))
    pdf = build_pdf(
        story,
        title=f"明白卡 - {data.matter_name}",
        author=data.hall_name,
        subject=f"{data.matter_code} · {data.county_code}",
        footer=f"{data.hall_name} · {'通用明白卡' if data.generic else '明白卡'} · {stamp_time(data.generated_at)} 生成"
               " · 政策如有调整，以窗口受理时的要求为准",
    )
    return rendered(pdf, data)


def time_limit_label(days: int) -> str:
    """承诺时限 as printed: 即办 for zero days, otherwise N 个工作日."""
    return "即办（当场办结）" if days <= 0 else f"{days} 个工作日"


def card_qr_text(data: CardData) -> str:
    """What the card's QR code holds: plain text a phone shows and keeps (see README, "The 明白卡").

    The matter, the place, the phone to call and the time limit, then the numbered materials as far
    as ``QR_BYTES`` allows (the rest counted), then the hall. No personal data, no internal code.
    """
    lines = [f"明白卡：{data.matter_name}", f"地点：湖南省{data.place_name}", f"电话：{data.phone or '请到窗口咨询'}",
             f"时限：{time_limit_label(data.time_limit_days)}", "材料（视情形）：" if data.generic else "材料："]
    for n, material in enumerate(data.materials, 1):
        line = f"{n}.{material.name}" + ("（容缺）" if material.tolerated else "")
        rest = f"……共{len(data.materials)}项，详见明白卡"
        if _size([*lines, line, rest]) > QR_BYTES and n < len(data.materials):
            lines.append(rest)
            break
        lines.append(line)
    if not data.materials:
        lines[-1] = "材料：无需提交"
    if _size([*lines, data.hall_name]) <= QR_BYTES:
        lines.append(data.hall_name)
    return "\n".join(lines)


def _size(lines: Sequence[str]) -> int:
    return len("\n".join(lines).encode())


def _style(name: str) -> ParagraphStyle:
    return _dense()[name]


@functools.cache
def _dense() -> dict[str, ParagraphStyle]:
    """The card's dense styles, derived once from the shared ones."""
    s = styles()
    return {
        "heading": ParagraphStyle("card_heading", parent=s.heading, fontSize=11, leading=14, spaceBefore=4,
                                  spaceAfter=2),
        "body": ParagraphStyle("card_body", parent=s.body, fontSize=9, leading=12.5, spaceAfter=0.5),
        "numbered": ParagraphStyle("card_numbered", parent=s.body, fontSize=9, leading=12.5, spaceAfter=0.5,
                                   leftIndent=13, firstLineIndent=-13),
        "small": ParagraphStyle("card_small", parent=s.body, fontSize=8, leading=11, textColor=MUTED,
                                leftIndent=13, firstLineIndent=-13),
        "answer": ParagraphStyle("card_answer", parent=s.body, fontSize=8.5, leading=11.5, textColor=MUTED,
                                 leftIndent=13, spaceAfter=1.5),
        "cell": ParagraphStyle("card_cell", parent=s.cell, fontSize=9, leading=12),
        "center": ParagraphStyle("card_center", parent=s.cell_center, fontSize=9, leading=12),
        "head": ParagraphStyle("card_head", parent=s.cell_head, fontSize=9, leading=12),
        "caption": ParagraphStyle("card_caption", parent=s.cell_note, fontSize=6.5, leading=8, alignment=1),
    }


def _table(rows: list[list[str | Flowable]], widths: Sequence[float], **options) -> Table:
    return grid_table(rows, [CONTENT_WIDTH * w for w in widths], dense=(_style("cell"), _style("center"),
                                                                          _style("head")), **options)


def _facts(data: CardData) -> list[Flowable]:
    legal = "—" if data.legal_time_limit_days is None else time_limit_label(data.legal_time_limit_days)
    rows: list[list[str | Flowable]] = [
        ["办理地点", _location(data), "办理模式", data.mode_label],
        ["承诺时限", time_limit_label(data.time_limit_days), "法定时限", legal],
        ["收费标准", data.fee or "不收费", "咨询电话", data.phone or "—"],
    ]
    if data.departments:
        rows.append(["办理部门", departments_line(data.departments), "", ""])
    if data.office:
        rows.append(["办理机构", data.office, "", ""])
    spans = [r for r, row in enumerate(rows) if row[2] == "" and row[3] == ""]
    body: list[Flowable] = [_table(rows, (0.13, 0.39, 0.13, 0.35), header=False, label_cols=(0, 2), span_rows=spans)]
    if data.office:
        body.append(para("本事项须由申请人本人到上述办理机构现场办理，跨域通办窗口不能代收。请携带以下材料前往。",
                         _style("body")))
    return body


def departments_line(departments: Sequence[tuple[str, str]]) -> str:
    """Each department once, with the items it handles: 县级人社局（认定、补贴申领）；县级税务局（…）."""
    grouped: dict[str, list[str]] = {}
    for item, department in departments:
        grouped.setdefault(department, []).append(item)
    return "；".join(f"{department}（{'、'.join(items)}）" for department, items in grouped.items())


def _situation(data: CardData) -> list[Flowable]:
    if not data.situation:
        return [para("本事项无需选择办事情形，以下材料适用于所有申请人。", _style("body"))]
    head = "可选情形（窗口将逐项询问）" if data.generic else "您的选择"
    rows: list[list[str | Flowable]] = [["序号", "问题", head]]
    rows += [[str(i), q, a] for i, (q, a) in enumerate(data.situation, 1)]
    return [_table(rows, (0.06, 0.52, 0.42), center_cols=(0,))]


def _materials(data: CardData) -> list[Flowable]:
    if not data.materials:
        return [para("本事项在您的情形下无需提交材料。", _style("body"))]
    rows: list[list[str | Flowable]] = [["序号", "材料名称及要求", "原件/复印件", "份数", REQUIRED_HEADING]]
    for i, m in enumerate(data.materials, 1):
        rows.append([str(i), _material_cell(m, data.generic), kind_label(m.kind), str(m.copies),
                     _requirement(m, data.generic)])
    body: list[Flowable] = []
    if data.generic:
        body.append(para("本卡为通用版：注明“适用”的材料只在相应情形下提交，其余材料每位申请人都要提交。"
                         "窗口按您的情形核对后，可打印只列您所需材料的明白卡。", _style("body")))
    body.append(_table(rows, (0.06, 0.57, 0.12, 0.06, 0.19), center_cols=(0, 2, 3, 4)))
    return body


def _material_cell(m: CardMaterial, generic: bool) -> Flowable:
    """The name, then in grey: the note and the e-license that stands in; on a generic card also when it
    applies and when it may be 容缺 or replaced by a 告知承诺 (a line each, the column has no room)."""
    notes = [m.note] if m.note else []
    if m.license:
        notes.append(f"可用“{m.license}”电子证照代替纸质材料。")
    lines = ["".join(notes)] if notes else []
    if generic and m.when:
        lines.append("适用：" + "；或".join(m.when))
    if generic and m.tolerable_when is not None:
        lines.append(("容缺：" + "；或".join(m.tolerable_when) + " 时，" if m.tolerable_when else "容缺：")
                     + "可签署承诺书先行受理，限期补交")
    if generic and m.commitment:
        lines.append("告知承诺：可签署告知承诺书代替，由部门事后核查")
    shown = [escape(m.name), *(f"<font size=8 color='#555555'>{escape(line)}</font>" for line in lines)]
    return para("<br/>".join(shown), _style("cell"), markup=True)


def _requirement(m: CardMaterial, generic: bool) -> str:
    """What the 是否必填 column says: 必填 / 选填, 容缺（受理后补交） for these answers, or on a generic
    card the marks that may apply."""
    if m.tolerated and not generic:
        return TOLERATED_LABEL
    marks = [required_label(m.required)]
    if generic and m.tolerable_when is not None:
        marks.append("可容缺")
    if m.commitment:
        marks.append("可告知承诺")
    return marks[0] if len(marks) == 1 else f"{marks[0]}（{'、'.join(marks[1:])}）"


def _numbered(items: Sequence[str], *, small: bool = False) -> list[Flowable]:
    style = _style("small" if small else "numbered")
    return [para(f"{i}. {text}", style) for i, text in enumerate(items, 1)]


def _faq(faq: Sequence[tuple[str, str]]) -> list[Flowable]:
    body: list[Flowable] = []
    for i, (q, a) in enumerate(faq, 1):
        body += [para(f"{i}. {q}", _style("numbered")), para(f"答：{a}", _style("answer"))]
    return body


def _header(data: CardData) -> Table:
    """Title centred on the page, the QR code with its caption at the right (balanced by an empty column)."""
    s = styles()
    side = (QR_MM + 4) * mm
    title = [
        para(data.matter_name, s.title),
        para(f"{'一件事一次办明白卡（通用版）' if data.generic else '一件事一次办明白卡'} · {data.audience_label} · "
             f"事项编码 {data.matter_code}", s.subtitle),
    ]
    qr = [qr_code(card_qr_text(data), QR_MM), para(QR_CAPTION, _style("caption"))]
    table = Table([["", title, qr]], colWidths=[side, CONTENT_WIDTH - 2 * side, side])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (2, 0), (2, 0), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, TITLE_RED),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _location(data: CardData) -> str:
    return f"湖南省{data.place_name}"
