"""Organisation skilling settings and the monthly snapshots the history chart reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from certportal.clock import utcnow


class SkillingSetting(SQLModel, table=True):
    """One row: the track per solution area and the target designations with their points
    (a JSON document the admin edits; ``version`` detects concurrent saves)."""

    __tablename__ = "skilling_setting"

    id: int | None = Field(default=None, primary_key=True)
    document: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utcnow)


class SkillingSnapshot(SQLModel, table=True):
    """The company's points for one designation in one month (the latest computation wins)."""

    __tablename__ = "skilling_snapshot"
    __table_args__ = (UniqueConstraint("month", "designation_id", name="uq_skilling_snapshot"),)

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7, index=True)  # YYYY-MM
    designation_id: str = Field(max_length=64)
    counted: float = Field(default=0)
    possible: float = Field(default=0)
    taken_at: datetime = Field(default_factory=utcnow)
