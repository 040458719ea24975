"""Teams and who belongs to them (as member or lead)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from certportal.auth.policy import TeamRole
from certportal.clock import utcnow


class Team(SQLModel, table=True):
    __tablename__ = "team"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    # fold(name): team names are unique ignoring case and width (Ａｚｕｒｅ = azure).
    name_key: str = Field(max_length=80, unique=True)
    description: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


class TeamMembership(SQLModel, table=True):
    __tablename__ = "team_membership"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_team_membership"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    role: str = Field(default=TeamRole.MEMBER.value, max_length=8)
    created_at: datetime = Field(default_factory=utcnow)
