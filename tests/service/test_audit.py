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


# --- the admin page's search ---------------------------------------------------------------


@pytest.fixture
def log(session: Session, admin: Principal, member: Principal) -> None:
    from datetime import UTC, datetime

    # 2026-11-22 23:30 UTC is already 2026-11-23 in Japan
    audit.record_by(
        session, member, "credentials.export", at=datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    )
    audit.record_by(
        session,
        member,
        "credentials.delete",
        target_type="credential",
        target_id=7,
        at=datetime(2026, 11, 21, 10, 0, tzinfo=UTC),
    )
    audit.record_by(
        session, admin, "knowledge.publish", at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    )
    audit.record(
        session,
        action="auth.sign_in_failed",
        actor_label="who_%@example.com",
        at=datetime(2026, 11, 19, 10, 0, tzinfo=UTC),
    )
    session.commit()


def actions_of(rows: object) -> list[str]:
    return [r.action for r in rows]  # type: ignore[attr-defined]


def test_search_filters_by_action_family_person_and_local_days(
    session: Session, admin: Principal, log: None
) -> None:
    from datetime import date

    def find(**kw: object) -> tuple[list[str], int]:
        rows, total = audit.search(session, actor=admin, query=audit.AuditQuery(**kw))  # type: ignore[arg-type]
        return actions_of(rows), total

    assert find() == (
        ["credentials.export", "credentials.delete", "knowledge.publish", "auth.sign_in_failed"],
        4,
    )
    assert find(action="credentials.")[0] == ["credentials.export", "credentials.delete"]
    assert find(action="credentials.delete")[0] == ["credentials.delete"]
    assert find(action="credentials")[0] == []  # an exact action, not a prefix
    assert find(person="MEMBER@")[0] == ["credentials.export", "credentials.delete"]
    assert find(person="who_%")[0] == ["auth.sign_in_failed"]  # wildcards are literal
    assert find(person="o_%@")[0] == ["auth.sign_in_failed"]
    assert find(person="%")[0] == ["auth.sign_in_failed"]
    # a NUL crashed the search on PostgreSQL (fuzzing); no stored label or action holds one
    assert find(person="MEM\x00BER@")[0] == ["credentials.export", "credentials.delete"]
    assert find(action="credentials.\x00")[0] == ["credentials.export", "credentials.delete"]
    # whole days where the admin is: the 23:30 UTC export is on the 23rd in Japan, the 22nd in UTC
    assert find(since=date(2026, 11, 23), locale="ja")[0] == ["credentials.export"]
    assert find(since=date(2026, 11, 23), locale="en")[0] == []
    assert find(until=date(2026, 11, 20), locale="en")[0] == [
        "knowledge.publish",
        "auth.sign_in_failed",
    ]
    assert audit.actions(session, actor=admin) == [
        "auth.sign_in_failed",
        "credentials.delete",
        "credentials.export",
        "knowledge.publish",
    ]


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_search_by_the_first_and_last_days_of_the_calendar(
    session: Session, admin: Principal, log: None, locale: str
) -> None:
    # found by fuzzing: midnight of 0001-01-01 in Japan, or the day after 9999-12-31, is not a
    # timestamp, and the search crashed (OverflowError); such days bound nothing
    from datetime import date

    first, last = date.min, date.max
    for since, until, found in (
        (first, None, 4),
        (None, last, 4),
        (first, last, 4),
        (last, None, 0),
        (None, first, 0),
    ):
        query = audit.AuditQuery(since=since, until=until, locale=locale)
        assert audit.search(session, actor=admin, query=query)[1] == found


def test_search_pages(session: Session, admin: Principal, log: None) -> None:
    rows, total = audit.search(session, actor=admin, query=audit.AuditQuery(), limit=3, offset=3)
    assert total == 4 and actions_of(rows) == ["auth.sign_in_failed"]


def test_only_admins_read_the_log(session: Session, member: Principal, log: None) -> None:
    with pytest.raises(PermissionDenied):
        audit.search(session, actor=member, query=audit.AuditQuery())
    with pytest.raises(PermissionDenied):
        audit.actions(session, actor=member)


def test_exports_imports_and_deletions_are_logged(session: Session, member: Principal) -> None:
    from datetime import date

    from certportal.credentials import service as credentials
    from certportal.credentials.rules import CredentialData
    from certportal.wizard import service as wizard

    row = credentials.create(
        session,
        actor=member,
        data=CredentialData(certification_id="AZ-104", earned_on=date(2026, 3, 1)),
    )
    credentials.export_csv(session, actor=member)
    credentials.import_csv(
        session,
        actor=member,
        rows=[CredentialData(certification_id="AZ-900", earned_on=date(2024, 2, 10))],
    )
    credentials.delete(session, actor=member, credential_id=row.id or 0)
    run = wizard.start(session, actor=member)
    wizard.delete(session, actor=member, run_id=run.id or 0)
    token = credentials.create_feed(session, actor=member)
    credentials.revoke_feed(session, actor=member)
    session.commit()
    assert token
    entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()  # type: ignore[arg-type]
    assert [(e.action, e.actor_id) for e in entries] == [
        ("credentials.export", member.user_id),
        ("credentials.import_csv", member.user_id),
        ("credentials.delete", member.user_id),
        ("wizard.delete", member.user_id),
        ("credentials.calendar_created", member.user_id),
        ("credentials.calendar_revoked", member.user_id),
    ]
    assert json.loads(entries[1].detail) == {"rows": 1}
    assert json.loads(entries[2].detail) == {"certification": "AZ-104"}
