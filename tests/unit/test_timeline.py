"""The timeline merge (order, filters, future events) and relative dates in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from certportal.timeline.merge import Event, merge, relative

TODAY = date(2026, 12, 1)


def ev(key: str, day: date, at: datetime | None = None, **over: object) -> Event:
    return Event(
        key=key,
        source="case",
        kind="case.note",
        day=day,
        title={"ja": key, "en": key},
        at=at,
        **over,
    )  # type: ignore[arg-type]


def test_newest_first_across_sources() -> None:
    credentials = [ev("added", date(2026, 1, 10)), ev("expired", date(2026, 11, 2))]
    diagnoses = [ev("diagnosis", date(2026, 6, 1), datetime(2026, 6, 1, 3, tzinfo=UTC))]
    cases = [ev("reply", date(2026, 11, 20)), ev("opened", date(2026, 5, 31))]
    merged = merge([credentials, diagnoses, cases], today=TODAY)
    assert [e.key for e in merged] == ["reply", "expired", "diagnosis", "opened", "added"]


def test_same_day_timed_events_by_time_then_day_only_events() -> None:
    day = date(2026, 11, 30)
    merged = merge(
        [
            [ev("day-only", day)],
            [ev("morning", day, datetime(2026, 11, 30, 1, tzinfo=UTC))],
            [ev("evening", day, datetime(2026, 11, 30, 12, tzinfo=UTC))],
        ],
        today=TODAY,
    )
    assert [e.key for e in merged] == ["evening", "morning", "day-only"]


def test_the_order_does_not_depend_on_the_sources_order() -> None:
    day = date(2026, 11, 30)
    a, b = [ev("a", day)], [ev("b", day)]
    assert [e.key for e in merge([a, b], today=TODAY)] == [
        e.key for e in merge([b, a], today=TODAY)
    ]


def test_future_events_and_duplicates_are_left_out() -> None:
    merged = merge([[ev("soon", date(2026, 12, 2)), ev("x", TODAY)], [ev("x", TODAY)]], today=TODAY)
    assert [e.key for e in merged] == ["x"]


def test_filter_by_credential_or_case() -> None:
    events = [
        ev("c1", date(2026, 1, 1), credential_ids=frozenset({1})),
        ev("c2", date(2026, 1, 2), credential_ids=frozenset({2})),
        ev("case7", date(2026, 1, 3), case_id=7, credential_ids=frozenset({1})),
        ev("case8", date(2026, 1, 4), case_id=8),
    ]
    assert [e.key for e in merge([events], today=TODAY, credential_id=1)] == ["case7", "c1"]
    assert [e.key for e in merge([events], today=TODAY, case_id=8)] == ["case8"]
    assert merge([events], today=TODAY, case_id=99) == []


@pytest.mark.parametrize(
    ("day", "ja", "en"),
    [
        (date(2026, 12, 1), "今日", "today"),
        (date(2026, 11, 30), "昨日", "yesterday"),
        (date(2026, 11, 28), "3日前", "3 days ago"),
        (date(2026, 10, 18), "44日前", "44 days ago"),
        (date(2026, 10, 1), "2か月前", "2 months ago"),
        (date(2025, 12, 1), "1年前", "1 year ago"),
        (date(2023, 6, 1), "3年前", "3 years ago"),
        (date(2026, 12, 2), "明日", "tomorrow"),
        (date(2026, 12, 5), "4日後", "in 4 days"),
    ],
)
def test_relative_dates(day: date, ja: str, en: str) -> None:
    assert relative(day, TODAY, "ja") == ja
    assert relative(day, TODAY, "en") == en


def test_relative_time_today() -> None:
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert (
        relative(TODAY, TODAY, "en", at=datetime(2026, 12, 1, 9, 59, 30, tzinfo=UTC), now=now)
        == "just now"
    )
    assert (
        relative(TODAY, TODAY, "en", at=datetime(2026, 12, 1, 9, 55, tzinfo=UTC), now=now)
        == "5 minutes ago"
    )
    assert (
        relative(TODAY, TODAY, "ja", at=datetime(2026, 12, 1, 7, 0, tzinfo=UTC), now=now)
        == "3時間前"
    )
    assert relative(TODAY, TODAY, "en", at=datetime(2026, 12, 1, 9, 0), now=now) == "1 hour ago"
