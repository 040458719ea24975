"""Shared fixtures.

Databases: every database test runs on SQLite; when ``TEST_POSTGRES_URL`` is set (``.ci/run`` sets
it) the same tests also run on that PostgreSQL server, each in a schema of its own. With
``CERTPORTAL_REQUIRE_SERVICES=1`` an unreachable server fails the run instead of narrowing it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, select

from certportal import db as db_module
from certportal.auth import service as auth_service
from certportal.auth.models import LoginSession
from certportal.auth.policy import Principal, Role
from certportal.settings import get_settings

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
REQUIRE_SERVICES = os.environ.get("CERTPORTAL_REQUIRE_SERVICES") == "1"

DB_KINDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [
        "PostgreSQL variant: "
        + (f"on {POSTGRES_URL}" if POSTGRES_URL else "not configured (set TEST_POSTGRES_URL)"),
        "Redis variant: "
        + (f"on {REDIS_URL}" if REDIS_URL else "not configured (set TEST_REDIS_URL)"),
    ]


def pytest_sessionstart(session: pytest.Session) -> None:
    if not REQUIRE_SERVICES:
        return
    missing = [
        name
        for name, url in (("TEST_POSTGRES_URL", POSTGRES_URL), ("TEST_REDIS_URL", REDIS_URL))
        if not url
    ]
    if missing:
        raise pytest.UsageError(f"CERTPORTAL_REQUIRE_SERVICES=1 but {', '.join(missing)} unset")


@pytest.fixture(autouse=True)
def _test_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Each test starts from default settings with a throwaway SQLite file as the database."""
    monkeypatch.setenv("CERTPORTAL_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'settings-default.db'}")
    monkeypatch.setenv("ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
    yield
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()


def _postgres_schema_url(schema: str) -> str:
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL (no tables): SQLite file, or a fresh PostgreSQL schema."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = db_module.make_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # pragma: no cover - depends on the machine
        admin.dispose()
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} unreachable: {exc}")
    try:
        yield _postgres_schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every database test runs on each kind in DB_KINDS, unless it names its own kinds with
    ``@pytest.mark.parametrize("db_url", POSTGRES_ONLY, indirect=True)``."""
    narrowed = any(
        "db_url" in str(mark.args[0]) for mark in metafunc.definition.iter_markers("parametrize")
    )
    if "db_url" in metafunc.fixturenames and not narrowed:
        metafunc.parametrize("db_url", DB_KINDS, indirect=True, ids=DB_KINDS)


# for a test that only means something on PostgreSQL (not generated when it is not configured)
POSTGRES_ONLY = [kind for kind in DB_KINDS if kind == "postgres"]


@pytest.fixture
def engine(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """An engine on a database with the current schema, also used by ``certportal.db``."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
    eng = db_module.get_engine()
    db_module.import_models().metadata.create_all(eng)
    yield eng
    eng.dispose()
    db_module.get_engine.cache_clear()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


def make_user(
    session: Session, email: str, role: Role = Role.MEMBER, name: str = "Test Person"
) -> Principal:
    user = auth_service.create_account(
        session, email=email, display_name=name, password="correct horse battery", role=role
    )
    session.commit()
    return auth_service.principal_for(session, user)


@pytest.fixture
def admin(session: Session) -> Principal:
    return make_user(session, "admin@example.com", Role.ADMIN, "Admin Person")


@pytest.fixture
def member(session: Session) -> Principal:
    return make_user(session, "member@example.com", Role.MEMBER, "Member Person")


@pytest.fixture
def statements() -> Iterator[list[tuple[str, bool]]]:
    """Every statement sent on any engine (the quick one has its own pool), with whether its
    connection was in autocommit (no BEGIN before it, no COMMIT after)."""
    seen: list[tuple[str, bool]] = []

    def record(conn: Connection, _cursor: object, statement: str, *_: object) -> None:
        dbapi = conn.connection.dbapi_connection
        if type(dbapi).__module__.startswith("psycopg"):
            autocommit = bool(getattr(dbapi, "autocommit", False))
        else:  # sqlite3: no isolation level = autocommit
            autocommit = getattr(dbapi, "isolation_level", "") is None
        seen.append((statement.split()[0].upper(), autocommit))

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def fresh_row(engine: Engine, token: str) -> LoginSession:
    """The stored session of ``token``, read through a new database session (not the identity
    map)."""
    with Session(engine) as other:
        row = other.exec(
            select(LoginSession).where(
                LoginSession.token_hash == auth_service.session_token_hash(token)
            )
        ).one()
        other.expunge(row)
        return row
