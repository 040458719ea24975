"""Service tests hash many passwords: use cheap Argon2id parameters to keep them fast.

The real parameters are exercised by ``tests/unit/test_passwords.py``; here only the cost changes
(still Argon2id, still salted), so every code path stays the same.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from certportal.auth import passwords

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_hasher", FAST_HASHER)
