"""Smart guidance (智能引导): branching questions decide which materials apply."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.guidance import (
    applicable_materials,
    applicable_questions,
    clean_answers,
    guide,
    pending_questions,
    validate_answers,
)
from counterdesk.domain.matter import Material, Matter, Option, Question


def yes_no(question_id: str, text: str, *when: str) -> Question:
    clauses = tuple(tuple(clause.split("=")) for clause in when)
    return Question(question_id, text, (Option("yes", "是"), Option("no", "否")), clauses)


def material(code: str, *when: str) -> Material:
    clauses = tuple(tuple(clause.split("=")) for clause in when)
    return Material(code, f"材料{code}", "copy", 1, True, clauses)


# A house sale: the seller's marriage decides whether the spouse must consent; a mortgage brings
# the bank; an agent brings a power of attorney, and a notarised one only when abroad.
SALE = Matter(
    code="GR-T-001",
    name="二手房转移登记",
    audience="personal",
    theme="住房",
    type="行政确认",
    summary="测试",
    questions=(
        Question(
            "marriage",
            "卖方婚姻状况？",
            (Option("married", "已婚"), Option("single", "未婚"), Option("divorced", "离异")),
        ),
        yes_no("spouse_present", "配偶是否到场？", "marriage=married"),
        yes_no("agent", "是否委托代理人？"),
        yes_no("abroad", "委托人是否在境外？", "agent=yes"),
        yes_no("mortgage", "是否贷款？"),
    ),
    materials=(
        material("ID"),
        material("MARRIAGE_CERT", "marriage=married"),
        material("SPOUSE_CONSENT", "spouse_present=no"),
        material("DIVORCE", "marriage=divorced"),
        material("POA", "agent=yes"),
        material("NOTARY", "abroad=yes"),
        material("LOAN", "mortgage=yes"),
        material("SINGLE_STATEMENT", "marriage=single", "marriage=divorced"),
    ),
)


def ids(questions):
    return [q.id for q in questions]


def codes(materials):
    return [m.code for m in materials]


def test_at_first_only_unconditional_questions_are_asked():
    assert ids(pending_questions(SALE, {})) == ["marriage", "agent", "mortgage"]
    assert codes(applicable_materials(SALE, {})) == ["ID"]


def test_a_married_seller_is_asked_whether_the_spouse_comes_in_order():
    assert ids(pending_questions(SALE, {"marriage": "married"})) == ["spouse_present", "agent", "mortgage"]
    assert ids(applicable_questions(SALE, {"marriage": "married"})) == [
        "marriage",
        "spouse_present",
        "agent",
        "mortgage",
    ]


def test_an_absent_spouse_adds_the_consent_form():
    answers = {"marriage": "married", "spouse_present": "no", "agent": "no", "mortgage": "no"}
    assert pending_questions(SALE, answers) == []
    assert codes(applicable_materials(SALE, answers)) == ["ID", "MARRIAGE_CERT", "SPOUSE_CONSENT"]


def test_a_material_applies_when_any_of_its_clauses_holds():
    assert "SINGLE_STATEMENT" in codes(applicable_materials(SALE, {"marriage": "single"}))
    assert "SINGLE_STATEMENT" in codes(applicable_materials(SALE, {"marriage": "divorced"}))
    assert "SINGLE_STATEMENT" not in codes(applicable_materials(SALE, {"marriage": "married"}))


def test_changing_an_early_answer_drops_the_answers_that_depended_on_it():
    answers = {"marriage": "married", "spouse_present": "no", "agent": "yes", "abroad": "yes"}
    assert clean_answers(SALE, answers) == answers
    changed = {**answers, "marriage": "single", "agent": "no"}
    assert clean_answers(SALE, changed) == {"marriage": "single", "agent": "no"}
    assert codes(applicable_materials(SALE, changed)) == ["ID", "SINGLE_STATEMENT"]


def test_a_stale_answer_to_a_question_no_longer_asked_does_not_bring_its_material():
    answers = {"agent": "no", "abroad": "yes"}
    assert "NOTARY" not in codes(applicable_materials(SALE, answers))
    assert "abroad" not in ids(applicable_questions(SALE, answers))


def test_a_deep_branch_opens_step_by_step():
    assert ids(pending_questions(SALE, {"agent": "yes"})) == ["marriage", "abroad", "mortgage"]
    materials = codes(applicable_materials(SALE, {"agent": "yes", "abroad": "yes"}))
    assert materials == ["ID", "POA", "NOTARY"]


def test_an_unknown_question_is_refused_with_its_code():
    with pytest.raises(InvalidInput) as refused:
        validate_answers(SALE, {"pets": "yes"}, complete=False)
    assert refused.value.code == "unknown_question" and refused.value.field == "pets"


def test_an_unknown_option_is_refused_listing_the_choices():
    with pytest.raises(InvalidInput) as refused:
        validate_answers(SALE, {"mortgage": "maybe"}, complete=False)
    assert refused.value.code == "unknown_option" and refused.value.field == "mortgage"
    assert "yes（是）" in refused.value.message


def test_a_complete_set_must_answer_every_question_that_applies():
    with pytest.raises(InvalidInput) as refused:
        validate_answers(SALE, {"marriage": "married", "agent": "no", "mortgage": "no"}, complete=True)
    assert refused.value.code == "unanswered" and refused.value.field == "spouse_present"
    validate_answers(SALE, {"marriage": "single", "agent": "no", "mortgage": "no"}, complete=True)


def test_the_guide_lists_questions_with_their_answers_and_the_materials():
    result = guide(SALE, {"marriage": "divorced", "abroad": "yes"})
    assert result.answers == {"marriage": "divorced"}
    assert not result.complete and ids(result.pending) == ["agent", "mortgage"]
    data = result.as_dict()
    assert [q["answer"] for q in data["questions"]] == ["divorced", None, None]
    assert data["materials"][0] == {
        "code": "ID",
        "name": "材料ID",
        "kind": "copy",
        "kind_label": "复印件",
        "copies": 1,
        "required": True,
        "file_kinds": [],
        "license": None,
        "note": "",
        "tolerable": False,
        "commitment": False,
    }
    assert [m["code"] for m in data["materials"]] == ["ID", "DIVORCE", "SINGLE_STATEMENT"]


def test_the_guide_refuses_an_unknown_option():
    with pytest.raises(InvalidInput):
        guide(SALE, {"marriage": "widowed"})


answers_strategy = st.dictionaries(
    st.sampled_from(["marriage", "spouse_present", "agent", "abroad", "mortgage", "ghost"]),
    st.sampled_from(["married", "single", "divorced", "yes", "no", "maybe"]),
)


@given(answers_strategy)
def test_cleaning_keeps_only_answers_to_questions_that_apply_and_is_stable(answers):
    kept = clean_answers(SALE, answers)
    assert set(kept) <= set(ids(applicable_questions(SALE, answers)))
    assert clean_answers(SALE, kept) == kept
    assert applicable_materials(SALE, kept) == applicable_materials(SALE, answers)
    assert ids(pending_questions(SALE, answers)) == [
        q.id for q in applicable_questions(SALE, answers) if q.id not in kept
    ]
