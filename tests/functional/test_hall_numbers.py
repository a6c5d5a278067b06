"""Halls with separate databases never give the same number; the hall's code is set at init."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session
from typer.testing import CliRunner

from counterdesk.cli.main import app
from counterdesk.config import sqlite_url
from counterdesk.domain.appno import SEQ_MAX, parse_application_number
from counterdesk.domain.errors import Conflict, InvalidInput
from counterdesk.services import numbers
from counterdesk.services.hall import get_hall, set_hall
from counterdesk.store.engine import open_database
from counterdesk.store.models import NumberSequence

HALLS = [("430626", "43062601"), ("430626", "43062602"), ("430102", "43010201"), ("430102", "43010207"),
         ("430103", "43010301"), ("430100", "43010001"), ("430671", "43067101")]
"""Two 平江 sites, two 芙蓉 sites, one 天心 hall, 长沙's city hall (市本级) and 屈原管理区's: same county,
different counties, a city's own level and a functional area alike."""


@pytest.fixture(scope="module")
def homes(tmp_path_factory, catalog):
    """One SQLite database per hall, each knowing only its own code."""
    engines = []
    for county, code in HALLS:
        engine = open_database(sqlite_url(tmp_path_factory.mktemp(code) / "counterdesk.db"))
        with Session(engine) as session:
            set_hall(session, actor_id=None, name=f"{code} 大厅", county_code=county, catalog=catalog, hall_code=code)
        engines.append(engine)
    yield engines
    for engine in engines:
        engine.dispose()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(handled_in=st.sampled_from(["430626", "430102", "430103", "431121", "430100", "430600", "430671"]),
       days=st.lists(st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)), min_size=1, max_size=3),
       counts=st.lists(st.integers(1, 40), min_size=len(HALLS), max_size=len(HALLS)))
def test_halls_with_separate_databases_never_give_the_same_number(homes, handled_in, days, counts):
    given_numbers: list[str] = []
    for engine, (_, code), count in zip(homes, HALLS, counts, strict=True):
        with Session(engine) as session:
            for day in days:
                block = numbers.allocate_block(session, handled_in, day, count)
                given_numbers.extend(str(n) for n in block)
                for number in block:
                    parsed = parse_application_number(str(number))
                    assert (parsed.county_code, parsed.day, parsed.hall_code) == (handled_in, day, code)
            session.rollback()
    assert len(set(given_numbers)) == len(given_numbers)


def test_the_last_number_of_the_day_is_given_and_the_next_is_refused_in_a_sentence(homes):
    with Session(homes[0]) as session:
        session.add(NumberSequence(hall_code="43062601", county_code="430626", day="20261202", last=SEQ_MAX - 1))
        session.flush()
        assert numbers.allocate(session, "430626", date(2026, 12, 2)).seq == SEQ_MAX
        with pytest.raises(Conflict) as refused:
            numbers.allocate(session, "430626", date(2026, 12, 2))
        session.rollback()
    assert refused.value.code == "numbers_exhausted" and "99999" in refused.value.message


def test_a_hall_code_must_belong_to_the_halls_county(session, catalog):
    with pytest.raises(InvalidInput) as refused:
        set_hall(session, actor_id=None, name="平江", county_code="430626", catalog=catalog, hall_code="43010201")
    assert "430626" in refused.value.message
    with pytest.raises(InvalidInput):
        set_hall(session, actor_id=None, name="平江", county_code="430626", catalog=catalog, hall_code="43062600")


def test_a_hall_set_up_before_hall_codes_numbers_as_site_01(session, catalog):
    hall = set_hall(session, actor_id=None, name="平江", county_code="430626", catalog=catalog)
    assert hall.code == "43062601" and get_hall(session).code == "43062601"


def test_init_registers_the_hall_code_and_makes_an_owner_only_signing_key(tmp_path):
    runner = CliRunner()
    home = ["--home", str(tmp_path)]
    made = runner.invoke(app, [*home, "init", "--hall-name", "长沙市芙蓉区政务服务中心", "--county", "430102",
                               "--hall-code", "43010202"])
    assert made.exit_code == 0, made.output
    shown = runner.invoke(app, [*home, "hall", "--json"])
    data = json.loads(shown.stdout)
    assert {k: data[k] for k in ("name", "county", "hall_code")} == {
        "name": "长沙市芙蓉区政务服务中心", "county": "430102", "hall_code": "43010202"}
    key = tmp_path / "data" / "keys" / "43010202.key"
    assert key.stat().st_mode & 0o777 == 0o600
    bad = runner.invoke(app, [*home, "init", "--hall-code", "4301020"])
    assert bad.exit_code == 2 and "8 位数字" in bad.stderr
