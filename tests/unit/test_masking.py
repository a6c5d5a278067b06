"""Masks for lists, receipts and logs: enough to recognise, never enough to misuse."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterdesk.domain.masking import mask_address, mask_email, mask_id_number, mask_name, mask_phone


def test_a_resident_id_keeps_its_first_and_last_four():
    assert mask_id_number("430626199001010012") == "4306**********0012"


@pytest.mark.parametrize(
    ("number", "masked"),
    [("E12345678", "E1*****78"), ("12345678", "12****78"), ("USA110079120101", "USA*********101"),
     ("1234567", "1*****7"), ("123", "***"), ("", ""), (None, "")],
)  # fmt: skip
def test_short_numbers_keep_less_so_at_most_half_is_shown(number, masked):
    assert mask_id_number(number) == masked


@given(st.text())
def test_an_id_mask_keeps_the_length_and_never_reveals_more_than_half(text):
    masked = mask_id_number(text)
    assert len(masked) == len(text.strip())
    assert sum(ch != "*" for ch in masked) <= len(masked) / 2


def test_a_mobile_keeps_its_first_three_and_last_four_digits():
    assert mask_phone("13812347777") == "138****7777"
    assert mask_phone("+86 138 1234 7777") == "138****7777"


def test_a_landline_keeps_its_area_code_and_last_four_digits():
    assert mask_phone("0731-84567890") == "0731-****7890"
    assert mask_phone("0730-1234567") == "0730-***4567"
    assert mask_phone("0731-84567890-123") == "0731-****7890-***"


def test_a_phone_stored_before_todays_rules_is_still_masked():
    assert mask_phone("5551234") == "5*****4"
    assert mask_phone("") == ""
    assert mask_phone(None) == ""


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三丰", "张**"), ("李四", "李*"), ("阿依古丽·买买提", "阿*******"), ("Smith", "S***"),
     ("Mary-Jane O'Neil", "M***"), ("张", "*"), ("", ""), (None, "")],
)  # fmt: skip
def test_a_name_shows_only_its_first_character(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("address", "masked"),
    [("zhangsan@qq.com", "z***@qq.com"), ("a@qq.com", "***@qq.com"), ("Zhang.San@example.com", "Z***@example.com"),
     ("not-an-email", "not******ail")],
)  # fmt: skip
def test_an_email_hides_the_mailbox_but_its_first_character(address, masked):
    assert mask_email(address) == masked


@pytest.mark.parametrize(
    ("address", "masked"),
    [("湖南省岳阳市平江县城关镇汉昌大道66号天岳便利店", "湖南省岳阳市平江县城关镇****"),
     ("湖南省长沙市浏阳市集里街道人民路1号", "湖南省长沙市浏阳市集里街道****"),
     ("湖南省湘西土家族苗族自治州吉首市乾州街道世纪大道", "湖南省湘西土家族苗族自治州吉首市乾州街道****"),
     ("湖南省岳阳市岳阳楼区金鹗中路118号", "湖南省岳阳市岳阳楼区****"), ("平江县天岳大道 88 号", "平江县****"),
     ("平江县城关镇滨州路8号", "平江县城关镇****"), ("湖南省岳阳市平江县", "湖南省岳阳市平江县"),
     ("天岳小区3栋2单元", "****"), ("汉昌大道66号", "****"), ("", ""), (None, "")],
)  # fmt: skip
def test_an_address_keeps_its_divisions_down_to_the_township_and_stars_the_rest(address, masked):
    assert mask_address(address) == masked


SUFFIXES = "省市县区镇乡街道"
place_name = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF).filter(lambda ch: ch not in SUFFIXES),
                     min_size=2, max_size=6)
"""A division's own name: Chinese characters, none of them a level's suffix."""
below = st.tuples(place_name, st.sampled_from(["路", "大道", "巷", "村", "组"]), st.integers(1, 9999),
                  st.sampled_from(["号", "号院", "栋"])).map(lambda t: f"{t[0]}{t[1]}{t[2]}{t[3]}")
"""What lies below the township: a road or village, a number."""


@given(province=place_name, city=place_name, county=place_name, county_kind=st.sampled_from(["县", "区", "市"]),
       town=st.one_of(st.none(), st.tuples(place_name, st.sampled_from(["镇", "乡", "街道"]))), rest=below)
def test_an_address_shows_its_province_city_county_and_township_and_nothing_below(province, city, county,
                                                                                  county_kind, town, rest):
    divisions = f"{province}省{city}市{county}{county_kind}" + ("".join(town) if town else "")
    assert mask_address(divisions + rest) == divisions + "****"


@given(st.text(max_size=80))
def test_what_an_address_mask_keeps_is_a_start_of_the_address_with_no_digit(text):
    masked = mask_address(text)
    compact = "".join(text.split())
    kept = masked.removesuffix("****")
    assert compact.startswith(kept)
    assert masked == compact or masked.endswith("****")
    assert not any(ch.isdigit() for ch in kept)


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone, mask_name, mask_email, mask_address])
@given(value=st.one_of(st.text(), st.just("\ud800"), st.none()))
def test_masks_never_raise_on_stored_data(mask, value):
    assert isinstance(mask(value), str)
