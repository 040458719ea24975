"""Export everything about me as one JSON document, and import such a document into another
(fresh) instance, so that exporting it there gives the same document back.

The document holds the person (e-mail, name, language), the identity map, the credentials and
their renewals, the diagnoses (with the knowledge version number each used), the support cases
(with their history and attachments, the files base64-encoded), the Learn imports (with the
personal data the person agreed to keep) and whether a calendar address exists. It holds no
password hash, no session and no calendar token: an imported person gets a new initial password,
and makes a new calendar address. Team places and roles belong to the organisation and are
listed for information only; an import makes the person a member of no team.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from certportal.audit import service as audit
from certportal.auth import service as auth_service
from certportal.auth.models import User
from certportal.auth.policy import Principal, Role
from certportal.cases import service as cases_service
from certportal.clock import utcnow
from certportal.credentials import service as credentials
from certportal.credentials.models import Credential, CredentialEvent, LearnImport
from certportal.credentials.rules import CredentialData, to_raw, validate
from certportal.errors import InvalidInput
from certportal.identity import service as identity
from certportal.knowledge import service as knowledge
from certportal.knowledge.models import KnowledgeVersion
from certportal.mydata import cases_io
from certportal.mydata.cases_io import count as _count
from certportal.mydata.cases_io import parse_day as _parse_day
from certportal.mydata.cases_io import parse_when as _parse_when
from certportal.mydata.cases_io import plain_text as _plain
from certportal.teams.models import Team, TeamMembership
from certportal.wizard.models import WizardRun

FORMAT = "certportal.my-data"
VERSION = 1
MAX_BYTES = 64_000_000  # attachments travel inside the document


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export(session: Session, *, actor: Principal, now: datetime | None = None) -> dict[str, Any]:
    """Everything about the acting person."""
    user = session.get(User, actor.user_id)
    assert user is not None
    ident, _ = identity.get(session, actor=actor)
    creds = session.exec(
        select(Credential).where(Credential.user_id == actor.user_id).order_by(col(Credential.id))
    ).all()
    index = {c.id: i for i, c in enumerate(creds)}
    runs = session.exec(
        select(WizardRun).where(WizardRun.user_id == actor.user_id).order_by(col(WizardRun.id))
    ).all()
    numbers = {v.id: v.number for v in session.exec(select(KnowledgeVersion)).all()}
    imports = session.exec(
        select(LearnImport)
        .where(LearnImport.user_id == actor.user_id)
        .order_by(col(LearnImport.id))
    ).all()
    teams = session.exec(
        select(Team.name, TeamMembership.role)
        .join(TeamMembership, col(TeamMembership.team_id) == col(Team.id))
        .where(TeamMembership.user_id == actor.user_id)
        .order_by(col(Team.name))
    ).all()
    has_feed = credentials.feed(session, actor=actor) is not None
    run_index = {r.id: i for i, r in enumerate(runs)}
    renewals = credentials.events(session, actor=actor)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": (now or utcnow()).isoformat(),
        "person": {
            "email": user.email,
            "display_name": user.display_name,
            "locale": user.locale,
            "created_at": _when(user.created_at),
        },
        "organisation": {  # for information; not imported
            "role": user.role,
            "teams": [{"name": name, "role": role} for name, role in teams],
        },
        "identity": {
            "work_account": ident.work_account,
            "personal_accounts": list(ident.personal_accounts),
            "learn_profiles": list(ident.learn_profiles),
            "mcid": ident.mcid,
            "cert_profile_account": ident.cert_profile_account,
            "certiport_username": ident.certiport_username,
            "pc_user": ident.pc_user,
            "pc_mcid": ident.pc_mcid,
            "private": sorted(ident.private),
        },
        "credentials": [
            {
                **to_raw(credentials.to_data(c)),
                "source": c.source,
                "created_at": _when(c.created_at),
                "updated_at": _when(c.updated_at),
            }
            for c in creds
        ],
        "diagnoses": [
            {
                "certification": r.certification_id,
                "credential": index.get(r.credential_id) if r.credential_id else None,
                "answers": json.loads(r.answers or "{}"),
                "status": r.status,
                "outcome": r.outcome_id,
                "knowledge_version": numbers.get(r.knowledge_version_id),
                "created_at": _when(r.created_at),
                "updated_at": _when(r.updated_at),
                "finished_at": _when(r.finished_at),
            }
            for r in runs
        ],
        "learn_imports": [
            {
                "imported_at": _when(i.imported_at),
                "share_id": i.share_id,
                "user_name": i.user_name,
                "legal_name": i.legal_name,
                "mcid": i.mcid,
                "contact_email": i.contact_email,
                "added": i.added,
                "matched": i.matched,
                "not_on_learn": i.not_on_learn,
            }
            for i in imports
        ],
        "credential_events": [
            {
                "credential": index.get(e.credential_id),
                "kind": e.kind,
                "occurred_on": e.occurred_on.isoformat(),
                "old_expiry": e.old_expiry.isoformat() if e.old_expiry else None,
                "new_expiry": e.new_expiry.isoformat() if e.new_expiry else None,
                "created_at": _when(e.created_at),
            }
            for e in renewals
            if e.credential_id in index
        ],
        "cases": cases_io.export_cases(
            session, user_id=actor.user_id, credential_index=index, run_index=run_index
        ),
        "calendar_feed": {"active": has_feed},
    }


def export_json(session: Session, *, actor: Principal, now: datetime | None = None) -> str:
    document = export(session, actor=actor, now=now)
    audit.record_by(session, actor, "mydata.export")
    return json.dumps(document, ensure_ascii=False, indent=2)


def _require(data: object, kind: type, what: str = "mydata.error.shape") -> Any:
    if not isinstance(data, kind):
        raise InvalidInput(what)
    return data


def import_document(session: Session, *, content: bytes, password: str) -> User:
    """Create the person of a my-data document with all their data (operators only: the command
    line). Refused as a whole when the e-mail exists or any part does not read back; attachment
    files written before a refusal are removed again."""
    written: list[Path] = []
    try:
        user = _import(session, content=content, password=password, written=written)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    # the files stay only if the caller commits
    cases_service.settle_files(session, keep_on_commit=written, remove_on_commit=[])
    return user


def _required_day(value: object) -> date:
    day = _parse_day(value)
    if day is None:
        raise InvalidInput("mydata.error.shape")
    return day


def _import(session: Session, *, content: bytes, password: str, written: list[Path]) -> User:
    if len(content) > MAX_BYTES:
        raise InvalidInput("mydata.error.too_large")
    try:
        doc = _require(json.loads(content.decode("utf-8-sig")), dict)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidInput("mydata.error.not_json") from None
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise InvalidInput("mydata.error.format")
    person = _require(doc.get("person"), dict)
    user = auth_service.create_account(
        session,
        email=str(person.get("email", "")),
        display_name=str(person.get("display_name", "")),
        password=password,
        role=Role.MEMBER,
        locale=person.get("locale") or None,
    )
    created = _parse_when(person.get("created_at"))
    if created is not None:
        user.created_at = created
    session.add(user)
    actor = auth_service.principal_for(session, user)

    ident = _require(doc.get("identity", {}), dict)
    form: dict[str, object] = {
        k: "\n".join(v) if isinstance(v, list) else str(v or "")
        for k, v in ident.items()
        if k != "private"
    }
    form["private"] = list(_require(ident.get("private", []), list))
    identity.save(session, actor=actor, form=form, version=0)

    catalog = credentials.catalog(session)
    made: list[Credential] = []
    for item in _require(doc.get("credentials", []), list):
        item = _require(item, dict)
        data, problems = validate(
            {k: str(v or "") for k, v in item.items()}, catalog=catalog, today=date.max
        )
        if data is None:
            raise InvalidInput("mydata.error.credential", problem=problems[0].key)
        made.append(_credential(session, actor, data, item))

    active, _ = knowledge.active(session)
    by_number = {v.number: v for v in session.exec(select(KnowledgeVersion)).all()}
    for item in _require(doc.get("diagnoses", []), list):
        item = _require(item, dict)
        number = item.get("knowledge_version")
        if number is not None and not isinstance(number, int):
            raise InvalidInput("mydata.error.shape")
        version = by_number.get(number, active) if number is not None else active
        cred_index = item.get("credential")
        linked = (
            made[cred_index]
            if isinstance(cred_index, int) and 0 <= cred_index < len(made)
            else None
        )
        session.add(
            WizardRun(
                user_id=user.id or 0,
                knowledge_version_id=version.id or 0,
                certification_id=_plain(item.get("certification"), 64),
                credential_id=linked.id if linked else None,
                answers=json.dumps(_require(item.get("answers", {}), dict), ensure_ascii=False),
                status=_plain(item.get("status") or "in_progress", 16),
                outcome_id=_plain(item["outcome"], 64) if item.get("outcome") else None,
                created_at=_parse_when(item.get("created_at")) or utcnow(),
                updated_at=_parse_when(item.get("updated_at")) or utcnow(),
                finished_at=_parse_when(item.get("finished_at")),
            )
        )
    session.flush()
    made_runs = session.exec(
        select(WizardRun).where(WizardRun.user_id == user.id).order_by(col(WizardRun.id))
    ).all()
    for item in _require(doc.get("credential_events", []), list):
        item = _require(item, dict)
        position = item.get("credential")
        if not isinstance(position, int) or not 0 <= position < len(made):
            raise InvalidInput("mydata.error.shape")
        session.add(
            CredentialEvent(
                credential_id=made[position].id or 0,
                user_id=user.id or 0,
                kind=_plain(item.get("kind") or "renewed", 24),
                occurred_on=_required_day(item.get("occurred_on")),
                old_expiry=_parse_day(item.get("old_expiry")),
                new_expiry=_parse_day(item.get("new_expiry")),
                created_at=_parse_when(item.get("created_at")) or utcnow(),
            )
        )
    cases_io.import_cases(
        session,
        user_id=user.id or 0,
        items=_require(doc.get("cases", []), list),
        credential_ids=[c.id or 0 for c in made],
        run_ids=[r.id or 0 for r in made_runs],
        written=written,
    )
    for item in _require(doc.get("learn_imports", []), list):
        item = _require(item, dict)
        text = {k: _plain(item.get(k), 300) for k in ("share_id", "user_name", "legal_name")}
        counts = [_count(item.get(k)) for k in ("added", "matched", "not_on_learn")]
        session.add(
            LearnImport(
                user_id=user.id or 0,
                imported_at=_parse_when(item.get("imported_at")) or utcnow(),
                share_id=text["share_id"][:64],
                user_name=text["user_name"][:300],
                legal_name=text["legal_name"][:300],
                mcid=_plain(item.get("mcid"), 64),
                contact_email=_plain(item.get("contact_email"), 300),
                added=counts[0],
                matched=counts[1],
                not_on_learn=counts[2],
            )
        )
    audit.record(
        session,
        action="mydata.import",
        actor_label="operator",
        target_type="user",
        target_id=user.id,
    )
    session.flush()
    return user


def _credential(
    session: Session, actor: Principal, data: CredentialData, item: dict[str, Any]
) -> Credential:
    row = credentials.create(
        session, actor=actor, data=data, source=_plain(item.get("source") or "manual", 16)
    )
    row.created_at = _parse_when(item.get("created_at")) or row.created_at
    row.updated_at = _parse_when(item.get("updated_at")) or row.updated_at
    session.add(row)
    session.flush()
    return row
