"""The status model of an application (办件状态): one enum, one transition table.

Receiving is not accepting (收受分离, DOMAIN.md §1): the window *receives* (收件) and hands out a
proof of receipt; the handling county (办理地) *accepts* or refuses. An application handled in the
hall's own county goes from ``received`` straight to the local back office; one handled elsewhere
travels first (``in_transit``) and is signed for (``signed_for``) by the 办理地.

Each move names who may make it, whether it needs a written reason, and what it does to the
legal clock (限时办结), which starts at 受理 and pauses during 补正 and 特别程序. Every move is
stored as an event; the clock (issue of the paper trail) is computed from those events.

Stored codes are English and stable; the Chinese labels are for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from counterdesk.domain.errors import Forbidden, InvalidInput


class Status(StrEnum):
    """办件状态, in the order an application usually passes through them."""

    DRAFT = "draft"
    RECEIVED = "received"
    IN_TRANSIT = "in_transit"
    SIGNED_FOR = "signed_for"
    ACCEPTED = "accepted"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    RESUBMITTED = "resubmitted"
    IN_PROGRESS = "in_progress"
    SPECIAL_PROCEDURE = "special_procedure"
    COMPLETED = "completed"
    READY = "ready"
    RELEASED = "released"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


STATUSES: dict[str, str] = {
    Status.DRAFT: "草稿",
    Status.RECEIVED: "已收件",
    Status.IN_TRANSIT: "在途",
    Status.SIGNED_FOR: "已签收",
    Status.ACCEPTED: "已受理",
    Status.SUPPLEMENT_REQUESTED: "补正中",
    Status.RESUBMITTED: "已补正",
    Status.IN_PROGRESS: "办理中",
    Status.SPECIAL_PROCEDURE: "特别程序",
    Status.COMPLETED: "办结",
    Status.READY: "待领取",
    Status.RELEASED: "已出件",
    Status.REJECTED: "不予受理",
    Status.WITHDRAWN: "已撤回",
}
"""Status code → Chinese label, in the order of :class:`Status`."""

LEGACY_LABELS: dict[str, str] = {"submitted": "已收件"}
"""Codes that old status events still carry (``submitted`` became ``received``)."""

TERMINAL: frozenset[Status] = frozenset({Status.RELEASED, Status.REJECTED, Status.WITHDRAWN})
"""Statuses nothing moves out of."""

OPEN_STATUSES: frozenset[Status] = frozenset(
    {Status.DRAFT, Status.RECEIVED, Status.IN_TRANSIT, Status.SIGNED_FOR, Status.ACCEPTED,
     Status.SUPPLEMENT_REQUESTED, Status.RESUBMITTED, Status.IN_PROGRESS, Status.SPECIAL_PROCEDURE}
)
"""Statuses of an application still under way: a second one for the same matter is refused."""

BEFORE_ACCEPTANCE: frozenset[Status] = frozenset(
    {Status.RECEIVED, Status.IN_TRANSIT, Status.SIGNED_FOR}
)
"""Received but not yet decided on by the 办理地: accepting, refusing or asking for papers is next."""


class Role(StrEnum):
    """Staff roles."""

    CLERK = "clerk"
    SUPERVISOR = "supervisor"


ROLES: dict[str, str] = {Role.CLERK: "窗口工作人员", Role.SUPERVISOR: "值班长"}
"""Staff role code → Chinese label."""


class ClockEffect(StrEnum):
    """What a move does to the legal clock. A pause or resume of a clock not yet started is a no-op."""

    NONE = "none"
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"


class Result(StrEnum):
    """办结 outcome, recorded with the move to ``completed``."""

    APPROVED = "approved"
    DENIED = "denied"
    APPROVED_TOLERATED = "approved_tolerated"


RESULTS: dict[str, str] = {
    Result.APPROVED: "通过",
    Result.DENIED: "不通过",
    Result.APPROVED_TOLERATED: "容缺通过",
}
"""Completion outcome code → Chinese label."""


class EventKind(StrEnum):
    """What a status event records. Every event is chained and carries who, when and which hall."""

    MOVE = "move"
    """A status move of the transition table (from → to)."""
    EXTEND = "extend"
    """延期: a supervisor extended the time limit (detail: days); the status stays."""
    ITEM = "item"
    """Progress of one included item (包含事项) of a 一件事 (detail: item and its status)."""
    SUPPLIED = "supplied"
    """补交: a tolerated material (容缺) arrived (detail: material, name, late); the status stays."""


@dataclass(frozen=True)
class Move:
    """One allowed move of the transition table."""

    source: Status
    target: Status
    clerk: bool = False
    """Whether a window clerk may make it (a supervisor may make every move)."""
    reason: bool = False
    """Whether it needs a written reason: a supplement request lists the missing materials at once
    (一次性告知), a refusal states its grounds, a special procedure says which one, and a withdrawal
    records who asked and why."""
    clock: ClockEffect = ClockEffect.NONE


def _moves(*rows: Move) -> dict[tuple[Status, Status], Move]:
    return {(row.source, row.target): row for row in rows}


S, C = Status, ClockEffect
_DECISIONS = (S.RECEIVED, S.SIGNED_FOR)
_WITHDRAWABLE = (S.RECEIVED, S.SIGNED_FOR, S.ACCEPTED, S.SUPPLEMENT_REQUESTED, S.RESUBMITTED,
                 S.IN_PROGRESS, S.SPECIAL_PROCEDURE)

TRANSITIONS: dict[tuple[Status, Status], Move] = _moves(
    Move(S.DRAFT, S.RECEIVED, clerk=True),
    Move(S.DRAFT, S.WITHDRAWN, clerk=True, reason=True),
    # 寄递 to the 办理地 and 签收 there
    Move(S.RECEIVED, S.IN_TRANSIT, clerk=True),
    Move(S.IN_TRANSIT, S.SIGNED_FOR, clerk=True),
    # 受理 / 补正 / 不予受理 by the 办理地 (a received application of the hall's own county, or one signed for)
    *(Move(source, S.ACCEPTED, clock=C.START) for source in _DECISIONS),
    *(Move(source, S.SUPPLEMENT_REQUESTED, reason=True, clock=C.PAUSE) for source in _DECISIONS),
    *(Move(source, S.REJECTED, reason=True, clock=C.STOP) for source in _DECISIONS),
    # 补正: the citizen brings the papers to the window; the office decides again
    Move(S.SUPPLEMENT_REQUESTED, S.RESUBMITTED, clerk=True, clock=C.RESUME),
    Move(S.SUPPLEMENT_REQUESTED, S.REJECTED, reason=True, clock=C.STOP),
    Move(S.RESUBMITTED, S.ACCEPTED, clock=C.START),
    Move(S.RESUBMITTED, S.SUPPLEMENT_REQUESTED, reason=True, clock=C.PAUSE),
    Move(S.RESUBMITTED, S.REJECTED, reason=True, clock=C.STOP),
    Move(S.RESUBMITTED, S.IN_PROGRESS, clock=C.RESUME),
    # 办理: a supplement after 受理 and 特别程序 (听证, 现场勘查, 专家评审, 公示) pause the clock
    Move(S.ACCEPTED, S.IN_PROGRESS),
    Move(S.ACCEPTED, S.COMPLETED, clock=C.STOP),
    Move(S.ACCEPTED, S.SUPPLEMENT_REQUESTED, reason=True, clock=C.PAUSE),
    Move(S.ACCEPTED, S.SPECIAL_PROCEDURE, reason=True, clock=C.PAUSE),
    Move(S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, reason=True, clock=C.PAUSE),
    Move(S.IN_PROGRESS, S.SPECIAL_PROCEDURE, reason=True, clock=C.PAUSE),
    Move(S.SPECIAL_PROCEDURE, S.IN_PROGRESS, clock=C.RESUME),
    Move(S.IN_PROGRESS, S.COMPLETED, clock=C.STOP),
    # 出件
    Move(S.COMPLETED, S.READY, clerk=True),
    Move(S.READY, S.RELEASED, clerk=True),
    # 撤回 at the citizen's request, before a decision; a clerk withdraws only what has not left the window
    Move(S.RECEIVED, S.WITHDRAWN, clerk=True, reason=True, clock=C.STOP),
    *(Move(source, S.WITHDRAWN, reason=True, clock=C.STOP) for source in _WITHDRAWABLE[1:]),
)
"""Every allowed move, keyed by (from, to)."""
del S, C

MOVES: frozenset[tuple[str, str]] = frozenset(TRANSITIONS)
"""Every allowed (from, to) status pair."""

_REASON_WHAT: dict[Status, str] = {
    Status.SUPPLEMENT_REQUESTED: "缺少的材料",
    Status.SPECIAL_PROCEDURE: "特别程序的种类（听证、现场勘查、专家评审或公示）",
}


def status_label(status: str) -> str:
    """The Chinese label of a status code (old codes of stored events included), refusing unknown codes."""
    try:
        return STATUSES[status] if status in STATUSES else LEGACY_LABELS[status]
    except (KeyError, TypeError):
        raise InvalidInput(f"未知的办件状态“{status}”。", code="unknown_status", field="status") from None


def as_status(status: str) -> Status:
    """The :class:`Status` of a stored or typed code, refusing unknown codes in Chinese."""
    status_label(status)
    if status in LEGACY_LABELS:
        return Status.RECEIVED
    return Status(status)


def transition(from_status: str, to_status: str) -> Move | None:
    """The move from ``from_status`` to ``to_status``, or None when the table has no such move."""
    return TRANSITIONS.get((as_status(from_status), as_status(to_status)))


def reason_required(from_status: str, to_status: str) -> bool:
    """Whether the move from ``from_status`` to ``to_status`` needs a written reason."""
    move = transition(from_status, to_status)
    return move is not None and move.reason


def _role_may(role: str, move: Move) -> bool:
    return role == Role.SUPERVISOR or (role == Role.CLERK and move.clerk)


def allowed_moves(status: str, role: str, *, remote: bool = False) -> list[Status]:
    """The statuses ``role`` may move an application in ``status`` to, in :class:`Status` order.

    ``remote``: the application is handled in another county than the hall's, so it must travel
    and be signed for before anyone decides on it; a local one never travels.
    """
    source = as_status(status)
    return [target for target in Status
            if (move := TRANSITIONS.get((source, target))) is not None and _role_may(role, move)
            and not _wrong_place(source, target, remote)]


def _wrong_place(source: Status, target: Status, remote: bool) -> bool:
    """A received application travels only when another county handles it, and only then must."""
    if source != Status.RECEIVED:
        return False
    if remote:
        return target not in (Status.IN_TRANSIT, Status.WITHDRAWN)
    return target == Status.IN_TRANSIT


def check_move(from_status: str, to_status: str, role: str, reason: str | None = None, *,
               remote: bool = False) -> Move:
    """The move, after refusing one that is not allowed, not the role's to make, or lacks its reason.

    Raises InvalidInput ``bad_transition`` for a move the table does not have, ``not_signed_for``
    for a decision on a remote application that has not reached its 办理地, ``local`` for dispatching
    one the hall's own county handles, Forbidden ``role`` when
    the role may not make it, InvalidInput ``reason_required`` for a missing reason.
    """
    from_label, to_label = status_label(from_status), status_label(to_status)
    move = transition(from_status, to_status)
    if move is None:
        raise InvalidInput(
            f"办件不能从“{from_label}”改为“{to_label}”。", code="bad_transition", field="status"
        )
    if _wrong_place(move.source, move.target, remote):
        raise InvalidInput(
            f"该办件由外地办理，须先寄递并由办理地签收，才能改为“{to_label}”。" if remote
            else "该办件由本地办理，无需寄递。",
            code="not_signed_for" if remote else "local", field="status",
        )
    if not _role_may(role, move):
        raise Forbidden(
            f"{ROLES.get(role, '当前账号')}无权把办件从“{from_label}”改为“{to_label}”，请由值班长操作。",
            code="role",
        )
    if move.reason and not (reason or "").strip():
        what = _REASON_WHAT.get(move.target, "原因")
        raise InvalidInput(f"改为“{to_label}”时请写明{what}。", code="reason_required", field="reason")
    return move
