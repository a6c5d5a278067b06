"""ISO 7064 MOD 11-2, the check character shared by ID numbers and application numbers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterdesk.domain.iso7064 import CHECK_CHARS, mod11_2_check_char, mod11_2_is_valid

digit_runs = st.text(alphabet="0123456789", min_size=1, max_size=30)


def test_the_gb_11643_example_number_ends_in_x():
    assert mod11_2_check_char("11010519491231002") == "X"
    assert mod11_2_is_valid("11010519491231002X")


def test_the_design_example_application_number_checks_to_3():
    assert mod11_2_check_char("4306262026112400017") == "3"


def test_lowercase_x_is_not_a_valid_check_character_at_this_level():
    assert not mod11_2_is_valid("11010519491231002x")


@pytest.mark.parametrize("bad", ["", "12a4", "１２３", "12 3", "X"])
def test_only_ascii_digits_have_a_check_character(bad):
    with pytest.raises(ValueError):
        mod11_2_check_char(bad)


@given(digit_runs)
def test_every_digit_run_gets_one_of_the_eleven_check_characters_and_validates(body):
    check = mod11_2_check_char(body)
    assert check in CHECK_CHARS
    assert mod11_2_is_valid(body + check)


@given(digit_runs, st.data())
def test_any_other_check_character_is_refused(body, data):
    wrong = data.draw(st.sampled_from(CHECK_CHARS.replace(mod11_2_check_char(body), "")))
    assert not mod11_2_is_valid(body + wrong)


@given(digit_runs, st.data())
def test_a_single_wrong_digit_is_always_caught(body, data):
    number = body + mod11_2_check_char(body)
    position = data.draw(st.integers(0, len(body) - 1))
    replacement = data.draw(st.sampled_from("0123456789".replace(body[position], "")))
    assert not mod11_2_is_valid(number[:position] + replacement + number[position + 1 :])


@given(st.text(alphabet="0123456789", min_size=2, max_size=30), st.data())
def test_two_swapped_adjacent_digits_are_always_caught(body, data):
    number = body + mod11_2_check_char(body)
    position = data.draw(st.integers(0, len(number) - 2))
    pair = number[position : position + 2]
    swapped = number[:position] + pair[::-1] + number[position + 2 :]
    assert swapped == number or not mod11_2_is_valid(swapped)


@given(st.text())
def test_is_valid_never_raises_on_any_text(text):
    assert mod11_2_is_valid(text) in (True, False)
