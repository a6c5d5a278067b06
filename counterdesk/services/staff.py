"""Staff accounts (工作人员): adding, listing, disabling, passwords, and logging in.

Passwords are hashed with argon2id and never stored, printed or logged in clear. Five wrong
passwords lock a clerk's account for fifteen minutes and slow a supervisor's logins down (never
locking them out); every login, failure, delay, lock-out and unlock is audited.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, func, select

from counterdesk.domain.clock import local, now
from counterdesk.domain.errors import AuthenticationFailed, Conflict, Forbidden, InvalidInput, NotFound
from counterdesk.domain.validators import validate_window
from counterdesk.domain.workflow import ROLES, Role
from counterdesk.services import audit
from counterdesk.store.models import Staff

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MAX_THROTTLE_SECONDS = 60
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()
_dummy_hash: str | None = None


@dataclass(frozen=True)
class Actor:
    """The staff member a service call acts for."""

    id: str
    name: str
    role: str
    window: int | None

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR


@dataclass(frozen=True)
class StaffPublic:
    """What may be shown of an account: never the hash."""

    id: str
    name: str
    role: str
    window: int | None
    active: bool
    locked_until: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _public(staff: Staff) -> StaffPublic:
    locked = staff.locked_until
    return StaffPublic(staff.id, staff.name, staff.role, staff.window, staff.active,
                       local(locked).isoformat(timespec="minutes") if locked and _is_locked(staff) else None)


def _actor(staff: Staff) -> Actor:
    return Actor(staff.id, staff.name, staff.role, staff.window)


def has_staff(session: Session) -> bool:
    """Whether any account exists (a new database asks for its first supervisor)."""
    return session.exec(select(func.count()).select_from(Staff)).one() > 0


def _require_supervisor(actor: Actor | None) -> None:
    if actor is None or not actor.is_supervisor:
        raise Forbidden("只有值班长可以管理工作人员账号。", code="role")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"密码至少需要 {MIN_PASSWORD_LENGTH} 位。", code="password_short", field="password")


def _check_id(staff_id: str) -> str:
    staff_id = staff_id.strip()
    if not staff_id or len(staff_id) > 32 or not all(c.isalnum() or c in "-_." for c in staff_id) \
            or not staff_id.isascii():
        raise InvalidInput("工号只能由 1–32 位字母、数字、“-”、“_”或“.”组成。", code="staff_id", field="staff_id")
    return staff_id


def add_staff(session: Session, *, actor: Actor | None, staff_id: str, name: str, role: str,
              password: str, window: int | None = None) -> StaffPublic:
    """Add an account. The first account of a database must be a supervisor and needs no actor."""
    staff_id = _check_id(staff_id)
    first = not has_staff(session)
    if first:
        if role != Role.SUPERVISOR:
            raise InvalidInput("数据库中还没有账号，第一个账号必须是值班长（supervisor）。", code="first_supervisor")
    else:
        _require_supervisor(actor)
    if role not in ROLES:
        raise InvalidInput("角色只能是 clerk（窗口工作人员）或 supervisor（值班长）。", code="role_value", field="role")
    name = name.strip()
    if not name or len(name) > 64 or any(ord(c) < 32 for c in name):
        raise InvalidInput("姓名不能为空，且不超过 64 个字符。", code="staff_name", field="name")
    validate_window(window)
    _check_password(password)
    if session.get(Staff, staff_id) is not None:
        raise Conflict(f"工号 {staff_id} 已存在。", code="staff_exists")
    staff = Staff(id=staff_id, name=name, role=role, window=window, password_hash=_hasher.hash(password))
    session.add(staff)
    session.flush()
    audit.record(session, "staff_add", staff_id=actor.id if actor else None, target=staff_id,
                 detail=f"role={role} window={window}")
    session.commit()
    return _public(staff)


def list_staff(session: Session) -> list[StaffPublic]:
    """Every account, in ID order, without hashes."""
    return [_public(s) for s in session.exec(select(Staff).order_by(Staff.id))]


def _get(session: Session, staff_id: str) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound(f"没有工号为 {staff_id} 的账号。", code="staff_unknown")
    return staff


def disable_staff(session: Session, *, actor: Actor, staff_id: str) -> StaffPublic:
    """Disable an account; a supervisor cannot disable themself (someone must be left to manage)."""
    _require_supervisor(actor)
    staff = _get(session, staff_id)
    if staff.id == actor.id:
        raise InvalidInput("不能停用自己的账号。", code="disable_self")
    staff.active = False
    session.add(staff)
    audit.record(session, "staff_disable", staff_id=actor.id, target=staff_id)
    session.commit()
    return _public(staff)


def set_password(session: Session, *, actor: Actor, staff_id: str, password: str) -> None:
    """Reset a password: one's own, or anyone's as a supervisor. Also lifts a lock-out."""
    if actor.id != staff_id:
        _require_supervisor(actor)
    _check_password(password)
    staff = _get(session, staff_id)
    staff.password_hash = _hasher.hash(password)
    staff.failed_logins = 0
    staff.locked_until = None
    session.add(staff)
    audit.record(session, "staff_passwd", staff_id=actor.id, target=staff_id)
    session.commit()


def unlock_staff(session: Session, *, actor: Actor, staff_id: str) -> StaffPublic:
    """Lift a lock-out before its fifteen minutes are over."""
    _require_supervisor(actor)
    staff = _get(session, staff_id)
    staff.failed_logins = 0
    staff.locked_until = None
    session.add(staff)
    audit.record(session, "staff_unlock", staff_id=actor.id, target=staff_id)
    session.commit()
    return _public(staff)


def _lock_end(staff: Staff, at: datetime | None = None) -> datetime | None:
    """When the account's lock ends (local time), or None when it is not locked at ``at``."""
    if staff.locked_until is None:
        return None
    end = local(staff.locked_until)
    return end if end > (at or now()) else None


