"""Smart guidance (智能引导): which situation questions to ask and which materials apply.

A question applies when it has no ``when`` clause or when any of its clauses ``(question,
option)`` is answered that way; a question may only depend on questions listed before it, so one
pass in order settles everything. Answers to questions that no longer apply are dropped, and so
are the answers that depended on those, which keeps a changed early answer from leaving stale
materials behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.matter import Material, Matter, Question
from counterdesk.domain.text import required_label

Answers = Mapping[str, str]
"""Question id → option id."""


def _holds(when: tuple[tuple[str, str], ...], answers: Answers) -> bool:
    return not when or any(answers.get(question) == option for question, option in when)


def clean_answers(matter: Matter, answers: Answers) -> dict[str, str]:
    """The answers that still count: to questions that apply, with an option the question has."""
    kept: dict[str, str] = {}
    for question in matter.questions:
        if not _holds(question.when, kept):
            continue
        chosen = answers.get(question.id)
        if chosen is not None and question.option(chosen) is not None:
            kept[question.id] = chosen
    return kept


def applicable_questions(matter: Matter, answers: Answers) -> list[Question]:
    """The questions that apply given the answers so far, in the matter's order."""
    kept = clean_answers(matter, answers)
    return [question for question in matter.questions if _holds(question.when, kept)]


def pending_questions(matter: Matter, answers: Answers) -> list[Question]:
    """The questions that apply and are still unanswered, in order."""
    kept = clean_answers(matter, answers)
    return [q for q in matter.questions if _holds(q.when, kept) and q.id not in kept]


def applicable_materials(matter: Matter, answers: Answers) -> list[Material]:
    """The materials that apply given the answers so far."""
    kept = clean_answers(matter, answers)
    return [material for material in matter.materials if _holds(material.when, kept)]


def tolerable(matter: Matter, material: Material, answers: Answers) -> bool:
    """容缺: whether ``material`` may be missing at 受理 and supplied later, for these answers.

    It must apply, the catalog must allow it (``tolerable``), and when the catalog names answers,
    one of them must be given: the passbook of 就业困难人员认定 only for "未开立（受理后补交）".
    The one rule the counter, the batch importer and ``catalog show`` ask.
    """
    kept = clean_answers(matter, answers)
    return (material.tolerable_when is not None and _holds(material.when, kept)
            and _holds(material.tolerable_when, kept))


TOLERATED_LABEL = "容缺（受理后补交）"
"""What the 是否必填 column says of a material these answers make tolerable (容缺)."""


def requirement_label(matter: Matter, material: Material, answers: Answers) -> str:
    """必填, 选填, or 容缺（受理后补交） when these answers let it follow after 受理: the guide and the 明白卡 agree."""
    return TOLERATED_LABEL if tolerable(matter, material, answers) else required_label(material.required)


def situations(matter: Matter, when: tuple[tuple[str, str], ...]) -> list[str]:
    """``when`` clauses as a citizen reads them: "问题 → 选项" (any of them holds); unknown ids as given."""
    texts = []
    for question_id, option_id in when:
        question = next((q for q in matter.questions if q.id == question_id), None)
        option = question.option(option_id) if question is not None else None
        texts.append(f"{question.text} → {option.text}" if question and option else f"{question_id}={option_id}")
    return texts


def validate_answers(matter: Matter, answers: Answers, *, complete: bool) -> None:
    """Refuse unknown questions and options; with ``complete``, also an unanswered question."""
    for question_id, option_id in answers.items():
        question = matter.question(question_id)
        if question.option(option_id) is None:
            choices = "、".join(f"{option.id}（{option.text}）" for option in question.options)
            raise InvalidInput(
                f"问题“{question.text}”没有选项 {option_id}，可选：{choices}。",
                code="unknown_option",
                field=question_id,
            )
    if complete:
        for question in pending_questions(matter, answers):
            raise InvalidInput(
                f"请先回答办事情形问题：{question.text}", code="unanswered", field=question.id
            )


@dataclass(frozen=True)
class Guide:
    """The guide (办事指南) for one matter and one set of answers: what to ask, what to bring."""

    matter: Matter
    answers: dict[str, str]
    """The answers that still count (see ``clean_answers``)."""
    questions: list[Question] = field(default_factory=list)
    materials: list[Material] = field(default_factory=list)

    @property
    def pending(self) -> list[Question]:
        """The questions still to answer."""
        return [question for question in self.questions if question.id not in self.answers]

    @property
    def complete(self) -> bool:
        """Whether every applicable question has been answered."""
        return not self.pending


    def as_dict(self) -> dict[str, Any]:
        """The guide as plain JSON-ready data (``counterdesk catalog show --json``)."""
        m = self.matter
        return {
            "code": m.code,
            "name": m.name,
            "audience": m.audience,
            "audience_label": m.audience_label,
            "theme": m.theme,
            "type": m.type,
            "summary": m.summary,
            "keywords": list(m.keywords),
            "aliases": list(m.aliases),
            "mode": m.mode,
            "mode_label": m.mode_label,
            "office": m.office,
            "time_limit_days": m.time_limit_days,
            "legal_time_limit_days": m.legal_time_limit_days,
            "fee": m.fee,
            "phone": m.phone,
            "counties": None if m.counties is None else sorted(m.counties),
            "city_level": m.city_level,
            "items": [{"name": i.name, "department": i.department} for i in m.items],
            "answers": dict(self.answers),
            "complete": self.complete,
            "questions": [
                {
                    "id": q.id,
                    "text": q.text,
                    "options": [{"id": o.id, "text": o.text} for o in q.options],
                    "answer": self.answers.get(q.id),
                }
                for q in self.questions
            ],
            "materials": [
                {
                    "code": x.code,
                    "name": x.name,
                    "kind": x.kind,
                    "kind_label": x.kind_label,
                    "copies": x.copies,
                    "required": x.required,
                    "file_kinds": list(x.file_kinds),
                    "license": x.license,
                    "note": x.note,
                    "tolerable": tolerable(m, x, self.answers),
                    "commitment": x.commitment,
                }
                for x in self.materials
            ],
            "process": list(m.process),
            "conditions": list(m.conditions),
            "legal_basis": list(m.legal_basis),
            "faq": [{"q": f.q, "a": f.a} for f in m.faq],
        }


def guide(matter: Matter, answers: Answers) -> Guide:
    """Validate the answers and work out the questions and materials that apply."""
    validate_answers(matter, answers, complete=False)
    kept = clean_answers(matter, answers)
    return Guide(
        matter=matter,
        answers=kept,
        questions=[q for q in matter.questions if _holds(q.when, kept)],
        materials=[m for m in matter.materials if _holds(m.when, kept)],
    )

