"""Reading what the clerk typed into 办件查询: either kind of number in any grouping, or why not."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterdesk.domain.appno import format_application_number
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.idnumbers import build_resident_id
from counterdesk.domain.query import read_lookup_query, refuse_unknown_id_number

SEPARATORS = st.sampled_from(["", "-", "—", "–", "_", " ", "－", "　", " - "])


@given(seq=st.integers(1, 99999), day=st.dates(date(2020, 1, 1), date(2040, 12, 31)), sep=SEPARATORS)
def test_an_application_number_is_read_whatever_separates_its_groups(seq, day, sep):
    number = format_application_number("430626", day, seq)
    typed = sep.join(number.split("-")).lower()
    query = read_lookup_query(typed)
    assert (query.kind, query.value) == ("application", number)


@given(seq=st.integers(1, 999), born=st.dates(date(1930, 1, 1), date(2010, 12, 31)), sep=SEPARATORS)
def test_a_resident_id_is_read_whatever_separates_its_groups(seq, born, sep):
    number = build_resident_id("430626", born, seq)
    query = read_lookup_query(sep.join([number[:6], number[6:14], number[14:]]))
    assert (query.kind, query.value) == ("id_number", number)
    refuse_unknown_id_number(query.value)


@given(st.text(max_size=30))
def test_anything_typed_is_read_or_refused_with_a_sentence(typed):
    try:
        query = read_lookup_query(typed)
    except InvalidInput as refused:
        assert refused.message and refused.code
        return
    assert query.kind in {"application", "id_number"} and query.value.isascii()
    try:
        refuse_unknown_id_number(query.value)
    except InvalidInput as refused:
        assert refused.message and refused.code


@pytest.mark.parametrize("number", ["E12345678", "H12345678", "12345678(B)", "ABC123456789012"])
def test_well_formed_numbers_of_other_documents_are_not_called_typos(number):
    refuse_unknown_id_number(read_lookup_query(number).value)


def test_a_wrong_check_character_in_a_resident_id_is_named():
    number = build_resident_id("430626", date(1985, 6, 15), 7)
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    with pytest.raises(InvalidInput) as refused:
        refuse_unknown_id_number(read_lookup_query(wrong).value)
    assert refused.value.code == "id_check_digit"
