"""Support-case tables: the case, the credentials it concerns, its events and attachments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from certportal.clock import utcnow

# Optimistic locking, as for credentials: every UPDATE says "WHERE version = <read>" and bumps it.
_VERSION = Column("version", Integer, nullable=False)


class SupportCase(SQLModel, table=True):
    __tablename__ = "support_case"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    channel: str = Field(max_length=32)
    reference: str = Field(default="", max_length=64)  # the channel's own number
    subject: str = Field(max_length=200)
    status: str = Field(default="draft", max_length=16, index=True)
    resolution: str = Field(default="", max_length=16)
    follow_up_on: date | None = Field(default=None, index=True)
    draft_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    shared_with_lead: bool = Field(default=False)
    wizard_run_id: int | None = Field(default=None)  # no FK: diagnoses can be deleted
    outcome_id: str = Field(default="", max_length=64)
    opened_on: date | None = Field(default=None)
    ended_on: date | None = Field(default=None)
    version: int = Field(default=1, sa_column=_VERSION)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    __mapper_args__ = {"version_id_col": _VERSION}


class CaseCredential(SQLModel, table=True):
    __tablename__ = "case_credential"
    __table_args__ = (UniqueConstraint("case_id", "credential_id", name="uq_case_credential"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="support_case.id", index=True)
    credential_id: int = Field(foreign_key="credential.id", index=True)


class CaseEvent(SQLModel, table=True):
    """Something that happened on a case. Texts (messages, replies, notes) are the private part."""

    __tablename__ = "case_event"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="support_case.id", index=True)
    kind: str = Field(max_length=24)
    occurred_on: date  # the day it happened, as the person says (a reply's date)
    created_at: datetime = Field(default_factory=utcnow)
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    status_from: str = Field(default="", max_length=16)
    status_to: str = Field(default="", max_length=16)
    resolution: str = Field(default="", max_length=16)
    follow_up_on: date | None = Field(default=None)
    attachment_id: int | None = Field(default=None)


class CaseAttachment(SQLModel, table=True):
    """A screenshot or PDF. The bytes live in the attachment folder (outside the web root) under
    ``storage_key``; only the case's owner (and, once shared, the team's leads) may fetch them."""

    __tablename__ = "case_attachment"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="support_case.id", index=True)
    name: str = Field(max_length=120)
    mime: str = Field(max_length=40)
    size: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=80, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
