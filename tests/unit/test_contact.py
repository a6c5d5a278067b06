"""Phones, e-mail, names, addresses and the remark of the applicant form."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterdesk.domain.contact import (
    ADDRESS_MAX,
    NAME_MAX,
    REMARK_MAX,
    validate_address,
    validate_email,
    validate_landline,
    validate_mobile,
    validate_name,
    validate_phone,
    validate_remark,
)
from counterdesk.domain.errors import InvalidInput

ALL = [validate_mobile, validate_landline, validate_phone, validate_email, validate_name, validate_address,
       validate_remark]  # fmt: skip

mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
landlines = st.one_of(
    st.from_regex(r"0(10|2[0-9])-[2-9][0-9]{7}", fullmatch=True),
    st.from_regex(r"0[3-9][0-9]{2}-[2-9][0-9]{6,7}", fullmatch=True),
)
han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
chinese_names = st.text(han, min_size=2, max_size=NAME_MAX)
latin_words = st.text(st.sampled_from(string.ascii_letters + "éüñçø"), min_size=1, max_size=12)
latin_names = st.lists(latin_words, min_size=1, max_size=3).map(" ".join).filter(lambda n: len(n) >= 2)
emails = st.builds(
    "{}@{}.{}".format,
    st.from_regex(r"[A-Za-z0-9_+-]{1,20}(\.[A-Za-z0-9_+-]{1,10})?", fullmatch=True),
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True),
    st.from_regex(r"[a-z]{2,6}", fullmatch=True),
)


def _refused(fn, value, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        fn(value, **kwargs)
    return caught.value


# --- phones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["13812347777", " 138 1234 7777 ", "138-1234-7777", "+86 138 1234 7777", "+8613812347777", "8613812347777",
     "0086-138-1234-7777", "(+86) 13812347777", "１３８１２３４７７７７"],
)  # fmt: skip
def test_mobile_numbers_are_normalised_to_eleven_digits(typed):
    assert validate_mobile(typed) == "13812347777"


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [("1381234777", "当前为10位"), ("138123477770", "当前为12位"), ("12812347777", "13至19开头"),
     ("1381234777a", "只能包含数字"), ("+1 415 555 0100", "只能包含数字"), ("", "请填写手机号码")],
)  # fmt: skip
def test_wrong_mobile_numbers_say_what_is_wrong(typed, fragment):
    assert fragment in _refused(validate_mobile, typed).message


@given(mobiles)
def test_every_generated_mobile_is_accepted_as_typed_and_with_a_prefix(number):
    assert validate_mobile(number) == number
    assert validate_mobile(f"+86 {number[:3]} {number[3:7]} {number[7:]}") == number


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("0731-84567890", "0731-84567890"), ("0730-1234567", "0730-1234567"), ("073184567890", "0731-84567890"),
     ("(0731)84567890", "0731-84567890"), ("0731 84567890", "0731-84567890"), ("010-62345678", "010-62345678"),
     ("01062345678", "010-62345678"), ("0731-84567890-123", "0731-84567890-123"),
     ("0731-84567890转123", "0731-84567890-123"), ("0731-84567890 ext. 8", "0731-84567890-8"),
     ("０７３１－８４５６７８９０", "0731-84567890")],
)  # fmt: skip
def test_landlines_with_area_code_are_normalised(typed, expected):
    assert validate_landline(typed) == expected


@pytest.mark.parametrize(
    "typed", ["84567890", "0731-0456789", "0731-845678", "0731-845678901", "010-1234567", "0131-84567890"]
)
def test_landlines_without_area_code_or_with_a_wrong_length_are_refused(typed):
    assert _refused(validate_landline, typed).code == "landline_format"


@given(landlines)
def test_every_generated_landline_round_trips_with_or_without_its_dash(number):
    assert validate_landline(number) == number
    assert validate_landline(number.replace("-", "")) == number


def test_contact_phone_takes_a_mobile_or_a_landline():
    assert validate_phone("+86 138 1234 7777") == "13812347777"
    assert validate_phone("0731-84567890") == "0731-84567890"
    assert _refused(validate_phone, "0731-12").code == "landline_format"
    assert _refused(validate_phone, "1381234").code == "mobile_format"
    assert _refused(validate_phone, "1381234", field="agent_phone").field == "agent_phone"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("+86 731 82214464", "0731-82214464"), ("0086 731 8221 4464", "0731-82214464"),
     ("0731 8221 4464", "0731-82214464"), ("+86 138 0013 8000", "13800138000"), ("+86-10-6552-9988", "010-65529988"),
     ("+86 (0)731 8221 4464", "0731-82214464"), ("(+86) 731-82214464", "0731-82214464"),
     ("0086 0731 82214464", "0731-82214464"), ("0731—8221—4464", "0731-82214464"), ("0731 8221 4464 转 12",
     "0731-82214464-12"), ("+86 731 8221 4464-12", "0731-82214464-12"), ("0086 138 0013 8000", "13800138000")],
)  # fmt: skip
def test_contact_phones_in_international_or_grouped_form_are_normalised(typed, expected):
    assert validate_phone(typed) == expected


@pytest.mark.parametrize("typed", ["+86 731 8221", "+86 0131 82214464", "+1 415 555 0100", "0731 8221 44641"])
def test_contact_phones_that_are_still_wrong_are_refused(typed):
    assert _refused(validate_phone, typed).code in {"landline_format", "mobile_format"}


def _grouped(number: str, cuts: list[int], separator: str) -> str:
    digits = number.replace("-", "")
    points = sorted({c % len(digits) for c in cuts} - {0})
    return separator.join(digits[a:b] for a, b in zip([0, *points], [*points, len(digits)], strict=True))


@given(landlines, st.lists(st.integers(1, 11), max_size=3), st.sampled_from([" ", "-", "—", " - "]))
def test_every_generated_landline_is_read_in_any_grouping_and_in_international_form(number, cuts, separator):
    area, local = number.split("-")
    assert validate_phone(f"{area} {_grouped(local, cuts, separator)}") == number
    assert validate_phone(f"+86 {area[1:]} {_grouped(local, cuts, separator)}") == number
    assert validate_phone(f"0086{separator}{area[1:]}{separator}{local}") == number


@given(mobiles, st.lists(st.integers(1, 10), max_size=3), st.sampled_from([" ", "-", "—"]),
       st.sampled_from(["", "+86 ", "0086 ", "+86-", "(+86)"]))
def test_every_generated_mobile_is_read_as_a_contact_phone_in_any_grouping(number, cuts, separator, prefix):
    assert validate_phone(prefix + _grouped(number, cuts, separator)) == number


# --- e-mail -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("zhangsan@qq.com", "zhangsan@qq.com"), (" Zhang.San@Example.COM ", "Zhang.San@example.com"),
     ("li+si@mail.hunan.gov.cn", "li+si@mail.hunan.gov.cn"), ("ｗａｎｇ＠１６３．ｃｏｍ", "wang@163.com"),
     ("wang@163。com", "wang@163.com"), ("a@example.xn--fiqs8s", "a@example.xn--fiqs8s")],
)  # fmt: skip
def test_practical_email_addresses_are_accepted_with_the_domain_lower_cased(typed, expected):
    assert validate_email(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["zhangsan", "zhang@@qq.com", "a@b@qq.com", "@qq.com", "zhang@", "zhang@qq", "zhang@qq.c", "zhang@qq..com",
     ".zhang@qq.com", "zhang.@qq.com", "zh ang@qq.com", "张三@qq.com", "zhang@-qq.com", "zhang@qq.123",
     "a" * 65 + "@qq.com", "a@" + "b" * 250 + ".com"],
)  # fmt: skip
def test_malformed_email_addresses_are_refused(typed):
    assert _refused(validate_email, typed).code == "email_format"


@given(emails)
def test_generated_email_addresses_round_trip_and_keep_the_mailbox_case(address):
    local, domain = address.split("@")
    assert validate_email(f"{local}@{domain.upper()}") == address


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("张三", "张三"), (" 张三丰 ", "张三丰"), ("张 三", "张三"), ("阿依古丽·买买提", "阿依古丽·买买提"),
     ("阿依古丽.买买提", "阿依古丽·买买提"), ("阿依古丽・买买提", "阿依古丽·买买提"), ("王〇", "王〇"),
     ("𪚥𠀀", "𪚥𠀀"), ("Mary-Jane  O’Neil", "Mary-Jane O'Neil"), ("J. R. Smith", "J. R. Smith"),
     ("José Müller", "José Müller"), ("Ｔｏｍ", "Tom")],
)  # fmt: skip
def test_chinese_minority_and_latin_names_are_accepted(typed, expected):
    assert validate_name(typed) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [("", "required"), ("张", "name_length"), ("张" * 51, "name_length"), ("张3", "name_digits"),
     ("Tom2", "name_digits"), ("<b>张三</b>", "name_chars"), ("[张三]", "name_chars"), ("张\x00三", "name_chars"),
     ("张三\u202e", "name_chars"), ("·张三", "name_chars"), ("张三·", "name_chars"), ("张··三", "name_chars"),
     ("张三Tom", "name_chars"), ("-Tom", "name_chars"), ("김철수", "name_chars"), ("山田たろう", "name_chars"),
     ("张三!", "name_chars")],
)  # fmt: skip
def test_implausible_names_are_refused_with_a_stable_code(typed, code):
    assert _refused(validate_name, typed).code == code


def test_name_messages_use_the_label_of_the_field():
    error = _refused(validate_name, "李", field="agent_name", label="经办人姓名")
    assert error.field == "agent_name"
    assert error.message.startswith("经办人姓名")


@given(chinese_names)
def test_generated_chinese_names_are_kept_as_typed(name):
    assert validate_name(name) == name


@given(latin_names)
def test_generated_latin_names_are_kept_as_typed(name):
    assert validate_name(name) == name


# --- addresses and remark ---------------------------------------------------------------------


def test_an_address_is_one_line_of_at_most_200_characters():
    assert validate_address(" 湖南省岳阳市平江县汉昌街道天岳大道1号 ") == "湖南省岳阳市平江县汉昌街道天岳大道1号"
    assert validate_address("长" * ADDRESS_MAX) == "长" * ADDRESS_MAX
    assert "当前为201个" in _refused(validate_address, "长" * (ADDRESS_MAX + 1)).message
    assert _refused(validate_address, "长沙市\n岳麓区").code == "address_chars"
    assert _refused(validate_address, "  ", field="household_address").field == "household_address"


def test_a_remark_counts_chinese_characters_as_one_each():
    assert validate_remark("备" * REMARK_MAX) == "备" * REMARK_MAX
    error = _refused(validate_remark, "备" * (REMARK_MAX + 1))
    assert error.code == "remark_length"
    assert "当前为251个" in error.message


def test_a_remark_may_be_empty_and_keeps_its_line_breaks():
    assert validate_remark(None) == ""
    assert validate_remark("  ") == ""
    assert validate_remark("请加急\r\n下午来取") == "请加急\n下午来取"


@pytest.mark.parametrize("ch", ["\t", "\r", "\x00", "\x1b", "\u202e"])
def test_a_remark_refuses_control_characters_other_than_newline(ch):
    assert _refused(validate_remark, f"请{ch}加急").code == "remark_chars"


@given(st.text(max_size=300))
def test_a_remark_is_accepted_exactly_when_short_and_free_of_controls(text):
    try:
        cleaned = validate_remark(text)
    except InvalidInput as error:
        assert error.code in {"remark_length", "remark_chars"}
    else:
        assert len(cleaned) <= REMARK_MAX
        assert "\r" not in cleaned


@pytest.mark.parametrize("fn", ALL, ids=lambda fn: fn.__name__)
@given(value=st.one_of(st.text(), st.just("\ud800"), st.just("\u0000"), st.none(), st.integers()))
def test_nasty_input_is_only_ever_refused_with_a_message_and_cleaning_is_idempotent(fn, value):
    try:
        cleaned = fn(value)
    except InvalidInput as error:
        assert error.message and error.code
    else:
        assert fn(cleaned) == cleaned


@pytest.mark.parametrize("typed", ["+86 731 82214464", "0731 8221 4464", "0086 731 8221 4464", "073182214464"])
def test_a_landline_in_the_mobile_field_is_named_as_a_landline(typed):
    with pytest.raises(InvalidInput) as refused:
        validate_mobile(typed)
    assert refused.value.code == "mobile_landline" and "0731-82214464" in refused.value.message
