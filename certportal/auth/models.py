"""Accounts and login sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from certportal.auth.policy import Role
from certportal.clock import utcnow


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=100)
    # fold(display_name + " " + email), kept by the services, for case-insensitive search.
    search_key: str = Field(default="", max_length=400)
    password_hash: str | None = Field(default=None, max_length=255)
    role: str = Field(default=Role.MEMBER.value, max_length=16)
    locale: str | None = Field(default=None, max_length=8)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deactivated_at: datetime | None = Field(default=None)


class LoginSession(SQLModel, table=True):
    """A server-side session. The browser holds only the opaque token; we store its keyed hash."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = Field(default=None)
    revoked_reason: str | None = Field(default=None, max_length=32)


class SignInFailure(SQLModel, table=True):
    """A failed sign-in for an e-mail address, used to slow down guessing."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (Index("ix_sign_in_failure_email_at", "email", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    at: datetime = Field(default_factory=utcnow)


class OidcAttempt(SQLModel, table=True):
    """One sign-in with the identity provider under way: only a keyed hash of its ``state`` is
    stored, with the nonce and PKCE verifier the callback needs. Used once, then marked used."""

    __tablename__ = "oidc_attempt"

    id: int | None = Field(default=None, primary_key=True)
    state_hash: str = Field(max_length=64, unique=True)
    nonce: str = Field(max_length=128)
    code_verifier: str = Field(max_length=128)
    purpose: str = Field(default="sign_in", max_length=16)  # sign_in | link
    user_id: int | None = Field(default=None, foreign_key="app_user.id")  # who links
    next_path: str = Field(default="/", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    used_at: datetime | None = Field(default=None)


class ExternalIdentity(SQLModel, table=True):
    """A Microsoft Entra ID account (tenant + object id) that signs in as a person."""

    __tablename__ = "external_identity"
    __table_args__ = (UniqueConstraint("tenant_id", "object_id", name="uq_external_identity"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    tenant_id: str = Field(max_length=64)
    object_id: str = Field(max_length=64)
    username: str = Field(default="", max_length=254)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = Field(default=None)
