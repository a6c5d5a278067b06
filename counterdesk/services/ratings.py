"""好差评: one rating per service, asked at the window, and the 差评 ledger that follows a bad one.

The window asks (``request_rating``) when a service ends; the rating pad of that window shows the
oldest pending request and the citizen rates (``rate``). A late rating by application number is
possible from the command line. The first rating wins: a second one for the same service is
refused, even when two pads answer at the same moment (the update only takes a row still unrated).
A 差评 opens a case: call-back (回访), rectification (整改) due in working days, review (复核) by a
supervisor, then the feedback to the citizen closes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy
from sqlalchemy import update
from sqlmodel import Session, col, select

from counterdesk.config import DEFAULT_CASE_DAYS
from counterdesk.domain.appno import parse_application_number
from counterdesk.domain.clock import local, now, today
from counterdesk.domain.errors import Forbidden, InvalidInput, NotFound
from counterdesk.domain.visits import BAD_SCORES, REASONS, SCORES, check_rating, is_overdue
from counterdesk.domain.workdays import WEEKENDS_ONLY, WorkCalendar, add_working_days
from counterdesk.services import audit
from counterdesk.services.staff import Actor
from counterdesk.store.models import Application, Rating, RatingCase, Staff, Visit, id_of, present

PENDING_FOR = timedelta(minutes=30)
"""A request the citizen walked away from stops showing on the pad after this long."""
CASE_STEPS = {
    "callback": ("open", "called_back", "callback_note", "回访记录"),
    "rectify": ("called_back", "rectified", "rectification", "整改情况"),
    "review": ("rectified", "reviewed", "review_note", "复核意见"),
    "feedback": ("reviewed", "closed", "feedback", "反馈内容"),
}
"""Ledger step → (status it needs, status it leaves, column, label)."""
CASE_LABELS = {"open": "待回访", "called_back": "待整改", "rectified": "待复核", "reviewed": "待反馈", "closed": "已办结"}


@dataclass(frozen=True)
class PendingRating:
    """What the pad shows: no personal data, only the service and who gave it."""

    id: int
    number: str | None
    matter_code: str | None
    clerk_name: str
    window: int | None


def request_rating(session: Session, *, actor: Actor, application_id: int | None = None,
                   visit_id: int | None = None) -> Rating:
    """Ask the citizen to rate this service on the window's pad (the same request when asked again)."""
    if (application_id is None) == (visit_id is None):
        raise InvalidInput("评价须对应一个办件或一次来访。", code="rating_target")
    column = Rating.application_id if application_id is not None else Rating.visit_id
    target = application_id if application_id is not None else visit_id
    existing = session.exec(select(Rating).where(column == target)).first()
    if existing is not None:
        return existing
    rating = Rating(application_id=application_id, visit_id=visit_id, window=actor.window, clerk_id=actor.id)
    session.add(rating)
    session.commit()
    session.refresh(rating)
    return rating


def pending_for_window(session: Session, window: int) -> PendingRating | None:
    """The oldest rating still waiting on this window's pad, if any."""
    since = now() - PENDING_FOR
    # SQLAlchemy's own select(): SQLModel's is typed for at most four columns.
    row = session.execute(
        sqlalchemy.select(Rating, col(Application.number), col(Application.matter_code), col(Visit.matter_code),
                          col(Staff.name))
        .join(Application, col(Rating.application_id) == Application.id, isouter=True)
        .join(Visit, col(Rating.visit_id) == Visit.id, isouter=True)
        .join(Staff, col(Rating.clerk_id) == Staff.id)
        .where(col(Rating.window) == window, col(Rating.score).is_(None), col(Rating.requested_at) >= since)
        .order_by(col(Rating.requested_at), col(Rating.id))
    ).first()
    if row is None:
        return None
    rating, number, matter, visit_matter, clerk = row
    return PendingRating(id_of(rating), number, matter or visit_matter, clerk, rating.window)


