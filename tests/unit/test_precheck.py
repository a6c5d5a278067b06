"""A material's pre-check folded from its files': the one rule the materials, review and queue screens read."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from counterdesk.domain.attachment import Precheck, folded_precheck

SEVERITY = [Precheck.PASSED, Precheck.PENDING, Precheck.FAILED]


@given(st.lists(st.sampled_from(SEVERITY), min_size=1, max_size=8))
def test_the_worst_file_decides(states):
    assert folded_precheck(states) == max(states, key=SEVERITY.index)
    assert folded_precheck(str(s) for s in states) == folded_precheck(states)


def test_one_failed_file_among_passed_ones_fails_the_material():
    assert folded_precheck(["passed", "failed", "passed"]) is Precheck.FAILED
    assert folded_precheck(["passed", "pending"]) is Precheck.PENDING
