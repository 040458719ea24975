"""Hypothesis profiles for the fuzz tests, and what the database-backed ones share.

Two profiles: ``fuzz-short`` (the default, what ``make test`` runs: about a hundred examples for a
pure test, a few dozen for one on the database, about a minute for all of them) and ``fuzz-long``
(``make fuzz``, or ``CERTPORTAL_FUZZ=long``: 10,000 examples a test). Both are derandomized and
keep no example database, so a run is the same on every machine; a failure prints the smallest
input it found.
"""

from __future__ import annotations

import os

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, settings

from certportal.auth import passwords

LONG = os.environ.get("CERTPORTAL_FUZZ", "short") == "long"
LONG_EXAMPLES = 10_000

# big generated inputs (huge strings, whole documents) are the point here, not a mistake
QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]

settings.register_profile(
    "fuzz-short",
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=QUIET,
)
settings.register_profile(
    "fuzz-long",
    max_examples=LONG_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=QUIET,
)
settings.load_profile("fuzz-long" if LONG else "fuzz-short")


def examples(short: int) -> settings:
    """Per-test settings: ``short`` examples in the short profile, the long profile's 10,000
    otherwise (a database test is slower than a pure one, so it gets fewer in the short run)."""
    return settings() if LONG else settings(max_examples=short)


def db_examples(short: int) -> settings:
    """For tests that take the database fixtures and reset the database after every example
    (a rollback, checked with row counts): the function-scoped fixture warning does not apply."""
    return settings(
        examples(short), suppress_health_check=[*QUIET, HealthCheck.function_scoped_fixture]
    )


FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports and sign-ups hash a password per example: cheap Argon2id parameters (the real
    ones are tested in tests/unit/test_passwords.py); every code path stays the same."""
    monkeypatch.setattr(passwords, "_hasher", FAST_HASHER)
