"""Argon2id password hashing."""

from __future__ import annotations

import pytest

from certportal.auth.passwords import hash_password, needs_rehash, verify_password

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_password(PASSWORD)


def test_hash_is_argon2id(stored: str) -> None:
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert not needs_rehash(stored)


def test_hash_is_salted(stored: str) -> None:
    assert hash_password(PASSWORD) != stored


def test_verify_right_password(stored: str) -> None:
    assert verify_password(stored, PASSWORD) is True


@pytest.mark.parametrize("attempt", ["", "Correct horse battery", PASSWORD + " ", "wrong"])
def test_verify_wrong_password(stored: str, attempt: str) -> None:
    assert verify_password(stored, attempt) is False


@pytest.mark.parametrize(
    "attempt",
    ["", PASSWORD, "certportal-timing-equaliser"],  # the last is the dummy hash's password
)
def test_verify_without_hash_is_false(attempt: str) -> None:
    assert verify_password(None, attempt) is False


@pytest.mark.parametrize(
    "garbage",
    [
        "not-a-hash",
        "$argon2id$v=19$m=65536,t=3,p=4$broken",
        "$2b$12$abcdefghijklmnopqrstuuOqJ6aWJmzUeKsAkHvmvxEo6vXW2hPu",  # bcrypt, unsupported
    ],
)
def test_verify_garbage_hash_is_false(garbage: str) -> None:
    assert verify_password(garbage, PASSWORD) is False
