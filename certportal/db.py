"""Database engine and sessions. Nothing here runs at import time beyond defining functions."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel, create_engine, text

from certportal.errors import Unavailable
from certportal.settings import get_settings

log = logging.getLogger(__name__)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit entry."""


def import_models() -> type[SQLModel]:
    """Import every table module so ``SQLModel.metadata`` is complete; returns SQLModel."""
    from certportal.audit import models as _audit
    from certportal.auth import models as _auth
    from certportal.cases import models as _cases
    from certportal.credentials import models as _credentials
    from certportal.identity import models as _identity
    from certportal.knowledge import models as _knowledge
    from certportal.skilling import models as _skilling
    from certportal.teams import models as _teams
    from certportal.wizard import models as _wizard

    del _audit, _auth, _cases, _credentials, _identity, _knowledge, _skilling, _teams, _wizard
    return SQLModel


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with SQLite made safe for several processes (WAL, FKs, busy wait)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 15}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


@cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error.

    A database that cannot be reached (restarting, network gone) surfaces as ``Unavailable``, an
    error the pages can say in the person's language (keeping what they typed), instead of a
    crash; the pool drops the broken connections and the next call connects again."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException as exc:
            with suppress(DBAPIError):  # the connection is gone: nothing left to roll back
                session.rollback()
            if _unreachable(exc):
                log.warning("database unreachable: %s", exc)
                raise Unavailable("error.database_unavailable") from exc
            raise


_twins: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_twins_lock = threading.Lock()


def _unpinged(engine: Engine) -> Engine:
    """The engine's twin for :func:`statement_scope`: every connection in autocommit (set once
    on the pool, not switched and reset on each checkout), without waiting for the disk flush
    when ``WIZARD_ASYNC_COMMIT`` says so, and no ping before handing one out (one round trip
    saved) — a connection found broken there costs only the shortcut: its caller then goes the
    long way, through the pinging pool. A small pool, disposed with the engine."""
    if engine.dialect.name == "sqlite":
        return engine  # nothing to ping (autocommit is set per connection)
    with _twins_lock:
        twin = _twins.get(engine)
        if twin is None:
            twin = make_engine(
                engine.url.render_as_string(hide_password=False),
                pool_pre_ping=False,
                pool_size=2,
                isolation_level="AUTOCOMMIT",
            )
            event.listen(engine, "engine_disposed", lambda _engine: twin.dispose())
            if get_settings().wizard_async_commit:
                event.listen(twin, "connect", _commit_without_flush)
            _twins[engine] = twin
    return twin


def _commit_without_flush(dbapi_connection: Any, _record: Any) -> None:
    """PostgreSQL's asynchronous commit for this connection: a statement is done (and seen by
    everyone) once it is in the server's write-ahead log buffer, which the server writes out
    within a fraction of a second; only a crash of the server in between loses it — never
    corrupts anything."""
    dbapi_connection.execute("SET synchronous_commit = off")
    dbapi_connection.commit()


@contextmanager
def statement_scope(engine: Engine | None = None) -> Iterator[Connection]:
    """A connection for one statement that is its own transaction (no BEGIN, no COMMIT: one
    round trip; no ORM session around it). Only for a Core statement that is complete on its
    own, such as an UPDATE whose WHERE checks everything it relies on, and whose loss in a crash
    of the database server costs nothing but asking again (on PostgreSQL it does not wait for
    the disk: see ``WIZARD_ASYNC_COMMIT``); errors are converted as in :func:`session_scope`."""
    try:
        with _unpinged(engine or get_engine()).connect() as connection:
            if connection.dialect.name == "sqlite":
                connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection
    except BaseException as exc:
        if _unreachable(exc):
            log.warning("database unreachable: %s", exc)
            raise Unavailable("error.database_unavailable") from exc
        raise


def _unreachable(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def database_reachable(engine: Engine | None = None) -> bool:
    try:
        with (engine or get_engine()).connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


# The one exception to append-only: when a person deletes their account, the entries that name
# them are pseudonymised — only these columns may change, and only in a session that says so.
PSEUDONYMISING = "audit_pseudonymising"
PSEUDONYMISABLE = frozenset({"actor_id", "actor_label", "target_id", "detail"})


@event.listens_for(OrmSession, "before_flush")
def _audit_is_append_only(session: OrmSession, _context: Any, _instances: Any) -> None:
    from sqlalchemy import inspect

    from certportal.audit.models import AuditEntry

    for obj in session.deleted:
        if isinstance(obj, AuditEntry):
            raise AppendOnlyError("audit entries are append-only")
    for obj in session.dirty:
        if not isinstance(obj, AuditEntry) or not session.is_modified(obj):
            continue
        changed = {a.key for a in inspect(obj).attrs if a.history.has_changes()}
        if not (session.info.get(PSEUDONYMISING) and changed <= PSEUDONYMISABLE):
            raise AppendOnlyError("audit entries are append-only")
