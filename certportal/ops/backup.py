"""Backups and restores: the database and the attachments folder, with a manifest.

A backup is a directory of its own::

    manifest.json        what the backup holds (written last: no manifest, no backup)
    database.sqlite3     SQLite: a copy by the online backup API (consistent while the app runs)
    database.pgdump      PostgreSQL: ``pg_dump --format=custom`` of the configured schema only
    attachments/…        the files of ATTACHMENTS_DIR

The manifest names the time, the certportal version, the database's Alembic revision and kind
(and, on PostgreSQL, its schema), each file's SHA-256 and size and the rows of every table. Row
counts, revision and the list of attachment files are read from the same snapshot the dump is
made from (SQLite: the copy; PostgreSQL: an exported snapshot that ``pg_dump --snapshot`` uses).

A restore checks everything it can before changing anything: the manifest, every file's checksum
and size, no file the manifest does not list, a revision this code knows, the same kind of
database (and schema). It then replaces the database in one transaction that also checks the row
counts and revision against the manifest (a mismatch rolls everything back), replaces the
attachments, and brings the schema to the current revision (``alembic upgrade head``).

- SQLite: the backup is copied next to the database, checked (integrity, counts, revision) and
  upgraded there, then copied into the live database with the online backup API — one write
  transaction, safe with WAL and with other connections (a file rename under WAL is not).
- PostgreSQL: ``pg_restore --clean --if-exists`` turns the dump into SQL that ``psql`` runs in
  one transaction, after a prelude that empties the schema (tables a newer migration added would
  otherwise hold foreign keys that stop the drops) and before the row-count check and COMMIT. The
  COMMIT is only sent when pg_restore read the whole dump. Objects come out owned by the restoring
  user (``--no-owner``) and without the dump's grants (``--no-privileges``); the schema itself
  stays as it is, with its owner and grants.

Connection details go to the PostgreSQL tools as a libpq connection string argument (no shell),
the password through a temporary password file (never in the arguments or the environment).
Messages are for operators, in English; each error class has its exit code.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal, cast

from alembic.config import Config
from alembic.script import ScriptDirectory
from psycopg import ProgrammingError
from psycopg.conninfo import make_conninfo
from sqlalchemy import column, create_engine, func, inspect, select, table, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from alembic import command
from certportal import __version__
from certportal.clock import utcnow
from certportal.db import make_engine
from certportal.settings import PROJECT_ROOT, Settings, get_settings

FORMAT = "certportal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
ATTACHMENTS = "attachments"
CHUNK = 1 << 20

DatabaseKind = Literal["sqlite", "postgresql"]

# the table and column that name each attachment file (cases/models.py)
ATTACHMENT_TABLE = "case_attachment"
ATTACHMENT_KEY = "storage_key"

_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_REVISION = re.compile(r"^[A-Za-z0-9_]{1,64}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# pg_restore --list entries of the schema itself (not of the objects in it)
_SCHEMA_ENTRY = re.compile(
    r"^\s*\d+;\s+\d+\s+\d+\s+(SCHEMA - |(COMMENT|ACL|SECURITY LABEL) - SCHEMA )"
)
CHECK_MARK = "certportal restore check"


# --- errors ------------------------------------------------------------------------------------


class BackupError(Exception):
    """An operation refused or failed; ``exit_code`` is what the command exits with."""

    exit_code = 6


class Refused(BackupError):
    """Nothing was done: the target, the backup or the configuration does not allow it."""

    exit_code = 3


class ToolMissing(BackupError):
    """A PostgreSQL client program is not installed (or not on PATH)."""

    exit_code = 4


class DatabaseUnreachable(BackupError):
    """The configured database cannot be opened."""

    exit_code = 5


class OperationFailed(BackupError):
    """A step failed part-way (the message says what was and was not changed)."""

    exit_code = 6


# --- manifest ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the backup directory, with "/" separators
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    created_at: str
    certportal_version: str
    alembic_revision: str
    database_kind: DatabaseKind
    schema: str | None
    tables: dict[str, int]
    files: tuple[FileEntry, ...]
    missing_attachments: tuple[str, ...] = ()

    @property
    def database_file(self) -> str:
        return SQLITE_FILE if self.database_kind == "sqlite" else POSTGRES_FILE

    @property
    def attachment_files(self) -> dict[str, FileEntry]:
        """Attachment entries by their path inside ATTACHMENTS_DIR."""
        prefix = ATTACHMENTS + "/"
        return {e.path.removeprefix(prefix): e for e in self.files if e.path.startswith(prefix)}

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())

    def entry(self, path: str) -> FileEntry:
        for item in self.files:
            if item.path == path:
                return item
        raise Refused(f"the manifest does not list {path}: the backup is incomplete")

    def to_json(self) -> str:
        document = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "certportal_version": self.certportal_version,
            "alembic_revision": self.alembic_revision,
            "database": {"kind": self.database_kind, "schema": self.schema},
            "tables": dict(sorted(self.tables.items())),
            "files": [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in self.files],
            "missing_attachments": list(self.missing_attachments),
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        """The manifest in ``raw``, or ``Refused`` naming what is wrong with it."""
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Refused(f"{MANIFEST} is not valid JSON ({exc})") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise Refused(f"{MANIFEST} is not the manifest of a certportal backup")
        if document.get("format_version") != FORMAT_VERSION:
            raise Refused(
                f"{MANIFEST} has format version {document.get('format_version')!r}; "
                f"this certportal reads version {FORMAT_VERSION}"
            )
        database = _field(document, "database", dict)
        kind = _field(database, "kind", str)
        if kind not in ("sqlite", "postgresql"):
            raise Refused(f"{MANIFEST}: unknown database kind {kind!r}")
        schema = database.get("schema")
        if kind == "postgresql" and not (isinstance(schema, str) and schema):
            raise Refused(f"{MANIFEST}: a PostgreSQL backup must name its schema")
        revision = _field(document, "alembic_revision", str)
        if not _REVISION.match(revision):
            raise Refused(f"{MANIFEST}: {revision!r} is not an Alembic revision")
        tables: dict[str, int] = {}
        for name, rows in _field(document, "tables", dict).items():
            if not (isinstance(name, str) and _TABLE_NAME.match(name)):
                raise Refused(f"{MANIFEST}: {name!r} is not a table name")
            if not (isinstance(rows, int) and not isinstance(rows, bool) and rows >= 0):
                raise Refused(f"{MANIFEST}: table {name} has no row count")
            tables[name] = rows
        if "alembic_version" not in tables:
            raise Refused(f"{MANIFEST}: the table list lacks alembic_version")
        files = tuple(_file_entry(item, kind) for item in _field(document, "files", list))
        if len({f.path for f in files}) != len(files):
            raise Refused(f"{MANIFEST} lists a file twice")
        missing = document.get("missing_attachments", [])
        if not (isinstance(missing, list) and all(isinstance(k, str) for k in missing)):
            raise Refused(f"{MANIFEST}: missing_attachments must be a list of names")
        return cls(
            created_at=_field(document, "created_at", str),
            certportal_version=_field(document, "certportal_version", str),
            alembic_revision=revision,
            database_kind=cast(DatabaseKind, kind),
            schema=schema if kind == "postgresql" else None,
            tables=tables,
            files=files,
            missing_attachments=tuple(missing),
        )


def _field(document: dict[str, Any], name: str, kind: type) -> Any:
    value = document.get(name)
    if not isinstance(value, kind):
        raise Refused(f"{MANIFEST}: field {name!r} is missing or not a {kind.__name__}")
    return value


def _file_entry(item: object, kind: str) -> FileEntry:
    if not isinstance(item, dict):
        raise Refused(f"{MANIFEST}: a file entry is not an object")
    path = _field(item, "path", str)
    digest = _field(item, "sha256", str)
    size = _field(item, "size", int)
    if not _safe_relative(path, kind):
        raise Refused(f"{MANIFEST}: {path!r} is not a path a backup may hold")
    if not _SHA256.match(digest) or size < 0:
        raise Refused(f"{MANIFEST}: the checksum or size of {path} is malformed")
    return FileEntry(path=path, sha256=digest, size=size)


def _safe_relative(path: str, kind: str) -> bool:
    """Only the database file or a file under attachments/, never outside the directory."""
    if "\\" in path or "\x00" in path:
        return False
    pure = PurePosixPath(path)
    parts = path.split("/")
    if pure.is_absolute() or any(p in ("", ".", "..") for p in parts):
        return False
    database = SQLITE_FILE if kind == "sqlite" else POSTGRES_FILE
    return path == database or (parts[0] == ATTACHMENTS and len(parts) >= 2)


# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    revision: str  # the database's revision after the upgrade
    files_written: int
    files_removed: int


@dataclass(frozen=True)
class _Inventory:
    revision: str
    tables: dict[str, int]
    attachment_keys: tuple[str, ...] = field(default=())


# --- PostgreSQL connection details -------------------------------------------------------------


@dataclass(frozen=True)
class PgTarget:
    """Where the PostgreSQL tools connect: a libpq connection string without the password."""

    conninfo: str
    password: str | None
    display: str  # the URL with the password hidden, for messages


def pg_target(url: str) -> PgTarget:
    """Turn a SQLAlchemy URL (``postgresql+psycopg://user:pw@host:port/db?options=…``) into
    libpq terms. Query parameters are libpq keywords (as psycopg reads them); an unknown one
    or a repeated one is refused."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise Refused(f"not a PostgreSQL URL: {parsed.drivername}")
    params: dict[str, str] = {}
    if parsed.host:
        params["host"] = parsed.host
    if parsed.port:
        params["port"] = str(parsed.port)
    if parsed.username:
        params["user"] = parsed.username
    if parsed.database:
        params["dbname"] = parsed.database
    password = parsed.password
    for key, value in parsed.query.items():
        if not isinstance(value, str):
            raise Refused(f"DATABASE_URL gives the parameter {key!r} more than once")
        if key == "password":
            password = password or value
            continue
        params[key] = value
    try:
        conninfo = make_conninfo("", **params)
    except ProgrammingError as exc:
        raise Refused(f"DATABASE_URL has a parameter libpq does not accept: {exc}") from None
    return PgTarget(
        conninfo=conninfo,
        password=None if password is None else str(password),
        display=parsed.render_as_string(hide_password=True),
    )


@contextmanager
def _libpq_dbname(target: PgTarget) -> Iterator[str]:
    """``--dbname=…`` for a PostgreSQL tool; the password, if any, in a private password file
    that exists only while the tool runs."""
    if target.password is None:
        yield f"--dbname={target.conninfo}"
        return
    with tempfile.TemporaryDirectory(prefix="certportal-pg-") as folder:
        passfile = Path(folder) / "pgpass"
        escaped = target.password.replace("\\", "\\\\").replace(":", "\\:")
        descriptor = os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(f"*:*:*:*:{escaped}\n")
        yield f"--dbname={make_conninfo(target.conninfo, passfile=str(passfile))}"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(
            f"{name} was not found on PATH: install the PostgreSQL client programs of the "
            f"server's major version (Debian/Ubuntu: postgresql-client-<version>)"
        )
    return found


def _tail(text_: str, lines: int = 8) -> str:
    kept = [line for line in text_.strip().splitlines() if line.strip()]
    return "\n".join(kept[-lines:]) or "(no message)"


def _run(argv: Sequence[str], what: str) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as exc:
        raise ToolMissing(f"cannot run {argv[0]}: {exc}") from None
    if done.returncode != 0:
        raise OperationFailed(f"{what} failed (exit {done.returncode}):\n{_tail(done.stderr)}")
    return done


def schema_entries_disabled(listing: str) -> str:
    """A ``pg_restore --list`` with the entries of the schema itself commented out, so a restore
    fills the existing schema (keeping its owner and grants) instead of dropping it."""
    return "".join(
        (";" + line) if _SCHEMA_ENTRY.match(line) else line
        for line in listing.splitlines(keepends=True)
    )


# --- shared helpers ----------------------------------------------------------------------------


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise Refused(f"DATABASE_URL {url!r} names no SQLite file to back up or restore")
    return Path(database)


@contextmanager
def _connected(engine: Engine, display: str) -> Iterator[Connection]:
    try:
        connection = engine.connect()
    except DBAPIError as exc:
        reason = _tail(str(exc.orig), 3)
        raise DatabaseUnreachable(f"cannot connect to the database {display}:\n{reason}") from None
    with connection:
        yield connection


def _inventory(connection: Connection, schema: str | None) -> _Inventory:
    """Revision, row counts per table and attachment keys, as ``connection`` sees them."""
    names = sorted(inspect(connection).get_table_names(schema=schema))
    if "alembic_version" not in names:
        raise Refused(
            "the database has no alembic_version table: it was never migrated "
            "(run `alembic upgrade head` first)"
        )
    counts = {
        name: int(
            connection.execute(
                select(func.count()).select_from(table(name, schema=schema))
            ).scalar_one()
        )
        for name in names
    }
    versions: list[object] = list(
        connection.execute(
            select(column("version_num")).select_from(table("alembic_version", schema=schema))
        ).scalars()
    )
    if len(versions) != 1:
        raise Refused(f"the database has {len(versions)} Alembic revisions; expected one")
    keys: tuple[str, ...] = ()
    if ATTACHMENT_TABLE in names:
        stored: list[object] = list(
            connection.execute(
                select(column(ATTACHMENT_KEY)).select_from(table(ATTACHMENT_TABLE, schema=schema))
            ).scalars()
        )
        keys = tuple(str(key) for key in stored)
    return _Inventory(revision=str(versions[0]), tables=counts, attachment_keys=keys)


def _compare(found: _Inventory, manifest: Manifest) -> None:
    """``Refused`` unless the restored database is what the manifest describes."""
    if set(found.tables) != set(manifest.tables):
        extra = sorted(set(found.tables) - set(manifest.tables))
        lacking = sorted(set(manifest.tables) - set(found.tables))
        raise Refused(
            f"the backup's database does not match its manifest: its tables differ from the "
            f"manifest's (only in the database: {extra}, only in the manifest: {lacking}); "
            f"nothing was changed"
        )
    for name, rows in sorted(manifest.tables.items()):
        if found.tables[name] != rows:
            raise Refused(
                f"the backup's database does not match its manifest: table {name} has "
                f"{found.tables[name]} rows, the manifest says {rows}; nothing was changed"
            )
    if found.revision != manifest.alembic_revision:
        raise Refused(
            f"the backup's database is at revision {found.revision}, its manifest says "
            f"{manifest.alembic_revision}; nothing was changed"
        )


def _alembic_config() -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    config.attributes["configure_logger"] = False
    return config


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(_alembic_config())
    return {revision.revision for revision in script.walk_revisions()}


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def _upgrade(connection: Connection) -> None:
    config = _alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _hash_file(path: Path) -> FileEntry:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return FileEntry(path="", sha256=digest.hexdigest(), size=size)


def _copy(source: Path, target: Path) -> FileEntry:
    """Copy ``source`` to ``target`` (flushed to disk); the checksum and size of what was read."""
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as reader, target.open("xb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            writer.write(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    return FileEntry(path="", sha256=digest.hexdigest(), size=size)


def _copy_checked(source: Path, target: Path, expected: FileEntry) -> None:
    """Copy ``source`` to ``target`` through a temporary name, refusing it unless it still has
    the checksum the manifest gives (so a file changed since the check is not used)."""
    partial = target.with_name(f".{target.name}.restoring-{secrets.token_hex(4)}")
    try:
        got = _copy(source, partial)
        if (got.sha256, got.size) != (expected.sha256, expected.size):
            raise Refused(f"{expected.path} changed while restoring; nothing was changed")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _regular_files(folder: Path) -> dict[str, Path]:
    """Regular files under ``folder`` by their "/"-separated relative path (no symlinks)."""
    if not folder.is_dir():
        return {}
    found: dict[str, Path] = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            found[path.relative_to(folder).as_posix()] = path
    return found


# --- backup ------------------------------------------------------------------------------------


def _prepare_target(directory: Path) -> bool:
    """Make sure ``directory`` is new or empty; True when it was created here."""
    if directory.exists() or directory.is_symlink():
        if not directory.is_dir():
            raise Refused(f"{directory} exists and is not a directory")
        if any(directory.iterdir()):
            raise Refused(f"{directory} is not empty: a backup goes into a new or empty directory")
        directory.chmod(0o700)  # before anything is written into it
        return False
    try:
        directory.mkdir(parents=True, mode=0o700)
    except OSError as exc:
        raise Refused(f"cannot create {directory}: {exc}") from None
    return True


def _backup_sqlite(settings: Settings, directory: Path) -> _Inventory:
    source = _sqlite_path(settings.database_url)
    if not source.is_file():
        raise DatabaseUnreachable(f"the SQLite database {source} does not exist")
    target = directory / SQLITE_FILE
    try:
        with (
            closing(sqlite3.connect(source, timeout=15)) as live,
            closing(sqlite3.connect(target)) as copy,
        ):
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    except sqlite3.Error as exc:
        raise OperationFailed(f"copying the SQLite database {source} failed: {exc}") from None
    # counted on the copy (a plain engine: the copy keeps its journal mode)
    engine = create_engine(f"sqlite:///{target}", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return _inventory(connection, None)
    finally:
        engine.dispose()


def _backup_postgres(settings: Settings, directory: Path) -> tuple[_Inventory, str]:
    target = pg_target(settings.database_url)
    pg_dump = _tool("pg_dump")
    engine = make_engine(settings.database_url, poolclass=NullPool)
    try:
        with _connected(engine, target.display) as connection:
            snapshot_view = connection.execution_options(isolation_level="REPEATABLE READ")
            with snapshot_view.begin():
                snapshot = str(snapshot_view.execute(text("SELECT pg_export_snapshot()")).scalar())
                schema = snapshot_view.execute(text("SELECT current_schema()")).scalar()
                if not schema:
                    raise Refused(
                        "DATABASE_URL's search_path names no existing schema: nothing to back up"
                    )
                found = _inventory(snapshot_view, str(schema))
                with _libpq_dbname(target) as dbname:
                    _run(
                        [
                            pg_dump,
                            "--format=custom",
                            f"--schema={_identifier(str(schema))}",
                            f"--snapshot={snapshot}",
                            "--no-password",
                            f"--file={directory / POSTGRES_FILE}",
                            dbname,
                        ],
                        "pg_dump",
                    )
        return found, str(schema)
    finally:
        engine.dispose()


def backup(directory: Path, settings: Settings | None = None) -> Manifest:
    """Write a backup of the configured database and attachments into ``directory`` (new or
    empty). Nothing is left behind when it fails."""
    settings = settings or get_settings()
    created = _prepare_target(directory)
    try:
        schema: str | None = None
        if settings.is_sqlite:
            found = _backup_sqlite(settings, directory)
            kind: DatabaseKind = "sqlite"
        else:
            found, schema = _backup_postgres(settings, directory)
            kind = "postgresql"
        database_file = SQLITE_FILE if kind == "sqlite" else POSTGRES_FILE
        files = [_entry(database_file, _hash_file(directory / database_file))]
        folder = Path(settings.attachments_dir)
        copied: set[str] = set()
        for relative, path in sorted(_regular_files(folder).items()):
            if path.name.endswith(".part"):
                continue  # a file the app is still writing
            target = directory / ATTACHMENTS / relative
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            files.append(_entry(f"{ATTACHMENTS}/{relative}", _copy(path, target)))
            copied.add(relative)
        manifest = Manifest(
            created_at=utcnow().isoformat(timespec="seconds"),
            certportal_version=__version__,
            alembic_revision=found.revision,
            database_kind=kind,
            schema=schema,
            tables=found.tables,
            files=tuple(files),
            missing_attachments=tuple(sorted(set(found.attachment_keys) - copied)),
        )
        _private(directory)
        _write_manifest(directory, manifest)
        return manifest
    except BaseException as exc:
        if created:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            for child in directory.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        if isinstance(exc, OSError | SQLAlchemyError):
            raise OperationFailed(f"{_reason(exc)}; no backup was written") from None
        raise


def _reason(exc: BaseException) -> str:
    """The useful part of an OS or database error."""
    if isinstance(exc, SQLAlchemyError):
        return "database error: " + _tail(str(getattr(exc, "orig", None) or exc), 3)
    return str(exc)


def _entry(path: str, measured: FileEntry) -> FileEntry:
    return FileEntry(path=path, sha256=measured.sha256, size=measured.size)


def _private(directory: Path) -> None:
    """Backups hold password hashes and personal data: readable by their owner only."""
    for path in [directory, *directory.rglob("*")]:
        path.chmod(0o700 if path.is_dir() else 0o600)


def _write_manifest(directory: Path, manifest: Manifest) -> None:
    partial = directory / f".{MANIFEST}.partial"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(manifest.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, directory / MANIFEST)
    with suppress(OSError):  # make the rename itself durable where the platform allows
        folder = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


# --- verify ------------------------------------------------------------------------------------


def verify(directory: Path) -> Manifest:
    """The backup's manifest once every file matches it and this code knows its revision;
    ``Refused`` (naming the first problem) otherwise. Reads only."""
    if not directory.is_dir():
        raise Refused(f"{directory} is not a directory")
    path = directory / MANIFEST
    if not path.is_file():
        raise Refused(
            f"{directory} has no {MANIFEST}: it is not a certportal backup, or an incomplete one"
        )
    try:
        return _verify(directory, path)
    except OSError as exc:
        raise Refused(f"the backup cannot be read: {exc}") from None


def _verify(directory: Path, path: Path) -> Manifest:
    manifest = Manifest.from_json(path.read_bytes())
    manifest.entry(manifest.database_file)
    listed = {entry.path for entry in manifest.files}
    present = {relative for relative in _regular_files(directory) if relative != MANIFEST}
    unlisted = sorted(present - listed)
    if unlisted:
        raise Refused(f"the backup holds files its manifest does not list: {unlisted[:5]}")
    for entry in manifest.files:
        file = directory / entry.path
        if not file.is_file() or file.is_symlink():
            raise Refused(f"{entry.path} is missing from the backup")
        measured = _hash_file(file)
        if measured.size != entry.size or measured.sha256 != entry.sha256:
            raise Refused(
                f"{entry.path} does not match the manifest's checksum: the backup is damaged "
                f"or was changed"
            )
    if manifest.alembic_revision not in known_revisions():
        raise Refused(
            f"the backup is at Alembic revision {manifest.alembic_revision}, which this version "
            f"of certportal does not know (it was made by a newer version): install that "
            f"version to restore it"
        )
    return manifest


# --- restore -----------------------------------------------------------------------------------


@dataclass
class _AttachmentPlan:
    folder: Path
    source: Path
    add: list[tuple[str, FileEntry]]
    replace: list[tuple[str, FileEntry]]
    remove: list[Path]
    added: list[Path] = field(default_factory=list)

    def stage(self) -> None:
        """Write the files the folder lacks (harmless to the current data); all or none."""
        try:
            for relative, entry in self.add:
                target = self.folder / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                _copy_checked(self.source / entry.path, target, entry)
                self.added.append(target)
        except BaseException:
            self.unstage()
            raise

    def unstage(self) -> None:
        for path in self.added:
            path.unlink(missing_ok=True)

    def finish(self) -> None:
        for relative, entry in self.replace:
            _copy_checked(self.source / entry.path, self.folder / relative, entry)
        for path in self.remove:
            path.unlink(missing_ok=True)


def _plan_attachments(directory: Path, manifest: Manifest, folder: Path) -> _AttachmentPlan:
    wanted = manifest.attachment_files
    current = _regular_files(folder)
    add, replace = [], []
    for relative, entry in sorted(wanted.items()):
        path = current.get(relative)
        if path is None:
            add.append((relative, entry))
            continue
        measured = _hash_file(path)
        if (measured.sha256, measured.size) != (entry.sha256, entry.size):
            replace.append((relative, entry))
    remove = [path for relative, path in sorted(current.items()) if relative not in wanted]
    return _AttachmentPlan(folder, directory, add, replace, remove)


def restore(
    directory: Path, settings: Settings | None = None, manifest: Manifest | None = None
) -> RestoreResult:
    """Replace the configured database and attachments with the backup in ``directory``.

    ``manifest`` is what :func:`verify` returned for it (verified again when not given). Checks
    run before anything changes; a refused or failed restore leaves data and files as they were,
    except when ``alembic upgrade head`` fails after the data was replaced (the message says so).
    """
    settings = settings or get_settings()
    manifest = manifest or verify(directory)
    kind: DatabaseKind = "sqlite" if settings.is_sqlite else "postgresql"
    if manifest.database_kind != kind:
        raise Refused(
            f"the backup holds a {manifest.database_kind} database but DATABASE_URL is "
            f"{kind}: restore it into the same kind of database"
        )
    try:
        plan = _plan_attachments(directory, manifest, Path(settings.attachments_dir))
        Path(settings.attachments_dir).mkdir(parents=True, exist_ok=True)
        if kind == "sqlite":
            _restore_sqlite(directory, manifest, settings, plan)
        else:
            _restore_postgres(directory, manifest, settings, plan)
    except (OSError, SQLAlchemyError) as exc:
        raise OperationFailed(f"restore failed: {_reason(exc)}; nothing was changed") from None
    try:
        plan.finish()
    except (OSError, BackupError) as exc:
        raise OperationFailed(
            f"the database was restored but replacing the attachments in "
            f"{settings.attachments_dir} failed: {exc}; fix the cause and restore again"
        ) from None
    if kind == "postgresql":
        _upgrade_postgres(settings, manifest)
    return RestoreResult(
        manifest=manifest,
        revision=head_revision(),
        files_written=len(plan.add) + len(plan.replace),
        files_removed=len(plan.remove),
    )


def _restore_sqlite(
    directory: Path, manifest: Manifest, settings: Settings, plan: _AttachmentPlan
) -> None:
    live = _sqlite_path(settings.database_url)
    live.parent.mkdir(parents=True, exist_ok=True)
    staged = live.with_name(f".{live.name}.restore-{secrets.token_hex(4)}")
    try:
        _copy_checked(directory / SQLITE_FILE, staged, manifest.entry(SQLITE_FILE))
        engine = make_engine(f"sqlite:///{staged}", poolclass=NullPool)
        try:
            try:
                with engine.connect() as connection:
                    check = connection.execute(text("PRAGMA integrity_check")).scalar()
                    if check != "ok":
                        raise Refused(f"the backup's SQLite database is damaged: {check}")
                    _compare(_inventory(connection, None), manifest)
            except SQLAlchemyError as exc:
                reason = _tail(str(getattr(exc, "orig", exc)), 2)
                raise Refused(f"the backup's SQLite database cannot be read: {reason}") from None
            try:
                with engine.begin() as connection:
                    _upgrade(connection)
            except Exception as exc:
                raise OperationFailed(
                    f"bringing the backup to the current revision failed: {exc}; "
                    f"nothing was changed"
                ) from None
        finally:
            engine.dispose()
        plan.stage()
        try:
            with (
                closing(sqlite3.connect(staged)) as source,
                closing(sqlite3.connect(live, timeout=15)) as target,
            ):
                source.backup(target)
        except sqlite3.Error as exc:
            plan.unstage()
            raise OperationFailed(
                f"copying the backup into {live} failed (is another program holding the "
                f"database?): {exc}; nothing was changed"
            ) from None
        except BaseException:
            plan.unstage()
            raise
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{staged}{suffix}").unlink(missing_ok=True)


def _clear_schema_sql(schema: str, tag: str) -> str:
    """Drop everything in ``schema`` (tables with their indexes, constraints and sequences,
    views, other sequences, types, routines), keeping the schema with its owner and grants."""
    name = _literal(schema)
    return f"""
SET LOCAL client_min_messages = warning;
SET LOCAL lock_timeout = '60s';
DO ${tag}$
DECLARE item record;
BEGIN
  FOR item IN
    SELECT c.relname, c.relkind FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = {name} AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  LOOP
    EXECUTE format('DROP %s IF EXISTS %I.%I CASCADE',
      CASE item.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
        WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, {name}, item.relname);
  END LOOP;
  FOR item IN
    SELECT c.relname FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = {name} AND c.relkind = 'S'
  LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS %I.%I CASCADE', {name}, item.relname);
  END LOOP;
  FOR item IN
    SELECT p.proname, p.prokind, pg_catalog.pg_get_function_identity_arguments(p.oid) AS args
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = {name} AND p.prokind IN ('f', 'p')
  LOOP
    EXECUTE format('DROP ROUTINE IF EXISTS %I.%I(%s) CASCADE', {name}, item.proname, item.args);
  END LOOP;
  FOR item IN
    SELECT t.typname, t.typtype FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = {name} AND t.typtype IN ('e', 'd', 'r')
  LOOP
    EXECUTE format('DROP %s IF EXISTS %I.%I CASCADE',
      CASE item.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, {name}, item.typname);
  END LOOP;
END ${tag}$;
"""  # noqa: S608 (the schema is a quoted literal, object names are quoted by format('%I'))


def _check_sql(schema: str, manifest: Manifest, tag: str) -> str:
    """Raise (so psql stops before COMMIT) unless the schema holds exactly the manifest's
    tables with its row counts and revision."""
    names = sorted(manifest.tables)
    array = "ARRAY[" + ", ".join(_literal(n) for n in names) + "]::text[]"
    lines = [
        f"DO ${tag}$",
        "DECLARE found text[]; n bigint; revision text;",
        "BEGIN",
        "  SELECT coalesce(array_agg(tablename::text), ARRAY[]::text[]) INTO found",
        f"    FROM pg_catalog.pg_tables WHERE schemaname = {_literal(schema)};",
        f"  IF NOT (found @> {array} AND found <@ {array}"
        f" AND cardinality(found) = {len(names)}) THEN",
        f"    RAISE EXCEPTION '{CHECK_MARK}: the restored tables differ from the manifest''s: %',"
        " found;",
        "  END IF;",
    ]
    for name, rows in sorted(manifest.tables.items()):
        lines += [
            f"  SELECT count(*) INTO n FROM {_identifier(schema)}.{_identifier(name)};",  # noqa: S608
            f"  IF n <> {int(rows)} THEN",
            f"    RAISE EXCEPTION '{CHECK_MARK}: table % has % rows, the manifest says %',"
            f" {_literal(name)}, n, {int(rows)};",
            "  END IF;",
        ]
    lines += [
        "  SELECT string_agg(version_num, ',') INTO revision"  # noqa: S608 (quoted names)
        f" FROM {_identifier(schema)}.alembic_version;",
        f"  IF revision IS DISTINCT FROM {_literal(manifest.alembic_revision)} THEN",
        f"    RAISE EXCEPTION '{CHECK_MARK}: the restored revision is %, the manifest says %',"
        f" revision, {_literal(manifest.alembic_revision)};",
        "  END IF;",
        f"END ${tag}$;",
    ]
    return "\n".join(lines) + "\n"


def _restore_postgres(
    directory: Path, manifest: Manifest, settings: Settings, plan: _AttachmentPlan
) -> None:
    target = pg_target(settings.database_url)
    pg_restore = _tool("pg_restore")
    psql = _tool("psql")
    engine = make_engine(settings.database_url, poolclass=NullPool)
    try:
        with _connected(engine, target.display) as connection:
            schema = connection.execute(text("SELECT current_schema()")).scalar()
    finally:
        engine.dispose()
    if not schema:
        raise Refused("DATABASE_URL's search_path names no existing schema: create it first")
    if schema != manifest.schema:
        raise Refused(
            f"the backup holds schema {manifest.schema!r} but DATABASE_URL uses schema "
            f"{schema!r}: pg_dump names the schema in every statement, so restore into a "
            f"database whose search_path starts with {manifest.schema!r}"
        )
    dump = directory / POSTGRES_FILE
    listing = _run([pg_restore, "--list", str(dump)], "pg_restore --list (reading the dump)")
    tag = "cp" + secrets.token_hex(8)
    prelude = "BEGIN;\n" + _clear_schema_sql(str(schema), tag)
    check = _check_sql(str(schema), manifest, tag) + "COMMIT;\n"
    with tempfile.TemporaryDirectory(prefix="certportal-restore-") as folder:
        use_list = Path(folder) / "toc.list"
        use_list.write_text(schema_entries_disabled(listing.stdout), encoding="utf-8")
        producer_argv = [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            f"--use-list={use_list}",
            "--file=-",
            str(dump),
        ]
        plan.stage()
        try:
            with _libpq_dbname(target) as dbname:
                consumer_argv = [
                    psql,
                    "--no-psqlrc",
                    "--quiet",
                    "--no-password",
                    "--set=ON_ERROR_STOP=1",
                    "--file=-",
                    dbname,
                ]
                _pipe(producer_argv, consumer_argv, prelude.encode(), check.encode())
        except BaseException:
            plan.unstage()
            raise


def _pipe(producer_argv: list[str], consumer_argv: list[str], head: bytes, tail: bytes) -> None:
    """Run ``producer | consumer`` with ``head`` before and ``tail`` after the producer's output;
    ``tail`` (the COMMIT) is only sent when the producer finished successfully."""
    with tempfile.TemporaryFile() as producer_err, tempfile.TemporaryFile() as consumer_err:
        try:
            producer = subprocess.Popen(  # noqa: S603
                producer_argv, stdout=subprocess.PIPE, stderr=producer_err
            )
        except OSError as exc:
            raise ToolMissing(f"cannot run {producer_argv[0]}: {exc}") from None
        try:
            consumer = subprocess.Popen(  # noqa: S603
                consumer_argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=consumer_err,
            )
        except OSError as exc:
            producer.kill()
            producer.wait()
            raise ToolMissing(f"cannot run {consumer_argv[0]}: {exc}") from None
        source = cast(IO[bytes], producer.stdout)
        sink = cast(IO[bytes], consumer.stdin)
        committed = False
        try:
            sink.write(head)
            while chunk := source.read(CHUNK):
                sink.write(chunk)
            if producer.wait() == 0:
                sink.write(tail)
                committed = True
        except BrokenPipeError:
            pass  # the consumer stopped (its error is read below)
        finally:
            with suppress(BrokenPipeError):
                sink.close()
            if producer.poll() is None:
                producer.kill()
            producer.wait()
            source.close()
            consumer.wait()
        producer_err.seek(0)
        consumer_err.seek(0)
        consumer_text = consumer_err.read().decode("utf-8", "replace")
        producer_text = producer_err.read().decode("utf-8", "replace")
    if consumer.returncode != 0:
        if CHECK_MARK in consumer_text:
            raise Refused(
                "the restored database does not match the manifest, so it was rolled back and "
                f"nothing was changed:\n{_tail(consumer_text, 3)}"
            )
        raise OperationFailed(
            f"restoring into the database failed and was rolled back; nothing was changed:\n"
            f"{_tail(consumer_text)}"
        )
    if not committed:
        raise OperationFailed(
            f"pg_restore could not read the whole dump (exit {producer.returncode}); the "
            f"transaction was not committed, nothing was changed:\n{_tail(producer_text)}"
        )


def _upgrade_postgres(settings: Settings, manifest: Manifest) -> None:
    engine = make_engine(settings.database_url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            _upgrade(connection)
    except Exception as exc:
        raise OperationFailed(
            f"the backup was restored (at revision {manifest.alembic_revision}) but "
            f"`alembic upgrade head` failed: {exc}. Fix the cause and run `alembic upgrade head`."
        ) from None
    finally:
        engine.dispose()
