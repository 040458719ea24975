"""Credential inventory tables: a person's credentials, their calendar feed, their Learn imports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Integer, Text
from sqlmodel import Field, SQLModel

from certportal.clock import utcnow

# SQLAlchemy's optimistic locking: every UPDATE of a credential says "WHERE version = <the version
# read>" and bumps it; an UPDATE that matches nothing (someone saved meanwhile) raises
# StaleDataError, which the service turns into a Conflict.
_VERSION = Column("version", Integer, nullable=False)


class Credential(SQLModel, table=True):
    """One certification a person holds. ``version`` detects concurrent edits."""

    __tablename__ = "credential"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    certification_id: str = Field(default="", max_length=64)  # catalog id; "" = other
    other_name: str = Field(default="", max_length=200)
    exams: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # [[code, date|null]]
    provider: str = Field(default="unknown", max_length=16)
    earned_on: date
    expires_on: date | None = Field(default=None)  # the person's own date (else the catalog rule)
    # the last valid day by the catalog rule or the person's date, kept for counting in SQL
    # (None: never expires); recomputed on every write
    expires_effective: date | None = Field(default=None, index=True)
    certification_number: str = Field(default="", max_length=64)
    on_learn: str = Field(default="unknown", max_length=8)
    on_learn_seen_on: date | None = Field(default=None)
    counted: str = Field(default="unknown", max_length=8)
    notes: str = Field(default="", sa_column=Column(Text, nullable=False))
    private_fields: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    source: str = Field(default="manual", max_length=16)  # manual, learn, csv, demo
    version: int = Field(default=1, sa_column=_VERSION)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    __mapper_args__ = {"version_id_col": _VERSION}


class CalendarFeed(SQLModel, table=True):
    """A person's secret calendar address; only a keyed hash of its token is stored."""

    __tablename__ = "calendar_feed"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", unique=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_read_at: datetime | None = Field(default=None)


class LearnImport(SQLModel, table=True):
    """One confirmed import from a Learn transcript. Personal data only when the person opted in."""

    __tablename__ = "learn_import"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    imported_at: datetime = Field(default_factory=utcnow)
    share_id: str = Field(default="", max_length=64)
    user_name: str = Field(default="", max_length=300)
    legal_name: str = Field(default="", max_length=300)
    mcid: str = Field(default="", max_length=64)
    contact_email: str = Field(default="", max_length=300)
    added: int = Field(default=0)
    matched: int = Field(default=0)
    not_on_learn: int = Field(default=0)


class CredentialEvent(SQLModel, table=True):
    """A change in a credential's life that its current values no longer show (a renewal)."""

    __tablename__ = "credential_event"

    id: int | None = Field(default=None, primary_key=True)
    credential_id: int = Field(foreign_key="credential.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    kind: str = Field(max_length=24)  # renewed
    occurred_on: date
    old_expiry: date | None = Field(default=None)
    new_expiry: date | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)
