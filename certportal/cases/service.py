"""Support cases: stored, changed and read on behalf of the acting principal.

A case belongs to one person. The owner does everything; a lead of one of the owner's teams and
an admin see the case's status, channel, age and next move but not its texts (messages, replies,
notes) nor its attachments, unless the owner shared the case. Anyone else is told "not found".

Every change carries the version the person saw; if the case changed meanwhile the change is
refused (``Conflict``) and nothing is written. A change is one transaction: the case row, its
events and an attachment's file are all written or none is.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import delete as sql_delete
from sqlalchemy import event as sa_event
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from certportal.audit import service as audit
from certportal.auth.models import User
from certportal.auth.policy import Principal
from certportal.cases import attachments, transitions
from certportal.cases import evidence as evidence_pack
from certportal.cases.models import CaseAttachment, CaseCredential, CaseEvent, SupportCase
from certportal.cases.transitions import (
    CaseFields,
    Channel,
    EventKind,
    Status,
)
from certportal.clock import utcnow
from certportal.credentials.models import Credential
from certportal.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from certportal.i18n.formatting import local_today
from certportal.settings import get_settings
from certportal.teams.models import TeamMembership
from certportal.wizard.models import WizardRun

MAX_CASES = 300  # per person
MAX_EVENTS = 1000  # per case
CHANGED = "cases.error.changed_meanwhile"


def _today(actor: Principal, today: date | None) -> date:
    return today or local_today(actor.locale or "ja")


# --- access -----------------------------------------------------------------------------------


def _case(session: Session, case_id: int) -> SupportCase:
    row = session.get(SupportCase, case_id) if case_id else None
    if row is None:
        raise NotFound("cases.error.not_found")
    return row


def _own(session: Session, actor: Principal, case_id: int) -> SupportCase:
    row = _case(session, case_id)
    if row.user_id != actor.user_id:
        raise NotFound("cases.error.not_found")
    return row


def _team_ids(session: Session, user_id: int) -> frozenset[int]:
    return frozenset(
        session.exec(select(TeamMembership.team_id).where(TeamMembership.user_id == user_id)).all()
    )


def _led_people(session: Session, actor: Principal) -> set[int]:
    if not actor.led_team_ids:
        return set()
    return set(
        session.exec(
            select(TeamMembership.user_id).where(
                col(TeamMembership.team_id).in_(sorted(actor.led_team_ids))
            )
        ).all()
    )


@dataclass(frozen=True)
class Access:
    owner: bool  # may change it
    texts: bool  # may read messages, replies, notes, attachments


def _access(session: Session, actor: Principal, row: SupportCase) -> Access:
    if row.user_id == actor.user_id:
        return Access(owner=True, texts=True)
    overseer = actor.is_admin or bool(actor.led_team_ids & _team_ids(session, row.user_id))
    if not overseer or row.status == Status.DRAFT.value:  # a draft is the member's own business
        raise NotFound("cases.error.not_found")
    return Access(owner=False, texts=row.shared_with_lead)


def _changing(session: Session, actor: Principal, case_id: int, version: int) -> SupportCase:
    row = _own(session, actor, case_id)
    if row.version != version:
        raise Conflict(CHANGED)
    return row


def _save(session: Session, row: SupportCase) -> None:
    row.updated_at = utcnow()
    session.add(row)
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(CHANGED) from None


def _event(
    session: Session, row: SupportCase, kind: EventKind, day: date, **values: object
) -> CaseEvent:
    assert row.id is not None
    with session.no_autoflush:  # a lost race shows up in _save, as a Conflict
        count = len(session.exec(select(CaseEvent.id).where(CaseEvent.case_id == row.id)).all())
    if count >= MAX_EVENTS:
        raise InvalidInput("cases.error.too_many_events", max=MAX_EVENTS)
    event = CaseEvent(case_id=row.id, kind=kind.value, occurred_on=day, **values)  # type: ignore[arg-type]
    session.add(event)
    return event


def _check_credentials(session: Session, actor: Principal, ids: Sequence[int]) -> None:
    if len(ids) > 50:
        raise InvalidInput("cases.error.credential", field="credentials")
    for credential_id in ids:
        cred = session.get(Credential, credential_id)
        if cred is None or cred.user_id != actor.user_id:
            raise InvalidInput("cases.error.credential", field="credentials")


def _link(session: Session, case_id: int, ids: Sequence[int]) -> None:
    session.execute(sql_delete(CaseCredential).where(col(CaseCredential.case_id) == case_id))
    session.add_all([CaseCredential(case_id=case_id, credential_id=i) for i in ids])


def credential_ids(session: Session, case_id: int) -> list[int]:
    return list(
        session.exec(
            select(CaseCredential.credential_id)
            .where(CaseCredential.case_id == case_id)
            .order_by(col(CaseCredential.credential_id))
        ).all()
    )


# --- creating and editing ------------------------------------------------------------------


def create(
    session: Session,
    *,
    actor: Principal,
    fields: CaseFields,
    wizard_run_id: int | None = None,
    today: date | None = None,
) -> SupportCase:
    """A new case, as a draft (the message kept to send later) or as sent (open)."""
    day = _today(actor, today)
    mine = session.exec(select(SupportCase.id).where(SupportCase.user_id == actor.user_id)).all()
    if len(mine) >= MAX_CASES:
        raise InvalidInput("cases.error.too_many", max=MAX_CASES)
    _check_credentials(session, actor, fields.credential_ids)
    outcome_id = ""
    if wizard_run_id is not None:
        run = session.get(WizardRun, wizard_run_id)
        if run is None or run.user_id != actor.user_id:
            raise NotFound("wizard.error.no_run")
        outcome_id = run.outcome_id or ""
    draft = fields.status is Status.DRAFT
    row = SupportCase(
        user_id=actor.user_id,
        channel=fields.channel.value,
        reference=fields.reference,
        subject=fields.subject,
        status=fields.status.value,
        follow_up_on=fields.follow_up_on,
        draft_text=fields.message if draft else "",
        wizard_run_id=wizard_run_id,
        outcome_id=outcome_id,
        opened_on=None if draft else day,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    _link(session, row.id, fields.credential_ids)
    if draft:
        _event(session, row, EventKind.CREATED, day)
    else:
        _event(session, row, EventKind.OPENED, day, status_to=Status.OPEN.value)
        if fields.message:
            _event(session, row, EventKind.MESSAGE_SENT, day, text=fields.message)
    if fields.follow_up_on is not None:
        _event(session, row, EventKind.FOLLOW_UP_SET, day, follow_up_on=fields.follow_up_on)
    session.flush()
    return row


def update_details(
    session: Session,
    *,
    actor: Principal,
    case_id: int,
    version: int,
    fields: CaseFields,
    today: date | None = None,
) -> SupportCase:
    """Change channel, reference, subject and credentials (status has its own actions)."""
    row = _changing(session, actor, case_id, version)
    _check_credentials(session, actor, fields.credential_ids)
    changed = [
        name
        for name, old, new in (
            ("channel", row.channel, fields.channel.value),
            ("reference", row.reference, fields.reference),
            ("subject", row.subject, fields.subject),
        )
        if old != new
    ]
    if list(fields.credential_ids) != credential_ids(session, case_id):
        changed.append("credentials")
    row.channel = fields.channel.value
    row.reference = fields.reference
    row.subject = fields.subject
    if row.status == Status.DRAFT.value:
        row.draft_text = fields.message
    _link(session, case_id, fields.credential_ids)
    if changed:
        _event(session, row, EventKind.EDITED, _today(actor, today), text=", ".join(changed))
    _save(session, row)
    return row


def _not_before_opening(row: SupportCase, day: date, field: str) -> None:
    if row.opened_on is not None and day < row.opened_on:
        raise InvalidInput("cases.error.before_opened", field=field)


def _move(session: Session, row: SupportCase, target: Status, day: date) -> None:
    """Record a status change that follows from a message or a reply."""
    current = Status(row.status)
    if target is current:
        return
    row.status = target.value
    if current is Status.DRAFT:
        row.opened_on = day
        _event(
            session, row, EventKind.OPENED, day, status_from=current.value, status_to=target.value
        )
    else:
        _event(
            session,
            row,
            EventKind.STATUS_CHANGED,
            day,
            status_from=current.value,
            status_to=target.value,
        )


def send_message(
    session: Session,
    *,
    actor: Principal,
    case_id: int,
    version: int,
    text: str,
    sent_on: str = "",
    today: date | None = None,
) -> SupportCase:
    """I sent a message (the text as sent): support has the next move."""
    day = _today(actor, today)
    row = _changing(session, actor, case_id, version)
    body = transitions.clean_text(text, field="message", required=True)
    when = transitions.event_date(sent_on, day, field="sent_on")
    _not_before_opening(row, when, "sent_on")
    current = Status(row.status)
    if current in transitions.ENDED:
        raise InvalidInput("cases.refuse.reopen_first", field="message")
    if current is Status.DRAFT:  # opened, then the message
        _move(session, row, transitions.after_message(current), when)
        row.draft_text = ""
        _event(session, row, EventKind.MESSAGE_SENT, when, text=body)
    else:  # the message, then the ball is theirs
        _event(session, row, EventKind.MESSAGE_SENT, when, text=body)
        _move(session, row, transitions.after_message(current), when)
    _save(session, row)
    return row


def record_reply(
    session: Session,
    *,
    actor: Principal,
    case_id: int,
    version: int,
    summary: str,
    received_on: str = "",
    today: date | None = None,
) -> SupportCase:
    """Support answered (what they said, and when): the next move is mine."""
    day = _today(actor, today)
    row = _changing(session, actor, case_id, version)
    text = transitions.clean_text(
        summary, field="summary", required=True, limit=transitions.SUMMARY_MAX
    )
    when = transitions.event_date(received_on, day, field="received_on")
    _not_before_opening(row, when, "received_on")
    current = Status(row.status)
    if current is Status.DRAFT:
        raise InvalidInput("cases.refuse.send_first", field="summary")
    if current in transitions.ENDED:
        raise InvalidInput("cases.refuse.reopen_first", field="summary")
    _event(session, row, EventKind.REPLY_RECEIVED, when, text=text)
    _move(session, row, transitions.after_reply(current), when)
    _save(session, row)
    return row


def change_status(
    session: Session,
    *,
    actor: Principal,
    case_id: int,
    version: int,
    target: str,
    resolution: str = "",
    today: date | None = None,
) -> SupportCase:
    day = _today(actor, today)
    row = _changing(session, actor, case_id, version)
    to = transitions.status(target)
    outcome = transitions.resolution(resolution)
    current = Status(row.status)
    transitions.check(current, to, outcome)
    row.status = to.value
    if to in transitions.ENDED:
        if outcome is not None:
            row.resolution = outcome.value
        row.ended_on = row.ended_on if current in transitions.ENDED else day
        row.follow_up_on = None  # nothing left to chase
    else:
        row.resolution = ""
        row.ended_on = None
    if to is Status.OPEN and row.opened_on is None:
        # sent for the first time: a draft, or a draft that was closed and is reopened
        row.opened_on = day
        kind = EventKind.OPENED
    elif to is Status.RESOLVED:
        kind = EventKind.RESOLVED
    else:
        kind = EventKind.STATUS_CHANGED
    _event(
        session,
        row,
        kind,
        day,
        status_from=current.value,
        status_to=to.value,
        resolution=row.resolution if to in transitions.ENDED else "",
    )
    if kind is EventKind.OPENED and row.draft_text:
        # opening a draft sends the message it kept
        _event(session, row, EventKind.MESSAGE_SENT, day, text=row.draft_text)
        row.draft_text = ""
    _save(session, row)
    return row


def set_follow_up(
    session: Session,
    *,
    actor: Principal,
    case_id: int,
    version: int,
    day: str,
    today: date | None = None,
) -> SupportCase:
    """Set (or, with an empty day, clear) the day I will chase this case."""
    now = _today(actor, today)
    row = _changing(session, actor, case_id, version)
    follow_up = transitions.follow_up_date(day, now)
    if Status(row.status) in transitions.ENDED and follow_up is not None:
        raise InvalidInput("cases.error.follow_up_ended", field="follow_up_on")
    row.follow_up_on = follow_up
    _event(session, row, EventKind.FOLLOW_UP_SET, now, follow_up_on=follow_up)
    _save(session, row)
    return row


def add_note(
    session: Session,
    *,
    actor: Principal,
    case_id: int,
    version: int,
    text: str,
    today: date | None = None,
) -> SupportCase:
    row = _changing(session, actor, case_id, version)
    body = transitions.clean_text(text, field="note", required=True)
    _event(session, row, EventKind.NOTE, _today(actor, today), text=body)
    _save(session, row)
    return row


def set_shared(
    session: Session, *, actor: Principal, case_id: int, version: int, shared: bool
) -> SupportCase:
    """Let my team leads read this case's texts and attachments (or stop it)."""
    row = _changing(session, actor, case_id, version)
    row.shared_with_lead = bool(shared)
    audit.record_by(
        session,
        actor,
        "cases.share" if shared else "cases.unshare",
        target_type="support_case",
        target_id=case_id,
    )
    _save(session, row)
    return row


