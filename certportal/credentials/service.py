"""The credential inventory: one person's credentials, their imports and their calendar feed.

Every function takes the acting principal and works on that person's own credentials only; an id
that belongs to someone else is "not found" (ids reveal nothing). Edits carry the version the
person saw: a save over a newer version is refused (``Conflict``) and nothing is written.
Imports (Learn transcript, CSV) are previewed first and saved in one transaction.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete as sql_delete
from sqlalchemy import update as sql_update
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from certportal.audit import service as audit
from certportal.auth.models import User
from certportal.auth.policy import Principal
from certportal.auth.service import hash_token
from certportal.cases import service as cases_service
from certportal.clock import utcnow
from certportal.credentials import calendar, csvio, matching, rules
from certportal.credentials.models import CalendarFeed, Credential, CredentialEvent, LearnImport
from certportal.credentials.rules import CatalogEntry, CredentialData, ExamPass, Row, Tri
from certportal.errors import Conflict, InvalidInput, NotFound
from certportal.i18n.formatting import local_today
from certportal.knowledge import service as knowledge
from certportal.learn import client as learn_client
from certportal.learn.transcript import Transcript
from certportal.settings import get_settings
from certportal.wizard.models import WizardRun

MAX_CREDENTIALS = 500  # per person: far above anyone's real inventory


# --- catalog and conversions -----------------------------------------------------------------


def catalog(session: Session) -> dict[str, CatalogEntry]:
    """The active knowledge version's catalog, as the rules need it."""
    _, bundle = knowledge.active(session)
    return rules.catalog_entries(bundle.catalog)


def to_data(row: Credential) -> CredentialData:
    try:
        exams_raw = json.loads(row.exams)
        private_raw = json.loads(row.private_fields)
    except ValueError:
        exams_raw, private_raw = [], []
    exams = tuple(
        ExamPass(str(code), date.fromisoformat(day) if day else None) for code, day in exams_raw
    )
    return CredentialData(
        certification_id=row.certification_id,
        other_name=row.other_name,
        exams=exams,
        provider=row.provider,
        earned_on=row.earned_on,
        expires_on=row.expires_on,
        certification_number=row.certification_number,
        on_learn=Tri(row.on_learn),
        on_learn_seen_on=row.on_learn_seen_on,
        counted=Tri(row.counted),
        notes=row.notes,
        private=frozenset(str(p) for p in private_raw),
    )


def _write(row: Credential, data: CredentialData, cat: dict[str, CatalogEntry]) -> None:
    row.certification_id = data.certification_id
    row.other_name = data.other_name
    row.exams = json.dumps(
        [[e.code, e.passed_on.isoformat() if e.passed_on else None] for e in data.exams]
    )
    row.provider = data.provider
    row.earned_on = data.earned_on
    row.expires_on = data.expires_on
    row.certification_number = data.certification_number
    row.on_learn = data.on_learn.value
    row.on_learn_seen_on = data.on_learn_seen_on
    row.counted = data.counted.value
    row.notes = data.notes
    row.private_fields = json.dumps(sorted(data.private))
    row.expires_effective = rules.status_of(
        data, cat.get(data.certification_id), data.earned_on
    ).expires_on


def display_name(data: CredentialData, entry: CatalogEntry | None, locale: str) -> str:
    if entry is None:
        return data.other_name
    return entry.name(locale)


def to_row(row: Credential, cat: dict[str, CatalogEntry], today: date, locale: str) -> Row:
    assert row.id is not None
    data = to_data(row)
    entry = cat.get(data.certification_id)
    return Row(
        id=row.id,
        data=data,
        name=display_name(data, entry, locale),
        level=entry.level if entry else "other",
        expiry=rules.status_of(data, entry, today),
    )


def _today(actor: Principal, today: date | None) -> date:
    return today or local_today(actor.locale or "ja")


# --- reading ---------------------------------------------------------------------------------


def _own_rows(session: Session, user_id: int) -> Sequence[Credential]:
    return session.exec(
        select(Credential).where(Credential.user_id == user_id).order_by(col(Credential.id))
    ).all()


def list_rows(session: Session, *, actor: Principal, today: date | None = None) -> list[Row]:
    """My credentials with status (unsorted; the rules filter and sort)."""
    cat = catalog(session)
    day = _today(actor, today)
    locale = actor.locale or "ja"
    return [to_row(r, cat, day, locale) for r in _own_rows(session, actor.user_id)]


