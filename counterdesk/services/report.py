"""The daily report (日报): the day's applications by status, matter, county and clerk.

Counted over the applications submitted on the day, each in the status it has now, and the
median time from submission to the first acceptance (受理用时); then the day's ratings (好评率,
差评数, 差评整改率 per window and clerk), its visits by outcome and their service times. Aggregates
only: the report carries no personal data, so it needs no masking.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, select

from counterdesk.domain.clock import CST, local, now
from counterdesk.domain.errors import Forbidden
from counterdesk.domain.text import spreadsheet_row
from counterdesk.domain.visits import OUTCOMES
from counterdesk.domain.windows import window_label
from counterdesk.domain.workflow import Status, status_label
from counterdesk.services import deadlines
from counterdesk.services import ratings as rating_service
from counterdesk.services import visits as visit_service
from counterdesk.services.hall import get_hall
from counterdesk.services.queue import Names, staff_names, status_order
from counterdesk.services.staff import Actor
from counterdesk.store.models import Application, StatusEvent, present

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog
    from counterdesk.documents.pdf.models import ReportData
    from counterdesk.documents.pdf.rendered import RenderedPdf

_T = TypeVar("_T")

SECTIONS = {"status": "状态", "matter": "事项", "county": "区县", "clerk": "经办人"}
"""The report's breakdowns, in printed order."""


@dataclass(frozen=True)
class Tally:
    """One line of a breakdown: a code, its label and how many applications."""

    code: str
    label: str
    count: int


@dataclass(frozen=True)
class OverdueLine:
    """An application past its promised date while its clock still runs (逾期清单)."""

    number: str
    matter: str
    due_date: date
    remaining: int
    """Working days left: 0 or negative."""


@dataclass(frozen=True)
class RatingLine:
    """好差评 of the hall (``kind`` hall), a window or a clerk on the day."""

    kind: str
    code: str
    label: str
    ratings: int
    good: int
    bad: int
    rectified: int

    @property
    def good_rate(self) -> float | None:
        """好评率, as a percentage (None without ratings)."""
        return round(self.good * 100 / self.ratings, 1) if self.ratings else None

    @property
    def rectify_rate(self) -> float | None:
        """差评整改率: reviewed cases over bad ratings, as a percentage (None without 差评)."""
        return round(self.rectified * 100 / self.bad, 1) if self.bad else None


@dataclass(frozen=True)
class ServiceLine:
    """Visits of a window or a clerk and their service time (call to outcome), in minutes."""

    kind: str
    code: str
    label: str
    visits: int
    average_minutes: float
    p90_minutes: float


@dataclass(frozen=True)
class DailyReport:
    """The day's figures."""

    hall_name: str
    day: date
    total: int
    by_status: list[Tally]
    by_matter: list[Tally]
    by_county: list[Tally]
    by_clerk: list[Tally]
    accepted: int
    """How many of the day's applications have been accepted (the median's sample)."""
    median_accept_minutes: float | None
    """Median minutes from submission to the first acceptance; None when nothing was accepted."""
    completed: int = 0
    """Applications completed (办结) on the day, whatever day they were submitted."""
    completed_on_time: int = 0
    overdue: list[OverdueLine] = field(default_factory=list)
    ratings: list[RatingLine] = field(default_factory=list)
    """The hall first, then each window, then each clerk."""
    visits: list[Tally] = field(default_factory=list)
    """Every visit outcome, in the counter's order, zero included."""
    service: list[ServiceLine] = field(default_factory=list)
    generated_at: datetime = field(default_factory=now)

    @property
    def on_time_rate(self) -> float | None:
        """按期办结率: completed on the day by their due date, as a share (None when none was completed)."""
        return round(self.completed_on_time / self.completed, 4) if self.completed else None

    def breakdowns(self) -> dict[str, list[Tally]]:
        """The four breakdowns by section key (see SECTIONS)."""
        return {"status": self.by_status, "matter": self.by_matter, "county": self.by_county,
                "clerk": self.by_clerk}

    def to_dict(self) -> dict[str, Any]:
        """The ``counterdesk report --json`` form."""
        return {
            "hall": self.hall_name, "date": self.day.isoformat(), "total": self.total,
            **{f"by_{key}": [{"code": t.code, "label": t.label, "count": t.count} for t in tallies]
               for key, tallies in self.breakdowns().items()},
            "accepted": self.accepted, "median_accept_minutes": self.median_accept_minutes,
            "completed": self.completed, "completed_on_time": self.completed_on_time,
            "on_time_rate": self.on_time_rate,
            "overdue": [{"number": o.number, "matter": o.matter, "due_date": o.due_date.isoformat(),
                         "remaining_workdays": o.remaining} for o in self.overdue],
            "ratings": [{"kind": r.kind, "code": r.code, "label": r.label, "ratings": r.ratings,
                         "good_rate": r.good_rate, "bad": r.bad, "rectify_rate": r.rectify_rate} for r in self.ratings],
            "visits": [{"code": t.code, "label": t.label, "count": t.count} for t in self.visits],
            "service": [{"kind": s.kind, "code": s.code, "label": s.label, "visits": s.visits,
                         "average_minutes": s.average_minutes, "p90_minutes": s.p90_minutes} for s in self.service],
        }


