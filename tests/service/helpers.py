"""Small helpers shared by the service tests."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from certportal.audit.models import AuditEntry
from certportal.auth.models import User

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"  # what tests/conftest.make_user uses


def count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def user_count(session: Session) -> int:
    return count(session, User)


def audit_actions(session: Session) -> list[str]:
    return list(session.exec(select(AuditEntry.action).order_by(col(AuditEntry.id))).all())


def audit_entries(session: Session, action: str) -> list[AuditEntry]:
    return list(
        session.exec(
            select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
        ).all()
    )