def _own(session: Session, actor: Principal, credential_id: int) -> Credential:
    row = session.get(Credential, credential_id)
    if row is None or row.user_id != actor.user_id:
        raise NotFound("credentials.error.not_found")
    return row


def get(session: Session, *, actor: Principal, credential_id: int) -> Credential:
    return _own(session, actor, credential_id)


def get_row(
    session: Session, *, actor: Principal, credential_id: int, today: date | None = None
) -> tuple[Row, int]:
    """One of my credentials with its status, and its version (for the edit form)."""
    row = _own(session, actor, credential_id)
    locale = actor.locale or "ja"
    return to_row(row, catalog(session), _today(actor, today), locale), row.version


# --- writing ---------------------------------------------------------------------------------


def _check_room(session: Session, actor: Principal, adding: int) -> None:
    if len(_own_rows(session, actor.user_id)) + adding > MAX_CREDENTIALS:
        raise InvalidInput("credentials.error.too_many", limit=MAX_CREDENTIALS)


def _check_catalog(session: Session, data: CredentialData) -> None:
    if data.certification_id and data.certification_id not in catalog(session):
        raise InvalidInput("credentials.error.unknown_certification", field="certification")


def _new_row(
    actor: Principal, data: CredentialData, source: str, cat: dict[str, CatalogEntry]
) -> Credential:
    row = Credential(user_id=actor.user_id, earned_on=data.earned_on, source=source)
    _write(row, data, cat)
    return row


def create(
    session: Session, *, actor: Principal, data: CredentialData, source: str = "manual"
) -> Credential:
    _check_catalog(session, data)
    _check_room(session, actor, 1)
    row = _new_row(actor, data, source, catalog(session))
    session.add(row)
    session.flush()
    return row


def update(
    session: Session, *, actor: Principal, credential_id: int, data: CredentialData, version: int
) -> Credential:
    """Save my edit of a credential, if nobody saved it since I read ``version``. The UPDATE
    itself checks the version (see models), so of two saves racing over the same version only
    one is written."""
    _check_catalog(session, data)
    row = _own(session, actor, credential_id)
    if row.version != version:
        raise Conflict("credentials.error.changed_meanwhile")
    cat = catalog(session)
    _note_renewal(session, row, data, _today(actor, None), cat)
    _write(row, data, cat)
    row.updated_at = utcnow()
    session.add(row)
    _flush_or_conflict(session, "credentials.error.changed_meanwhile")
    return row


def refresh_effective_expiry(session: Session) -> int:
    """Recompute every credential's effective expiry from the active catalog (after an admin
    publishes or rolls back the knowledge base: validity or retirement may have changed).
    Returns how many changed; versions are not bumped (nobody's edit is overtaken)."""
    cat = catalog(session)
    changed = 0
    for row in session.exec(select(Credential)).all():
        data = to_data(row)
        effective = rules.status_of(data, cat.get(data.certification_id), data.earned_on).expires_on
        if effective != row.expires_effective:
            session.execute(
                sql_update(Credential)
                .where(col(Credential.id) == row.id)
                .values(expires_effective=effective)
                .execution_options(synchronize_session=False)
            )
            changed += 1
    return changed


def _note_renewal(
    session: Session,
    row: Credential,
    data: CredentialData,
    today: date,
    cat: Mapping[str, CatalogEntry],
) -> None:
    """Keep a "renewed" event when a change moves the credential's expiry later (a renewal
    entered by hand or seen on Learn): the current values alone no longer show it. ``cat``: the
    catalog, read once by the caller (an import notes up to hundreds)."""
    before = rules.status_of(to_data(row), cat.get(row.certification_id), today).expires_on
    after = rules.status_of(data, cat.get(data.certification_id), today).expires_on
    if before is not None and after is not None and after > before and row.id is not None:
        session.add(
            CredentialEvent(
                credential_id=row.id,
                user_id=row.user_id,
                kind="renewed",
                occurred_on=today,
                old_expiry=before,
                new_expiry=after,
            )
        )


def events(session: Session, *, actor: Principal) -> Sequence[CredentialEvent]:
    return session.exec(
        select(CredentialEvent)
        .where(CredentialEvent.user_id == actor.user_id)
        .order_by(col(CredentialEvent.id))
    ).all()


def _flush_or_conflict(session: Session, key: str) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(key) from None


