"""GET /api/health: 200 when the database answers, 503 when it does not."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from certportal import db as db_module
from certportal.api.health import build_api
from certportal.settings import get_settings


def test_health_is_200_with_the_database_reachable(engine: Engine) -> None:
    response = TestClient(build_api()).get("/api/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.headers["x-frame-options"] == "DENY"


def test_health_is_503_when_the_database_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    )
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
    response = TestClient(build_api()).get("/api/health")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unreachable",
        "version": "0.1.0",
    }
