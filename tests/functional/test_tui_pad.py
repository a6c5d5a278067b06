"""The rating pad (评价器) beside the counter: the citizen rates, the clerk sees it."""

from __future__ import annotations

import time
from dataclasses import replace

from sqlmodel import Session, select

from counterdesk.services import applications, ratings
from counterdesk.services.hall import set_hall
from counterdesk.services.staff import Actor, add_staff
from counterdesk.store.engine import open_database
from counterdesk.store.models import Rating, RatingCase
from counterdesk.tui.app import CounterdeskApp
from counterdesk.tui.context import DeskContext
from counterdesk.tui.pad import PadApp
from counterdesk.tui.screens.success import RATING_POLL_SECONDS, SuccessScreen
from tests.conftest import PASSWORD
from tests.factories import attach_all, draft_application, submitted_application
from tests.functional.tui_helpers import (
    CLERK,
    HALL_NAME,
    PINGJIANG,
    desk_settings,
    logged_in,
    open_step,
    pilot_test,
    plain,
    settle,
)

FAST = 0.05
"""The pad's poll in tests: the behaviour is the same, the wait shorter."""


def hall(home, catalog, db_url: str | None = None):
    """Settings and an engine with 李娜 at window 3 (SQLite in ``home`` unless ``db_url``)."""
    settings = desk_settings(home)
    if db_url:
        settings = replace(settings, db_url=db_url)
    engine = open_database(settings.db_url)
    with Session(engine) as session:
        add_staff(session, actor=None, staff_id="sup01", name="王科长", role="supervisor", password=PASSWORD, window=1)
        add_staff(session, actor=Actor("sup01", "王科长", "supervisor", 1), staff_id=CLERK.id, name=CLERK.name,
                  role="clerk", password=PASSWORD, window=CLERK.window)
        set_hall(session, actor_id="sup01", name=HALL_NAME, county_code=PINGJIANG, catalog=catalog)
    return settings, engine


def pad_app(settings, engine, catalog, window: int = 3) -> PadApp:
    return PadApp(settings, window, ctx=DeskContext(settings, engine=engine, catalog=catalog), poll_seconds=FAST)


async def until(pilot, condition, seconds: float = 10.0) -> float:
    """Let the app run until ``condition()`` holds; how long it took (fails after ``seconds``)."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < seconds, "the screen never showed it"
        await pilot.pause(0.02)
    return time.monotonic() - start


def ask(engine, catalog, settings) -> tuple[str, int]:
    """Window 3 submits an application and asks for its rating, as the success screen does."""
    with Session(engine) as session:
        application = submitted_application(session, CLERK, catalog, settings)
        request = ratings.request_rating(session, actor=CLERK, application_id=application.id)
        return application.number, request.id


def stored(engine, rating_id: int) -> Rating:
    with Session(engine) as session:
        return session.get(Rating, rating_id)


@pilot_test
async def test_the_pad_waits_then_shows_the_window_s_service_and_key_1_means_very_satisfied(tmp_path, catalog):
    settings, engine = hall(tmp_path, catalog)
    pad = pad_app(settings, engine, catalog)
    async with pad.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert pad.screen.state == "waiting" and "欢迎光临" in plain(pad.screen.query_one("#pad-title"))
        number, rating_id = ask(engine, catalog, settings)
        await until(pilot, lambda: pad.screen.state == "grades")
        service = plain(pad.screen.query_one("#pad-service"))
        assert number in service and "李娜" in service and "我要申请认定为就业困难人员" in service
        await pilot.press("1")
        await until(pilot, lambda: pad.screen.state == "thanks")
        rating = stored(engine, rating_id)
        assert (rating.score, rating.channel) == (5, "pad")


@pilot_test
async def test_a_bad_grade_asks_for_reasons_and_a_comment_and_opens_a_case(tmp_path, catalog):
    settings, engine = hall(tmp_path, catalog)
    _, rating_id = ask(engine, catalog, settings)
    pad = pad_app(settings, engine, catalog)
    async with pad.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: pad.screen.state == "grades")
        await pilot.press("5")
        assert pad.screen.state == "reasons" and "非常不满意" in plain(pad.screen.query_one("#pad-title"))
        await pilot.press("1", "2", "2", "3")
        assert "☑ 1" in plain(pad.screen.query_one("#pad-reasons"))
        await pilot.press("tab", *"跑了三趟", "enter")
        await until(pilot, lambda: pad.screen.state == "thanks")
    rating = stored(engine, rating_id)
    assert (rating.score, rating.reasons, rating.comment) == (1, "slow,attitude", "跑了三趟")
    with Session(engine) as session:
        assert session.exec(select(RatingCase)).one().status == "open"


@pilot_test
async def test_escape_goes_back_from_the_reasons_to_the_grades(tmp_path, catalog):
    settings, engine = hall(tmp_path, catalog)
    _, rating_id = ask(engine, catalog, settings)
    pad = pad_app(settings, engine, catalog)
    async with pad.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: pad.screen.state == "grades")
        await pilot.press("4", "escape")
        assert pad.screen.state == "grades"
        await pilot.press("3")
        await until(pilot, lambda: pad.screen.state == "thanks")
    assert stored(engine, rating_id).score == 3


@pilot_test
async def test_another_window_s_pad_never_shows_it(tmp_path, catalog):
    settings, engine = hall(tmp_path, catalog)
    ask(engine, catalog, settings)
    pad = pad_app(settings, engine, catalog, window=5)
    async with pad.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert pad.screen.state == "waiting"


@pilot_test
async def test_a_rating_given_on_the_pad_shows_on_the_clerk_s_success_screen_within_two_seconds(
        tmp_path, catalog, db_url):
    settings, engine = hall(tmp_path, catalog, db_url)
    counter = CounterdeskApp(settings, ctx=DeskContext(settings, engine=engine, catalog=catalog))
    pad = pad_app(settings, engine, catalog)
    async with counter.run_test(size=(80, 24)) as desk:
        await logged_in(counter, desk)
        with counter.ctx.session() as session:
            draft = draft_application(session, CLERK, catalog)
            attach_all(session, CLERK, catalog, settings, draft)
            applications.set_pickup(session, actor=CLERK, application_id=draft.id, method="onsite")
        await open_step(counter, desk, "review", draft.id)
        await desk.press("s")
        await settle(desk)
        assert isinstance(counter.screen, SuccessScreen)
        assert "请群众在评价器上" in plain(counter.screen.query_one("#success-rating"))
        async with pad.run_test(size=(80, 24)) as citizen:
            await until(citizen, lambda: pad.screen.state == "grades")
            await citizen.press("2")
            await until(citizen, lambda: pad.screen.state == "thanks")
        # Within 2 s by construction: the screen looks every RATING_POLL_SECONDS (the wait below only
        # bounds a stuck screen; a loaded machine must not fail a timing here).
        assert RATING_POLL_SECONDS <= 1.0
        await until(desk, lambda: "满意" in plain(counter.screen.query_one("#success-rating")))
        assert "群众评价：满意" in plain(counter.screen.query_one("#success-rating"))

