"""Wizard runs: one person's diagnosis of one certification, with the knowledge version used."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from certportal.clock import utcnow

IN_PROGRESS = "in_progress"
DONE = "done"


class WizardRun(SQLModel, table=True):
    __tablename__ = "wizard_run"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    knowledge_version_id: int = Field(foreign_key="knowledge_version.id", index=True)
    certification_id: str = Field(default="", max_length=64)
    # the inventory credential this run is about, once the inventory exists (no FK yet)
    credential_id: int | None = Field(default=None, index=True)
    answers: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    status: str = Field(default=IN_PROGRESS, max_length=16, index=True)
    outcome_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    finished_at: datetime | None = Field(default=None)