def delete(session: Session, *, actor: Principal, case_id: int, version: int) -> None:
    """Delete one of my cases with its events and attachments. The files go once the deletion
    is committed (a refused deletion keeps them)."""
    row = _changing(session, actor, case_id, version)
    stored = session.exec(select(CaseAttachment).where(CaseAttachment.case_id == case_id)).all()
    paths = [_path(a.storage_key) for a in stored]
    session.execute(sql_delete(CaseEvent).where(col(CaseEvent.case_id) == case_id))
    session.execute(sql_delete(CaseAttachment).where(col(CaseAttachment.case_id) == case_id))
    session.execute(sql_delete(CaseCredential).where(col(CaseCredential.case_id) == case_id))
    audit.record_by(
        session,
        actor,
        "cases.delete",
        target_type="support_case",
        target_id=case_id,
        detail={"channel": row.channel, "status": row.status},
    )
    session.delete(row)
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(CHANGED) from None
    settle_files(session, keep_on_commit=[], remove_on_commit=paths)


def settle_files(
    session: Session, *, keep_on_commit: Sequence[Path], remove_on_commit: Sequence[Path]
) -> None:
    """Make files follow the transaction: on commit ``remove_on_commit`` are deleted; on
    rollback ``keep_on_commit`` (files written for it) are deleted. Whichever comes first wins."""
    done = False

    def committed(_session: Session) -> None:
        nonlocal done
        if not done:
            done = True
            for path in remove_on_commit:
                path.unlink(missing_ok=True)

    def rolled_back(_session: Session) -> None:
        nonlocal done
        if not done:
            done = True
            for path in keep_on_commit:
                path.unlink(missing_ok=True)

    sa_event.listen(session, "after_commit", committed, once=True)
    sa_event.listen(session, "after_rollback", rolled_back, once=True)


