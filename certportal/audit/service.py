"""Writing and reading the audit log. There is no update or delete: entries are append-only."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from certportal.audit.models import AuditEntry
from certportal.auth.policy import Principal, require_admin
from certportal.auth.rules import without_controls
from certportal.clock import utcnow

DETAIL_MAX = 4000


def _detail_json(detail: dict[str, Any]) -> str:
    """Serialised detail; an over-long one is replaced by a valid, truncated preview."""
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    if len(text) <= DETAIL_MAX:
        return text
    return json.dumps({"truncated": True, "preview": text[: DETAIL_MAX - 200]}, ensure_ascii=False)


def record(
    session: Session,
    *,
    action: str,
    actor_id: int | None = None,
    actor_label: str = "",
    target_type: str | None = None,
    target_id: object | None = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=at or utcnow(),
        actor_id=actor_id,
        actor_label=actor_label[:254],
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        detail=_detail_json(detail or {}),
    )
    session.add(entry)
    return entry


def record_by(
    session: Session,
    actor: Principal,
    action: str,
    *,
    target_type: str | None = None,
    target_id: object | None = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    return record(
        session,
        action=action,
        actor_id=actor.user_id,
        actor_label=actor.email,
        target_type=target_type,
        target_id=target_id,
        detail=detail,
        at=at,
    )


def list_entries(
    session: Session,
    *,
    actor: Principal,
    action: str | None = None,
    limit: int = 100,
) -> Sequence[AuditEntry]:
    require_admin(actor)
    query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(max(1, min(limit, 500)))
    if action:
        query = query.where(AuditEntry.action == action)
    return session.exec(query).all()


PAGE_SIZE_MAX = 200
_JST = timezone(timedelta(hours=9))


@dataclass(frozen=True)
class AuditQuery:
    """What an admin filters the log by. Dates are whole days where the admin is (JST for
    Japanese, UTC otherwise); ``person`` is part of the actor's e-mail, case-insensitive."""

    action: str = ""  # an exact action, or a family such as "credentials." (ends with a dot)
    person: str = ""
    since: date | None = None
    until: date | None = None
    locale: str = "ja"


def _day_start(day: date, locale: str) -> datetime | None:
    """Midnight of ``day`` where the admin is, in UTC; None when that is outside what a
    timestamp can hold (the calendar's first or last day): no bound is needed there."""
    zone = _JST if locale == "ja" else UTC
    try:
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    except OverflowError:
        return None


def search(
    session: Session,
    *,
    actor: Principal,
    query: AuditQuery,
    limit: int = 50,
    offset: int = 0,
) -> tuple[Sequence[AuditEntry], int]:
    """Entries matching ``query``, newest first, and how many match in all. Admins only."""
    require_admin(actor)
    conditions = []
    action = without_controls(query.action)
    if action.endswith("."):
        conditions.append(col(AuditEntry.action).startswith(action, autoescape=True))
    elif action:
        conditions.append(col(AuditEntry.action) == action)
    person = without_controls(query.person).strip().lower()[:100]
    if person:
        conditions.append(func.lower(col(AuditEntry.actor_label)).contains(person, autoescape=True))
    start = _day_start(query.since, query.locale) if query.since is not None else None
    if start is not None:
        conditions.append(col(AuditEntry.at) >= start)
    if query.until is not None and query.until < date.max:
        end = _day_start(query.until + timedelta(days=1), query.locale)
        if end is not None:
            conditions.append(col(AuditEntry.at) < end)
    total = session.exec(select(func.count()).select_from(AuditEntry).where(*conditions)).one()
    rows = session.exec(
        select(AuditEntry)
        .where(*conditions)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(max(1, min(limit, PAGE_SIZE_MAX)))
        .offset(max(0, offset))
    ).all()
    return rows, int(total)


def actions(session: Session, *, actor: Principal) -> list[str]:
    """Every action recorded so far (for the filter), sorted."""
    require_admin(actor)
    return sorted(session.exec(select(AuditEntry.action).distinct()).all())