def _is_locked(staff: Staff, at: datetime | None = None) -> bool:
    return _lock_end(staff, at) is not None


def throttle_delay(failures: int) -> int:
    """Seconds a supervisor's next login waits after ``failures`` wrong passwords in a row."""
    beyond = failures - MAX_FAILED_LOGINS
    return 0 if beyond < 0 else min(2 ** beyond, MAX_THROTTLE_SECONDS)


def _password_matches(password_hash: str | None, password: str) -> bool:
    """Check a password; an unknown account is checked against a dummy hash so it takes as long."""
    global _dummy_hash
    if password_hash is None:
        _dummy_hash = _dummy_hash or _hasher.hash("counterdesk-no-such-account")
        password_hash = _dummy_hash
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(session: Session, staff_id: str, password: str, *, at: datetime | None = None,
                 wait: Callable[[float], None] = time.sleep) -> Actor:
    """Check a password; every attempt is audited.

    Unknown, disabled and locked accounts get the same answer as a wrong password until the
    password is right, so the answer never tells whether an account exists. Five wrong
    passwords in a row lock a clerk's account for fifteen minutes (a supervisor lifts it with
    ``staff unlock``); a supervisor's account is never locked: after five failures each login
    first waits a delay that doubles with every further failure (at most a minute), so someone
    failing on purpose slows guessing down without keeping the supervisor out.
    """
    arrival = at or now()
    staff_id = staff_id.strip()
    staff = session.get(Staff, staff_id)
    password_hash = staff.password_hash if staff is not None else None
    pause = 0.0
    lock_end = _lock_end(staff, arrival) if staff is not None and staff.role == "supervisor" else None
    if lock_end is not None:
        pause = (lock_end - arrival).total_seconds()
    # End the read before waiting and hashing: no window waits on this login's transaction.
    session.rollback()
    if pause > 0:
        wait(pause)
    matches = _password_matches(password_hash, password)
    moment = at + timedelta(seconds=pause) if at is not None else now()
    wrong = AuthenticationFailed("工号或密码不正确。", code="auth_failed")
    staff = session.get(Staff, staff_id) if staff is not None else None
    if staff is None:
        audit.record(session, "login_failed", staff_id=None, target=staff_id[:32], detail="unknown id")
        session.commit()
        raise wrong
    if not matches:
        _count_failure(session, staff, arrival)
        raise wrong
    if not staff.active:
        audit.record(session, "login_failed", staff_id=staff.id, target=staff.id, detail="disabled")
        session.commit()
        raise AuthenticationFailed("该账号已停用，请联系值班长。", code="auth_disabled")
    lock_end = _lock_end(staff, moment) if staff.role != "supervisor" else None
    if lock_end is not None:
        audit.record(session, "login_failed", staff_id=staff.id, target=staff.id, detail="locked")
        session.commit()
        until = lock_end.strftime("%H:%M")
        raise AuthenticationFailed(f"密码错误次数过多，账号已锁定至 {until}，可请值班长提前解锁。", code="auth_locked")
    if staff.locked_until is not None and staff.role != "supervisor":
        audit.record(session, "staff_unlock", staff_id=None, target=staff.id, detail="lock expired")
    staff.failed_logins = 0
    staff.locked_until = None
    session.add(staff)
    audit.record(session, "login", staff_id=staff.id, target=staff.id)
    session.commit()
    return _actor(staff)


def _count_failure(session: Session, staff: Staff, moment: datetime) -> None:
    """Record a wrong password: lock a clerk at the fifth, slow a supervisor down from the fifth.

    ``moment`` is when the attempt arrived, so attempts made at once never push a supervisor's
    delay beyond one step of it: whoever comes next waits at most ``MAX_THROTTLE_SECONDS``.
    """
    staff.failed_logins += 1
    state = "disabled" if not staff.active else "locked" if _is_locked(staff, moment) else "active"
    audit.record(session, "login_failed", staff_id=staff.id, target=staff.id,
                 detail=f"attempt {staff.failed_logins} ({state})")
    if staff.role == "supervisor":
        delay = throttle_delay(staff.failed_logins)
        if delay:
            until = moment + timedelta(seconds=delay)
            if staff.locked_until is None or local(staff.locked_until) < until:
                staff.locked_until = until
            audit.record(session, "login_throttled", staff_id=staff.id, target=staff.id, detail=f"delay {delay}s")
    elif staff.failed_logins >= MAX_FAILED_LOGINS and not _is_locked(staff, moment):
        staff.locked_until = moment + LOCKOUT
        audit.record(session, "staff_lockout", staff_id=staff.id, target=staff.id)
    session.add(staff)
    session.commit()
