"""The parts of backup/restore that need no database: URL → libpq terms, the password file, the
restore list, and what a manifest may say."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict

from certportal.ops import backup as ops


def test_a_sqlalchemy_url_becomes_libpq_terms_without_the_password() -> None:
    target = ops.pg_target(
        "postgresql+psycopg://app:p%40ss%3Aw%27rd@db.example.com:6432/cert%20portal"
        "?sslmode=verify-full&options=-csearch_path%3Dcertportal&application_name=backup"
    )
    assert conninfo_to_dict(target.conninfo) == {
        "host": "db.example.com",
        "port": "6432",
        "user": "app",
        "dbname": "cert portal",
        "sslmode": "verify-full",
        "options": "-csearch_path=certportal",
        "application_name": "backup",
    }
    assert target.password == "p@ss:w'rd"
    assert "p@ss" not in target.conninfo
    assert target.display.startswith("postgresql+psycopg://app:***@db.example.com:6432/")


def test_a_password_given_as_a_parameter_is_taken_out_too() -> None:
    target = ops.pg_target("postgresql+psycopg://app@/certportal?host=/run/postgresql&password=x")
    assert conninfo_to_dict(target.conninfo) == {
        "host": "/run/postgresql",
        "user": "app",
        "dbname": "certportal",
    }
    assert target.password == "x"


def test_no_password_leaves_libpq_its_own_ways() -> None:
    target = ops.pg_target("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    assert target.password is None
    with ops._libpq_dbname(target) as argument:
        assert argument == f"--dbname={target.conninfo}"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql+psycopg://app@db/x?no_such_option=1", "libpq does not accept"),
        ("postgresql+psycopg://app@db/x?sslmode=require&sslmode=disable", "more than once"),
        ("sqlite:///x.db", "not a PostgreSQL URL"),
    ],
)
def test_urls_libpq_could_not_use_are_refused(url: str, message: str) -> None:
    with pytest.raises(ops.Refused, match=message):
        ops.pg_target(url)


def test_the_password_travels_in_a_private_file_that_lives_only_while_a_tool_runs() -> None:
    target = ops.pg_target("postgresql+psycopg://app:a%3Ab%5Cc@db/x")
    with ops._libpq_dbname(target) as argument:
        assert argument.startswith("--dbname=")
        params = conninfo_to_dict(argument.removeprefix("--dbname="))
        assert "password" not in params and "a:b" not in argument
        passfile = Path(params["passfile"])
        assert passfile.read_text(encoding="utf-8") == "*:*:*:*:a\\:b\\\\c\n"
        assert stat.S_IMODE(passfile.stat().st_mode) == 0o600
    assert not passfile.exists()


LISTING = """;
; Archive created at 2026-12-01 15:55:39 UTC
;
; Selected TOC Entries:
;
7; 2615 17026 SCHEMA - certportal app
3447; 0 0 COMMENT - SCHEMA certportal app
3448; 0 0 ACL - SCHEMA certportal app
260; 1259 17028 TABLE certportal app_user app
259; 1259 17027 SEQUENCE certportal app_user_id_seq app
3437; 0 17028 TABLE DATA certportal app_user app
3293; 2606 17039 FK CONSTRAINT certportal team_membership tm_user_fkey app
3449; 0 0 COMMENT certportal TABLE app_user app
"""


def test_the_restore_list_leaves_the_schema_itself_alone() -> None:
    kept = [
        line
        for line in ops.schema_entries_disabled(LISTING).splitlines()
        if not line.startswith(";")
    ]
    assert kept == [
        "260; 1259 17028 TABLE certportal app_user app",
        "259; 1259 17027 SEQUENCE certportal app_user_id_seq app",
        "3437; 0 17028 TABLE DATA certportal app_user app",
        "3293; 2606 17039 FK CONSTRAINT certportal team_membership tm_user_fkey app",
        "3449; 0 0 COMMENT certportal TABLE app_user app",
    ]


def manifest_document(**over: object) -> dict[str, object]:
    document: dict[str, object] = {
        "format": "certportal-backup",
        "format_version": 1,
        "created_at": "2026-12-01T00:00:00+00:00",
        "certportal_version": "0.1.0",
        "alembic_revision": "0006",
        "database": {"kind": "sqlite", "schema": None},
        "tables": {"alembic_version": 1, "app_user": 3},
        "files": [
            {"path": "database.sqlite3", "sha256": "0" * 64, "size": 10},
            {"path": "attachments/abc", "sha256": "1" * 64, "size": 5},
        ],
        "missing_attachments": [],
    }
    document.update(over)
    return document


def test_a_manifest_reads_back_what_was_written() -> None:
    manifest = ops.Manifest.from_json(json.dumps(manifest_document()).encode())
    assert manifest.database_kind == "sqlite" and manifest.schema is None
    assert manifest.total_rows == 4
    assert set(manifest.attachment_files) == {"abc"}
    assert ops.Manifest.from_json(manifest.to_json().encode()) == manifest


@pytest.mark.parametrize(
    "path",
    [
        "../outside",
        "/etc/passwd",
        "attachments/../../outside",
        "attachments/./x",
        "attachments/",
        "attachments",
        "attachments\\..\\x",
        "database.pgdump",  # the other kind's database file
        "something-else",
    ],
)
def test_a_manifest_naming_a_path_outside_the_backup_is_refused(path: str) -> None:
    files = [
        {"path": "database.sqlite3", "sha256": "0" * 64, "size": 10},
        {"path": path, "sha256": "1" * 64, "size": 5},
    ]
    with pytest.raises(ops.Refused, match="is not a path a backup may hold"):
        ops.Manifest.from_json(json.dumps(manifest_document(files=files)).encode())


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"format": "something"}, "not the manifest of a certportal backup"),
        ({"format_version": 2}, "format version 2"),
        ({"database": {"kind": "oracle"}}, "unknown database kind"),
        ({"database": {"kind": "postgresql", "schema": ""}}, "must name its schema"),
        ({"alembic_revision": "x; drop"}, "is not an Alembic revision"),
        ({"tables": {"alembic_version": 1, 'x"; drop': 1}}, "is not a table name"),
        ({"tables": {"alembic_version": 1, "app_user": -1}}, "has no row count"),
        ({"tables": {"app_user": 1}}, "lacks alembic_version"),
        ({"files": "all of them"}, "field 'files'"),
    ],
)
def test_a_malformed_manifest_is_refused(over: dict[str, object], message: str) -> None:
    with pytest.raises(ops.Refused, match=message):
        ops.Manifest.from_json(json.dumps(manifest_document(**over)).encode())