def delete(session: Session, *, actor: Principal, credential_id: int) -> None:
    row = _own(session, actor, credential_id)
    # diagnoses stay (they are history); they no longer point at the credential
    session.execute(
        sql_update(WizardRun)
        .where(col(WizardRun.credential_id) == credential_id)
        .values(credential_id=None)
    )
    # cases about it stay (without it); its own history goes with it
    cases_service.unlink_credential(session, credential_id)
    session.execute(
        sql_delete(CredentialEvent).where(col(CredentialEvent.credential_id) == credential_id)
    )
    audit.record_by(
        session,
        actor,
        "credentials.delete",
        target_type="credential",
        target_id=credential_id,
        detail={"certification": row.certification_id or row.other_name},
    )
    session.delete(row)
    session.flush()


# --- Learn transcript import -----------------------------------------------------------------


def read_transcript(link: str) -> Transcript:
    """Fetch a transcript from its share link (raises ``LearnError`` subclasses; writes nothing)."""
    settings = get_settings()
    return learn_client.fetch_transcript(
        link, api_base=settings.learn_api_base, timeout=settings.learn_timeout_seconds
    )


def _existing(
    session: Session, actor: Principal, cat: dict[str, CatalogEntry]
) -> list[matching.Existing]:
    locale = actor.locale or "ja"
    found = []
    for row in _own_rows(session, actor.user_id):
        assert row.id is not None
        data = to_data(row)
        found.append(
            matching.Existing(
                row.id,
                row.version,
                data,
                display_name(data, cat.get(data.certification_id), locale),
            )
        )
    return found


def preview_transcript(
    session: Session, *, actor: Principal, transcript: Transcript, today: date | None = None
) -> matching.Preview:
    cat = catalog(session)
    return matching.compare(
        transcript, _existing(session, actor, cat), catalog=cat, today=_today(actor, today)
    )


@dataclass(frozen=True)
class ImportResult:
    added: int
    matched: int
    not_on_learn: int


def apply_transcript(
    session: Session,
    *,
    actor: Principal,
    transcript: Transcript,
    share_id: str,
    fingerprint: Sequence[tuple[int, int]],
    include_history: bool = False,
    keep_personal: bool = False,
    today: date | None = None,
) -> ImportResult:
    """Save what the preview showed, in one transaction. If the inventory changed since the
    preview (``fingerprint``), nothing is written: the person previews again."""
    day = _today(actor, today)
    preview = preview_transcript(session, actor=actor, transcript=transcript, today=day)
    if tuple(sorted(tuple(f) for f in fingerprint)) != preview.fingerprint:
        raise Conflict("credentials.import.error.changed_meanwhile")
    adding = [*preview.new, *(preview.history if include_history else ())]
    mine = {row.id: row for row in _own_rows(session, actor.user_id)}
    if len(mine) + len(adding) > MAX_CREDENTIALS:
        raise InvalidInput("credentials.error.too_many", limit=MAX_CREDENTIALS)
    # the matching took certifications from the catalog: no per-row checks needed
    cat = catalog(session)
    session.add_all([_new_row(actor, item.data, "learn", cat) for item in adding])
    stamp = utcnow()
    for matched in preview.matched:
        row = mine[matched.existing.id]
        _note_renewal(session, row, matched.data, day, cat)
        _write(row, matched.data, cat)
        row.updated_at = stamp
        session.add(row)
    for missing in preview.not_on_learn:
        row = mine[missing.id]
        if row.on_learn != Tri.NO.value:
            row.on_learn = Tri.NO.value
            row.updated_at = stamp
            session.add(row)
    session.add(
        LearnImport(
            user_id=actor.user_id,
            share_id=share_id[:64],
            user_name=transcript.user_name[:300],
            legal_name=transcript.legal_name[:300] if keep_personal else "",
            mcid=transcript.mcid[:64] if keep_personal else "",
            contact_email=transcript.contact_email[:300] if keep_personal else "",
            added=len(adding),
            matched=len(preview.matched),
            not_on_learn=len(preview.not_on_learn),
        )
    )
    audit.record_by(
        session,
        actor,
        "credentials.import_learn",
        detail={
            "added": len(adding),
            "matched": len(preview.matched),
            "not_on_learn": len(preview.not_on_learn),
            "personal_data_kept": keep_personal,
        },
    )
    # each UPDATE checks the version the preview compared: a save in between refuses it all
    _flush_or_conflict(session, "credentials.import.error.changed_meanwhile")
    return ImportResult(len(adding), len(preview.matched), len(preview.not_on_learn))


