"""Backup and restore through ``python -m certportal.manage backup|restore``, on SQLite and on
PostgreSQL (each test in a schema of its own), with the demo organisation and a case attachment.

Each restore is judged by the whole content of every table (rows ordered by primary key) and the
bytes of every attachment file, not by counts.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from alembic import command
from certportal import db as db_module
from certportal import manage
from certportal.auth import service as auth_service
from certportal.auth.models import User
from certportal.cases import service as cases
from certportal.cases.models import SupportCase
from certportal.demo import seed
from certportal.ops import backup as ops
from certportal.settings import PROJECT_ROOT, get_settings
from tests.conftest import POSTGRES_ONLY, make_user

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
OLDER_REVISION = "0005"  # the demo, loaded at head, is taken down to it; later revisions follow


def head() -> str:
    return ops.head_revision()


def migrate(engine: Engine, revision: str = "head", *, down: bool = False) -> None:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


@dataclass
class Site:
    """A configured certportal: DATABASE_URL, ATTACHMENTS_DIR and where backups go."""

    url: str
    engine: Engine
    attachments: Path
    backups: Path

    @property
    def postgres(self) -> bool:
        return self.url.startswith("postgresql")


def configure(monkeypatch: pytest.MonkeyPatch, url: str, attachments: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ATTACHMENTS_DIR", str(attachments))
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()


@pytest.fixture
def site(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Site]:
    configure(monkeypatch, db_url, tmp_path / "attachments")
    engine = db_module.make_engine(db_url)
    yield Site(db_url, engine, tmp_path / "attachments", tmp_path / "backups")
    engine.dispose()


def load_demo(site: Site) -> None:
    """The demo organisation plus a screenshot on the first support case."""
    with Session(site.engine, expire_on_commit=False) as session:
        seed.load(session, today=date(2026, 12, 1))
        session.commit()
    attach(site, PNG)


def attach(site: Site, content: bytes) -> str:
    """A screenshot on the first support case; returns its file name."""
    with Session(site.engine, expire_on_commit=False) as session:
        case = session.scalars(select(SupportCase).order_by(col(SupportCase.id))).first()
        assert case is not None and case.id is not None
        owner = session.get(User, case.user_id)
        assert owner is not None
        stored = cases.add_attachment(
            session,
            actor=auth_service.principal_for(session, owner),
            case_id=case.id,
            version=case.version,
            name="shot.png",
            content=content,
            today=date(2026, 12, 1),
        )
        session.commit()
        return stored.storage_key


def contents(engine: Engine) -> dict[str, list[dict[str, object]]]:
    """Every row of every table of the configured schema, ordered by primary key."""
    with engine.connect() as connection:
        meta = MetaData()
        meta.reflect(connection)
        found = {}
        for name, table in meta.tables.items():
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(select(table).order_by(*order)).all()
            found[name] = [dict(row._mapping) for row in rows]
    return found


def files(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def change_everything(site: Site) -> None:
    """Edits, deletions, a new person, a lost attachment and a stray file."""
    with site.engine.begin() as connection:
        connection.execute(text("UPDATE app_user SET display_name = 'changed'"))
        connection.execute(text("DELETE FROM skilling_snapshot"))
        connection.execute(text("DELETE FROM case_event WHERE attachment_id IS NULL"))
    with Session(site.engine) as session:
        make_user(session, "someone-new@example.com")
    for path in site.attachments.iterdir():
        path.unlink()
    (site.attachments / "stray-file").write_bytes(b"not from the backup")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = manage.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def make_backup(site: Site, capsys: pytest.CaptureFixture[str], name: str = "b1") -> Path:
    target = site.backups / name
    code, out, err = run(capsys, "backup", str(target))
    assert code == 0, err
    assert f"backup written to {target}" in out
    return target


def read_manifest(directory: Path) -> Any:
    return json.loads((directory / ops.MANIFEST).read_text(encoding="utf-8"))


def write_manifest(directory: Path, document: Any) -> None:
    (directory / ops.MANIFEST).write_text(json.dumps(document), encoding="utf-8")


# --- the round trip ----------------------------------------------------------------------------


def test_backup_then_restore_brings_back_every_row_and_file(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate(site.engine)
    load_demo(site)
    before, before_files = contents(site.engine), files(site.attachments)
    assert list(before_files.values()) == [PNG]

    backup = make_backup(site, capsys)
    manifest = read_manifest(backup)
    assert manifest["alembic_revision"] == head()
    assert manifest["certportal_version"] == "0.1.0"
    assert manifest["database"] == {
        "kind": "postgresql" if site.postgres else "sqlite",
        "schema": site.url.rsplit("%3D", 1)[1] if site.postgres else None,
    }
    assert manifest["tables"] == {name: len(rows) for name, rows in before.items()}
    listed = {entry["path"]: entry for entry in manifest["files"]}
    [key] = before_files
    assert listed[f"attachments/{key}"]["size"] == len(PNG)
    assert (backup / "attachments" / key).read_bytes() == PNG
    assert oct((backup / ops.MANIFEST).stat().st_mode & 0o777) == "0o600"

    change_everything(site)
    assert contents(site.engine) != before
    code, out, err = run(capsys, "restore", str(backup), "--yes")
    assert code == 0, err
    assert "row counts checked" in out and "1 files written, 1 removed" in out

    assert contents(site.engine) == before
    assert files(site.attachments) == before_files
    with Session(site.engine) as session:  # the sequences came back too: new rows still fit
        new = make_user(session, "after-restore@example.com")
        assert new.user_id > max(int(str(row["id"])) for row in before["app_user"])


def test_a_backup_refuses_a_non_empty_target(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate(site.engine)
    target = site.backups / "used"
    target.mkdir(parents=True)
    (target / "keep.txt").write_text("mine")
    code, _, err = run(capsys, "backup", str(target))
    assert code == 3
    assert "is not empty" in err
    assert files(target) == {"keep.txt": b"mine"}


def test_a_failed_backup_leaves_nothing_behind(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database never migrated cannot be backed up: no half-written directory remains."""
    with site.engine.begin() as connection:
        connection.execute(text("CREATE TABLE something (id integer primary key)"))
    target = site.backups / "new"
    code, _, err = run(capsys, "backup", str(target))
    assert code == 3
    assert "no alembic_version table" in err
    assert not target.exists()


