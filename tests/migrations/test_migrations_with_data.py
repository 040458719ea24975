"""Alembic with data: every revision upgraded from its parent with rows in every table, checked,
downgraded and checked again — nothing lost but what the revision itself added — on SQLite and
PostgreSQL.

For each revision R (walked from the script directory, so a new one is covered without editing
this file): fill every table at R's parent; upgrade to R and compare every row with what was
inserted (R's new columns hold their backfill, R's new tables are empty); fill every table again,
R's new tables and columns included; downgrade to the parent and compare again (R's tables and
columns gone, nothing else; the schema exactly as before); upgrade to R again (same schema as the
first time, backfills redone) and go on. Then, from head with every table full: one downgrade to
the first revision and one upgrade back to head (several revisions in one run, as a deployment
does), and a downgrade to base that leaves only ``alembic_version``.

Rows come from ``revision_data.REVISIONS``; a revision without an entry fails the walk.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import pytest
from alembic.config import Config
from alembic.script import Script, ScriptDirectory
from sqlalchemy import MetaData
from sqlalchemy.engine import Engine

from alembic import command
from certportal.db import make_engine
from certportal.settings import PROJECT_ROOT
from tests.migrations import db_state
from tests.migrations.db_state import Rows
from tests.migrations.revision_data import REVISIONS, Batch, NewColumn, Table

Schema = dict[str, dict[str, Any]]

FIXTURE_FILE = "tests/migrations/revision_data.py"


def _revisions() -> list[Script]:
    """Base to head; the history is linear (``test_migrations`` checks there is one head)."""
    script = ScriptDirectory.from_config(Config(str(PROJECT_ROOT / "alembic.ini")))
    revisions = list(reversed(list(script.walk_revisions())))
    for revision in revisions:
        assert revision.down_revision is None or isinstance(revision.down_revision, str), (
            f"revision {revision.revision} merges branches; the data walk expects a line"
        )
    return revisions


def missing_fixtures(revision_ids: Iterable[str]) -> str:
    """The failure message for revisions without rows in the data fixture ('' when none)."""
    missing = [r for r in revision_ids if r not in REVISIONS]
    if not missing:
        return ""
    return (
        f"revision(s) {', '.join(missing)} have no data fixture: add an entry to REVISIONS in "
        f"{FIXTURE_FILE} with a row factory for every table the revision creates and a "
        "NewColumn (value for new rows, backfill for existing ones) for every column it adds"
    )


def _tables_by_name() -> dict[str, Table]:
    return {name: table for data in REVISIONS.values() for name, table in data.tables.items()}


def _columns_by_key() -> dict[tuple[str, str], NewColumn]:
    return {key: column for data in REVISIONS.values() for key, column in data.columns.items()}


class Walk:
    """One database taken up and down, with the rows it must hold at every step."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.expected: Rows = {}
        self.serial = itertools.count(1)
        self.tables = _tables_by_name()
        self.columns = _columns_by_key()
        self._schema: Schema | None = None  # of the database as it is; reset by a migration
        self._metadata: MetaData | None = None

    def schema(self) -> Schema:
        if self._schema is None:
            self._schema = db_state.schema(self.engine)
        return self._schema

    def metadata(self) -> MetaData:
        if self._metadata is None:
            self._metadata = db_state.reflect(self.engine)
        return self._metadata

    # -- migrations -------------------------------------------------------------------------

    def _alembic(self, action: str, target: str) -> None:
        with self.engine.begin() as connection:
            config = Config(str(PROJECT_ROOT / "alembic.ini"))
            config.attributes["connection"] = connection
            config.attributes["configure_logger"] = False
            getattr(command, action)(config, target)
        self._schema = self._metadata = None
        assert db_state.version_rows(self.engine) == ([] if target == "base" else [target])

    def upgrade(self, revisions: list[Script], schemas: dict[str, Schema]) -> Schema:
        """Upgrade through ``revisions`` in one run (the schemas of all but the last are known);
        rows must follow each revision's rules. Returns the schema reached."""
        before = self.schema()
        last = revisions[-1].revision
        self._alembic("upgrade", last)
        reached = self.schema()
        if last in schemas:
            assert reached == schemas[last], f"schema at {last} differs from the first upgrade"
        for revision in revisions:
            after = reached if revision is revisions[-1] else schemas[revision.revision]
            self.expected = self._expect_upgraded(revision.revision, before, after)
            before = after
        self.check(f"after upgrading to {last}")
        return reached

    def _expect_upgraded(self, revision: str, before: Schema, after: Schema) -> Rows:
        data = REVISIONS[revision]
        new_tables = after.keys() - before.keys()
        assert not before.keys() - after.keys(), (
            f"revision {revision} drops tables {sorted(before.keys() - after.keys())}: "
            "the data walk cannot say yet what happens to their rows; extend it"
        )
        assert new_tables == set(data.tables), (
            f"revision {revision} creates tables {sorted(new_tables)} but {FIXTURE_FILE} "
            f"gives rows for {sorted(data.tables)}"
        )
        new_columns = {
            (name, column)
            for name in before
            for column in after[name]["columns"].keys() - before[name]["columns"].keys()
        }
        dropped = {
            (name, column)
            for name in before
            for column in before[name]["columns"].keys() - after[name]["columns"].keys()
        }
        assert not dropped, f"revision {revision} drops columns {sorted(dropped)}; extend the walk"
        assert new_columns == set(data.columns), (
            f"revision {revision} adds columns {sorted(new_columns)} but {FIXTURE_FILE} "
            f"describes {sorted(data.columns)}"
        )
        expected: Rows = {name: {} for name in new_tables}
        for name, rows in self.expected.items():
            expected[name] = {}
            for row_id, row in rows.items():
                added = {c: data.columns[(t, c)].backfill(row) for t, c in new_columns if t == name}
                expected[name][row_id] = {**row, **added}
        return expected

    def downgrade(self, target: str, schema: Schema) -> None:
        """Downgrade to ``target``, whose schema was ``schema``: rows of its tables stay, with
        its columns."""
        self._alembic("downgrade", target)
        assert self.schema() == schema, f"schema at {target} differs after downgrade"
        self.expected = {
            name: {
                row_id: {c: v for c, v in row.items() if c in schema[name]["columns"]}
                for row_id, row in rows.items()
            }
            for name, rows in self.expected.items()
            if name in schema
        }
        self.check(f"after downgrading to {target}")

    # -- data -------------------------------------------------------------------------------

    def fill(self) -> None:
        """Insert a batch of rows into every table, parents first (foreign keys point into the
        batch, so per-person unique columns stay unique)."""
        existing = {name: list(rows) for name, rows in self.expected.items()}
        batch = Batch(self.serial, existing)
        with self.engine.begin() as connection:
            for table in self.metadata().sorted_tables:
                fixture = self.tables.get(table.name)
                assert fixture is not None, f"table {table.name} has no rows in {FIXTURE_FILE}"
                live = {c.name for c in table.columns} - {"id"}
                for i in range(fixture.count):
                    row = fixture.rows(batch, i)
                    if row is None:
                        continue
                    unknown = row.keys() - live
                    assert not unknown, (
                        f"{FIXTURE_FILE} gives {table.name} columns {sorted(unknown)} "
                        "that the live table lacks"
                    )
                    for column in sorted(live - row.keys()):
                        new_column = self.columns.get((table.name, column))
                        assert new_column is not None, (
                            f"column {table.name}.{column} has no value in {FIXTURE_FILE}"
                        )
                        row[column] = new_column.value(row)
                    values = {k: db_state.normalized(v) for k, v in row.items()}
                    result = connection.execute(table.insert().values(values))
                    inserted = result.inserted_primary_key
                    assert inserted is not None
                    row_id = int(inserted[0])
                    batch.ids.setdefault(table.name, []).append(row_id)
                    self.expected.setdefault(table.name, {})[row_id] = {"id": row_id, **values}
        self.check("right after inserting")

    def check(self, when: str) -> None:
        problems = db_state.differences(
            self.expected, db_state.read_rows(self.engine, self.metadata())
        )
        if problems:
            pytest.fail(f"{when}:\n" + "\n".join(problems[:40]), pytrace=False)


