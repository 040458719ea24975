"""The knowledge base in the database: versions, the active one, publish and roll back.

The first version is the set of documents shipped with the app. Admins publish a corrected
document (validated first; a readable diff shown before publishing), which becomes a new version
with the other two documents unchanged. Rolling back makes an earlier version active again.
Versions are never edited, so a wizard run can always be shown with the version it used.
If the active version cannot be read (say, a newer app refuses an old document) the newest one
that can is served, and the problem is logged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from certportal.audit import service as audit
from certportal.auth.policy import Principal, require_admin
from certportal.clock import utcnow
from certportal.errors import InvalidInput, NotFound
from certportal.knowledge import loader
from certportal.knowledge.browse import entries
from certportal.knowledge.diff import Change, diff_texts
from certportal.knowledge.models import KnowledgeVersion, content_digest
from certportal.knowledge.schema import KINDS, Bundle, KnowledgeError, parse_document

log = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 1_000_000

# Parsed bundles by content digest: versions never change, so a digest names one for good.
_cache: dict[str, Bundle] = {}
_cache_lock = threading.Lock()
_CACHE_MAX = 32


# Versions read for their bundle leave the documents behind: the bundle comes from the cache by
# the version's digest, and the documents are read (lazily) only when it is not there yet.
# a version without its documents (about 200 KB): found in the parsed-bundle cache by its digest
LIGHT = (
    defer(KnowledgeVersion.catalog_text),  # type: ignore[arg-type]
    defer(KnowledgeVersion.designations_text),  # type: ignore[arg-type]
    defer(KnowledgeVersion.linkage_text),  # type: ignore[arg-type]
)


def cached_bundle(digest: str) -> Bundle | None:
    """The parsed bundle of the documents with this digest, if this process has it."""
    if not digest:
        return None
    with _cache_lock:
        return _cache.get(digest)


def _bundle_of(version: KnowledgeVersion) -> Bundle:
    if version.content_digest:
        with _cache_lock:
            cached = _cache.get(version.content_digest)
        if cached is not None:
            return cached
    texts = {kind: version.text_of(kind) for kind in KINDS}
    digest = content_digest(texts)
    with _cache_lock:
        cached = _cache.get(digest)
    if cached is not None:
        return cached
    bundle = loader.load(texts)
    with _cache_lock:
        if len(_cache) >= _CACHE_MAX:
            _cache.pop(next(iter(_cache)))
        _cache[digest] = bundle
    return bundle


def ensure_initial(session: Session) -> KnowledgeVersion:
    """The active version; on an empty database, version 1 from the shipped documents."""
    active = session.exec(
        select(KnowledgeVersion).where(col(KnowledgeVersion.is_active)).options(*LIGHT)
    ).first()
    if active is not None:
        return active
    latest = session.exec(
        select(KnowledgeVersion).order_by(col(KnowledgeVersion.number).desc())
    ).first()
    if latest is not None:
        latest.is_active = True
        session.add(latest)
        session.flush()
        return latest
    texts = loader.bundled_texts()
    loader.load(texts)  # refuse to start from invalid shipped documents
    version = KnowledgeVersion(
        number=1,
        note="shipped with certportal",
        is_active=True,
        content_digest=content_digest(texts),
        catalog_text=texts["catalog"],
        designations_text=texts["designations"],
        linkage_text=texts["linkage"],
    )
    try:
        with session.begin_nested():
            session.add(version)
    except IntegrityError:
        # another worker created it first
        return ensure_initial(session)
    session.flush()
    return version


def active(session: Session) -> tuple[KnowledgeVersion, Bundle]:
    """The version served now and its bundle (the newest readable one if the active fails)."""
    version = ensure_initial(session)
    try:
        return version, _bundle_of(version)
    except KnowledgeError as exc:
        log.error("active knowledge version %s is not readable: %s", version.number, exc)
    older = session.exec(
        select(KnowledgeVersion)
        .where(col(KnowledgeVersion.number) < version.number)
        .order_by(col(KnowledgeVersion.number).desc())
    ).all()
    for candidate in older:
        try:
            return candidate, _bundle_of(candidate)
        except KnowledgeError:
            continue
    raise InvalidInput("knowledge.error.none_readable")


def version_bundle(session: Session, version_id: int) -> tuple[KnowledgeVersion, Bundle]:
    """A given version (a wizard run's), read-only; everyone may read the knowledge base."""
    version = session.get(KnowledgeVersion, version_id, options=LIGHT)
    if version is None:
        raise NotFound("knowledge.error.no_version")
    return version, _bundle_of(version)


def list_versions(session: Session, *, actor: Principal) -> Sequence[KnowledgeVersion]:
    require_admin(actor)
    ensure_initial(session)
    return session.exec(
        select(KnowledgeVersion).order_by(col(KnowledgeVersion.number).desc())
    ).all()


@dataclass(frozen=True)
class Preview:
    kind: str
    text: str
    changes: list[Change]
    base_number: int


def _decode(content: bytes) -> str:
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidInput("knowledge.error.too_large", limit=MAX_UPLOAD_BYTES // 1000)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("knowledge.error.not_utf8") from None


def preview(session: Session, *, actor: Principal, content: bytes, filename: str = "") -> Preview:
    """Validate an uploaded document against the active version; the changes it would make.

    Raises :class:`KnowledgeError` (naming file, entry and field) when it is not valid."""
    require_admin(actor)
    text = _decode(content)
    name = filename or "upload.json"
    doc = parse_document(name, text)
    current, _ = active(session)
    texts = {kind: current.text_of(kind) for kind in KINDS}
    texts[doc.kind] = text
    try:
        loader.load(texts)
    except KnowledgeError as exc:
        raise KnowledgeError(name, exc.problems) from None
    changes = diff_texts(current.text_of(doc.kind), text)
    return Preview(kind=doc.kind, text=text, changes=changes, base_number=current.number)


def publish(
    session: Session,
    *,
    actor: Principal,
    content: bytes,
    note: str,
    filename: str = "",
    base_number: int | None = None,
) -> KnowledgeVersion:
    """Publish an uploaded document as a new active version (validated again, audit-logged).

    ``base_number`` is the version the admin's diff was made against: if another version was
    published or rolled back to since, the publish is refused rather than silently undoing it."""
    checked = preview(session, actor=actor, content=content, filename=filename)
    if base_number is not None and base_number != checked.base_number:
        raise InvalidInput("knowledge.error.changed_meanwhile")
    if not checked.changes:
        raise InvalidInput("knowledge.error.no_changes")
    note = note.strip()[:500]
    if not note:
        raise InvalidInput("knowledge.error.note_required", field="note")
    current, _ = active(session)
    texts = {kind: current.text_of(kind) for kind in KINDS}
    texts[checked.kind] = checked.text
    number = (
        session.exec(
            select(KnowledgeVersion.number).order_by(col(KnowledgeVersion.number).desc())
        ).first()
        or 0
    ) + 1
    current.is_active = False
    session.add(current)
    _flush_or_conflict(session)
    version = KnowledgeVersion(
        number=number,
        created_at=utcnow(),
        created_by_id=actor.user_id,
        created_by_label=actor.email,
        note=note,
        changed_kind=checked.kind,
        is_active=True,
        content_digest=content_digest(texts),
        catalog_text=texts["catalog"],
        designations_text=texts["designations"],
        linkage_text=texts["linkage"],
    )
    session.add(version)
    _flush_or_conflict(session)
    audit.record_by(
        session,
        actor,
        action="knowledge.publish",
        target_type="knowledge_version",
        target_id=version.number,
        detail={
            "kind": checked.kind,
            "from": current.number,
            "note": note,
            "changes": [c.line() for c in checked.changes[:40]],
            "change_count": len(checked.changes),
        },
    )
    _after_change(session)
    return version


def _flush_or_conflict(session: Session) -> None:
    """Flush; another admin publishing or rolling back at the same moment is a clear refusal
    (the unique version number and the single-active index decide who was first)."""
    try:
        session.flush()
    except IntegrityError:
        raise InvalidInput("knowledge.error.changed_meanwhile") from None


def rollback(session: Session, *, actor: Principal, version_id: int) -> KnowledgeVersion:
    """Make an earlier (or any) version the active one again; audit-logged."""
    require_admin(actor)
    target = session.get(KnowledgeVersion, version_id)
    if target is None:
        raise NotFound("knowledge.error.no_version")
    try:
        _bundle_of(target)  # only a readable version can be served
    except KnowledgeError:
        raise InvalidInput("knowledge.error.unreadable", number=target.number) from None
    current = ensure_initial(session)
    if current.id == target.id:
        return target
    current.is_active = False
    session.add(current)
    _flush_or_conflict(session)
    target.is_active = True
    session.add(target)
    _flush_or_conflict(session)
    audit.record_by(
        session,
        actor,
        action="knowledge.rollback",
        target_type="knowledge_version",
        target_id=target.number,
        detail={"from": current.number, "to": target.number},
    )
    _after_change(session)
    return target


def _after_change(session: Session) -> None:
    """The catalog may have changed: credentials' effective expiry follows it."""
    from certportal.credentials import service as credentials

    session.flush()
    credentials.refresh_effective_expiry(session)


def text_of(session: Session, *, actor: Principal, kind: str) -> str:
    """The active version's document of this kind, to download and edit."""
    require_admin(actor)
    if kind not in KINDS:
        raise NotFound("knowledge.error.no_version")
    version, _ = active(session)
    return version.text_of(kind)


def stale_count(bundle: Bundle, today: date) -> int:
    return sum(1 for e in entries(bundle, today) if e.stale)
