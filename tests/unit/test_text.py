"""The shared clean-up every validator starts with."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.text import as_text, fold_width, has_control, is_han, require


def test_full_width_letters_digits_and_the_ideographic_space_fold_to_ascii():
    assert fold_width("Ｅ１２３４５６７８") == "E12345678"
    assert fold_width("ｚｈａｎｇ＠ｑｑ．ｃｏｍ") == "zhang@qq.com"
    assert fold_width("张　三") == "张 三"


@given(st.text())
def test_folding_keeps_the_length_and_leaves_no_full_width_ascii(text):
    folded = fold_width(text)
    assert len(folded) == len(text)
    assert not any("\uff01" <= ch <= "\uff5e" for ch in folded)


def test_batch_cells_may_arrive_as_integers_or_nothing():
    assert as_text(13812347777, label="手机号码", field="mobile") == "13812347777"
    assert as_text(None, label="备注", field="remark") == ""
    assert as_text("  张三 ", label="姓名", field="name") == "张三"


@pytest.mark.parametrize("value", [True, 1.5, ["1"], {"a": 1}, b"bytes"])
def test_other_kinds_of_value_are_refused_as_not_text(value):
    with pytest.raises(InvalidInput) as caught:
        as_text(value, label="姓名", field="name")
    assert (caught.value.code, caught.value.field) == ("not_text", "name")


def test_blank_required_value_asks_for_the_field_by_name():
    with pytest.raises(InvalidInput) as caught:
        require(" \t", label="姓名", field="name")
    assert caught.value.message == "请填写姓名。"
    assert caught.value.code == "required"


@pytest.mark.parametrize("ch", ["\x00", "\t", "\r", "\x7f", "\x85", "\u202e", "\u2066", "\ud800"])
def test_controls_surrogates_and_bidi_overrides_count_as_control_characters(ch):
    assert has_control(f"长沙{ch}市")


def test_newline_is_allowed_only_when_asked():
    assert has_control("第一行\n第二行")
    assert not has_control("第一行\n第二行", allow_newline=True)
    assert has_control("第一行\n\t第二行", allow_newline=True)


@pytest.mark.parametrize("ch", ["张", "〇", "㐀", "𠀀", "𪚥"])
def test_common_and_rare_chinese_characters_are_han(ch):
    assert is_han(ch)


@pytest.mark.parametrize("ch", ["A", "·", "ー", "가", "あ", "1"])
def test_other_scripts_and_punctuation_are_not_han(ch):
    assert not is_han(ch)


@pytest.mark.parametrize("cell", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_quote_and_reads_back_as_typed(cell):
    from counterdesk.domain.text import spreadsheet_restored, spreadsheet_safe

    assert spreadsheet_safe(cell) == "'" + cell
    assert spreadsheet_restored(spreadsheet_safe(cell)) == cell


def test_plain_cells_and_numbers_are_left_alone():
    from counterdesk.domain.text import spreadsheet_restored, spreadsheet_row

    assert spreadsheet_row(["张三", 3, -1, "", "'quoted"]) == ["张三", 3, -1, "", "'quoted"]
    assert spreadsheet_row({"a": "=x", "b": 2}) == {"a": "'=x", "b": 2}
    assert spreadsheet_restored("'quoted") == "'quoted"


@given(st.text(max_size=30), st.booleans())
def test_has_control_is_is_control_on_every_character(text, allow_newline):
    """The one-regex check agrees with the per-character definition, for any text (surrogates included)."""
    from counterdesk.domain.text import is_control

    expected = any(is_control(ch) and not (allow_newline and ch == "\n") for ch in text)
    assert has_control(text, allow_newline=allow_newline) is expected


def test_every_code_point_of_categories_cc_and_cs_is_a_control():
    import unicodedata

    from counterdesk.domain.text import is_control

    for cp in range(0x110000):
        ch = chr(cp)
        assert has_control(ch) is is_control(ch), hex(cp)
    assert unicodedata.category("\x85") == "Cc" and has_control("\x85")
