"""Writing and reading the audit log. There is no update or delete: entries are append-only."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from certportal.audit.models import AuditEntry
from certportal.auth.policy import Principal, require_admin
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
