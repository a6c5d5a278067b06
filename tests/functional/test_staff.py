"""Staff accounts: the first supervisor, roles, passwords and the lock-out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from counterdesk.domain.clock import now
from counterdesk.domain.errors import AuthenticationFailed, Forbidden, InvalidInput
from counterdesk.services import staff as staff_service
from counterdesk.store.models import AuditEntry, Staff
from tests.conftest import PASSWORD


def test_first_account_of_a_new_database_must_be_a_supervisor(session):
    with pytest.raises(InvalidInput) as refused:
        staff_service.add_staff(session, actor=None, staff_id="c01", name="李娜", role="clerk", password=PASSWORD)
    assert "第一个账号必须是值班长" in refused.value.message


def test_after_the_first_account_only_a_supervisor_adds_accounts(session, clerk):
    with pytest.raises(Forbidden):
        staff_service.add_staff(session, actor=clerk, staff_id="c09", name="赵六", role="clerk", password=PASSWORD)
    with pytest.raises(Forbidden):
        staff_service.add_staff(session, actor=None, staff_id="c09", name="赵六", role="clerk", password=PASSWORD)


def test_password_is_stored_hashed_with_argon2id_and_never_listed(session, supervisor):
    row = session.get(Staff, "sup01")
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    listed = [a.to_dict() for a in staff_service.list_staff(session)]
    assert listed == [{"id": "sup01", "name": "王科长", "role": "supervisor", "window": 1, "active": True,
                       "locked_until": None}]


def test_clerk_logs_in_with_the_right_password(session, clerk):
    actor = staff_service.authenticate(session, "c03", PASSWORD)
    assert (actor.id, actor.role, actor.window) == ("c03", "clerk", 3)
    actions = session.exec(select(AuditEntry.action)).all()
    assert "login" in actions


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(session, clerk):
    start = now()
    for _ in range(5):
        with pytest.raises(AuthenticationFailed) as wrong:
            staff_service.authenticate(session, "c03", "wrong-password", at=start)
        assert wrong.value.code == "auth_failed"
    assert session.get(Staff, "c03").locked_until is not None
    with pytest.raises(AuthenticationFailed) as still:
        staff_service.authenticate(session, "c03", PASSWORD, at=start + timedelta(minutes=14))
    assert still.value.code == "auth_locked"
    actor = staff_service.authenticate(session, "c03", PASSWORD, at=start + timedelta(minutes=16))
    assert actor.id == "c03"
    actions = session.exec(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("login_failed") == 6
    assert "staff_lockout" in actions and "staff_unlock" in actions


def test_disabled_account_cannot_log_in(session, supervisor, clerk):
    staff_service.disable_staff(session, actor=supervisor, staff_id="c03")
    with pytest.raises(AuthenticationFailed) as refused:
        staff_service.authenticate(session, "c03", PASSWORD)
    assert "停用" in refused.value.message


def test_clerk_changes_own_password_but_not_anothers(session, clerk, other_clerk):
    staff_service.set_password(session, actor=clerk, staff_id="c03", password="new-secret-1")
    assert staff_service.authenticate(session, "c03", "new-secret-1").id == "c03"
    with pytest.raises(Forbidden):
        staff_service.set_password(session, actor=clerk, staff_id="c05", password="new-secret-2")


def test_short_password_is_refused(session):
    with pytest.raises(InvalidInput) as refused:
        staff_service.add_staff(session, actor=None, staff_id="s1", name="王科长", role="supervisor", password="abc")
    assert refused.value.field == "password"


def _answer(session, staff_id: str, password: str, **kwargs) -> tuple[str, str]:
    with pytest.raises(AuthenticationFailed) as refused:
        staff_service.authenticate(session, staff_id, password, **kwargs)
    return refused.value.code, refused.value.message


def test_unknown_disabled_and_locked_accounts_get_the_wrong_password_answer(session, supervisor, clerk,
                                                                            other_clerk):
    staff_service.disable_staff(session, actor=supervisor, staff_id="c05")
    start = now()
    for _ in range(5):
        _answer(session, "c03", "wrong-password", at=start)
    unknown = _answer(session, "nobody", "wrong-password", at=start)
    disabled = _answer(session, "c05", "wrong-password", at=start)
    locked = _answer(session, "c03", "wrong-password", at=start)
    assert unknown == disabled == locked == ("auth_failed", "工号或密码不正确。")
    # Only the right password tells the account's state.
    assert _answer(session, "c05", PASSWORD, at=start)[0] == "auth_disabled"
    assert _answer(session, "c03", PASSWORD, at=start)[0] == "auth_locked"


def test_an_unknown_id_costs_one_password_check_like_a_known_one(session, clerk, monkeypatch):
    checked = []
    real = staff_service._hasher

    class Counting:
        def hash(self, password):
            return real.hash(password)

        def verify(self, password_hash, password):
            checked.append(password_hash)
            return real.verify(password_hash, password)

    monkeypatch.setattr(staff_service, "_hasher", Counting())
    _answer(session, "nobody", "wrong-password")
    _answer(session, "c03", "wrong-password")
    assert len(checked) == 2 and all(h.startswith("$argon2id$") for h in checked)


def test_failing_on_purpose_slows_a_supervisor_down_but_never_locks_them_out(session, supervisor):
    start = now()
    waits: list[float] = []
    for _ in range(30):
        _answer(session, "sup01", "wrong-password", at=start, wait=waits.append)
    assert waits and max(waits) <= staff_service.MAX_THROTTLE_SECONDS
    assert waits == sorted(waits)
    actor = staff_service.authenticate(session, "sup01", PASSWORD, at=start, wait=waits.append)
    assert actor.id == "sup01"
    assert waits[-1] == staff_service.MAX_THROTTLE_SECONDS
    actions = session.exec(select(AuditEntry.action)).all()
    assert actions.count("login_throttled") == 26 and "staff_lockout" not in actions
    assert session.get(Staff, "sup01").locked_until is None


def test_a_supervisors_wait_holds_no_database_lock(session, engine, supervisor):
    from sqlmodel import Session

    start = now()
    for _ in range(6):
        _answer(session, "sup01", "wrong-password", at=start, wait=lambda _: None)

    def meanwhile(_seconds: float) -> None:
        with Session(engine) as other:
            staff_service.add_staff(other, actor=supervisor, staff_id="c07", name="赵敏", role="clerk",
                                    password=PASSWORD, window=7)

    staff_service.authenticate(session, "sup01", PASSWORD, at=start, wait=meanwhile)
    assert session.get(Staff, "c07") is not None


def test_staff_unlock_lifts_a_clerks_lock(session, supervisor, clerk):
    start = now()
    for _ in range(5):
        _answer(session, "c03", "wrong-password", at=start)
    staff_service.unlock_staff(session, actor=supervisor, staff_id="c03")
    assert staff_service.authenticate(session, "c03", PASSWORD, at=start).id == "c03"
