"""容缺 and 告知承诺 in the catalog: which material may be promised instead of handed in, for which answers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterdesk.catalog import CatalogError, clear_cache, load_catalog
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.guidance import applicable_materials, clean_answers, guide, tolerable
from counterdesk.domain.matter import Material, Matter, Option, Question
from counterdesk.domain.promise import (
    DEFAULT_TOLERANCE_DAYS,
    LIVE_WHILE,
    PromiseKind,
    PromiseState,
    binds,
    check_deadline,
    check_promise,
    clean_check,
    owed_overdue,
    promise_state,
    tolerance_deadline,
)
from counterdesk.domain.workdays import WEEKENDS_ONLY
from counterdesk.domain.workflow import OPEN_STATUSES, Status
from tests.unit.test_catalog_loader import HEAD, MATERIALS, QUESTIONS, TAIL, write


def _clauses(*when: str) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(clause.split("=")) for clause in when)  # type: ignore[misc]


def yes_no(question_id: str, *when: str) -> Question:
    return Question(question_id, f"{question_id}？", (Option("yes", "是"), Option("no", "否")), _clauses(*when))


# A subsidy: the bank card is only for the subsidy, and may follow later when not opened yet; the
# family proof is only for some, and a signed commitment may replace it.
SUBSIDY = Matter(
    code="ZC-T-001", name="补贴申领", audience="policy", theme="就业创业", type="行政给付", summary="测试",
    questions=(yes_no("subsidy"), yes_no("card", "subsidy=yes"), yes_no("family")),
    materials=(
        Material("FORM", "申报表", "original", 1, True),
        Material("CARD", "银行卡", "copy", 1, True, _clauses("subsidy=yes"), tolerable_when=_clauses("card=no")),
        Material("PHOTO", "照片", "copy", 1, True, tolerable_when=()),
        Material("FAMILY", "家庭证明", "original", 1, True, _clauses("family=yes"), commitment=True),
    ),
)
BY_CODE = {m.code: m for m in SUBSIDY.materials}

answers_strategy = st.dictionaries(st.sampled_from(["subsidy", "card", "family", "ghost"]),
                                   st.sampled_from(["yes", "no", "maybe"]))


def test_the_card_is_tolerable_only_when_not_opened_yet():
    assert tolerable(SUBSIDY, BY_CODE["CARD"], {"subsidy": "yes", "card": "no"})
    assert not tolerable(SUBSIDY, BY_CODE["CARD"], {"subsidy": "yes", "card": "yes"})
    assert not tolerable(SUBSIDY, BY_CODE["CARD"], {"subsidy": "no", "card": "no"}), "the card does not apply"
    assert not tolerable(SUBSIDY, BY_CODE["FORM"], {"subsidy": "yes", "card": "no"})


@given(answers_strategy)
def test_only_a_material_that_applies_and_the_catalog_allows_is_tolerable(answers):
    applying = {m.code for m in applicable_materials(SUBSIDY, answers)}
    for material in SUBSIDY.materials:
        found = tolerable(SUBSIDY, material, answers)
        if found:
            assert material.code in applying and material.tolerable_when is not None
        if material.tolerable_when == ():
            assert found == (material.code in applying), "tolerable = true: whenever it applies"
        # Answers to questions no longer asked never make a material tolerable.
        assert found == tolerable(SUBSIDY, material, clean_answers(SUBSIDY, answers))


@given(answers_strategy)
def test_a_promise_is_accepted_exactly_when_the_rule_allows_it(answers):
    answers = clean_answers(SUBSIDY, answers)
    for material in SUBSIDY.materials:
        allowed = tolerable(SUBSIDY, material, answers)
        try:
            check_promise(SUBSIDY, answers, material.code, PromiseKind.TOLERATED)
        except InvalidInput as refused:
            assert not allowed and refused.code in ("not_tolerable", "material_not_applicable")
        else:
            assert allowed


def test_a_commitment_replaces_only_a_listed_certificate():
    answers = {"subsidy": "no", "family": "yes"}
    assert check_promise(SUBSIDY, answers, "FAMILY", PromiseKind.COMMITMENT).code == "FAMILY"
    with pytest.raises(InvalidInput) as refused:
        check_promise(SUBSIDY, answers, "FORM", PromiseKind.COMMITMENT)
    assert refused.value.code == "no_commitment"
    with pytest.raises(InvalidInput) as refused:
        check_promise(SUBSIDY, {"family": "no"}, "FAMILY", PromiseKind.COMMITMENT)
    assert refused.value.code == "material_not_applicable"
    with pytest.raises(InvalidInput) as refused:
        check_promise(SUBSIDY, answers, "FAMILY", "maybe")
    assert refused.value.code == "promise_kind"


def test_the_guide_says_for_the_given_answers_which_materials_are_tolerable():
    shown = guide(SUBSIDY, {"subsidy": "yes", "card": "no", "family": "yes"}).as_dict()["materials"]
    assert {m["code"]: (m["tolerable"], m["commitment"]) for m in shown} == {
        "FORM": (False, False), "CARD": (True, False), "PHOTO": (True, False), "FAMILY": (False, True)}


def test_the_deadline_counts_working_days_and_is_overdue_only_after_it():
    friday = date(2026, 11, 27)
    assert tolerance_deadline(friday, 1, WEEKENDS_ONLY) == date(2026, 11, 30)
    assert tolerance_deadline(friday, None, WEEKENDS_ONLY) == date(2026, 12, 11)  # 10 working days
    assert DEFAULT_TOLERANCE_DAYS == 10
    for days in (0, 61):
        with pytest.raises(InvalidInput) as refused:
            tolerance_deadline(friday, days, WEEKENDS_ONLY)
        assert refused.value.code == "tolerance_days"
    due = date(2026, 12, 11)
    assert not owed_overdue(due, due) and owed_overdue(due, date(2026, 12, 12)) and not owed_overdue(None, due)


# -- where a promise stands -------------------------------------------------------------------------

DUE = date(2026, 12, 11)


@given(st.sampled_from(list(Status)), st.sampled_from(list(PromiseKind)), st.booleans(),
       st.sampled_from([None, "true", "false"]), st.dates(date(2026, 11, 1), date(2027, 1, 31)))
def test_a_promise_settled_stays_settled_and_one_not_settled_binds_exactly_while_its_application_stands(
        status, kind, supplied, outcome, day):
    supplied = supplied and kind == PromiseKind.TOLERATED
    outcome = outcome if kind == PromiseKind.COMMITMENT else None
    state = promise_state(kind, status, due_on=DUE if kind == PromiseKind.TOLERATED else None, supplied=supplied,
                          outcome=outcome, today=day)
    if status == Status.DRAFT:
        assert state == PromiseState.MARKED
    elif supplied:
        assert state == PromiseState.SUPPLIED
    elif outcome is not None:
        assert state == PromiseState(outcome)
    elif not binds(kind, status):
        assert state == PromiseState.VOID
    elif kind == PromiseKind.TOLERATED:
        assert state == (PromiseState.OVERDUE if day > DUE else PromiseState.OWED)
    else:
        assert state == PromiseState.TO_CHECK


def test_withdrawn_refused_or_closed_applications_owe_nothing_but_a_decided_one_is_still_checked():
    assert LIVE_WHILE[PromiseKind.TOLERATED] == OPEN_STATUSES - {Status.DRAFT}
    for status in (Status.WITHDRAWN, Status.REJECTED, Status.COMPLETED, Status.READY, Status.RELEASED):
        assert not binds(PromiseKind.TOLERATED, status)
    for status in (Status.WITHDRAWN, Status.REJECTED, Status.DRAFT):
        assert not binds(PromiseKind.COMMITMENT, status)
    for status in (Status.COMPLETED, Status.READY, Status.RELEASED, Status.RECEIVED, Status.IN_PROGRESS):
        assert binds(PromiseKind.COMMITMENT, status), "事后核查 comes after the decision"
    assert promise_state("tolerated", "withdrawn", due_on=DUE, supplied=False, outcome=None,
                         today=date(2027, 1, 1)) == PromiseState.VOID


def test_a_check_outcome_wants_a_known_result_and_a_note_when_untrue():
    assert clean_check("true", "  ") is None and clean_check("true", " 已核实 ") == "已核实"
    assert clean_check("false", "一人已就业") == "一人已就业"
    for outcome, note, code in (("false", None, "check_note"), ("false", " ", "check_note"),
                                ("maybe", "x", "check_outcome"), ("true", "x" * 501, "check_note"),
                                ("true", "a\x00b", "check_note")):
        with pytest.raises(InvalidInput) as refused:
            clean_check(outcome, note)
        assert refused.value.code == code
    assert check_deadline(date(2026, 11, 27), WEEKENDS_ONLY) == date(2026, 12, 25)  # 20 working days


# -- the catalog file ------------------------------------------------------------------------------

TOLERANT = HEAD + TAIL + QUESTIONS + MATERIALS.replace(
    'when = ["sub=x"]', 'when = ["sub=x"]\ntolerable = ["kind=a"]\ncommitment = true')


def test_a_matter_file_says_which_material_is_tolerable_and_which_a_commitment_may_replace(tmp_path):
    write(tmp_path, TOLERANT.replace('kind = "copy"', 'kind = "copy"\ntolerable = true'))
    clear_cache()
    matter = load_catalog(tmp_path).matter("GR-TEST-001")
    assert matter.material("M01").tolerable_when == () and not matter.material("M01").commitment
    assert matter.material("M02").tolerable_when == (("kind", "a"),) and matter.material("M02").commitment


@pytest.mark.parametrize(("old", "new", "message"), [
    ('tolerable = ["kind=a"]', 'tolerable = ["kind=c"]', "选项 c"),
    ('tolerable = ["kind=a"]', 'tolerable = "yes"', "应为 true、false 或条件列表"),
    ("commitment = true", 'commitment = "yes"', "应为 true 或 false"),
    ('tolerable = ["kind=a"]', 'tolerable = ["kind=a"]\nrequired = false', "无需容缺"),
])
def test_a_wrong_tolerable_or_commitment_is_named_with_its_field(tmp_path, old, new, message):
    write(tmp_path, TOLERANT.replace(old, new))
    clear_cache()
    with pytest.raises(CatalogError) as refused:
        load_catalog(tmp_path)
    [problem] = [str(p) for p in refused.value.problems]
    assert problem.startswith("matters/test.toml:materials[M02].") and message in problem


# -- the seed: the guide's own worked example ----------------------------------------------------------

def test_the_seed_asks_no_pension_proof_and_no_passbook_of_whom_only_seeks_the_status():
    matter = load_catalog().matter("ZC-JYKN-001")
    for category in ("laid_off", "zero_employment", "disabled"):
        names = [m.name for m in applicable_materials(matter, {"category": category, "flexible": "no"})]
        assert "当年缴纳养老保险的缴费凭证" not in names and "邮政储蓄银行活期存折" not in names, category
    subsidy = [m.code for m in applicable_materials(matter, {"category": "laid_off", "flexible": "yes", "bank": "yes"})]
    assert {"M02", "M05"} <= set(subsidy)


def test_the_seed_tolerates_the_passbook_exactly_for_whom_has_not_opened_it():
    matter = load_catalog().matter("ZC-JYKN-001")
    passbook = matter.material("M05")
    bank = matter.question("bank")
    assert bank.option("no").text == "未开立（受理后补交）"
    assert tolerable(matter, passbook, {"category": "laid_off", "flexible": "yes", "bank": "no"})
    assert not tolerable(matter, passbook, {"category": "laid_off", "flexible": "yes", "bank": "yes"})
    everything_else = [m for m in matter.materials if m.code != "M05"]
    assert not any(tolerable(matter, m, {"category": c, "flexible": "yes", "bank": "no"})
                   for m in everything_else for c in ("laid_off", "zero_employment", "disabled"))


def test_the_seed_pays_the_subsidy_on_one_schedule_everywhere_it_says_so():
    matter = load_catalog().matter("ZC-JYKN-001")
    text = "".join(matter.process) + "".join(f.q + f.a for f in matter.faq) + matter.summary
    assert "按季度" in text and "按月" not in text