# --- refused restores change nothing -----------------------------------------------------------


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _tamper(backup: Path, how: str) -> None:
    manifest = read_manifest(backup)
    entries = manifest["files"]
    database = next(e for e in entries if str(e["path"]).startswith("database."))
    attachment = next(e for e in entries if str(e["path"]).startswith("attachments/"))
    if how == "database_changed":
        _flip_a_byte(backup / str(database["path"]))
    elif how == "attachment_changed":
        _flip_a_byte(backup / str(attachment["path"]))
    elif how == "attachment_missing":
        (backup / str(attachment["path"])).unlink()
    elif how == "file_not_in_manifest":
        (backup / "attachments" / "smuggled").write_bytes(b"x")
    elif how == "manifest_missing":
        (backup / ops.MANIFEST).unlink()
    elif how == "manifest_not_json":
        (backup / ops.MANIFEST).write_text("{", encoding="utf-8")
    elif how == "manifest_path_escapes":
        attachment["path"] = "attachments/../../outside"
        write_manifest(backup, manifest)
    elif how == "manifest_row_count":
        manifest["tables"]["credential"] += 1
        write_manifest(backup, manifest)
    elif how == "manifest_table_missing":
        del manifest["tables"]["credential"]
        write_manifest(backup, manifest)
    elif how == "manifest_revision_older":
        manifest["alembic_revision"] = OLDER_REVISION  # known, but not what the dump holds
        write_manifest(backup, manifest)
    elif how == "manifest_revision_unknown":
        manifest["alembic_revision"] = "9999_from_the_future"
        write_manifest(backup, manifest)
    else:  # pragma: no cover
        raise AssertionError(how)