def score_of(session: Session, rating_id: int) -> int | None:
    """The score given, or None while the citizen has not rated (the success screen waits on it)."""
    return session.exec(select(Rating.score).where(Rating.id == rating_id)).first()


def rate(session: Session, *, rating_id: int, score: int, reasons: tuple[str, ...] = (), comment: str = "",
         channel: str = "pad", calendar: WorkCalendar = WEEKENDS_ONLY, case_days: int = DEFAULT_CASE_DAYS) -> Rating:
    """Store the citizen's rating; a 差评 opens its case. A service is rated once."""
    score, reasons, comment = check_rating(score, reasons, comment)
    moment = now()
    done = session.exec(
        update(Rating).where(col(Rating.id) == rating_id, col(Rating.score).is_(None))
        .values(score=score, reasons=",".join(reasons), comment=comment, channel=channel, rated_at=moment,
                rated_on=local(moment).date()))
    if done.rowcount != 1:
        session.rollback()
        if session.get(Rating, rating_id) is None:
            raise NotFound("找不到该评价请求。", code="rating_unknown")
        raise InvalidInput("该服务已评价过，每次服务只能评价一次。", code="already_rated", field="score")
    if score in BAD_SCORES:
        session.add(RatingCase(rating_id=rating_id, due_on=add_working_days(local(moment).date(), case_days, calendar)))
    audit.record(session, "rating", staff_id=None, target=str(rating_id), detail=f"{score} {channel}")
    session.commit()
    rating = present(session.get(Rating, rating_id), "rating")
    session.refresh(rating)
    return rating


def rate_by_number(session: Session, *, number: str, score: int, reasons: tuple[str, ...] = (), comment: str = "",
                   calendar: WorkCalendar = WEEKENDS_ONLY, case_days: int = DEFAULT_CASE_DAYS) -> Rating:
    """A late rating of a submitted application, by its number (the window that took it is credited)."""
    check_rating(score, reasons, comment)
    number = str(parse_application_number(number))
    application = session.exec(select(Application).where(Application.number == number)).first()
    if application is None:
        raise NotFound(f"找不到办件 {number}。", code="application_unknown")
    rating = session.exec(select(Rating).where(Rating.application_id == application.id)).first()
    if rating is None:
        rating = Rating(application_id=application.id, window=application.window, clerk_id=application.clerk_id)
        session.add(rating)
        session.commit()
        session.refresh(rating)
    return rate(session, rating_id=id_of(rating), score=score, reasons=reasons, comment=comment, channel="cli",
                calendar=calendar, case_days=case_days)


def ratings_of_day(session: Session, *, day: date | None = None, bad_only: bool = False) -> list[dict[str, Any]]:
    """The ratings given on a day: ``{number, score, reasons, window, clerk, at, case_status}``."""
    query = (select(Rating, Application.number, RatingCase.status)
             .join(Application, col(Rating.application_id) == Application.id, isouter=True)
             .join(RatingCase, col(RatingCase.rating_id) == Rating.id, isouter=True)
             .where(Rating.rated_on == (day or today())))
    if bad_only:
        query = query.where(col(Rating.score).in_(BAD_SCORES))
    rows = session.exec(query.order_by(col(Rating.rated_at), col(Rating.id))).all()
    return [{"id": rating.id, "number": number, "visit": rating.visit_id, "score": rating.score,
             "score_label": SCORES[present(rating.score, "score of a rated rating")],
             "reasons": [code for code in rating.reasons.split(",") if code], "comment": rating.comment,
             "window": rating.window, "clerk": rating.clerk_id, "channel": rating.channel,
             "at": local(present(rating.rated_at, "time of a rated rating")).isoformat(), "case_status": status}
            for rating, number, status in rows]


