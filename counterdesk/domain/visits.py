"""来访 (visits) and 好差评 (ratings): the outcomes of a window's visits and the five grades.

Most visits to a cross-region window are not applications (DOMAIN.md §6); each queue ticket or
walk-in ends with exactly one outcome. Ratings follow GB/T 39734-2020: five grades, and for the
two lowest a second-level reason.
"""

from __future__ import annotations

from datetime import date, datetime

from counterdesk.domain.errors import InvalidInput

OUTCOMES: dict[str, str] = {
    "consult": "咨询",
    "assist": "帮办",
    "receive": "收件",
    "notify": "一次告知",
    "refer": "转办",
    "failed": "办不成事",
}
"""How a visit ended, code → Chinese label, in the order the counter offers them."""

SCORES: dict[int, str] = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
"""The five grades of 好差评, best first; the pad's keys 1–5 map to them from the best down."""

COMMENT_MAX = 250
"""The longest comment (评价意见) a rating may carry, in characters."""

BAD_SCORES = frozenset((1, 2))
"""差评: the two lowest grades, each opening a case in the 差评 ledger."""

REASONS: dict[str, str] = {
    "slow": "等候或办理时间太长",
    "unclear": "一次告知不清楚，来回跑",
    "attitude": "工作人员服务态度差",
    "skill": "工作人员业务不熟练",
    "system": "系统故障，办不了",
    "materials": "要求的材料太多或不合理",
    "fees": "乱收费或收费不透明",
    "other": "其他",
}
"""Second-level reasons of a 差评 (GB/T 39734 groups them much like this), code → label."""


def check_outcome(outcome: str) -> str:
    """The outcome code, refused unless it is one of ``OUTCOMES``."""
    if outcome not in OUTCOMES:
        choices = "、".join(f"{code}（{label}）" for code, label in OUTCOMES.items())
        raise InvalidInput(f"来访结果只能是：{choices}。", code="visit_outcome", field="outcome")
    return outcome


def check_rating(score: int, reasons: tuple[str, ...] | list[str], comment: str) -> tuple[int, tuple[str, ...], str]:
    """A checked rating: score 1–5, reasons only for a 差评 and only known ones, comment ≤ ``COMMENT_MAX``."""
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        raise InvalidInput("评价只能是 1 到 5 分（5 非常满意，1 非常不满意）。", code="rating_score", field="score")
    unknown = [code for code in reasons if code not in REASONS]
    if unknown:
        choices = "、".join(f"{code}（{label}）" for code, label in REASONS.items())
        raise InvalidInput(f"没有差评原因“{unknown[0]}”，可选：{choices}。", code="rating_reason", field="reason")
    if reasons and score not in BAD_SCORES:
        raise InvalidInput("只有“不满意”和“非常不满意”需要选择原因。", code="rating_reason", field="reason")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(f"评价意见不超过 {COMMENT_MAX} 个字。", code="rating_comment", field="comment")
    return score, tuple(dict.fromkeys(reasons)), comment


def service_seconds(called_at: datetime, ended_at: datetime) -> int:
    """Time from the call to the outcome, in whole seconds (never negative)."""
    return max(0, int((ended_at - called_at).total_seconds()))


def good_rate(scores: list[int]) -> float | None:
    """好评率: share of ratings that are not 差评, 基本满意 included (None when nothing was rated)."""
    return None if not scores else sum(1 for s in scores if s not in BAD_SCORES) / len(scores)


def is_overdue(due_on: date, today: date, done: bool) -> bool:
    """Whether a case with this due date is late on ``today``."""
    return not done and today > due_on
