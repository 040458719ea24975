"""The append-only audit log."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from certportal.audit import service as audit
from certportal.audit.models import AuditEntry
from certportal.auth.policy import Principal, Role
from certportal.db import AppendOnlyError
from certportal.errors import PermissionDenied
from tests.conftest import make_user

from .helpers import T0, count


@pytest.fixture
def entries(session: Session, admin: Principal) -> list[AuditEntry]:
    made = [
        audit.record(session, action="thing.made", actor_label="system", at=T0),
        audit.record_by(
            session,
            admin,
            "thing.changed",
            target_type="thing",
            target_id=42,
            detail={"名前": "値", "n": 1},
            at=T0 + timedelta(minutes=1),
        ),
        audit.record(session, action="thing.made", actor_id=admin.user_id, at=T0),
    ]
    session.commit()
    return made


def test_record_stores_fields(session: Session, engine: Engine, admin: Principal) -> None:
    entry = audit.record_by(
        session,
        admin,
        "thing.changed",
        target_type="thing",
        target_id=42,
        detail={"名前": "値", "n": 1},
        at=T0,
    )
    session.commit()
    with Session(engine) as fresh:
        stored = fresh.get(AuditEntry, entry.id)
        assert stored.action == "thing.changed"
        assert stored.actor_id == admin.user_id
        assert stored.actor_label == admin.email
        assert (stored.target_type, stored.target_id) == ("thing", "42")
        assert stored.at == T0
        assert json.loads(stored.detail) == {"名前": "値", "n": 1}
        assert "名前" in stored.detail  # kept readable, not \u-escaped


def test_record_defaults_and_limits(session: Session) -> None:
    entry = audit.record(session, action="x", actor_label="l" * 300, detail={"big": "z" * 5000})
    session.commit()
    assert entry.at.tzinfo is not None
    assert entry.target_id is None
    assert len(entry.actor_label) == 254
    assert len(entry.detail) <= 4000  # fits the column
    assert audit.record(session, action="y").detail == "{}"


def test_list_entries_newest_first(
    session: Session, admin: Principal, entries: list[AuditEntry]
) -> None:
    listed = audit.list_entries(session, actor=admin)
    assert [e.id for e in listed] == [e.id for e in reversed(entries)]


def test_list_entries_filter_and_limit(
    session: Session, admin: Principal, entries: list[AuditEntry]
) -> None:
    made = audit.list_entries(session, actor=admin, action="thing.made")
    assert [e.id for e in made] == [entries[2].id, entries[0].id]
    assert audit.list_entries(session, actor=admin, action="no.such") == []
    assert [e.id for e in audit.list_entries(session, actor=admin, limit=1)] == [entries[2].id]
    assert len(audit.list_entries(session, actor=admin, limit=0)) == 1


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEAD])
def test_list_entries_admin_only(session: Session, entries: list[AuditEntry], role: Role) -> None:
    actor = make_user(session, f"{role.value}@example.com", role)
    with pytest.raises(PermissionDenied) as info:
        audit.list_entries(session, actor=actor)
    assert info.value.key == "error.admin_only"


@pytest.mark.parametrize(
    ("field", "value"),
    [("action", "thing.hidden"), ("detail", "{}"), ("actor_label", "someone else")],
)
def test_modifying_an_entry_is_refused(
    session: Session, engine: Engine, entries: list[AuditEntry], field: str, value: str
) -> None:
    entry = entries[1]
    original = getattr(entry, field)
    setattr(entry, field, value)
    session.add(entry)
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    with Session(engine) as fresh:
        assert getattr(fresh.get(AuditEntry, entry.id), field) == original


def test_modifying_a_freshly_loaded_entry_is_refused(
    engine: Engine, entries: list[AuditEntry]
) -> None:
    with Session(engine) as other:
        entry = other.exec(select(AuditEntry).where(AuditEntry.id == entries[0].id)).one()
        entry.at = entry.at + timedelta(days=1)
        with pytest.raises(AppendOnlyError):
            other.commit()


def test_deleting_an_entry_is_refused(session: Session, entries: list[AuditEntry]) -> None:
    session.delete(entries[0])
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    assert count(session, AuditEntry) == 3


def test_adding_entries_is_allowed_alongside(session: Session, entries: list[AuditEntry]) -> None:
    audit.record(session, action="another")
    session.flush()  # no AppendOnlyError for new rows
    session.commit()
    assert count(session, AuditEntry) == 4