def unlink_credential(session: Session, credential_id: int) -> None:
    """A credential is deleted: the cases about it stay, without it."""
    session.execute(
        sql_delete(CaseCredential).where(col(CaseCredential.credential_id) == credential_id)
    )


# --- attachments ----------------------------------------------------------------------------


def storage_dir() -> Path:
    folder = Path(get_settings().attachments_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(key: str) -> Path:
    if not key or not key.replace("-", "").isalnum():
        raise NotFound("cases.error.not_found")
    return storage_dir() / key


def write_file(key: str, content: bytes) -> Path:
    """Write an attachment's bytes under ``key`` atomically (no half-written file remains)."""
    target = _path(key)
    partial = target.with_suffix(".part")
    try:
        partial.write_bytes(content)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def add_attachment(
    session: Session,
    *,
    actor: Principal,
    case_id: int,
    version: int,
    name: str,
    content: bytes,
    today: date | None = None,
) -> CaseAttachment:
    """Keep a screenshot or PDF with the case. The file is written first, under a random name,
    and removed again if the database refuses the change."""
    row = _changing(session, actor, case_id, version)
    existing = len(
        session.exec(select(CaseAttachment.id).where(CaseAttachment.case_id == case_id)).all()
    )
    checked = attachments.check(name, content, existing=existing)
    key = secrets.token_hex(20)
    target = write_file(key, content)
    try:
        stored = CaseAttachment(
            case_id=case_id,
            name=checked.name,
            mime=checked.mime,
            size=checked.size,
            sha256=hashlib.sha256(content).hexdigest(),
            storage_key=key,
        )
        session.add(stored)
        session.flush()
        _event(
            session,
            row,
            EventKind.ATTACHMENT_ADDED,
            _today(actor, today),
            text=checked.name,
            attachment_id=stored.id,
        )
        _save(session, row)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    # the file stays only if the transaction commits
    settle_files(session, keep_on_commit=[target], remove_on_commit=[])
    return stored


@dataclass(frozen=True)
class AttachmentFile:
    name: str
    mime: str
    path: Path


def attachment_file(session: Session, *, actor: Principal, attachment_id: int) -> AttachmentFile:
    """The file of an attachment, for those who may read the case's texts."""
    stored = session.get(CaseAttachment, attachment_id) if attachment_id else None
    if stored is None:
        raise NotFound("cases.error.not_found")
    row = _case(session, stored.case_id)
    access = _access(session, actor, row)
    if not access.texts:
        raise PermissionDenied("cases.error.texts_private")
    path = _path(stored.storage_key)
    if not path.exists():
        raise NotFound("cases.error.not_found")
    if not access.owner:
        audit.record_by(
            session, actor, "cases.lead_attachment", target_type="support_case", target_id=row.id
        )
    return AttachmentFile(stored.name, stored.mime, path)


# --- reading --------------------------------------------------------------------------------


def list_mine(session: Session, *, actor: Principal) -> list[CaseSummary]:
    rows = session.exec(
        select(SupportCase)
        .where(SupportCase.user_id == actor.user_id)
        .order_by(col(SupportCase.updated_at).desc(), col(SupportCase.id).desc())
    ).all()
    return [summary(r, actor.display_name, _OWNER) for r in rows]


@dataclass(frozen=True)
class CaseSummary:
    """A case as one viewer may see it: subject, reference and draft are blank for a lead or
    admin the owner has not shared the case with."""

    id: int
    user_id: int
    owner_name: str
    channel: str
    reference: str
    subject: str
    status: str
    resolution: str
    follow_up_on: date | None
    opened_on: date | None
    ended_on: date | None
    created_on: date
    version: int
    shared: bool
    wizard_run_id: int | None
    outcome_id: str
    draft_text: str
    texts: bool
    owner: bool


def summary(row: SupportCase, owner_name: str, access: Access) -> CaseSummary:
    assert row.id is not None
    return CaseSummary(
        id=row.id,
        user_id=row.user_id,
        owner_name=owner_name,
        channel=row.channel,
        reference=row.reference if access.texts else "",
        subject=row.subject if access.texts else "",
        status=row.status,
        resolution=row.resolution,
        follow_up_on=row.follow_up_on,
        opened_on=row.opened_on,
        ended_on=row.ended_on,
        created_on=row.created_at.date(),
        version=row.version,
        shared=row.shared_with_lead,
        wizard_run_id=row.wizard_run_id if access.owner else None,
        outcome_id=row.outcome_id if access.owner else "",
        draft_text=row.draft_text if access.owner else "",
        texts=access.texts,
        owner=access.owner,
    )


_OWNER = Access(owner=True, texts=True)


@dataclass(frozen=True)
class CaseView:
    case: CaseSummary
    access: Access
    credential_ids: list[int]
    events: list[CaseEvent]  # oldest first; texts blanked when access.texts is False
    attachments: list[CaseAttachment] = field(default_factory=list)


def _redacted(event: CaseEvent) -> CaseEvent:
    private = {
        EventKind.MESSAGE_SENT.value,
        EventKind.REPLY_RECEIVED.value,
        EventKind.NOTE.value,
        EventKind.ATTACHMENT_ADDED.value,
    }
    if event.kind not in private:
        return event
    return CaseEvent(
        id=event.id,
        case_id=event.case_id,
        kind=event.kind,
        occurred_on=event.occurred_on,
        created_at=event.created_at,
    )


def events_of(session: Session, case_id: int) -> list[CaseEvent]:
    return list(
        session.exec(
            select(CaseEvent)
            .where(CaseEvent.case_id == case_id)
            .order_by(col(CaseEvent.occurred_on), col(CaseEvent.id))
        ).all()
    )


def view(session: Session, *, actor: Principal, case_id: int) -> CaseView:
    """A case as the actor may see it. A lead or admin opening a member's case is audited."""
    row = _case(session, case_id)
    access = _access(session, actor, row)
    owner = session.get(User, row.user_id)
    events = events_of(session, case_id)
    if not access.texts:
        events = [_redacted(e) for e in events]
    stored = (
        list(
            session.exec(
                select(CaseAttachment)
                .where(CaseAttachment.case_id == case_id)
                .order_by(col(CaseAttachment.id))
            ).all()
        )
        if access.texts
        else []
    )
    if not access.owner:
        audit.record_by(
            session,
            actor,
            "cases.lead_view",
            target_type="support_case",
            target_id=case_id,
            detail={"member": row.user_id, "texts": access.texts},
        )
    return CaseView(
        case=summary(row, owner.display_name if owner else "", access),
        access=access,
        credential_ids=credential_ids(session, case_id) if access.owner else [],
        events=events,
        attachments=stored,
    )


def own_view(session: Session, *, actor: Principal, case_id: int) -> CaseView:
    """One of my cases (for editing it): anyone else's is "not found", and nothing is audited."""
    row = _own(session, actor, case_id)
    return CaseView(
        case=summary(row, actor.display_name, _OWNER),
        access=_OWNER,
        credential_ids=credential_ids(session, case_id),
        events=events_of(session, case_id),
    )


def texts(session: Session, *, actor: Principal, case_id: int) -> list[CaseEvent]:
    """The case's events with their texts, for those allowed to read them."""
    row = _case(session, case_id)
    if not _access(session, actor, row).texts:
        raise PermissionDenied("cases.error.texts_private")
    return events_of(session, case_id)


def team_cases(session: Session, *, actor: Principal) -> list[CaseSummary]:
    """My members' cases (a lead: the teams I lead; an admin: everyone's), newest first,
    without their texts. Drafts are the member's own business and are left out."""
    query = select(SupportCase, User).join(User, col(User.id) == col(SupportCase.user_id))
    if not actor.is_admin:
        people = _led_people(session, actor) - {actor.user_id}
        if not people:
            return []
        query = query.where(col(SupportCase.user_id).in_(sorted(people)))
    query = query.where(SupportCase.status != Status.DRAFT.value).order_by(
        col(SupportCase.updated_at).desc(), col(SupportCase.id).desc()
    )
    return [
        summary(
            case,
            user.display_name,
            Access(owner=case.user_id == actor.user_id, texts=case.shared_with_lead),
        )
        for case, user in session.exec(query).all()
    ]


def member_cases(session: Session, *, user_id: int) -> list[CaseSummary]:
    """One member's cases as an overseer sees them (no drafts; texts only where shared). The
    caller has checked that the overseer may see the member."""
    owner = session.get(User, user_id)
    name = owner.display_name if owner else ""
    rows = session.exec(
        select(SupportCase)
        .where(SupportCase.user_id == user_id, SupportCase.status != Status.DRAFT.value)
        .order_by(col(SupportCase.updated_at).desc(), col(SupportCase.id).desc())
    ).all()
    return [summary(r, name, Access(owner=False, texts=r.shared_with_lead)) for r in rows]


def due(session: Session, *, user_id: int, today: date) -> list[SupportCase]:
    """Cases with a follow-up today or earlier that are still active (or drafts)."""
    return list(
        session.exec(
            select(SupportCase)
            .where(SupportCase.user_id == user_id)
            .where(col(SupportCase.follow_up_on).is_not(None))
            .where(col(SupportCase.follow_up_on) <= today)
            .where(col(SupportCase.status).not_in([s.value for s in transitions.ENDED]))
            .order_by(col(SupportCase.follow_up_on), col(SupportCase.id))
        ).all()
    )


def with_follow_up(session: Session, *, user_id: int) -> list[SupportCase]:
    """Cases with a follow-up day that are not over: for the calendar feed."""
    return list(
        session.exec(
            select(SupportCase)
            .where(SupportCase.user_id == user_id)
            .where(col(SupportCase.follow_up_on).is_not(None))
            .where(col(SupportCase.status).not_in([s.value for s in transitions.ENDED]))
            .order_by(col(SupportCase.follow_up_on), col(SupportCase.id))
        ).all()
    )


def channel_links(session: Session) -> dict[str, str]:
    """Each channel's address from the active knowledge base (where to open a request)."""
    from certportal.knowledge import service as knowledge

    _, bundle = knowledge.active(session)
    return {c.id: c.url for c in bundle.linkage.channels}


# --- starting from a diagnosis --------------------------------------------------------------


@dataclass(frozen=True)
class Prefill:
    channel: str
    subject: str
    message: str
    credential_ids: tuple[int, ...]
    wizard_run_id: int | None
    outcome_title: dict[str, str]


def prefill_from_run(session: Session, *, actor: Principal, run_id: int, locale: str) -> Prefill:
    """A new case from a finished diagnosis: its channel, its ready-to-send text (in the
    person's language), the credential it is about and the outcome."""
    from certportal.wizard import present as wizard_present
    from certportal.wizard import service as wizard_service

    ctx = wizard_service.context(session, actor=actor, run_id=run_id)
    if ctx.walk.outcome_id is None:
        raise InvalidInput("cases.error.run_unfinished")
    outcome = wizard_present.outcome_view(
        ctx.bundle,
        ctx.walk,
        identity=ctx.identity,
        name=actor.display_name,
        today=ctx.today,
        certification_number=ctx.certification_number,
    )
    support = ctx.bundle.linkage.outcomes_by_id()[ctx.walk.outcome_id].support
    channel = (
        transitions.WIZARD_CHANNELS.get(support.channel, Channel.OTHER)
        if support is not None
        else Channel.OTHER
    )
    lang = "ja" if locale == "ja" else "en"
    subject = outcome.support.subject.get(lang, "") if outcome.has_support else ""
    message = outcome.support.body.get(lang, "") if outcome.has_support else ""
    credential = ctx.run.credential_id
    owned = credential is not None and (
        (c := session.get(Credential, credential)) is not None and c.user_id == actor.user_id
    )
    return Prefill(
        channel=channel.value,
        subject=(subject or outcome.title.get(lang, ""))[: transitions.SUBJECT_MAX],
        message=message,
        credential_ids=(credential,) if owned and credential is not None else (),
        wizard_run_id=run_id,
        outcome_title=outcome.title,
    )


# --- evidence pack --------------------------------------------------------------------------


def evidence(session: Session, *, actor: Principal, case_id: int) -> evidence_pack.Pack:
    """The print-ready pack of one of my cases. Identities follow my identity map without the
    fields I keep private (the pack is meant to be sent, like a support text)."""
    from certportal.credentials import rules as credential_rules
    from certportal.credentials import service as credentials
    from certportal.identity import service as identity_service

    row = _own(session, actor, case_id)
    assert row.id is not None
    cat = credentials.catalog(session)
    creds: list[evidence_pack.PackCredential] = []
    for credential_id in credential_ids(session, case_id):
        stored = session.get(Credential, credential_id)
        if stored is None:
            continue
        data = credentials.to_data(stored)
        entry = cat.get(data.certification_id)
        status = credential_rules.status_of(data, entry, _today(actor, None))
        creds.append(
            evidence_pack.PackCredential(
                name=credentials.display_name(data, entry, actor.locale or "ja"),
                code=data.certification_id,
                number=data.certification_number,
                provider=data.provider,
                earned_on=data.earned_on,
                expires_on=status.expires_on,
                exams=tuple((e.code, e.passed_on) for e in data.exams),
            )
        )
    identity, _ = identity_service.get(session, actor=actor)
    shared = identity.shared()
    identities = [
        ("identity.work_account", shared.work_account),
        ("identity.personal_accounts", ", ".join(shared.personal_accounts)),
        ("identity.learn_profiles", ", ".join(shared.learn_profiles)),
        ("identity.mcid", shared.mcid),
        ("identity.cert_profile_account", shared.cert_profile_account),
        ("identity.certiport_username", shared.certiport_username),
        ("identity.pc_user", shared.pc_user),
        ("identity.pc_mcid", shared.pc_mcid),
    ]
    events = tuple(
        evidence_pack.PackEvent(
            day=e.occurred_on,
            kind=e.kind,
            text=e.text,
            status_from=e.status_from,
            status_to=e.status_to,
            resolution=e.resolution,
            follow_up_on=e.follow_up_on,
        )
        for e in events_of(session, case_id)
    )
    names = tuple(
        session.exec(
            select(CaseAttachment.name)
            .where(CaseAttachment.case_id == case_id)
            .order_by(col(CaseAttachment.id))
        ).all()
    )
    return evidence_pack.Pack(
        case_id=row.id,
        person=actor.display_name,
        email=actor.email,
        channel=row.channel,
        reference=row.reference,
        subject=row.subject,
        status=row.status,
        resolution=row.resolution,
        opened_on=row.opened_on,
        follow_up_on=row.follow_up_on,
        generated_at=utcnow(),
        credentials=tuple(creds),
        identities=tuple((k, v) for k, v in identities if v),
        events=events,
        attachments=names,
    )


def evidence_download(session: Session, *, actor: Principal, case_id: int, locale: str) -> str:
    """The pack as a standalone HTML file (audited: it leaves the app)."""
    pack = evidence(session, actor=actor, case_id=case_id)
    audit.record_by(
        session, actor, "cases.evidence_download", target_type="support_case", target_id=case_id
    )
    return evidence_pack.render_html(pack, locale)
