"""The ID-card reader's line, checked as the counter checks a typed form."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.idcard import IDENTITY_CHECKS, card_form, validate_identity_check
from counterdesk.domain.idnumbers import build_resident_id

TODAY = date(2026, 11, 24)
NUMBER = build_resident_id("430626", date(1985, 6, 15), 1)


def reader_line(**overrides) -> str:
    card = {"name": "张三", "sex": "男", "nation": "汉", "birth": "19850615",
            "address": "湖南省平江县城关镇天岳大道1号", "id_number": NUMBER, "issuer": "平江县公安局",
            "valid_from": "20160101", "valid_to": "20360101"}
    card.update(overrides)
    return json.dumps(card, ensure_ascii=False)


def test_a_card_fills_number_name_sex_and_household_address_and_says_it_was_read():
    read = card_form(reader_line(), today=TODAY)
    assert read.form == {"kind": "personal", "id_type": "resident_id", "id_number": NUMBER, "name": "张三",
                         "sex": "M", "identity_check": "reader", "household_address": "湖南省平江县城关镇天岳大道1号"}
    assert read.valid_to == date(2036, 1, 1)


def test_a_card_valid_for_life_has_no_expiry():
    assert card_form(reader_line(valid_to="长期"), today=TODAY).valid_to is None


@pytest.mark.parametrize(("overrides", "words"), [
    ({"valid_to": "2020-01-01"}, "过期"),
    ({"sex": "女"}, "性别"),
    ({"birth": "1985-06-16"}, "出生日期"),
    ({"id_number": NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")}, "校验位"),
    ({"name": ""}, "姓名"),
])
def test_a_card_that_contradicts_itself_or_has_expired_is_refused_with_the_reason(overrides, words):
    with pytest.raises(InvalidInput, match=words):
        card_form(reader_line(**overrides), today=TODAY)


@given(st.text(max_size=300))
def test_any_other_line_is_refused_as_a_sentence_never_a_crash(line):
    try:
        card_form(line, today=TODAY)
    except InvalidInput as error:
        assert error.message
    else:
        raise AssertionError("a random line was taken for a card")


def test_identity_checks_are_the_three_the_counter_records():
    assert set(IDENTITY_CHECKS.values()) == {"读卡器", "原件核验", "人证比对"}
    with pytest.raises(InvalidInput):
        validate_identity_check("fingerprint")
