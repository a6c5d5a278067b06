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
    for _ in range(4):
        with pytest.raises(AuthenticationFailed) as wrong:
            staff_service.authenticate(session, "c03", "wrong-password", at=start)
        assert wrong.value.code == "auth_failed"
    with pytest.raises(AuthenticationFailed) as locked:
        staff_service.authenticate(session, "c03", "wrong-password", at=start)
    assert locked.value.code == "auth_locked"
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
