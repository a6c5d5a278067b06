"""The number in block digits: one line when it fits, two halves split at a dash when it does not."""

from counterdesk.tui.widgets.bignumber import split_lines


def test_an_old_number_fits_80_columns_on_one_line():
    assert split_lines("430626-20261124-00017-3", 78) == ["430626-20261124-00017-3"]


def test_a_current_number_is_split_at_the_dash_nearest_its_middle():
    assert split_lines("430626-20261202-43010201-00017-4", 78) == ["430626-20261202-", "43010201-00017-4"]
    assert split_lines("430626-20261202-43010201-00017-4", 120) == ["430626-20261202-43010201-00017-4"]


def test_text_without_dashes_is_never_split():
    assert split_lines("4306262026120243010201000174", 10) == ["4306262026120243010201000174"]
