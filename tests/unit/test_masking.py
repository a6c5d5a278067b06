"""Masks for lists, receipts and logs: enough to recognise, never enough to misuse."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterdesk.domain.masking import mask_email, mask_id_number, mask_name, mask_phone


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


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone, mask_name, mask_email])
@given(value=st.one_of(st.text(), st.just("\ud800"), st.none()))
def test_masks_never_raise_on_stored_data(mask, value):
    assert isinstance(mask(value), str)
