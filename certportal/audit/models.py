"""The append-only audit log."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from certportal.clock import utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, index=True)
    actor_label: str = Field(default="", max_length=254)
    action: str = Field(max_length=64, index=True)
    target_type: str | None = Field(default=None, max_length=32)
    target_id: str | None = Field(default=None, max_length=64)
    detail: str = Field(default="{}", max_length=4000)
