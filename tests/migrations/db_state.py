"""What a database holds, read without the models (they describe head, not older revisions):
every row of every table, and the schema as the database reports it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import MetaData, inspect, select
from sqlalchemy.engine import Connection, Engine

VERSION_TABLE = "alembic_version"

Rows = dict[str, dict[int, dict[str, Any]]]  # table -> id -> column -> value


def normalized(value: Any, naive_is_utc: bool = False) -> Any:
    """A value as compared: aware datetimes in UTC. SQLite keeps UTC without an offset
    (``naive_is_utc``); elsewhere a naive datetime stays naive, so a lost time zone shows."""
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            return value.replace(tzinfo=UTC) if naive_is_utc else value
        return value.astimezone(UTC)
    return value


def reflect(connection: Connection | Engine) -> MetaData:
    metadata = MetaData()
    metadata.reflect(connection)
    if VERSION_TABLE in metadata.tables:
        metadata.remove(metadata.tables[VERSION_TABLE])
    return metadata


def read_rows(engine: Engine, metadata: MetaData) -> Rows:
    """Every row of every table in ``metadata`` (reflected from this database), by id."""
    naive_is_utc = engine.dialect.name == "sqlite"
    rows: Rows = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            result = connection.execute(select(table).order_by(table.c.id)).mappings()
            rows[table.name] = {
                row["id"]: {key: normalized(value, naive_is_utc) for key, value in row.items()}
                for row in result
            }
    return rows


def schema(engine: Engine) -> dict[str, dict[str, Any]]:
    """Tables with their columns (type, nullability, default), primary key, foreign keys,
    indexes (with partial-index conditions) and unique constraints, as reflected."""
    inspector = inspect(engine)
    columns = inspector.get_multi_columns()
    primary_keys = inspector.get_multi_pk_constraint()
    foreign_keys = inspector.get_multi_foreign_keys()
    indexes = inspector.get_multi_indexes()
    uniques = inspector.get_multi_unique_constraints()
    tables: dict[str, dict[str, Any]] = {}
    for key in columns:
        name = key[1]
        if name == VERSION_TABLE:
            continue
        tables[name] = {
            "columns": {
                c["name"]: (str(c["type"]), c["nullable"], c.get("default")) for c in columns[key]
            },
            "primary_key": primary_keys[key]["constrained_columns"],
            "foreign_keys": sorted(
                (fk["constrained_columns"], fk["referred_table"], fk["referred_columns"])
                for fk in foreign_keys[key]
            ),
            "indexes": sorted(
                (
                    ix["name"] or "",
                    ix["column_names"],
                    ix["unique"],
                    sorted((k, str(v)) for k, v in ix.get("dialect_options", {}).items()),
                )
                for ix in indexes[key]
            ),
            "unique_constraints": sorted(
                (uc["name"] or "", uc["column_names"]) for uc in uniques[key]
            ),
        }
    return tables


def version_rows(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        metadata = MetaData()
        metadata.reflect(connection, only=[VERSION_TABLE])
        table = metadata.tables[VERSION_TABLE]
        return [row[0] for row in connection.execute(select(table.c.version_num))]


def differences(expected: Rows, actual: Rows) -> list[str]:
    """Human-readable differences, table by table and row by row (empty: the same)."""
    out: list[str] = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            out.append(f"table {name} is gone")
            continue
        if name not in expected:
            out.append(f"table {name} is unexpected")
            continue
        want, got = expected[name], actual[name]
        for row_id in sorted(want.keys() - got.keys()):
            out.append(f"{name} id={row_id} is lost: {want[row_id]}")
        for row_id in sorted(got.keys() - want.keys()):
            out.append(f"{name} id={row_id} is unexpected: {got[row_id]}")
        for row_id in sorted(want.keys() & got.keys()):
            w, g = want[row_id], got[row_id]
            for column in sorted(w.keys() | g.keys()):
                if column not in g:
                    out.append(f"{name} id={row_id}: column {column} is gone")
                elif column not in w:
                    out.append(f"{name} id={row_id}: column {column} is unexpected ({g[column]!r})")
                elif w[column] != g[column] or type(w[column]) is not type(g[column]):
                    out.append(
                        f"{name} id={row_id}.{column}: expected {w[column]!r}, got {g[column]!r}"
                    )
    return out
