"""Operator commands: ``python -m certportal.manage migrate | demo | demo-accounts | check |
import-my-data | backup | verify-backup | restore``.

Exit codes: 0 done, 1 not done (e.g. a restore not confirmed), 2 configuration refused; backup and
restore also 3 refused (target not empty, backup damaged, changed or from a newer version),
4 a PostgreSQL client program missing, 5 database unreachable, 6 failed part-way.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from certportal.knowledge.loader import load_bundled
from certportal.knowledge.schema import KnowledgeError
from certportal.ops import backup as ops_backup
from certportal.settings import PROJECT_ROOT, SettingsError, get_settings


def migrate(revision: str = "head") -> None:
    """Apply Alembic migrations (the same as ``alembic upgrade head``)."""
    from alembic.config import Config

    from alembic import command

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    command.upgrade(config, revision)


def print_demo_sign_ins() -> None:
    from certportal.demo.seed import DEMO_PASSWORD, PEOPLE

    print(f"Demo sign-ins (password for all: {DEMO_PASSWORD})")
    for person in PEOPLE:
        print(f"  {person.role.value:<7} {person.email:<45} {person.display_name}")


def demo(*, if_empty: bool, reset: bool) -> int:
    from certportal.db import session_scope
    from certportal.demo import seed

    with session_scope() as session:
        if reset:
            seed.wipe(session)
        elif not seed.is_empty(session):
            if if_empty:
                print("Database already has accounts: demo data not loaded.")
                return 0
            print("Database already has accounts; use --reset to replace them.", file=sys.stderr)
            return 1
        count = seed.load(session)
    print(f"Loaded demo organisation: {count} people in {len(seed.TEAMS)} teams.")
    return 0


def import_my_data(path: str) -> int:
    """Create the person of a my-data file; prints their one-time initial password."""
    import secrets

    from certportal.db import session_scope
    from certportal.errors import CertportalError
    from certportal.i18n.catalog import translate
    from certportal.mydata import service as mydata

    password = secrets.token_urlsafe(12)
    try:
        content = Path(path).read_bytes()
        with session_scope() as session:
            user = mydata.import_document(session, content=content, password=password)
            email = user.email
    except OSError as exc:
        print(f"certportal: cannot read {path}: {exc}", file=sys.stderr)
        return 1
    except CertportalError as exc:
        reason = translate("en", exc.key, **exc.params)
        print(f"certportal: not imported: {reason}", file=sys.stderr)
        return 1
    print(f"imported {email}; initial password (give it to them safely): {password}")
    return 0


def _size(count: int) -> str:
    value = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{count} bytes"  # pragma: no cover - the loop returns


def _describe(manifest: ops_backup.Manifest) -> str:
    place = manifest.database_kind + (f" schema {manifest.schema}" if manifest.schema else "")
    attachments = manifest.attachment_files
    size = sum(entry.size for entry in attachments.values())
    return (
        f"{place} at revision {manifest.alembic_revision}, {len(manifest.tables)} tables, "
        f"{manifest.total_rows:,} rows; {len(attachments)} attachment files ({_size(size)}); "
        f"made {manifest.created_at} by certportal {manifest.certportal_version}"
    )


def backup(directory: str) -> int:
    try:
        manifest = ops_backup.backup(Path(directory))
    except ops_backup.BackupError as exc:
        print(f"certportal: backup not written: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"backup written to {directory}: {_describe(manifest)}")
    if manifest.missing_attachments:
        print(
            f"warning: {len(manifest.missing_attachments)} attachment files the database names "
            f"were not in ATTACHMENTS_DIR (deleted while the backup ran, or lost before): "
            f"{', '.join(manifest.missing_attachments[:5])}",
            file=sys.stderr,
        )
    return 0


def verify_backup(directory: str) -> int:
    try:
        manifest = ops_backup.verify(Path(directory))
    except ops_backup.BackupError as exc:
        print(f"certportal: backup refused: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"backup OK: {_describe(manifest)}")
    return 0


def restore(directory: str, *, yes: bool) -> int:
    settings = get_settings()
    try:
        manifest = ops_backup.verify(Path(directory))
    except ops_backup.BackupError as exc:
        print(f"certportal: backup refused, nothing changed: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"backup: {_describe(manifest)}")
    if not yes:
        target = make_url(settings.database_url).render_as_string(hide_password=True)
        if not sys.stdin.isatty():
            print("Refusing to restore without --yes when not interactive.", file=sys.stderr)
            return 1
        answer = input(
            f"This REPLACES all data in {target} and every file in {settings.attachments_dir}. "
            "Stop certportal first. Type 'yes' to restore: "
        )
        if answer.strip().lower() != "yes":
            print("Nothing changed.")
            return 1
    try:
        result = ops_backup.restore(Path(directory), manifest=manifest)
    except ops_backup.BackupError as exc:
        print(f"certportal: restore failed: {exc}", file=sys.stderr)
        return exc.exit_code
    upgraded = (
        f", upgraded from {manifest.alembic_revision} to {result.revision}"
        if result.revision != manifest.alembic_revision
        else ""
    )
    print(
        f"restored {manifest.total_rows:,} rows (row counts checked){upgraded}; attachments: "
        f"{result.files_written} files written, {result.files_removed} removed"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m certportal.manage")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("check", help="validate settings and the shipped knowledge base, then exit")
    sub.add_parser("demo-accounts", help="print the demo sign-ins")
    demo_parser = sub.add_parser("demo", help="load the demo organisation")
    group = demo_parser.add_mutually_exclusive_group()
    group.add_argument("--if-empty", action="store_true", help="only if there are no accounts")
    group.add_argument("--reset", action="store_true", help="DELETE ALL DATA, then load the demo")
    demo_parser.add_argument("--yes", action="store_true", help="do not ask before --reset")
    import_parser = sub.add_parser(
        "import-my-data", help="create a person from their exported my-data JSON file"
    )
    import_parser.add_argument("file", help="the JSON file the person downloaded")
    backup_parser = sub.add_parser(
        "backup", help="write the database, the attachments and a manifest into a new directory"
    )
    backup_parser.add_argument("directory", help="a directory that does not exist or is empty")
    verify_parser = sub.add_parser(
        "verify-backup", help="check a backup's manifest and checksums (changes nothing)"
    )
    verify_parser.add_argument("directory")
    restore_parser = sub.add_parser(
        "restore", help="REPLACE the database and the attachments with a backup"
    )
    restore_parser.add_argument("directory")
    restore_parser.add_argument("--yes", action="store_true", help="do not ask first")
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except (SettingsError, ValueError) as exc:
        print(f"certportal: configuration refused: {exc}", file=sys.stderr)
        return 2
    if args.command == "check":
        print(f"settings OK ({settings.certportal_env}, {settings.database_url.split(':')[0]})")
        try:
            bundle = load_bundled()
        except KnowledgeError as exc:
            print("certportal: shipped knowledge base refused:", file=sys.stderr)
            for line in exc.lines():
                print(f"  {line}", file=sys.stderr)
            return 2
        print(
            f"knowledge OK ({len(bundle.catalog.certifications)} certifications, "
            f"{len(bundle.linkage.questions)} questions, {len(bundle.linkage.outcomes)} outcomes)"
        )
        return 0
    if args.command == "migrate":
        migrate()
        return 0
    if args.command == "demo-accounts":
        print_demo_sign_ins()
        return 0
    if args.command == "import-my-data":
        return import_my_data(args.file)
    if args.command == "backup":
        return backup(args.directory)
    if args.command == "verify-backup":
        return verify_backup(args.directory)
    if args.command == "restore":
        return restore(args.directory, yes=args.yes)
    if args.reset and not args.yes:
        target = settings.database_url
        if sys.stdin.isatty():
            answer = input(f"Delete ALL data in {target} and load the demo? Type 'yes': ")
            if answer.strip().lower() != "yes":
                print("Nothing changed.")
                return 1
        else:
            print("Refusing --reset without --yes when not interactive.", file=sys.stderr)
            return 1
    return demo(if_empty=args.if_empty, reset=args.reset)


if __name__ == "__main__":
    sys.exit(main())
