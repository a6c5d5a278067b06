"""The daily report (每日办件统计) supervisors print at the end of the day, from plain figures."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from counterdesk.documents.pdf.fonts import FONT
from counterdesk.documents.pdf.layout import (
    CONTENT_WIDTH,
    MUTED,
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
from counterdesk.documents.pdf.models import ReportData
from counterdesk.documents.pdf.rendered import RenderedPdf, rendered

BAR = colors.HexColor("#2f5d8a")


def render_report(data: ReportData) -> RenderedPdf:
    """The daily report PDF: totals, the median time to acceptance, a chart and the breakdowns."""
    w = CONTENT_WIDTH
    day = f"{data.day.year}年{data.day.month}月{data.day.day}日"
    story: list[Flowable] = [*title_block("每日办件统计报表", f"{data.hall_name} · {day}")]
    story.append(
        grid_table(
            [["办件总数", f"{data.total} 件", "提交至受理中位时长", median_label(data.median_accept_minutes)],
             ["当日办结", f"{data.completed} 件", "按期办结率", rate_label(data.on_time_rate)]],
            [w * 0.16, w * 0.24, w * 0.26, w * 0.34],
            header=False,
            label_cols=(0, 2),
        )
    )
    story.append(heading("一、按办件状态"))
    side = Table(
        [[_bar_chart(data.by_status, w * 0.58),
          _breakdown(["状态", "件数"], data.by_status, data.total, w * 0.40, ordered=True)]],
        colWidths=[w * 0.60, w * 0.40],
    )
    side.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story.append(side)
    for title, label, rows in (
        ("二、按事项", "事项", data.by_matter),
        ("三、按办理地", "办理地", data.by_county),
        ("四、按窗口人员", "窗口人员", data.by_clerk),
    ):
        story.append(heading(title))
        story.append(_breakdown([label, "件数"], rows, data.total, w))
    story.append(heading("五、逾期办件"))
    if data.overdue:
        overdue: list[list[str]] = [["办件编号", "事项", "承诺办结", "逾期"]]
        overdue += [[number, matter, f"{due.year}年{due.month}月{due.day}日", "已过期限" if left == 0 else f"{-left} 个工作日"]
                    for number, matter, due, left in data.overdue]
        story.append(grid_table(overdue, [w * 0.30, w * 0.36, w * 0.18, w * 0.16], center_cols=(2, 3)))
    else:
        story.append(para("无逾期办件。"))
    story.append(heading("六、好差评"))
    if data.ratings and data.ratings[0][1] != "0":
        story.append(grid_table([["", "评价数", "好评率", "差评数", "差评整改率"], *data.ratings],
                                [w * 0.36, w * 0.16, w * 0.16, w * 0.16, w * 0.16], center_cols=(1, 2, 3, 4)))
    else:
        story.append(para("当日无评价。"))
    story.append(heading("七、来访"))
    visits = sum(count for _, count in data.visits)
    story.append(_breakdown(["来访结果", "次数"], [row for row in data.visits if row[1]], visits, w))
    if data.service:
        story.append(spacer(3))
        story.append(grid_table([["", "来访数", "平均服务时长", "服务时长 P90"], *data.service],
                                [w * 0.40, w * 0.20, w * 0.20, w * 0.20], center_cols=(1, 2, 3)))
    # The notes and the signatures close the report together: a page never starts with the signatures alone.
    closing: list[Flowable] = [heading("说明"), *numbered(data.notes)] if data.notes else []
    story.append(KeepTogether([*closing, *_signatures()]))
    pdf = build_pdf(
        story,
        title=f"每日办件统计报表 - {data.day:%Y-%m-%d}",
        author=data.hall_name,
        footer=f"{data.hall_name} · 每日办件统计报表 · {stamp_time(data.generated_at)} 生成",
    )
    return rendered(pdf, data)


def _signatures() -> list[Flowable]:
    """Who made the report and who checked it, each with a dated signature (制表人、审核人)."""
    s = styles()
    day = "日期：_____年___月___日"
    table = Table([[para("制表人：____________", s.body), para(day, s.body),
                    para("审核人：____________", s.body), para(day, s.body)]],
                  colWidths=[CONTENT_WIDTH * 0.23, CONTENT_WIDTH * 0.27, CONTENT_WIDTH * 0.23, CONTENT_WIDTH * 0.27])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [spacer(4), table]


def rate_label(rate: float | None) -> str:
    """按期办结率 as printed: 95.0%, or — when nothing was completed."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def median_label(minutes: float | None) -> str:
    """A duration for people: 45 分钟, 2 小时 5 分, 1 天 3 小时; a dash when there was none."""
    if minutes is None:
        return "—（当日无受理）"
    total = round(minutes)
    if total < 60:
        return f"{total} 分钟"
    hours, mins = divmod(total, 60)
    if hours < 24:
        return f"{hours} 小时 {mins} 分" if mins else f"{hours} 小时"
    days, hours = divmod(hours, 24)
    return f"{days} 天 {hours} 小时" if hours else f"{days} 天"


def _breakdown(head: list[str], rows: Sequence[tuple[str, int]], total: int, width: float, *,
               ordered: bool = False) -> Flowable:
    """A count-and-share table, most frequent first; ``ordered`` keeps the rows' own order (the statuses
    in the workflow's order, as the chart beside them)."""
    if not rows:
        return para("当日无数据。")
    if not ordered:
        rows = sorted(rows, key=lambda r: (-r[1], r[0]))
    table = [[*head, "占比"]]
    table += [[label, str(count), _share(count, total)] for label, count in rows]
    # "100.0%" must fit on one line, also in the narrow table beside the chart.
    count_width, share_width = max(width * 0.16, 12 * mm), max(width * 0.20, 20 * mm)
    return grid_table(table, [width - count_width - share_width, count_width, share_width], center_cols=(1, 2))


def _share(count: int, total: int) -> str:
    return f"{count * 100 / total:.1f}%" if total else "—"


def _bar_chart(rows: Sequence[tuple[str, int]], width: float) -> Drawing:
    height = 46 * mm
    drawing = Drawing(width, height)
    # The renderer otherwise opens every drawing in Helvetica, a font this PDF does not embed.
    drawing.initialFontName = FONT  # type: ignore[attr-defined]  # read by reportlab's renderer; not in its stubs
    if not rows:
        drawing.add(String(width / 2, height / 2, "当日无办件", fontName=FONT, fontSize=10,
                           fillColor=MUTED, textAnchor="middle"))
        return drawing
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 28
    chart.width, chart.height = width - 40, height - 40  # type: ignore[assignment]  # stubs say int; any number works
    chart.data = [[count for _, count in rows]]
    chart.categoryAxis.categoryNames = [label for label, _ in rows]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8.5
    chart.categoryAxis.labels.dy = -4
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    peak = max(count for _, count in rows)
    chart.valueAxis.valueStep = max(1, -(-peak // 5))
    chart.valueAxis.valueMax = max(chart.valueAxis.valueStep * 5, 1)
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#d0d5db")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 8
    chart.barLabels.nudge = 6
    drawing.add(chart)
    return drawing
