from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes import transcripts
from tests.fakes.learn_server import FakeLearn


@pytest.fixture
def fake_learn() -> Iterator[FakeLearn]:
    with FakeLearn() as server:
        server.transcripts["activeuser1"] = transcripts.active_user()
        yield server
