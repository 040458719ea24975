"""The scaled server refuses configurations that would lose people's place or data."""

from __future__ import annotations

import pytest

from certportal.serve import ServeError, check, environment, main
from certportal.settings import Settings

PG = "postgresql+psycopg://app@db:5432/certportal"


def test_several_workers_need_redis_and_postgresql() -> None:
    with pytest.raises(ServeError, match="REDIS_URL"):
        check(Settings(database_url=PG), 2)
    with pytest.raises(ServeError, match="SQLite"):
        check(Settings(redis_url="redis://r:6379/0"), 2)
    with pytest.raises(ServeError, match="at least 1"):
        check(Settings(), 0)
    check(Settings(database_url=PG, redis_url="redis://r:6379/0"), 4)
    check(Settings(), 1)  # one worker: the embedded default is fine


def test_the_browser_is_sent_to_the_public_address_and_workers_do_not_recompile() -> None:
    env = environment(
        Settings(database_url=PG, redis_url="redis://r:6379/0", base_url="https://cert.example.jp")
    )
    assert env["REFLEX_API_URL"] == "https://cert.example.jp"
    assert env["REFLEX_REDIS_URL"] == "redis://r:6379/0"
    assert env["__REFLEX_SKIP_COMPILE"] == "true"
    assert env["__REFLEX_MOUNT_FRONTEND_COMPILED_APP"] == "true"


def test_a_refused_configuration_exits_with_a_message(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", PG)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert main(["--workers", "3", "--skip-build"]) == 2
    assert "REDIS_URL is required" in capsys.readouterr().err