def _tallies(pairs: Iterable[tuple[str | None, int]], label: Callable[[str], str]) -> list[Tally]:
    """Most frequent first, then by code, so the report reads the same every time."""
    return sorted((Tally(code or "", label(code or ""), n) for code, n in pairs), key=lambda t: (-t.count, t.code))


def _minutes(start: datetime, end: datetime) -> float:
    return (local(end) - local(start)).total_seconds() / 60


def daily_report(session: Session, *, day: date, catalog: Catalog | None = None,
                 actor: Actor | None = None) -> DailyReport:
    """The figures of ``day``. ``actor`` None is the hall machine's command line."""
    if actor is not None and not actor.is_supervisor:
        raise Forbidden("只有值班长可以查看日报。", code="role")
    names = Names(catalog)
    staff = staff_names(session)
    of_day = Application.submitted_on == day

    def grouped(column: Mapped[_T]) -> Sequence[tuple[_T, int]]:
        return session.exec(select(column, func.count()).where(of_day).group_by(column)).all()

    by_status = sorted(grouped(col(Application.status)), key=lambda pair: status_order(pair[0]))
    accept_times = session.exec(
        select(Application.submitted_at, func.min(StatusEvent.at))
        .join(StatusEvent, col(StatusEvent.application_id) == Application.id)
        .where(of_day, StatusEvent.to_status == Status.ACCEPTED)
        .group_by(col(Application.id), col(Application.submitted_at))
    ).all()
    durations = [_minutes(start, end) for start, end in accept_times if start and end]
    report = DailyReport(
        hall_name=get_hall(session).name,
        day=day,
        total=sum(n for _, n in by_status),
        by_status=[Tally(code, status_label(code), n) for code, n in by_status],
        by_matter=_tallies(grouped(col(Application.matter_code)), lambda code: names.matter(code) or code),
        by_county=_tallies(grouped(col(Application.county_code)), lambda code: names.county(code) or code),
        by_clerk=_tallies(grouped(col(Application.clerk_id)),
                          lambda code: f"{staff[code]}（{code}）" if code in staff else code),
        accepted=len(durations),
        median_accept_minutes=round(statistics.median(durations), 1) if durations else None,
        **_clock_figures(session, day, catalog, names),
        ratings=_rating_lines(rating_service.day_summary(session, day), staff),
        visits=[Tally(code, OUTCOMES[code], n) for code, n in visit_service.counts_by_outcome(session, day).items()],
        service=[ServiceLine(kind, code, _who(kind, code, staff), *figures)
                 for kind, by_key in visit_service.service_times(session, day).items()
                 for code, figures in by_key.items()],
    )
    session.rollback()
    return report


OVERDUE_LISTED = 200
"""At most this many overdue applications are listed (the count is always whole)."""


def _clock_figures(session: Session, day: date, catalog: Catalog | None, names: Names) -> dict[str, Any]:
    """按期办结率 of the applications completed on ``day`` and the list of running clocks past due."""
    start = datetime.combine(day, time.min, CST)
    done = session.exec(
        select(Application.id, Application.matter_code).join(StatusEvent, col(StatusEvent.application_id) == Application.id)
        .where(StatusEvent.to_status == "completed", StatusEvent.at >= start, StatusEvent.at < start + timedelta(days=1))
    ).all()
    clock_catalog = deadlines.default_catalog(catalog)
    clocks = deadlines.clocks(session, [(present(a_id, "application id"), matter) for a_id, matter in done],
                              catalog=clock_catalog, as_of=day)
    late = session.exec(select(Application.id, Application.number, Application.matter_code)
                        .where(col(Application.due_date) < day)
                        .order_by(col(Application.due_date), col(Application.id)).limit(OVERDUE_LISTED)).all()
    # A due date is kept only while the clock runs, so each of these was submitted and is running.
    overdue = [(present(a_id, "application id"), present(number, "number of a running application"), matter)
               for a_id, number, matter in late]
    late_clocks = deadlines.clocks(session, [(a_id, matter) for a_id, _, matter in overdue], catalog=clock_catalog,
                                   as_of=day)
    return {
        "completed": len(clocks),
        "completed_on_time": sum(1 for c in clocks.values() if c.on_time is not False),
        "overdue": [OverdueLine(number, names.matter(matter) or matter,
                                present(late_clocks[a_id].due_date, "due date of a running clock"),
                                present(late_clocks[a_id].remaining, "days left on a running clock"))
                    for a_id, number, matter in overdue],
    }
