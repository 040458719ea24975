"""The transcript client against a real local HTTP server standing in for Learn: each status, a
slow answer, oversized answers, redirects, no mocks."""

from __future__ import annotations

import socket

import pytest

from certportal.learn import errors
from certportal.learn.client import USER_AGENT, fetch_transcript
from tests.fakes.learn_server import FakeLearn


def link(share: str) -> str:
    return f"https://learn.microsoft.com/en-us/users/jane-doe/transcript/{share}"


def test_a_shared_transcript_is_read(fake_learn: FakeLearn) -> None:
    t = fetch_transcript(link("activeuser1"), api_base=fake_learn.base_url)
    assert t.user_name == "jane-doe" and len(t.certifications) == 4
    ((path, headers),) = fake_learn.requests
    assert path == "/api/profiles/transcript/share/activeuser1?locale=en-us"
    assert headers["user-agent"] == USER_AGENT
    assert headers["accept"] == "application/json"


@pytest.mark.parametrize(
    ("share", "error", "key"),
    [
        ("status404", errors.NotShared, "learn.error.not_found"),
        ("unknownid9", errors.NotShared, "learn.error.not_found"),
        ("status403", errors.Refused, "learn.error.refused"),
        ("status429", errors.Refused, "learn.error.refused"),
        ("status500", errors.Unavailable, "learn.error.unavailable"),
        ("status503", errors.Unavailable, "learn.error.unavailable"),
        ("notjson", errors.NotATranscript, "learn.error.not_transcript"),
        ("jsonlist", errors.NotATranscript, "learn.error.not_transcript"),
        ("oversized", errors.TooLarge, "learn.error.too_large"),
        ("oversizedchunked", errors.TooLarge, "learn.error.too_large"),
        ("redirectoff", errors.RedirectRefused, "learn.error.redirect"),
        ("redirectloop", errors.RedirectRefused, "learn.error.redirect"),
    ],
)
def test_failures_are_named(
    fake_learn: FakeLearn, share: str, error: type[errors.LearnError], key: str
) -> None:
    with pytest.raises(error) as caught:
        fetch_transcript(link(share), api_base=fake_learn.base_url)
    assert caught.value.key == key


def test_a_redirect_on_the_same_host_is_followed(fake_learn: FakeLearn) -> None:
    t = fetch_transcript(link("redirectsame"), api_base=fake_learn.base_url)
    assert t.user_name == "jane-doe"
    assert [p for p, _ in fake_learn.requests][-1].startswith(
        "/api/profiles/transcript/share/activeuser1"
    )


def test_a_redirect_off_host_is_not_followed(fake_learn: FakeLearn) -> None:
    with pytest.raises(errors.RedirectRefused):
        fetch_transcript(link("redirectoff"), api_base=fake_learn.base_url)
    assert len(fake_learn.requests) == 1  # the other host was never asked


def test_a_slow_answer_times_out(fake_learn: FakeLearn) -> None:
    fake_learn.slow_seconds = 2.0
    with pytest.raises(errors.TimedOut) as caught:
        fetch_transcript(link("slowanswer"), api_base=fake_learn.base_url, timeout=0.3)
    assert caught.value.key == "learn.error.timeout"


def test_a_small_limit_refuses_a_normal_answer(fake_learn: FakeLearn) -> None:
    with pytest.raises(errors.TooLarge):
        fetch_transcript(link("activeuser1"), api_base=fake_learn.base_url, max_bytes=100)


def test_a_link_to_another_host_is_refused_before_any_request(fake_learn: FakeLearn) -> None:
    with pytest.raises(errors.LinkInvalid):
        fetch_transcript(
            "https://evil.example.com/en-us/users/x/transcript/activeuser1",
            api_base=fake_learn.base_url,
        )
    assert fake_learn.requests == []


def test_nobody_listening_is_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens there
    with pytest.raises(errors.Unavailable):
        fetch_transcript(link("activeuser1"), api_base=f"http://127.0.0.1:{port}", timeout=2)
