"""Backup tests load the demo organisation: cheap password hashing, as in the service tests."""

from __future__ import annotations

import pytest

from certportal.auth import passwords
from tests.service.conftest import FAST_HASHER


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_hasher", FAST_HASHER)
