"""A database that cannot be reached is a clear, translatable error, not a crash."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from certportal.db import make_engine, session_scope
from certportal.errors import CertportalError, Unavailable
from certportal.i18n.catalog import translate
from tests.e2e.server import free_port


def test_an_unreachable_postgresql_is_unavailable_with_its_cause_kept() -> None:
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere")
    with pytest.raises(Unavailable) as caught, session_scope(engine) as session:
        session.execute(text("SELECT 1"))
    assert caught.value.key == "error.database_unavailable"
    assert isinstance(caught.value, CertportalError)
    assert caught.value.__cause__ is not None
    assert translate("ja", caught.value.key) != translate("en", caught.value.key)
    engine.dispose()


def test_other_database_errors_are_not_disguised(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE once_only (k INTEGER PRIMARY KEY)"))
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.execute(text("INSERT INTO once_only (k) VALUES (1), (1)"))


def test_a_broken_session_is_rolled_back_and_the_next_one_works(engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ZeroDivisionError), session_scope(engine) as session:
        session.execute(text("SELECT 1"))
        raise ZeroDivisionError
    with session_scope(engine) as session:
        assert session.execute(text("SELECT 1")).scalar() == 1