def _require_fixtures(revisions: list[Script]) -> None:
    message = missing_fixtures(r.revision for r in revisions)
    if message:
        pytest.fail(message, pytrace=False)


def test_every_revision_has_a_data_fixture() -> None:
    _require_fixtures(_revisions())


def test_a_revision_without_rows_is_named_with_what_to_add() -> None:
    message = missing_fixtures(["0001", "0999"])
    assert "0999" in message and "0001" not in message
    assert FIXTURE_FILE in message and "NewColumn" in message
    assert missing_fixtures(["0001"]) == ""


def test_every_revision_keeps_its_data_up_and_down(db_url: str) -> None:
    revisions = _revisions()
    _require_fixtures(revisions)
    engine = make_engine(db_url)
    walk = Walk(engine)
    schemas: dict[str, Schema] = {}
    base_schema: Schema = {}
    try:
        for revision in revisions:
            parent = revision.down_revision
            assert parent is None or isinstance(parent, str)
            parent_schema = base_schema if parent is None else schemas[parent]
            if parent is not None:
                walk.fill()
            schema = walk.upgrade([revision], schemas)
            walk.fill()  # R's new tables and columns too
            walk.downgrade(parent or "base", parent_schema)
            schemas[revision.revision] = schema
            assert walk.upgrade([revision], schemas) == schema

        first = revisions[0].revision
        walk.fill()
        assert all(walk.expected.values()), "at head every table holds rows"
        if len(revisions) > 1:
            walk.downgrade(first, schemas[first])
            walk.upgrade(revisions[1:], schemas)
            walk.fill()
        walk.downgrade("base", base_schema)
        assert db_state.schema(engine) == {}
        assert db_state.version_rows(engine) == []
    finally:
        engine.dispose()