def cases(session: Session, *, open_only: bool = False) -> list[dict[str, Any]]:
    """The 差评 ledger, earliest due first, with whether each case is overdue."""
    query = (select(RatingCase, Rating, Application.number).select_from(RatingCase)
             .join(Rating, col(RatingCase.rating_id) == Rating.id)
             .join(Application, col(Rating.application_id) == Application.id, isouter=True))
    if open_only:
        query = query.where(RatingCase.status != "closed")
    rows = session.exec(query.order_by(col(RatingCase.due_on), col(RatingCase.id))).all()
    return [_case(case, rating, number) for case, rating, number in rows]


def _case(case: RatingCase, rating: Rating, number: str | None) -> dict[str, Any]:
    return {"id": case.id, "number": number, "score": rating.score,
            "reasons": [REASONS.get(code, code) for code in rating.reasons.split(",") if code],
            "comment": rating.comment, "window": rating.window, "clerk": rating.clerk_id,
            "status": case.status, "status_label": CASE_LABELS[case.status], "due_on": case.due_on.isoformat(),
            "overdue": is_overdue(case.due_on, today(), case.status in ("reviewed", "closed")),
            "callback_note": case.callback_note, "rectification": case.rectification,
            "review_note": case.review_note, "reviewed_by": case.reviewed_by, "feedback": case.feedback}


def advance_case(session: Session, *, actor: Actor, case_id: int, step: str, text: str) -> dict[str, Any]:
    """One step of the ledger: 回访, 整改, 复核 (a supervisor), 反馈; in this order."""
    if step not in CASE_STEPS:
        raise InvalidInput(f"未知的差评处理步骤 {step}。", code="case_step")
    needs, leaves, column, label = CASE_STEPS[step]
    case = session.get(RatingCase, case_id)
    if case is None:
        raise NotFound(f"没有编号为 {case_id} 的差评记录。", code="case_unknown")
    if step == "review" and not actor.is_supervisor:
        raise Forbidden("差评整改须由值班长复核。", code="supervisor_only")
    if case.status != needs:
        raise InvalidInput(f"该差评当前为“{CASE_LABELS[case.status]}”，不能登记{label}。", code="case_order")
    text = (text or "").strip()
    if not text or len(text) > 500:
        raise InvalidInput(f"请填写{label}（不超过 500 字）。", code="case_text", field=column)
    setattr(case, column, text)
    case.status, case.updated_at = leaves, now()
    if step == "review":
        case.reviewed_by = actor.id
    session.add(case)
    audit.record(session, f"rating_case_{step}", staff_id=actor.id, target=str(case.id))
    session.commit()
    rating = present(session.get(Rating, case.rating_id), "rating of a case")
    number = (present(session.get(Application, rating.application_id), "rated application").number
              if rating.application_id else None)
    return _case(case, rating, number)


def overdue_cases(session: Session, *, actor: Actor | None = None) -> list[dict[str, Any]]:
    """The 差评 cases past their 整改 due date without a review, earliest due first (the supervisor's home)."""
    if actor is not None and not actor.is_supervisor:
        raise Forbidden("只有值班长可以查看逾期未整改的差评。", code="role")
    return [case for case in cases(session, open_only=True) if case["overdue"]]


def day_summary(session: Session, day: date) -> dict[str, dict[str, Any]]:
    """好评率, 差评数 and 差评整改率 per window and per clerk for the ratings of ``day``.

    整改率 counts the bad ratings whose case has been reviewed (or closed).
    """
    rows = session.exec(select(Rating.window, Rating.clerk_id, Rating.score, RatingCase.status)
                        .join(RatingCase, col(RatingCase.rating_id) == Rating.id, isouter=True)
                        .where(Rating.rated_on == day)).all()
    summary: dict[str, dict[str, Any]] = {"window": {}, "clerk": {}}
    for window, clerk, score, status in rows:
        for kind, key in (("window", str(window or "—")), ("clerk", clerk)):
            entry = summary[kind].setdefault(key, {"ratings": 0, "good": 0, "bad": 0, "rectified": 0})
            entry["ratings"] += 1
            entry["good"] += score not in BAD_SCORES
            entry["bad"] += score in BAD_SCORES
            entry["rectified"] += status in ("reviewed", "closed")
    return summary