def last_import(session: Session, *, actor: Principal) -> LearnImport | None:
    return session.exec(
        select(LearnImport)
        .where(LearnImport.user_id == actor.user_id)
        .order_by(col(LearnImport.id).desc())
    ).first()


def forget_personal_data(session: Session, *, actor: Principal) -> int:
    """Clear the legal name, MCID and e-mail kept from my imports; returns how many imports."""
    imports = session.exec(select(LearnImport).where(LearnImport.user_id == actor.user_id)).all()
    for item in imports:
        item.legal_name = item.mcid = item.contact_email = ""
        session.add(item)
    session.flush()
    return len(imports)


# --- CSV -------------------------------------------------------------------------------------


def export_csv(session: Session, *, actor: Principal, today: date | None = None) -> str:
    rows = rules.sort_rows(list_rows(session, actor=actor, today=today), "name")
    audit.record_by(session, actor, "credentials.export", detail={"rows": len(rows)})
    return csvio.export_csv([(r.data, r.name) for r in rows])


def preview_csv(
    session: Session, *, actor: Principal, content: bytes, today: date | None = None
) -> csvio.CsvPreview:
    del actor  # reading a file writes nothing; the import below checks the person
    return csvio.parse_csv(content, catalog=catalog(session), today=_today_any(today))


def _today_any(today: date | None) -> date:
    return today or local_today("ja")


def import_csv(session: Session, *, actor: Principal, rows: Sequence[CredentialData]) -> int:
    """Add the valid rows the person chose to import, all or none."""
    _check_room(session, actor, len(rows))
    known = catalog(session)
    if any(d.certification_id and d.certification_id not in known for d in rows):
        raise InvalidInput("credentials.error.unknown_certification", field="certification")
    cat = catalog(session)
    session.add_all([_new_row(actor, data, "csv", cat) for data in rows])
    audit.record_by(session, actor, "credentials.import_csv", detail={"rows": len(rows)})
    session.flush()
    return len(rows)


# --- calendar feed ---------------------------------------------------------------------------

FEED_PREFIX = "calendar:"


def _feed_hash(token: str) -> str:
    return hash_token(FEED_PREFIX + token)


def feed(session: Session, *, actor: Principal) -> CalendarFeed | None:
    return session.exec(select(CalendarFeed).where(CalendarFeed.user_id == actor.user_id)).first()


def create_feed(session: Session, *, actor: Principal) -> str:
    """A new secret feed token (the previous address stops working). Shown once."""
    token = secrets.token_urlsafe(32)
    row = feed(session, actor=actor)
    if row is None:
        row = CalendarFeed(user_id=actor.user_id, token_hash=_feed_hash(token))
    else:
        row.token_hash = _feed_hash(token)
        row.created_at = utcnow()
        row.last_read_at = None
    session.add(row)
    audit.record_by(session, actor, "credentials.calendar_created")
    session.flush()
    return token


def revoke_feed(session: Session, *, actor: Principal) -> None:
    row = feed(session, actor=actor)
    if row is not None:
        audit.record_by(session, actor, "credentials.calendar_revoked")
        session.delete(row)
        session.flush()


def feed_url(token: str) -> str:
    return f"{get_settings().base_url}/api/calendar/{token}.ics"


def calendar_for_token(
    session: Session, token: str, *, now: datetime | None = None
) -> bytes | None:
    """The iCal body for a feed token, or None when no feed has it (revoked or never issued).
    The token is the credential here: no signed-in person is involved."""
    if not token or len(token) > 100:
        return None
    row = session.exec(
        select(CalendarFeed).where(CalendarFeed.token_hash == _feed_hash(token))
    ).first()
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    moment = now or utcnow()
    locale = user.locale or get_settings().default_locale
    today = local_today(locale, moment)
    cat = catalog(session)
    rows = [to_row(r, cat, today, locale) for r in _own_rows(session, row.user_id)]
    base = get_settings().base_url
    events = calendar.credential_events(rows, locale=locale, base_url=base, today=today)
    follow_ups = [
        calendar.FollowUp(c.id or 0, c.subject, c.reference, c.follow_up_on)
        for c in cases_service.with_follow_up(session, user_id=row.user_id)
        if c.follow_up_on is not None
    ]
    events += calendar.follow_up_events(follow_ups, locale=locale, base_url=base)
    row.last_read_at = moment
    session.add(row)
    session.flush()
    name = "certportal — 認定資格" if locale == "ja" else "certportal — certifications"
    return calendar.build_calendar(events, name=name, now=moment)