TAMPERING = {
    "database_changed": "does not match the manifest's checksum",
    "attachment_changed": "does not match the manifest's checksum",
    "attachment_missing": "is missing from the backup",
    "file_not_in_manifest": "files its manifest does not list",
    "manifest_missing": "has no manifest.json",
    "manifest_not_json": "is not valid JSON",
    "manifest_path_escapes": "is not a path a backup may hold",
    "manifest_row_count": "table credential has",
    "manifest_table_missing": "tables differ from the manifest's",
    "manifest_revision_older": "manifest says 0005",
    "manifest_revision_unknown": "does not know",
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_a_damaged_or_changed_backup_is_refused_and_nothing_changes(
    site: Site, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    migrate(site.engine)
    load_demo(site)
    backup = make_backup(site, capsys)
    change_everything(site)
    current, current_files = contents(site.engine), files(site.attachments)

    _tamper(backup, how)
    code, _, err = run(capsys, "restore", str(backup), "--yes")

    assert code == 3, err
    assert TAMPERING[how] in err
    assert "nothing" in err.lower()
    assert contents(site.engine) == current
    assert files(site.attachments) == current_files


def test_a_file_changed_after_the_check_is_refused_and_the_files_copied_so_far_removed(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate(site.engine)
    load_demo(site)
    attach(site, PNG + b"second")
    backup = make_backup(site, capsys)
    change_everything(site)  # the folder has lost both files: both are to be copied back
    current, current_files = contents(site.engine), files(site.attachments)

    checked = ops.verify(backup)
    last = sorted(checked.attachment_files.values(), key=lambda e: e.path)[-1]
    _flip_a_byte(backup / last.path)
    with pytest.raises(ops.Refused, match="changed while restoring; nothing was changed"):
        ops.restore(backup, manifest=checked)

    assert contents(site.engine) == current
    assert files(site.attachments) == current_files


def test_attachments_that_cannot_be_replaced_after_the_database_was_are_reported(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate(site.engine)
    load_demo(site)
    [key] = files(site.attachments)
    backup = make_backup(site, capsys)
    (site.attachments / key).write_bytes(b"damaged on disk")  # to be replaced from the backup

    checked = ops.verify(backup)
    _flip_a_byte(backup / "attachments" / key)
    with pytest.raises(ops.OperationFailed, match="the database was restored but replacing"):
        ops.restore(backup, manifest=checked)


def test_a_backup_directory_that_cannot_be_created_is_reported(
    site: Site, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    migrate(site.engine)
    (tmp_path / "a-file").write_text("x")
    code, _, err = run(capsys, "backup", str(tmp_path / "a-file" / "backup"))
    assert code == 3 and "cannot create" in err


def test_restore_asks_first_and_refuses_without_an_answer(
    site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate(site.engine)
    load_demo(site)
    backup = make_backup(site, capsys)
    change_everything(site)
    current = contents(site.engine)

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal
    code, _, err = run(capsys, "restore", str(backup))
    assert code == 1 and "without --yes" in err

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("no\n"))
    code, out, _ = run(capsys, "restore", str(backup))
    assert code == 1 and "REPLACES all data" in out and "Nothing changed." in out
    assert contents(site.engine) == current

    monkeypatch.setattr("sys.stdin", Terminal("yes\n"))
    code, out, err = run(capsys, "restore", str(backup))
    assert code == 0, err
    assert contents(site.engine) != current


# --- revisions ---------------------------------------------------------------------------------


def test_a_backup_from_an_older_revision_is_restored_then_upgraded(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate(site.engine)
    load_demo(site)  # the demo is written by today's code, then the schema taken back
    migrate(site.engine, OLDER_REVISION, down=True)
    before, before_files = contents(site.engine), files(site.attachments)
    backup = make_backup(site, capsys)
    assert read_manifest(backup)["alembic_revision"] == OLDER_REVISION

    # the upgrade that follows the backup; a table it adds holds a foreign key to app_user
    migrate(site.engine, "head")
    change_everything(site)
    with site.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO external_identity (user_id, tenant_id, object_id, username, "
                "created_at) SELECT id, 't', 'o', 'u', created_at FROM app_user LIMIT 1"
            )
        )

    code, out, err = run(capsys, "restore", str(backup), "--yes")
    assert code == 0, err
    assert f"upgraded from {OLDER_REVISION} to {head()}" in out

    after = contents(site.engine)
    assert after["alembic_version"] == [{"version_num": head()}]
    for name, rows in before.items():
        if name != "alembic_version":
            # the rows as they were, and the columns later revisions added filled in
            assert [{k: r[k] for k in rows[0]} for r in after[name]] == rows if rows else True
            assert len(after[name]) == len(rows), name
    added = set(after) - set(before)
    assert added == {"external_identity", "oidc_attempt"}
    assert all(after[name] == [] for name in added)
    assert files(site.attachments) == before_files


def test_the_known_revisions_are_this_code_base_s() -> None:
    script = ScriptDirectory.from_config(Config(str(PROJECT_ROOT / "alembic.ini")))
    assert ops.known_revisions() == {r.revision for r in script.walk_revisions()}
    assert OLDER_REVISION in ops.known_revisions() and head() != OLDER_REVISION


# --- what the operator is told -----------------------------------------------------------------


def test_an_attachment_the_database_names_but_the_folder_lacks_is_reported(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate(site.engine)
    load_demo(site)
    [lost] = list(site.attachments.iterdir())
    lost.unlink()
    code, _, err = run(capsys, "backup", str(site.backups / "b"))
    assert code == 0
    assert "warning: 1 attachment files the database names were not in ATTACHMENTS_DIR" in err
    assert lost.name in err
    assert read_manifest(site.backups / "b")["missing_attachments"] == [lost.name]


def test_a_backup_of_one_kind_is_not_restored_into_the_other(
    site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    migrate(site.engine)
    backup = make_backup(site, capsys)
    other = (
        f"sqlite:///{tmp_path / 'other.db'}"
        if site.postgres
        else "postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
    configure(monkeypatch, other, site.attachments)
    code, _, err = run(capsys, "verify-backup", str(backup))
    assert code == 0, err
    code, _, err = run(capsys, "restore", str(backup), "--yes")
    assert code == 3 and "restore it into the same kind of database" in err
    assert not (tmp_path / "other.db").exists()


def test_a_missing_sqlite_database_is_reported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    configure(monkeypatch, f"sqlite:///{tmp_path / 'absent.db'}", tmp_path / "attachments")
    code, _, err = run(capsys, "backup", str(tmp_path / "b"))
    assert code == 5 and "absent.db does not exist" in err
    assert not (tmp_path / "absent.db").exists() and not (tmp_path / "b").exists()


def test_a_missing_pg_dump_is_reported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    configure(monkeypatch, "postgresql+psycopg://app@db.invalid/certportal", tmp_path / "a")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    code, _, err = run(capsys, "backup", str(tmp_path / "b"))
    assert code == 4
    assert "pg_dump was not found on PATH" in err and "postgresql-client" in err
    assert not (tmp_path / "b").exists()


def test_an_unreachable_postgresql_is_reported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The database is tried before pg_dump runs (any program named pg_dump satisfies the
    look-up here; it is never started)."""
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "pg_dump").write_text("#!/bin/sh\nexit 99\n")
    (tools / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", str(tools))
    url = "postgresql+psycopg://app:s3cret@127.0.0.1:1/certportal?connect_timeout=3"
    configure(monkeypatch, url, tmp_path / "a")
    code, _, err = run(capsys, "backup", str(tmp_path / "b"))
    assert code == 5
    assert "cannot connect to the database postgresql+psycopg://app:***@127.0.0.1:1/" in err
    assert "s3cret" not in err
    assert not (tmp_path / "b").exists()


# --- PostgreSQL: one schema, nothing else ------------------------------------------------------


@pytest.fixture
def neighbour(site: Site) -> Iterator[str]:
    """A second schema in the same database, with a table named like one of ours."""
    schema = f"n_{uuid.uuid4().hex[:12]}"
    with site.engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        connection.execute(text(f'CREATE TABLE "{schema}".app_user (id int primary key, x text)'))
        connection.execute(text(f"INSERT INTO \"{schema}\".app_user VALUES (1, 'theirs')"))
    try:
        yield schema
    finally:
        with site.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.mark.parametrize("db_url", POSTGRES_ONLY, indirect=True)
def test_postgres_backup_and_restore_touch_only_the_configured_schema(
    site: Site, neighbour: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate(site.engine)
    load_demo(site)
    before = contents(site.engine)
    backup = make_backup(site, capsys)
    own = str(read_manifest(backup)["database"]["schema"])

    listing = subprocess.run(
        ["pg_restore", "--list", str(backup / ops.POSTGRES_FILE)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    entries = [line for line in listing.splitlines() if line and not line.startswith(";")]
    assert entries and all(f" {own} " in line for line in entries)
    assert neighbour not in listing and " public " not in listing

    change_everything(site)
    schema_oid = text("SELECT oid FROM pg_namespace WHERE nspname = :s")
    with site.engine.connect() as connection:
        oid_before = connection.execute(schema_oid, {"s": own}).scalar()
    code, _, err = run(capsys, "restore", str(backup), "--yes")
    assert code == 0, err
    assert contents(site.engine) == before
    with site.engine.connect() as connection:
        theirs = connection.execute(text(f'SELECT * FROM "{neighbour}".app_user')).all()
        oid_after = connection.execute(schema_oid, {"s": own}).scalar()
    assert [tuple(r) for r in theirs] == [(1, "theirs")]
    # the schema itself was kept (with its owner and grants), only its contents replaced
    assert oid_after == oid_before

    # the same backup pointed at the neighbour schema: refused, nothing there changes
    configure(monkeypatch, site.url.replace(own, neighbour), site.attachments)
    code, _, err = run(capsys, "restore", str(backup), "--yes")
    assert code == 3 and f"the backup holds schema '{own}'" in err
    with site.engine.connect() as connection:
        again = connection.execute(text(f'SELECT * FROM "{neighbour}".app_user')).all()
    assert [tuple(r) for r in again] == [(1, "theirs")]


@pytest.mark.parametrize("db_url", POSTGRES_ONLY, indirect=True)
def test_missing_postgresql_client_programs_are_reported_before_anything_changes(
    site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    migrate(site.engine)
    load_demo(site)
    backup = make_backup(site, capsys)
    change_everything(site)
    current, current_files = contents(site.engine), files(site.attachments)
    tools = tmp_path / "only-pg-restore"
    tools.mkdir()
    pg_restore = shutil.which("pg_restore")
    assert pg_restore is not None
    (tools / "pg_restore").symlink_to(pg_restore)
    monkeypatch.setenv("PATH", str(tools))
    code, _, err = run(capsys, "restore", str(backup), "--yes")
    assert code == 4 and "psql was not found on PATH" in err
    assert contents(site.engine) == current
    assert files(site.attachments) == current_files
