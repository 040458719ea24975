"""Application settings, read from the environment in one place only.

Every environment variable the app understands is a field here; nothing else in the
code base reads ``os.environ``. ``get_settings()`` validates once and caches.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"  # noqa: S105 (documented default)

Locale = Literal["ja", "en"]


class SettingsError(ValueError):
    """The environment describes a configuration the app refuses to run with."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    certportal_env: Literal["development", "production"] = Field(
        default="development",
        description="`development` or `production`. Production refuses to start with the "
        "development SECRET_KEY, a SECRET_KEY shorter than 32 characters or a LEARN_API_BASE "
        "that is not https://.",
    )
    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'certportal.db'}",
        description="SQLAlchemy URL of the database: a SQLite file, or PostgreSQL as "
        "`postgresql+psycopg://user:password@host:5432/dbname` (`postgresql://` means the "
        "same). libpq options go in the query string, e.g. `?sslmode=verify-full` or "
        "`?options=-csearch_path%3Dcertportal` for a schema of its own.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis for Reflex's per-tab state (`redis://`, `rediss://` or `unix://`; "
        "Reflex's own REFLEX_REDIS_URL overrides it). Required with more than one backend "
        "worker, so that every worker sees the same state; unset: state stays in the process.",
    )
    secret_key: str = Field(
        default=DEV_SECRET_KEY,
        description="Keys the HMAC of session, calendar-feed and sign-in tokens stored in the "
        "database (and the pseudonyms of deleted people). Set a long random value outside "
        "development and keep it with your secrets: changing it signs everyone out and "
        "invalidates calendar-feed addresses.",
    )
    default_locale: Locale = Field(
        default="ja",
        description="Language when the browser asks for neither Japanese nor English.",
    )
    base_url: str = Field(
        default="http://127.0.0.1:3000",
        description="The public URL people open, e.g. `https://certportal.example.com`. "
        "`https://` makes the session cookie Secure and adds HSTS; the Microsoft sign-in "
        "redirect defaults to BASE_URL/auth/callback.",
    )
    session_idle_minutes: int = Field(
        default=12 * 60,
        ge=5,
        le=60 * 24 * 30,
        description="A session unused this many minutes ends (at most SESSION_ABSOLUTE_HOURS).",
    )
    session_absolute_hours: int = Field(
        default=7 * 24,
        ge=1,
        le=24 * 90,
        description="A session ends this many hours after sign-in, used or not.",
    )
    allow_signup: bool = Field(
        default=True,
        description="Whether anyone may create a local account from the sign-up page (the "
        "first account becomes admin).",
    )
    learn_api_base: str = Field(
        default="https://learn.microsoft.com",
        description="Where Learn transcripts are read (https:// in production; tests point it "
        "at a local server). Share links themselves must be on https://learn.microsoft.com.",
    )
    learn_timeout_seconds: float = Field(
        default=10.0, gt=0, le=60, description="Timeout of one transcript read, in seconds."
    )
    oidc_discovery_url: str = Field(
        default="",
        description="OpenID Connect discovery document. Microsoft Entra ID: "
        "`https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration` "
        "(or your tenant id instead of `organizations`). Empty: no Sign in with Microsoft.",
    )
    oidc_client_id: str = Field(
        default="",
        description="The app registration's Application (client) ID. Sign in with Microsoft "
        "is offered when this and OIDC_DISCOVERY_URL are set.",
    )
    oidc_client_secret: str = Field(
        default="", description="A client secret of the app registration."
    )
    oidc_allowed_tenants: str = Field(
        default="",
        description="Comma-separated Entra tenant ids allowed to sign in (empty: any tenant "
        "the discovery document admits).",
    )
    oidc_redirect_url: str = Field(
        default="",
        description="The redirect URI registered with the provider (empty: "
        "BASE_URL/auth/callback).",
    )
    oidc_admin_roles: str = Field(
        default="",
        description="Comma-separated app role values or group object ids that make a person "
        "admin when they first sign in with Microsoft.",
    )
    oidc_lead_roles: str = Field(
        default="",
        description="Comma-separated app role values or group object ids that make a person "
        "lead when they first sign in with Microsoft (otherwise member).",
    )
    local_accounts: bool = Field(
        default=True,
        description="Whether people may sign in with a local e-mail and password (false: "
        "Microsoft sign-in only).",
    )
    attachments_dir: Path = Field(
        default=DEFAULT_DATA_DIR / "attachments",
        description="Folder of support-case attachments (kept outside the web root). Shared "
        "storage when workers run on several hosts; back it up together with the database.",
    )
    wizard_async_commit: bool = Field(
        default=True,
        description="PostgreSQL only: a wizard answer is committed without waiting for it to "
        "reach the disk (synchronous_commit off for that one statement; everything else "
        "waits). Every answer is then a disk flush faster; a crash of the database server "
        "itself (not of the app, not a restart) may lose the answers of its last moment, "
        "which people are simply asked again. false: answers wait for the disk too.",
    )
    expose_worker_id: bool = Field(
        default=False,
        description="Show the backend worker's process id in the page footer (for the "
        "scale-out test; leave off).",
    )

    @field_validator("database_url")
    @classmethod
    def _database_url_known(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("DATABASE_URL must be a sqlite:// or postgresql:// URL")
        if value.startswith("postgresql://"):
            # SQLAlchemy's bare postgresql:// means psycopg2, which we do not ship.
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("BASE_URL must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("learn_api_base")
    @classmethod
    def _learn_base_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("LEARN_API_BASE must start with http:// or https://")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> Settings:
        if self.certportal_env == "production":
            if self.secret_key == DEV_SECRET_KEY:
                raise SettingsError(
                    "SECRET_KEY is at its development default; set a random value "
                    "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
                )
            if len(self.secret_key) < 32:
                raise SettingsError("SECRET_KEY must be at least 32 characters in production.")
            if not self.learn_api_base.startswith("https://"):
                raise SettingsError("LEARN_API_BASE must be an https:// address in production.")
        if self.session_idle_minutes > self.session_absolute_hours * 60:
            raise SettingsError("SESSION_IDLE_MINUTES cannot exceed SESSION_ABSOLUTE_HOURS.")
        return self

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_discovery_url and self.oidc_client_id)

    @property
    def redirect_url(self) -> str:
        return self.oidc_redirect_url or f"{self.base_url.rstrip('/')}/auth/callback"

    @staticmethod
    def _list(text: str) -> list[str]:
        return [part.strip() for part in text.split(",") if part.strip()]

    @property
    def allowed_tenants(self) -> list[str]:
        return self._list(self.oidc_allowed_tenants)

    @property
    def admin_roles(self) -> list[str]:
        return self._list(self.oidc_admin_roles)

    @property
    def lead_roles(self) -> list[str]:
        return self._list(self.oidc_lead_roles)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def allowed_origins(self) -> list[str]:
        """The origins whose pages may open the event websocket (and call the API): the public
        address only — the session cookie travels with the websocket's handshake, so a page
        elsewhere (even another subdomain of the same site) must not open one. On a loopback
        address, ``localhost`` and ``127.0.0.1`` are the same machine: both are allowed."""
        parts = urlsplit(self.base_url.rstrip("/"))
        origin = f"{parts.scheme}://{parts.netloc}"
        port = f":{parts.port}" if parts.port else ""
        if parts.hostname in ("127.0.0.1", "localhost"):
            return [f"{parts.scheme}://{host}{port}" for host in ("127.0.0.1", "localhost")]
        return [origin]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The validated settings of this process (cached; tests call ``cache_clear``)."""
    return Settings()