def _who(kind: str, code: str, staff: dict[str, str]) -> str:
    if kind == "window":
        return window_label(int(code)) if code.isdigit() else code
    return f"{staff[code]}（{code}）" if code in staff else code


def _rating_lines(summary: dict[str, dict[str, Any]], staff: dict[str, str]) -> list[RatingLine]:
    windows = summary["window"]
    hall = {key: sum(entry[key] for entry in windows.values()) for key in ("ratings", "good", "bad", "rectified")}
    lines = [RatingLine("hall", "", "全大厅", **hall)]
    for kind in ("window", "clerk"):
        lines += [RatingLine(kind, code, _who(kind, code, staff), **entry)
                  for code, entry in sorted(summary[kind].items())]
    return lines


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value}"


def render_csv(report: DailyReport) -> str:
    """The report as CSV: one line per figure (section, code, label, count)."""
    out = io.StringIO()
    writer = csv.writer(out)
    rows: list[list[object]] = [["section", "code", "label", "count"],
                                ["total", "", f"{report.day.isoformat()} 合计", report.total]]
    for key, tallies in report.breakdowns().items():
        rows += [[key, tally.code, tally.label, tally.count] for tally in tallies]
    rows.append(["accept", "accepted", "已受理件数", report.accepted])
    rows.append(["accept", "median_minutes", "提交至受理用时中位数（分钟）",
                 "" if report.median_accept_minutes is None else report.median_accept_minutes])
    rows.append(["clock", "completed", "当日办结件数", report.completed])
    rows.append(["clock", "on_time_rate", "按期办结率", "" if report.on_time_rate is None else report.on_time_rate])
    rows += [["overdue", line.number, f"{line.matter}（承诺 {line.due_date.isoformat()}）", line.remaining]
             for line in report.overdue]
    for line in report.ratings:
        prefix = f"{line.code}." if line.code else ""
        rows += [[f"rating_{line.kind}", prefix + measure, f"{line.label} {label}", value]
                 for measure, label, value in (("ratings", "评价数", line.ratings),
                                               ("good_rate", "好评率（%）", _percent(line.good_rate)),
                                               ("bad", "差评数", line.bad),
                                               ("rectify_rate", "差评整改率（%）", _percent(line.rectify_rate)))]
    rows += [["visits", tally.code, tally.label, tally.count] for tally in report.visits]
    for service in report.service:
        rows += [[f"service_{service.kind}", f"{service.code}.{measure}", f"{service.label} {label}", value]
                 for measure, label, value in (("visits", "来访数", service.visits),
                                               ("average_minutes", "平均服务时长（分钟）", service.average_minutes),
                                               ("p90_minutes", "服务时长 P90（分钟）", service.p90_minutes))]
    # Labels are matter, county and staff names: text from outside, never formulas.
    writer.writerows(spreadsheet_row(row) for row in rows)
    return out.getvalue()


def report_data(report: DailyReport) -> ReportData:
    """The renderer's input (``documents.pdf.models.ReportData``)."""
    from counterdesk.documents.pdf.models import ReportData

    notes = ["按当日提交的办件统计，状态为生成报表时的当前状态。",
             "好评率为非常满意、满意、基本满意占当日评价的比例；差评整改率为已复核的差评占差评的比例。"]
    if report.accepted:
        notes.append(f"受理用时按提交至首次受理计算，样本 {report.accepted} 件。")
    notes.append("按期办结率按当日办结的办件（不论提交日期）计算：办结日不晚于承诺办结日期（扣除补正、特别程序，含延期）即为按期。")
    return ReportData(
        hall_name=report.hall_name, day=report.day, total=report.total,
        by_status=[(t.label, t.count) for t in report.by_status],
        by_matter=[(t.label, t.count) for t in report.by_matter],
        by_county=[(t.label, t.count) for t in report.by_county],
        by_clerk=[(t.label, t.count) for t in report.by_clerk],
        median_accept_minutes=report.median_accept_minutes,
        generated_at=report.generated_at, notes=notes,
        completed=report.completed, on_time_rate=report.on_time_rate,
        overdue=[(o.number, o.matter, o.due_date, o.remaining) for o in report.overdue],
        ratings=[[r.label, str(r.ratings), _shown_percent(r.good_rate), str(r.bad), _shown_percent(r.rectify_rate)]
                 for r in report.ratings],
        visits=[(t.label, t.count) for t in report.visits],
        service=[[s.label, str(s.visits), f"{s.average_minutes} 分钟", f"{s.p90_minutes} 分钟"] for s in report.service],
    )


def _shown_percent(value: float | None) -> str:
    return "—" if value is None else f"{value}%"


def render_pdf(report: DailyReport) -> RenderedPdf:
    """The report as a PDF with its chart."""
    from counterdesk.documents.pdf.report import render_report

    return render_report(report_data(report))
