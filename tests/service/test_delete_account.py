"""Deleting my account: all my data goes, others' stays, the audit log keeps its entries with me
pseudonymised — the only change append-only allows, and only in that step."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from certportal.audit import service as audit
from certportal.audit.models import AuditEntry
from certportal.auth import service as auth_service
from certportal.auth.models import LoginSession, User
from certportal.auth.policy import Principal, Role
from certportal.cases import service as cases
from certportal.cases.models import CaseAttachment, SupportCase
from certportal.cases.transitions import validate_case
from certportal.credentials import service as credentials
from certportal.credentials.models import Credential
from certportal.credentials.rules import CredentialData
from certportal.db import PSEUDONYMISING, AppendOnlyError
from certportal.errors import AuthError, Conflict, InvalidInput
from certportal.identity import service as identity
from certportal.mydata import erase
from certportal.settings import get_settings
from certportal.teams import service as teams
from certportal.teams.models import TeamMembership
from certportal.wizard import service as wizard
from tests.conftest import make_user

from .helpers import count

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 50


def _fill(session: Session, person: Principal) -> None:
    cred = credentials.create(
        session,
        actor=person,
        data=CredentialData(certification_id="AZ-900", earned_on=date(2024, 2, 10)),
    )
    wizard.start(session, actor=person, credential_id=cred.id)
    identity.save(session, actor=person, form={"mcid": "991234567"}, version=0)
    fields, _ = validate_case(
        {
            "channel": "partner_center",
            "subject": "S",
            "status": "open",
            "credentials": str(cred.id),
        },
        date(2026, 12, 1),
    )
    assert fields is not None
    row = cases.create(session, actor=person, fields=fields, today=date(2026, 12, 1))
    cases.add_attachment(
        session, actor=person, case_id=row.id or 0, version=row.version, name="a.png", content=PNG
    )
    credentials.create_feed(session, actor=person)
    session.commit()


def test_deleting_my_account(session: Session, admin: Principal) -> None:
    me = make_user(session, "me@example.com", Role.MEMBER, "Mika Me")
    other = make_user(session, "other@example.com", Role.MEMBER, "Other")
    team = teams.create_team(session, actor=admin, name="Azure")
    teams.assign(session, actor=admin, team_id=team.id or 0, user_id=me.user_id, team_role="member")
    _fill(session, me)
    _fill(session, other)
    token = auth_service.sign_in(
        session, email="me@example.com", password="correct horse battery"
    ).token
    audit.record(
        session,
        action="auth.sign_in_failed",
        actor_label="me@example.com",
        detail={"email": "me@example.com", "note": "Mika Me typed it wrong"},
    )
    session.commit()
    before = count(session, AuditEntry)
    folder = Path(get_settings().attachments_dir)
    assert len(list(folder.iterdir())) == 2

    with pytest.raises(InvalidInput):
        erase.delete_account(session, actor=me, confirm_email="other@example.com")
    session.rollback()
    stand_in = erase.delete_account(session, actor=me, confirm_email=" ME@example.com ")
    assert len(list(folder.iterdir())) == 2  # files go with the commit
    session.commit()

    assert session.get(User, me.user_id) is None
    for model in (Credential, SupportCase, CaseAttachment, TeamMembership, LoginSession):
        rows = session.exec(select(model)).all()
        assert all(getattr(r, "user_id", other.user_id) != me.user_id for r in rows), model
    assert count(session, Credential) == 1 and count(session, SupportCase) == 1  # the other's
    assert len(list(folder.iterdir())) == 1
    with pytest.raises(AuthError):
        auth_service.authenticate(session, token=token)
    # the audit log: every entry kept, none names me any more
    entries = session.exec(select(AuditEntry)).all()
    assert len(entries) == before + 1
    text = json.dumps([(e.actor_id, e.actor_label, e.target_id, e.detail) for e in entries])
    assert "me@example.com" not in text and "Mika Me" not in text
    assert stand_in.startswith("deleted-") and stand_in in text
    mine = [e for e in entries if e.actor_label == stand_in]
    assert mine and all(e.actor_id is None for e in mine)
    assert entries[-1].action == "account.deleted"
    assigned = next(e for e in entries if e.action == "team.member_assigned")
    assert json.loads(assigned.detail)["user_id"] == stand_in  # named by id, now the pseudonym


def test_the_wrong_address_or_the_last_admin_deletes_nothing(
    session: Session, admin: Principal
) -> None:
    me = make_user(session, "me@example.com", Role.MEMBER, "Me")
    _fill(session, me)
    for typed in ("", "not an address", "admin@example.com"):
        with pytest.raises(InvalidInput) as exc:
            erase.delete_account(session, actor=me, confirm_email=typed)
        assert exc.value.key == "mydata.delete.error.confirm"
        session.rollback()
    assert session.get(User, me.user_id) is not None and count(session, Credential) == 1
    with pytest.raises(Conflict):
        erase.delete_account(session, actor=admin, confirm_email="admin@example.com")


def test_append_only_allows_nothing_else(session: Session) -> None:
    entry = audit.record(session, action="thing.made", actor_label="x@example.com")
    session.commit()
    entry.action = "thing.changed"
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    # even while pseudonymising, only the person-naming columns may change
    session.info[PSEUDONYMISING] = True
    entry = session.exec(select(AuditEntry)).one()
    entry.at = entry.at.replace(year=2000)
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    session.info.pop(PSEUDONYMISING, None)
    entry = session.exec(select(AuditEntry)).one()
    session.delete(entry)
    with pytest.raises(AppendOnlyError):
        session.flush()
