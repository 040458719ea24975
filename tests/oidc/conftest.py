"""The OpenID provider for the sign-in tests (see ``tests/oidc/provider.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.oidc.provider import Provider, start_provider


@pytest.fixture(scope="session")
def provider() -> Iterator[Provider]:
    running = start_provider()
    yield running
    running.process.terminate()
    running.process.wait(timeout=10)
