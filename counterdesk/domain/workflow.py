"""The status workflow of an application (办件状态) and who may move it where.

Supervisors review the queue and make every move. A window clerk only withdraws an application
at the citizen's request, or records that the citizen brought the missing papers (补正).
"""

from __future__ import annotations

from counterdesk.domain.errors import Forbidden, InvalidInput

STATUSES: dict[str, str] = {
    "draft": "草稿",
    "submitted": "已提交",
    "accepted": "已受理",
    "in_progress": "办理中",
    "completed": "办结",
    "supplement_requested": "待补正",
    "resubmitted": "已补正",
    "rejected": "不予受理",
    "withdrawn": "已撤回",
}
"""Status code → Chinese label, in the order an application usually passes through them."""

OPEN_STATUSES: frozenset[str] = frozenset(
    {"draft", "submitted", "accepted", "in_progress", "supplement_requested", "resubmitted"}
)
"""Statuses of an application still under way: a second one for the same matter is refused."""

ROLES: dict[str, str] = {"clerk": "窗口工作人员", "supervisor": "值班长"}
"""Staff role code → Chinese label."""

MOVES: frozenset[tuple[str, str]] = frozenset(
    {
        ("submitted", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "completed"),
        ("submitted", "supplement_requested"),
        ("supplement_requested", "resubmitted"),
        ("resubmitted", "accepted"),
        ("resubmitted", "supplement_requested"),
        ("resubmitted", "rejected"),
        ("submitted", "rejected"),
        ("draft", "withdrawn"),
        ("submitted", "withdrawn"),
    }
)
"""Every allowed (from, to) status move."""

CLERK_MOVES: frozenset[tuple[str, str]] = frozenset(
    {("draft", "withdrawn"), ("submitted", "withdrawn"), ("supplement_requested", "resubmitted")}
)
"""The moves a window clerk may make; a supervisor may make all of MOVES."""

REASON_REQUIRED_TARGETS: frozenset[str] = frozenset({"supplement_requested", "rejected", "withdrawn"})
"""Moves into these statuses need a written reason.

A supplement request must list the missing materials at once (一次性告知), a refusal must
state its grounds, and a withdrawal records who asked for it and why.
"""


def status_label(status: str) -> str:
    """The Chinese label of a status code, refusing unknown codes."""
    try:
        return STATUSES[status]
    except (KeyError, TypeError):
        raise InvalidInput(f"未知的办件状态“{status}”。", code="unknown_status", field="status") from None


def reason_required(from_status: str, to_status: str) -> bool:
    """Whether the move from ``from_status`` to ``to_status`` needs a written reason."""
    return (from_status, to_status) in MOVES and to_status in REASON_REQUIRED_TARGETS


def _role_may(role: str, move: tuple[str, str]) -> bool:
    """Whether ``role`` may make an allowed ``move``."""
    return role == "supervisor" or (role == "clerk" and move in CLERK_MOVES)


def allowed_moves(status: str, role: str) -> list[str]:
    """The statuses ``role`` may move an application in ``status`` to, in STATUSES order."""
    status_label(status)
    return [to for to in STATUSES if (status, to) in MOVES and _role_may(role, (status, to))]


def check_move(from_status: str, to_status: str, role: str, reason: str | None = None) -> None:
    """Refuse a status move that is not allowed, not the role's to make, or lacks its reason.

    Raises InvalidInput ``bad_transition`` for a move the workflow does not have, Forbidden
    ``role`` when the role may not make it, InvalidInput ``reason_required`` for a missing reason.
    """
    from_label, to_label = status_label(from_status), status_label(to_status)
    if (from_status, to_status) not in MOVES:
        raise InvalidInput(
            f"办件不能从“{from_label}”改为“{to_label}”。", code="bad_transition", field="status"
        )
    if not _role_may(role, (from_status, to_status)):
        raise Forbidden(
            f"{ROLES.get(role, '当前账号')}无权把办件从“{from_label}”改为“{to_label}”，请由值班长操作。",
            code="role",
        )
    if to_status in REASON_REQUIRED_TARGETS and not (reason or "").strip():
        what = "缺少的材料" if to_status == "supplement_requested" else "原因"
        raise InvalidInput(f"改为“{to_label}”时请写明{what}。", code="reason_required", field="reason")
