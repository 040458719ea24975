"""Alembic: upgrade from empty, downgrade to empty, and no drift between models and migrations."""

from __future__ import annotations

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from alembic import command
from certportal.db import import_models, make_engine
from certportal.settings import PROJECT_ROOT

EXPECTED_TABLES = {
    "app_user",
    "login_session",
    "sign_in_failure",
    "team",
    "team_membership",
    "audit_entry",
}


def _config(connection: object) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["connection"] = connection
    config.attributes["configure_logger"] = False
    return config


def test_one_head_and_a_linear_history() -> None:
    script = ScriptDirectory.from_config(Config(str(PROJECT_ROOT / "alembic.ini")))
    assert len(script.get_heads()) == 1
    for revision in script.walk_revisions():
        assert revision.doc, f"revision {revision.revision} has no description"


def test_upgrade_from_empty_then_no_drift_then_downgrade(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")
    assert set(inspect(engine).get_table_names()) >= EXPECTED_TABLES
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        diff = compare_metadata(context, import_models().metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    with engine.begin() as connection:
        command.downgrade(_config(connection), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_plain_alembic_cli_upgrades_the_configured_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=PROJECT_ROOT,
        env={"DATABASE_URL": url, "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    engine = make_engine(url)
    assert set(inspect(engine).get_table_names()) >= EXPECTED_TABLES
    engine.dispose()


def test_importing_the_app_modules_does_not_touch_the_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'untouched.db'}"
    code = (
        "import certportal.db, certportal.auth.service, certportal.teams.service, "
        "certportal.manage, certportal.demo.seed"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env={"DATABASE_URL": url, "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "untouched.db").exists()
