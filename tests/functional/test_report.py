"""The daily report: the day's figures by status, matter, county and clerk, and the acceptance time."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import update

from counterdesk.domain.clock import now, today
from counterdesk.domain.errors import Forbidden
from counterdesk.services import ratings, report, workflow
from counterdesk.services.visits import record_visit
from counterdesk.store.models import Application
from tests.factories import submitted_application


def submitted_minutes_ago(session, application_id: int, minutes: int) -> None:
    """Pretend the application came in ``minutes`` ago (the application row is not append-only)."""
    session.exec(update(Application).where(Application.id == application_id)
                 .values(submitted_at=now() - timedelta(minutes=minutes)))
    session.commit()


@pytest.fixture
def day_figures(session, supervisor, clerk, other_clerk, catalog, settings):
    """Window 3 took three (accepted after 10, 30 and 50 minutes), window 5 one still waiting."""
    for minutes in (10, 30, 50):
        made = submitted_application(session, clerk, catalog, settings)
        submitted_minutes_ago(session, made.id, minutes)
        workflow.advance(session, actor=supervisor, number_or_id=made.id, to_status="accepted")
    submitted_application(session, other_clerk, catalog, settings)
    return report.daily_report(session, day=today(), catalog=catalog)


def test_report_counts_the_day_by_status_matter_county_and_clerk(day_figures):
    assert day_figures.total == 4
    assert [(t.code, t.label, t.count) for t in day_figures.by_status] == [("received", "已收件", 1),
                                                                            ("accepted", "已受理", 3)]
    assert [(t.label, t.count) for t in day_figures.by_matter] == [("我要申请认定为就业困难人员", 4)]
    assert [(t.label, t.count) for t in day_figures.by_county] == [("平江县", 4)]
    assert [(t.label, t.count) for t in day_figures.by_clerk] == [("李娜（c03）", 3), ("周强（c05）", 1)]


def test_median_time_from_submission_to_acceptance(day_figures):
    assert day_figures.accepted == 3
    assert day_figures.median_accept_minutes == pytest.approx(30, abs=1)


def test_a_day_without_acceptances_has_no_median(session, clerk, catalog, settings):
    submitted_application(session, clerk, catalog, settings)
    figures = report.daily_report(session, day=today(), catalog=catalog)
    assert (figures.total, figures.accepted, figures.median_accept_minutes) == (1, 0, None)


def test_csv_has_one_line_per_figure(day_figures):
    rows = list(csv.reader(io.StringIO(report.render_csv(day_figures))))
    assert rows[0] == ["section", "code", "label", "count"]
    assert ["status", "accepted", "已受理", "3"] in rows
    assert ["clerk", "c05", "周强（c05）", "1"] in rows
    [median] = [row for row in rows if row[:2] == ["accept", "median_minutes"]]
    assert float(median[3]) == pytest.approx(30, abs=1)
    assert ["clock", "on_time_rate", "按期办结率", ""] in rows


def test_the_renderer_gets_labels_and_counts(day_figures):
    data = report.report_data(day_figures)
    assert data.total == 4 and data.by_status == [("已收件", 1), ("已受理", 3)]
    assert data.median_accept_minutes == day_figures.median_accept_minutes


def test_only_a_supervisor_reads_the_report(session, clerk):
    with pytest.raises(Forbidden):
        report.daily_report(session, day=today(), actor=clerk)


def test_report_pdf_is_rendered_with_the_days_figures(day_figures):
    from pypdf import PdfReader

    pdf = report.render_pdf(day_figures)
    reader = PdfReader(io.BytesIO(pdf))
    assert pdf.startswith(b"%PDF") and len(reader.pages) >= 1
    assert "每日办件统计报表" in reader.pages[0].extract_text()


@pytest.fixture
def rated_day(session, supervisor, clerk, other_clerk, catalog, settings):
    """Window 3: two applications rated 非常满意 and 不满意 (the 差评 reviewed); window 5: one 满意;
    and three visits (two 咨询 at window 3, one 帮办 at window 5)."""
    scores = [(clerk, 5), (clerk, 2), (other_clerk, 4)]
    for actor, score in scores:
        made = submitted_application(session, actor, catalog, settings)
        asked = ratings.request_rating(session, actor=actor, application_id=made.id)
        ratings.rate(session, rating_id=asked.id, score=score, reasons=("slow",) if score == 2 else ())
    [case] = ratings.cases(session)
    for step, actor in (("callback", clerk), ("rectify", clerk), ("review", supervisor)):
        ratings.advance_case(session, actor=actor, case_id=case["id"], step=step, text="已处理")
    for actor, outcome in ((clerk, "consult"), (clerk, "consult"), (other_clerk, "assist")):
        record_visit(session, actor=actor, catalog=catalog, outcome=outcome)
    return report.daily_report(session, day=today(), catalog=catalog)


def test_report_gives_good_rate_bad_ratings_and_rectification_per_window_and_clerk(rated_day):
    lines = {(line.kind, line.code): line for line in rated_day.ratings}
    hall = lines[("hall", "")]
    assert (hall.ratings, hall.bad, hall.good_rate, hall.rectify_rate) == (3, 1, 66.7, 100.0)
    assert (lines[("window", "3")].good_rate, lines[("window", "5")].good_rate) == (50.0, 100.0)
    assert lines[("clerk", "c03")].label == "李娜（c03）" and lines[("clerk", "c05")].rectify_rate is None


def test_report_counts_visits_by_outcome_with_service_times(rated_day):
    assert {t.code: t.count for t in rated_day.visits} == {"consult": 2, "assist": 1, "receive": 0, "notify": 0,
                                                            "refer": 0, "failed": 0}
    windows = {line.code: line for line in rated_day.service if line.kind == "window"}
    assert windows["3"].visits == 2 and windows["3"].label == "3 号窗口" and windows["3"].p90_minutes >= 0


def test_csv_and_pdf_carry_the_good_rate_and_the_visits(rated_day):
    from pypdf import PdfReader

    rows = list(csv.reader(io.StringIO(report.render_csv(rated_day))))
    assert ["rating_hall", "good_rate", "全大厅 好评率（%）", "66.7"] in rows
    assert ["rating_window", "3.bad", "3 号窗口 差评数", "1"] in rows
    assert ["visits", "consult", "咨询", "2"] in rows
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.render_pdf(rated_day))).pages)
    assert "好差评" in text and "66.7%" in text and "帮办" in text
