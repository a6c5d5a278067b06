"""证件号码 and 统一社会信用代码: what the applicant form accepts, normalises and refuses."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.idnumbers import (
    CREDIT_CODE_ALPHABET,
    ID_TYPES,
    PROVINCES,
    ResidentId,
    build_resident_id,
    credit_code_check_char,
    parse_resident_id,
    resident_id_check_char,
    validate_credit_code,
    validate_foreign_permanent,
    validate_hk_macao_permit,
    validate_hmt_residence,
    validate_id_number,
    validate_passport,
    validate_resident_id,
    validate_taiwan_permit,
)
from counterdesk.domain.iso7064 import mod11_2_check_char

TODAY = date(2026, 11, 24)
DIGITS = "0123456789"

regions = st.builds(
    lambda province, rest: province + rest,
    st.sampled_from(sorted(PROVINCES)),
    st.text(alphabet=DIGITS, min_size=4, max_size=4),
)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
resident_ids = st.builds(build_resident_id, regions, birth_dates, st.integers(0, 999))


def _with_check(first17: str) -> str:
    return first17 + mod11_2_check_char(first17)


hmt_numbers = st.builds(
    lambda prefix, born, seq: _with_check(f"{prefix}{born:%Y%m%d}{seq:03d}"),
    st.sampled_from(["810000", "820000", "830000"]),
    birth_dates,
    st.integers(0, 999),
)
foreign_new_numbers = st.builds(
    lambda middle, born, seq: _with_check(f"9{middle}{born:%Y%m%d}{seq:03d}"),
    st.text(alphabet=DIGITS, min_size=5, max_size=5),
    birth_dates,
    st.integers(0, 999),
)
credit_codes = st.builds(
    lambda head, region, org: head + region + org + credit_code_check_char(head + region + org),
    st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=2, max_size=2),
    st.text(alphabet=DIGITS, min_size=6, max_size=6),
    st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=9, max_size=9),
)


def _refused(fn, value, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        fn(value, **kwargs)
    return caught.value


# --- resident ID (居民身份证) -------------------------------------------------------------------


def test_a_known_good_number_for_a_hunan_county_is_accepted():
    number = build_resident_id("430626", date(1990, 1, 1), 1)
    assert number == "430626199001010014"
    assert resident_id_check_char("43062619900101001") == "4"
    assert parse_resident_id(number, today=TODAY) == ResidentId(number, "430626", date(1990, 1, 1), "M")


def test_lowercase_x_check_character_is_accepted_and_normalised():
    parsed = parse_resident_id("11010519491231002x", today=TODAY)
    assert parsed.number == "11010519491231002X"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "F"


def test_spaces_and_full_width_digits_from_a_chinese_input_method_are_tolerated():
    assert validate_resident_id("　４３０６２６ 19900101 0014 ", today=TODAY) == "430626199001010014"


def test_a_retired_county_code_is_still_accepted():
    # 4323xx was 益阳地区, abolished in 1994; people born there keep their numbers for life.
    assert validate_resident_id(build_resident_id("432321", date(1980, 5, 6), 12), today=TODAY)


@given(resident_ids)
def test_generated_resident_ids_round_trip(number):
    parsed = parse_resident_id(number, today=TODAY)
    assert parsed.number == number
    assert parsed.region_code == number[:6]
    assert f"{parsed.birth_date:%Y%m%d}" == number[6:14]
    assert parsed.sex == ("M" if int(number[16]) % 2 else "F")
    assert validate_resident_id(number.lower(), today=TODAY) == number


@given(resident_ids)
def test_every_single_character_substitution_is_refused(number):
    for position, original in enumerate(number):
        for replacement in "0123456789X":
            if replacement != original:
                corrupted = number[:position] + replacement + number[position + 1 :]
                _refused(validate_resident_id, corrupted, today=TODAY)


@given(resident_ids)
def test_every_swap_of_two_different_adjacent_characters_is_refused(number):
    for position in range(len(number) - 1):
        pair = number[position : position + 2]
        if pair[0] != pair[1]:
            _refused(validate_resident_id, number[:position] + pair[::-1] + number[position + 2 :], today=TODAY)


def test_wrong_check_character_is_named_as_such():
    error = _refused(validate_resident_id, "430626199001010015", today=TODAY)
    assert error.code == "id_check_digit"
    assert error.message == "身份证号码校验位不正确，请核对最后一位。"
    assert error.field == "id_number"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "required"),
        ("43062619900101001", "id_length"),
        ("430626900101001", "id_length"),
        ("4306261990010100144", "id_length"),
        ("43062619900101001A", "id_format"),
        ("4306261990O101001X", "id_format"),
        ("990626199001010014", "id_region"),
        ("710626199001010014", "id_region"),
        ("430626199002300014", "id_birth_date"),
        ("430626199013010014", "id_birth_date"),
    ],
)
def test_malformed_resident_ids_are_refused_with_a_stable_code(value, code):
    assert _refused(validate_resident_id, value, today=TODAY).code == code


def test_length_message_says_how_many_characters_were_typed():
    assert "当前为17位" in _refused(validate_resident_id, "43062619900101001", today=TODAY).message


def test_birth_dates_in_the_future_or_before_1900_are_refused():
    tomorrow = build_resident_id("430626", date(2026, 11, 25), 1)
    assert "晚于今天" in _refused(validate_resident_id, tomorrow, today=TODAY).message
    assert validate_resident_id(build_resident_id("430626", TODAY, 1), today=TODAY)
    old = build_resident_id("430626", date(1899, 12, 31), 1)
    assert "早于1900年" in _refused(validate_resident_id, old, today=TODAY).message


def test_the_real_clock_is_used_when_no_day_is_given():
    assert validate_resident_id("11010519491231002X") == "11010519491231002X"


def test_the_field_can_be_named_for_the_agent():
    assert _refused(validate_resident_id, "123", field="agent_id_number").field == "agent_id_number"


# --- other documents --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("E12345678", "E12345678"), ("ea1234567", "EA1234567"), ("G12345678", "G12345678"),
     (" C01X00T47 ", "C01X00T47"), ("TK1234567", "TK1234567")],
)  # fmt: skip
def test_chinese_and_foreign_passports_are_accepted(value, expected):
    assert validate_passport(value) == expected


@pytest.mark.parametrize("value", ["ABCDEFGHI", "E123456789", "E1234-567", "E12", "护照12345"])
def test_implausible_passport_numbers_are_refused(value):
    assert _refused(validate_passport, value).code == "id_format"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("H12345678", "H12345678"), ("m1234567890", "M1234567890"), ("H 1234 5678", "H12345678")],
)
def test_hong_kong_and_macao_permits_start_with_h_or_m(value, expected):
    assert validate_hk_macao_permit(value) == expected


@pytest.mark.parametrize("value", ["H1234567", "H123456789", "K12345678", "12345678", "HH12345678"])
def test_malformed_hong_kong_and_macao_permits_are_refused(value):
    assert _refused(validate_hk_macao_permit, value).code == "id_format"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12345678", "12345678"), ("1234567890", "1234567890"), ("12345678b1", "12345678B1"),
     ("12345678（B）", "12345678(B)")],
)  # fmt: skip
def test_taiwan_permits_have_eight_digits_or_the_older_ten_character_form(value, expected):
    assert validate_taiwan_permit(value) == expected


@pytest.mark.parametrize("value", ["1234567", "A1234567", "123456789012", "12345678()"])
def test_malformed_taiwan_permits_are_refused(value):
    assert _refused(validate_taiwan_permit, value).code == "id_format"


def test_old_foreign_permanent_residence_cards_have_three_letters_and_twelve_digits():
    assert validate_foreign_permanent("usa110079120101") == "USA110079120101"
    assert _refused(validate_foreign_permanent, "US1100791201011").code == "id_format"


@given(foreign_new_numbers)
def test_new_foreign_permanent_residence_cards_start_with_9_and_carry_a_check(number):
    assert validate_foreign_permanent(number, today=TODAY) == number
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert _refused(validate_foreign_permanent, wrong, today=TODAY).code == "id_check_digit"


def test_new_foreign_permanent_residence_card_with_impossible_birth_date_is_refused():
    number = _with_check("91184019800231001")
    assert _refused(validate_foreign_permanent, number, today=TODAY).code == "id_birth_date"


@given(hmt_numbers)
def test_hong_kong_macao_taiwan_residence_permits_validate_like_resident_ids(number):
    assert validate_hmt_residence(number.lower(), today=TODAY) == number
    for position in range(6, 18):
        for replacement in DIGITS:
            if replacement != number[position]:
                corrupted = number[:position] + replacement + number[position + 1 :]
                _refused(validate_hmt_residence, corrupted, today=TODAY)


def test_residence_permit_prefix_names_the_three_regions():
    error = _refused(validate_hmt_residence, _with_check("84000019900101001"), today=TODAY)
    assert error.code == "id_format"
    assert "830000" in error.message


def test_id_types_are_in_portal_order_with_chinese_labels():
    assert list(ID_TYPES) == ["resident_id", "passport", "hk_macao_permit", "taiwan_permit",
                              "foreign_permanent", "hmt_residence"]  # fmt: skip
    assert ID_TYPES["resident_id"] == "居民身份证"
    assert ID_TYPES["hmt_residence"] == "港澳台居民居住证"


@pytest.mark.parametrize(
    ("id_type", "value", "expected"),
    [("resident_id", "11010519491231002x", "11010519491231002X"), ("passport", "e12345678", "E12345678"),
     ("hk_macao_permit", "H12345678", "H12345678"), ("taiwan_permit", "12345678", "12345678"),
     ("foreign_permanent", "USA110079120101", "USA110079120101"),
     ("hmt_residence", _with_check("83000019900101001"), _with_check("83000019900101001"))],
)  # fmt: skip
def test_validate_id_number_dispatches_on_the_document_type(id_type, value, expected):
    assert validate_id_number(id_type, value, today=TODAY) == expected


def test_an_unknown_document_type_is_refused():
    with pytest.raises(InvalidInput) as caught:
        validate_id_number("drivers_licence", "123")
    error = caught.value
    assert (error.code, error.field) == ("id_type", "id_type")


@given(st.sampled_from(sorted(ID_TYPES)), st.one_of(st.text(), st.just("\ud800"), st.none(), st.integers()))
def test_nasty_input_is_only_ever_refused_with_a_message(id_type, value):
    try:
        cleaned = validate_id_number(id_type, value, today=TODAY)
    except InvalidInput as error:
        assert error.message and error.code
    else:
        assert validate_id_number(id_type, cleaned, today=TODAY) == cleaned


# --- unified social credit code (统一社会信用代码) -----------------------------------------------


def test_the_standard_example_credit_code_is_accepted():
    assert validate_credit_code("91350100M000100Y43") == "91350100M000100Y43"
    assert validate_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"


@given(credit_codes)
def test_generated_credit_codes_round_trip_and_any_single_change_is_refused(code):
    assert validate_credit_code(code.lower()) == code
    for position, original in enumerate(code):
        for replacement in CREDIT_CODE_ALPHABET:
            if replacement != original:
                _refused(validate_credit_code, code[:position] + replacement + code[position + 1 :])


@given(credit_codes)
def test_swapped_adjacent_credit_code_characters_are_refused(code):
    for position in range(17):
        pair = code[position : position + 2]
        if pair[0] != pair[1]:
            _refused(validate_credit_code, code[:position] + pair[::-1] + code[position + 2 :])


@pytest.mark.parametrize("letter", "IOZSV")
def test_look_alike_letters_are_refused_by_name(letter):
    error = _refused(validate_credit_code, "91350100M000100Y4" + letter)
    assert error.code == "credit_chars"
    assert letter in error.message


@pytest.mark.parametrize(
    ("value", "code"),
    [("", "required"), ("91350100M000100Y4", "credit_length"), ("9135010AM000100Y43", "credit_format"),
     ("91350100M000100Y44", "credit_check"), ("91350100M000100Y4\x00", "credit_chars")],
)  # fmt: skip
def test_malformed_credit_codes_are_refused_with_a_stable_code(value, code):
    assert _refused(validate_credit_code, value).code == code


def test_credit_code_check_char_needs_seventeen_characters_of_the_alphabet():
    with pytest.raises(ValueError):
        credit_code_check_char("91350100M000100Y")
    with pytest.raises(ValueError):
        credit_code_check_char("91350100M000100YI")


@given(st.one_of(st.text(), st.just("\ud800\udfff")))
def test_nasty_credit_code_input_is_only_ever_refused_with_a_message(value):
    try:
        validate_credit_code(value)
    except InvalidInput as error:
        assert error.message
        assert error.code in {"required", "credit_length", "credit_chars", "credit_format", "credit_check"}
