"""Row counts of every table: what a refused import must leave exactly as it was."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from certportal import db as db_module


def row_counts(session: Session) -> dict[str, int]:
    metadata = db_module.import_models().metadata
    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in metadata.sorted_tables
    }


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.exists() else set()
