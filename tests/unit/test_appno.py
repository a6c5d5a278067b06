"""办件编号: printed, read back as typed, and every common slip caught."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counterdesk.domain.appno import (
    SEQ_MAX,
    ApplicationNumber,
    format_application_number,
    hall_code_problem,
    parse_application_number,
)
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.iso7064 import mod11_2_check_char

CHECK_MISMATCH = "办件编号校验位不符，可能输错了某一位或颠倒了相邻两位，请核对。"

numbers = st.builds(
    ApplicationNumber,
    st.from_regex(r"43[0-9]{4}", fullmatch=True),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(1, SEQ_MAX),
)
hall_codes = st.from_regex(r"43[0-9]{4}(0[1-9]|[1-9][0-9])", fullmatch=True)
current_numbers = st.builds(
    ApplicationNumber,
    st.from_regex(r"43[0-9]{4}", fullmatch=True),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(1, SEQ_MAX),
    hall_codes,
)
any_numbers = st.one_of(numbers, current_numbers)


def _refused(text: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_application_number(text)
    assert caught.value.field == "application_number"
    return caught.value


def test_the_design_example_prints_and_reads_back():
    number = ApplicationNumber("430626", date(2026, 11, 24), 17)
    assert str(number) == "430626-20261124-00017-3"
    assert format_application_number("430626", date(2026, 11, 24), 17) == "430626-20261124-00017-3"
    assert parse_application_number("430626-20261124-00017-3") == number
    assert number.digits == "4306262026112400017"
    assert number.check == "3"


@pytest.mark.parametrize(
    "typed",
    ["  430626-20261124-00017-3 ", "43062620261124000173", "430626-2026112400017-3", "４３０６２６－２０２６１１２４－０００１７－３",
     "430626_20261124_00017_3", "430626 - 20261124 - 00017 - 3", "430626—20261124—00017—3", "430626–20261124–00017–3",
     "430626 20261124 00017 3"],
)  # fmt: skip
def test_spaces_missing_or_other_dashes_and_full_width_digits_are_tolerated(typed):
    assert str(parse_application_number(typed)) == "430626-20261124-00017-3"


def test_lowercase_x_check_character_is_accepted():
    number = next(
        n for seq in range(1, 100) if (n := ApplicationNumber("430626", date(2026, 11, 24), seq)).check == "X"
    )
    assert parse_application_number(str(number).lower()) == number
    assert parse_application_number(str(number).replace("-", "").lower()) == number


@pytest.mark.parametrize(
    "typed",
    ["", "430626-20261124-0017-3", "430626-20261124-000017-3", "43062-20261124-00017-3", "430626--20261124-00017-3",
     "430626-20261124-00017", "430626-20261124-00017-A", "430626-20261124-00017-3-1", "办件430626-20261124-00017-3",
     "430626/20261124/00017/3"],
)  # fmt: skip
def test_malformed_numbers_explain_the_expected_shape(typed):
    error = _refused(typed)
    assert error.code in {"app_no_malformed", "required"}
    if typed:
        assert "430626-20261124-00017-3" in error.message


def test_a_wrong_check_character_gets_the_counter_sentence():
    error = _refused("430626-20261124-00017-4")
    assert (error.code, error.message) == ("app_no_check", CHECK_MISMATCH)


def test_an_impossible_date_with_a_matching_check_is_malformed():
    error = _refused(f"430626-20260231-00001-{mod11_2_check_char('4306262026023100001')}")
    assert error.code == "app_no_malformed"
    assert "20260231" in error.message


def test_sequence_zero_with_a_matching_check_is_malformed():
    error = _refused(f"430626-20261124-00000-{mod11_2_check_char('4306262026112400000')}")
    assert (error.code, error.message) == ("app_no_malformed", "办件编号中的序号不能为00000。")


@pytest.mark.parametrize(
    ("county", "day", "seq"),
    [("43062", date(2026, 1, 1), 1), ("43062a", date(2026, 1, 1), 1), ("４３０６２６", date(2026, 1, 1), 1),
     ("430626", date(2026, 1, 1), 0), ("430626", date(2026, 1, 1), SEQ_MAX + 1), ("430626", date(999, 1, 1), 1)],
)  # fmt: skip
def test_an_application_number_cannot_be_built_from_bad_parts(county, day, seq):
    with pytest.raises(ValueError):
        ApplicationNumber(county, day, seq)


def test_a_number_names_the_handling_county_the_day_and_the_receiving_hall():
    number = ApplicationNumber("430626", date(2026, 12, 2), 17, "43010201")
    assert str(number) == "430626-20261202-43010201-00017-4"
    assert format_application_number("430626", date(2026, 12, 2), 17, "43010201") == str(number)
    assert number.digits == "430626202612024301020100017"
    parsed = parse_application_number("430626-20261202-43010201-00017-4")
    assert (parsed.county_code, parsed.day, parsed.hall_code, parsed.seq) == ("430626", date(2026, 12, 2),
                                                                              "43010201", 17)


@pytest.mark.parametrize(("handled_in", "hall"), [("430100", "43010001"), ("430671", "43062601"),
                                                ("431173", "43117301"), ("433100", "43310001")])
def test_a_city_s_own_level_or_a_functional_area_heads_the_number_like_a_county(handled_in, hall):
    # 市本级 numbers carry the city's code (430100), 功能区 their statistical code (430671); a hall may
    # sit at either. Counties never end in 00 and areas are x7x, so no two places share a code.
    number = ApplicationNumber(handled_in, date(2026, 12, 2), 1, hall)
    assert hall_code_problem(hall) is None
    assert parse_application_number(str(number)) == number
    assert parse_application_number(str(number).replace("-", "")) == number


def test_numbers_given_before_hall_codes_still_read_back_without_a_hall():
    assert parse_application_number("430626-20261124-00017-3").hall_code is None
    assert parse_application_number("43062620261124000173").hall_code is None


@pytest.mark.parametrize("code", ["4301020", "430102010", "43010200", "4301020a", "４３０１０２０１"])
def test_a_hall_code_is_eight_digits_with_a_site_from_01(code):
    assert hall_code_problem(code)
    with pytest.raises(ValueError):
        ApplicationNumber("430626", date(2026, 1, 1), 1, code)


def test_a_number_with_site_00_and_a_matching_check_is_malformed():
    error = _refused(f"430626-20261202-43010200-00001-{mod11_2_check_char('430626202612024301020000001')}")
    assert error.code == "app_no_malformed" and "站点号" in error.message


@given(any_numbers)
def test_every_number_round_trips_in_both_printed_forms(number):
    text = str(number)
    assert parse_application_number(text) == number
    assert parse_application_number(text.replace("-", "")) == number
    assert len(text) == (23 if number.hall_code is None else 32)


@settings(max_examples=300, deadline=None)
@given(any_numbers)
def test_every_single_character_substitution_is_detected(number):
    for text in (str(number), str(number).replace("-", "")):
        for position, original in enumerate(text):
            for replacement in "0123456789X-":
                if replacement == original:
                    continue
                corrupted = text[:position] + replacement + text[position + 1 :]
                error = _refused(corrupted)
                if original.isdigit() and replacement.isdigit():
                    assert error.code == "app_no_check", corrupted


@settings(max_examples=300, deadline=None)
@given(any_numbers)
def test_every_swap_of_two_different_adjacent_characters_is_detected(number):
    for text in (str(number), str(number).replace("-", "")):
        for position in range(len(text) - 1):
            pair = text[position : position + 2]
            if pair[0] == pair[1]:
                continue
            error = _refused(text[:position] + pair[::-1] + text[position + 2 :])
            if pair.isdigit():
                assert error.code == "app_no_check"


@given(st.one_of(st.text(), st.just("\ud800"), st.none(), st.integers()))
def test_nasty_input_is_only_ever_refused_with_a_message(value):
    try:
        parsed = parse_application_number(value)
    except InvalidInput as error:
        assert error.code in {"required", "not_text", "app_no_malformed", "app_no_check"}
    else:
        assert parse_application_number(str(parsed)) == parsed
