"""Operator commands: ``python -m certportal.manage migrate | demo | demo-accounts | check``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from certportal.knowledge.loader import load_bundled
from certportal.knowledge.schema import KnowledgeError
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
