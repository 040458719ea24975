"""Settings: defaults, production safety checks and URL validation."""

from __future__ import annotations

import secrets

import pytest
from pydantic import ValidationError

from certportal.settings import (
    DEFAULT_DATA_DIR,
    DEV_SECRET_KEY,
    PROJECT_ROOT,
    Settings,
    SettingsError,
    get_settings,
)

ALL_VARS = (
    "CERTPORTAL_ENV",
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEFAULT_LOCALE",
    "BASE_URL",
    "SESSION_IDLE_MINUTES",
    "SESSION_ABSOLUTE_HOURS",
    "ALLOW_SIGNUP",
    "EXPOSE_WORKER_ID",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No certportal variable set at all (the autouse fixture sets some)."""
    for name in ALL_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults(clean_env: pytest.MonkeyPatch) -> None:
    settings = Settings()
    assert settings.certportal_env == "development"
    assert DEFAULT_DATA_DIR == PROJECT_ROOT / "data"
    assert settings.database_url == f"sqlite:///{DEFAULT_DATA_DIR / 'certportal.db'}"
    assert settings.database_url.endswith("/data/certportal.db")
    assert settings.is_sqlite
    assert settings.default_locale == "ja"
    assert settings.secret_key == DEV_SECRET_KEY
    assert settings.allow_signup is True
    assert settings.redis_url is None
    assert settings.session_idle_minutes == 12 * 60
    assert settings.session_absolute_hours == 7 * 24
    assert settings.secure_cookies is False


def test_get_settings_is_cached_and_cache_clear_rereads(clean_env: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    first = get_settings()
    assert get_settings() is first
    clean_env.setenv("DEFAULT_LOCALE", "en")
    assert get_settings().default_locale == "ja"
    get_settings.cache_clear()
    assert get_settings().default_locale == "en"


def test_production_refuses_default_secret_key(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("CERTPORTAL_ENV", "production")
    # SettingsError is a ValueError raised inside a pydantic validator, so pydantic wraps it.
    with pytest.raises(ValidationError) as info:
        Settings()
    assert "SECRET_KEY" in str(info.value)
    assert "development default" in str(info.value)
    assert issubclass(SettingsError, ValueError)


def test_production_refuses_explicit_dev_secret_key(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("CERTPORTAL_ENV", "production")
    clean_env.setenv("SECRET_KEY", DEV_SECRET_KEY)
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings()


@pytest.mark.parametrize("length", [1, 16, 31])
def test_production_refuses_short_secret(clean_env: pytest.MonkeyPatch, length: int) -> None:
    clean_env.setenv("CERTPORTAL_ENV", "production")
    clean_env.setenv("SECRET_KEY", "k" * length)
    with pytest.raises(ValidationError) as info:
        Settings()
    assert "SECRET_KEY must be at least 32 characters" in str(info.value)


@pytest.mark.parametrize("secret", ["x" * 32, secrets.token_urlsafe(48)])
def test_production_accepts_long_secret(clean_env: pytest.MonkeyPatch, secret: str) -> None:
    clean_env.setenv("CERTPORTAL_ENV", "production")
    clean_env.setenv("SECRET_KEY", secret)
    settings = Settings()
    assert settings.certportal_env == "production"
    assert settings.secret_key == secret


def test_dev_default_secret_accepted_only_in_development(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("CERTPORTAL_ENV", "development")
    settings = Settings()
    assert settings.certportal_env == "development"
    assert settings.secret_key == DEV_SECRET_KEY


def test_short_secret_accepted_in_development(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SECRET_KEY", "short")
    assert Settings().secret_key == "short"


@pytest.mark.parametrize("env", ["staging", "test"])
def test_unknown_environment_refused(clean_env: pytest.MonkeyPatch, env: str) -> None:
    clean_env.setenv("CERTPORTAL_ENV", env)
    with pytest.raises(ValidationError, match="certportal_env"):
        Settings()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@db:5432/app", "postgresql+psycopg://u:p@db:5432/app"),
        ("postgresql+psycopg://u@db/app", "postgresql+psycopg://u@db/app"),
        ("sqlite:///tmp/x.db", "sqlite:///tmp/x.db"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_database_url_normalised(clean_env: pytest.MonkeyPatch, given: str, expected: str) -> None:
    clean_env.setenv("DATABASE_URL", given)
    settings = Settings()
    assert settings.database_url == expected
    assert settings.is_sqlite is expected.startswith("sqlite")


@pytest.mark.parametrize(
    "url", ["mysql://u@db/app", "postgres://u@db/app", "db.sqlite", "", "http://x"]
)
def test_bad_database_url_scheme_refused(clean_env: pytest.MonkeyPatch, url: str) -> None:
    clean_env.setenv("DATABASE_URL", url)
    with pytest.raises(ValidationError, match="DATABASE_URL must be"):
        Settings()


@pytest.mark.parametrize("url", ["127.0.0.1:3000", "ftp://example.com", "example.com", "//x"])
def test_base_url_without_http_refused(clean_env: pytest.MonkeyPatch, url: str) -> None:
    clean_env.setenv("BASE_URL", url)
    with pytest.raises(ValidationError, match="BASE_URL must start with"):
        Settings()


def test_base_url_trailing_slash_removed(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("BASE_URL", "https://certs.example.com/")
    assert Settings().base_url == "https://certs.example.com"


@pytest.mark.parametrize(
    ("idle_minutes", "absolute_hours", "ok"),
    [
        (60, 1, True),
        (61, 1, False),
        (120, 2, True),
        (121, 2, False),
        (5, 1, True),
    ],
)
def test_idle_longer_than_absolute_refused(
    clean_env: pytest.MonkeyPatch, idle_minutes: int, absolute_hours: int, ok: bool
) -> None:
    clean_env.setenv("SESSION_IDLE_MINUTES", str(idle_minutes))
    clean_env.setenv("SESSION_ABSOLUTE_HOURS", str(absolute_hours))
    if ok:
        settings = Settings()
        assert settings.session_idle_minutes == idle_minutes
        assert settings.session_absolute_hours == absolute_hours
    else:
        with pytest.raises(ValidationError, match="SESSION_IDLE_MINUTES cannot exceed"):
            Settings()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SESSION_IDLE_MINUTES", "4"),
        ("SESSION_ABSOLUTE_HOURS", "0"),
        ("SESSION_ABSOLUTE_HOURS", "2161"),
    ],
)
def test_session_limits_out_of_range_refused(
    clean_env: pytest.MonkeyPatch, name: str, value: str
) -> None:
    clean_env.setenv(name, value)
    with pytest.raises(ValidationError, match=name.lower()):
        Settings()


@pytest.mark.parametrize(
    ("base_url", "secure"),
    [
        ("https://certs.example.com", True),
        ("http://certs.example.com", False),
        ("http://127.0.0.1:3000", False),
        ("https://127.0.0.1:3443/", True),
    ],
)
def test_secure_cookies_only_for_https(
    clean_env: pytest.MonkeyPatch, base_url: str, secure: bool
) -> None:
    clean_env.setenv("BASE_URL", base_url)
    assert Settings().secure_cookies is secure


@pytest.mark.parametrize(("value", "expected"), [("false", False), ("0", False), ("true", True)])
def test_allow_signup_from_env(clean_env: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    clean_env.setenv("ALLOW_SIGNUP", value)
    assert Settings().allow_signup is expected


@pytest.mark.parametrize("locale", ["fr", "JA-jp", "english"])
def test_default_locale_must_be_supported(clean_env: pytest.MonkeyPatch, locale: str) -> None:
    clean_env.setenv("DEFAULT_LOCALE", locale)
    with pytest.raises(ValidationError, match="default_locale"):
        Settings()


# only the public address's pages may open the event websocket (the session cookie rides its
# handshake): the origins Reflex is configured with


def test_the_public_origin_only() -> None:
    assert Settings(base_url="https://cp.example.com/").allowed_origins == [
        "https://cp.example.com"
    ]
    assert Settings(base_url="https://cp.example.com:8443").allowed_origins == [
        "https://cp.example.com:8443"
    ]


def test_loopback_names_are_the_same_machine() -> None:
    assert Settings(base_url="http://127.0.0.1:3000").allowed_origins == [
        "http://127.0.0.1:3000",
        "http://localhost:3000",
    ]
