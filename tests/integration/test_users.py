"""User services on both backends: audit rows, permission refusals, bootstrap, sign-in."""

from __future__ import annotations

import pytest
from sqlmodel import select

from calldesk.errors import InvalidInput, NotFound, PermissionDenied, UnknownUser
from calldesk.models import AuditEvent, User, UserCreate
from calldesk.store.db import users as user_service
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor, actor_for
from tests.conftest import add_user


def test_first_start_makes_the_signed_in_login_the_first_admin(store: Store) -> None:
    with store.uow(readonly=True) as uow:
        users = uow.session.exec(select(User)).all()
        events = uow.session.exec(select(AuditEvent).where(AuditEvent.action == "user.bootstrap")).all()
    assert [(u.username, u.role) for u in users] == [(store.login, "admin")]
    assert len(events) == 1 and events[0].new == "admin"


def test_add_user_writes_an_audit_row(store: Store, admin: Actor) -> None:
    add_user(store, admin, "ana", "agent", full_name="Ana Lopez")
    with store.uow(readonly=True) as uow:
        event = uow.session.exec(select(AuditEvent).where(AuditEvent.action == "user.add")).one()
    assert (event.actor, event.entity_id, event.field, event.new) == (admin.username, "ana", "role", "agent")


@pytest.mark.parametrize("role", ["agent", "program_specialist", "specialist", "supervisor"])
def test_only_admins_manage_users(store: Store, admin: Actor, role: str) -> None:
    someone = add_user(store, admin, "someone", role)
    with store.uow() as uow, pytest.raises(PermissionDenied, match="Only admins may manage users"):
        user_service.add_user(uow, actor=someone, data=UserCreate(username="x", role="agent"))
    with store.uow(readonly=True) as uow:
        assert uow.session.exec(select(User).where(User.username == "x")).first() is None


def test_set_role_and_deactivate_are_audited_and_deactivated_users_are_refused(store: Store, admin: Actor) -> None:
    add_user(store, admin, "ana", "agent")
    with store.uow() as uow:
        user_service.set_role(uow, actor=admin, username="ana", role="supervisor")
        user_service.set_active(uow, actor=admin, username="ana", active=False)
        uow.commit()
    with store.uow(readonly=True) as uow:
        changes = [(e.field, e.old, e.new) for e in uow.session.exec(
            select(AuditEvent).where(AuditEvent.entity_id == "ana").order_by(AuditEvent.id))]
        assert changes == [("role", None, "agent"), ("role", "agent", "supervisor"), ("active", "True", "False")]
        with pytest.raises(UnknownUser, match="deactivated"):
            actor_for(uow.session, "ana")
        with pytest.raises(UnknownUser, match="calldesk user add nobody"):
            actor_for(uow.session, "nobody")


def test_bad_input_is_refused_and_nothing_changes(store: Store, admin: Actor) -> None:
    with store.uow() as uow:
        with pytest.raises(InvalidInput, match="Unknown role"):
            user_service.add_user(uow, actor=admin, data=UserCreate(username="ana", role="boss"))
        with pytest.raises(InvalidInput, match="not a valid user name"):
            user_service.add_user(uow, actor=admin, data=UserCreate(username="a b", role="agent"))
        with pytest.raises(NotFound):
            user_service.set_role(uow, actor=admin, username="ghost", role="agent")
        with pytest.raises(InvalidInput, match="NUL"):
            user_service.add_user(uow, actor=admin, data=UserCreate(username="ana", role="agent",
                                                                        full_name="A\x00B"))
    with store.uow(readonly=True) as uow:
        assert len(uow.session.exec(select(User)).all()) == 1


def test_an_admin_cannot_deactivate_themselves(store: Store, admin: Actor) -> None:
    with store.uow() as uow, pytest.raises(InvalidInput, match="cannot deactivate yourself"):
        user_service.set_active(uow, actor=admin, username=admin.username, active=False)
