"""A person's identity map: the accounts and ids that decide where a certification shows up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from certportal.clock import utcnow


class IdentityMap(SQLModel, table=True):
    __tablename__ = "identity_map"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", unique=True)
    work_account: str = Field(default="", max_length=254)
    personal_accounts: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    learn_profiles: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    mcid: str = Field(default="", max_length=32)
    cert_profile_account: str = Field(default="", max_length=254)
    certiport_username: str = Field(default="", max_length=100)
    pc_user: str = Field(default="", max_length=254)
    pc_mcid: str = Field(default="", max_length=32)
    private_fields: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utcnow)
