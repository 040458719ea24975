"""Deleting my account: everything about me goes, the audit log keeps its entries with me
replaced by a pseudonym (the one, narrow exception to append-only; see ``certportal.db``)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from certportal.audit import service as audit
from certportal.audit.models import AuditEntry
from certportal.auth.models import (
    ExternalIdentity,
    LoginSession,
    OidcAttempt,
    SignInFailure,
    User,
)
from certportal.auth.policy import Principal, Role
from certportal.auth.rules import normalize_email
from certportal.cases import service as cases
from certportal.cases.models import CaseAttachment, CaseCredential, CaseEvent, SupportCase
from certportal.credentials.models import CalendarFeed, Credential, CredentialEvent, LearnImport
from certportal.db import PSEUDONYMISING
from certportal.errors import Conflict, InvalidInput, NotFound
from certportal.identity.models import IdentityMap
from certportal.settings import get_settings
from certportal.teams.models import TeamMembership
from certportal.wizard.models import WizardRun


def pseudonym(user_id: int) -> str:
    """A stable stand-in for a deleted person: the same in every entry, revealing nothing."""
    key = get_settings().secret_key.encode()
    digest = hmac.new(key, f"deleted-user:{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"deleted-{digest[:12]}"


_ID_KEYS = frozenset({"user_id", "member"})


def _scrub(value: Any, secrets: tuple[str, ...], stand_in: str, uid: int) -> Any:
    """The value with the person's e-mail and name replaced, and their id where a detail names
    a person by id."""
    if isinstance(value, str):
        for secret in secrets:
            if secret:
                value = value.replace(secret, stand_in)
        return value
    if isinstance(value, list):
        return [_scrub(v, secrets, stand_in, uid) for v in value]
    if isinstance(value, dict):
        return {
            k: stand_in if k in _ID_KEYS and v == uid else _scrub(v, secrets, stand_in, uid)
            for k, v in value.items()
        }
    return value


def delete_account(session: Session, *, actor: Principal, confirm_email: str) -> str:
    """Delete the acting person and all their data. ``confirm_email`` must be their address.
    Returns the pseudonym the audit log now uses for them."""
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound()
    try:
        typed = normalize_email(confirm_email)
    except InvalidInput:
        raise InvalidInput("mydata.delete.error.confirm", field="confirm_email") from None
    if typed != user.email:
        raise InvalidInput("mydata.delete.error.confirm", field="confirm_email")
    if user.role == Role.ADMIN.value:
        admins = session.exec(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN.value, col(User.is_active).is_(True))
        ).one()
        if admins <= 1:
            raise Conflict("mydata.delete.error.last_admin")
    uid = user.id
    assert uid is not None
    stand_in = pseudonym(uid)

    # support cases, with their files (removed once the deletion is committed)
    case_ids = list(session.exec(select(SupportCase.id).where(SupportCase.user_id == uid)).all())
    keys = list(
        session.exec(
            select(CaseAttachment.storage_key).where(col(CaseAttachment.case_id).in_(case_ids))
        ).all()
    )
    for case_table in (CaseEvent.__table__, CaseAttachment.__table__, CaseCredential.__table__):  # type: ignore[attr-defined]
        session.execute(sql_delete(case_table).where(case_table.c.case_id.in_(case_ids)))
    session.execute(sql_delete(SupportCase).where(col(SupportCase.user_id) == uid))
    cred_ids = list(session.exec(select(Credential.id).where(Credential.user_id == uid)).all())
    session.execute(
        sql_delete(CaseCredential).where(col(CaseCredential.credential_id).in_(cred_ids))
    )
    for table in (
        CredentialEvent.__table__,  # type: ignore[attr-defined]
        LearnImport.__table__,  # type: ignore[attr-defined]
        CalendarFeed.__table__,  # type: ignore[attr-defined]
        WizardRun.__table__,  # type: ignore[attr-defined]
        Credential.__table__,  # type: ignore[attr-defined]
        IdentityMap.__table__,  # type: ignore[attr-defined]
        TeamMembership.__table__,  # type: ignore[attr-defined]
        LoginSession.__table__,  # type: ignore[attr-defined]
        ExternalIdentity.__table__,  # type: ignore[attr-defined]
        OidcAttempt.__table__,  # type: ignore[attr-defined]
    ):
        session.execute(sql_delete(table).where(table.c.user_id == uid))
    session.execute(sql_delete(SignInFailure).where(col(SignInFailure.email) == user.email))

    # the audit log keeps what happened, with the person replaced by the pseudonym
    secrets = tuple(s for s in (user.email, user.display_name) if s)
    entries = session.exec(
        select(AuditEntry).where(
            or_(
                col(AuditEntry.actor_id) == uid,
                col(AuditEntry.actor_label) == user.email,
                (col(AuditEntry.target_type) == "user") & (col(AuditEntry.target_id) == str(uid)),
                col(AuditEntry.detail).contains(user.email),
                col(AuditEntry.detail).contains(f'"user_id": {uid}'),
                col(AuditEntry.detail).contains(f'"member": {uid}'),
            )
        )
    ).all()
    session.info[PSEUDONYMISING] = True
    try:
        for entry in entries:
            if entry.actor_id == uid or entry.actor_label == user.email:
                entry.actor_id = None
                entry.actor_label = stand_in
            if entry.target_type == "user" and entry.target_id == str(uid):
                entry.target_id = stand_in
            try:
                detail = json.loads(entry.detail)
            except ValueError:
                detail = entry.detail
            scrubbed = _scrub(detail, secrets, stand_in, uid)
            if scrubbed != detail:
                entry.detail = json.dumps(scrubbed, ensure_ascii=False, sort_keys=True)
            session.add(entry)
        session.flush()
    finally:
        session.info.pop(PSEUDONYMISING, None)
    session.delete(user)
    audit.record(
        session,
        action="account.deleted",
        actor_label=stand_in,
        target_type="user",
        target_id=stand_in,
        detail={"cases": len(case_ids), "credentials": len(cred_ids)},
    )
    session.flush()
    cases.settle_files(
        session,
        keep_on_commit=[],
        remove_on_commit=[cases.storage_dir() / k for k in keys],
    )
    return stand_in
