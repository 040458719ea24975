"""Locale negotiation, message lookup and per-locale formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from certportal.i18n.catalog import (
    LOCALES,
    locale_from_accept_language,
    messages,
    normalize_locale,
    translate,
)
from certportal.i18n.formatting import format_date, format_datetime, format_number


@pytest.mark.parametrize(
    ("header", "default", "expected"),
    [
        ("ja-JP,ja;q=0.9,en;q=0.8", "en", "ja"),
        ("en-US,en;q=0.9", "ja", "en"),
        ("fr-FR", "ja", "ja"),
        ("fr-FR", "en", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "ja", "en"),
        ("en;q=0.5, ja;q=0.9", "en", "ja"),
        ("en;q=0.5,ja", "en", "ja"),  # no q means 1.0
        ("ja, en", "en", "ja"),  # equal quality: header order decides
        ("en, ja", "ja", "en"),
        ("EN-gb", "ja", "en"),
        ("", "ja", "ja"),
        ("", "en", "en"),
        (None, "en", "en"),
        (" , ,", "ja", "ja"),
        ("ja;q=0", "en", "en"),  # q=0: not acceptable
        ("ja;q=0, en;q=0.1", "ja", "en"),
        ("ja;q=0.0,fr", "en", "en"),
        ("ja;q=abc, en;q=0.2", "ja", "en"),  # unreadable quality counts as 0
        ("jav, eng", "ja", "ja"),  # prefixes that are not our languages
        ("*", "en", "en"),
    ],
)
def test_locale_from_accept_language(header: str | None, default: str, expected: str) -> None:
    assert locale_from_accept_language(header, default) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ja", "ja"),
        ("JA", "ja"),
        (" en ", "en"),
        ("ja-JP", "ja"),
        ("en_US", "en"),
        ("fr", "default"),
        ("jav", "default"),
        ("", "default"),
        (None, "default"),
    ],
)
def test_normalize_locale(value: str | None, expected: str) -> None:
    assert normalize_locale(value, "default") == expected


def test_catalogs_have_the_same_keys() -> None:
    assert LOCALES == ("ja", "en")
    assert set(messages("ja")) == set(messages("en"))
    assert all(v.strip() for locale in LOCALES for v in messages(locale).values())


def test_translate_with_params() -> None:
    assert translate("en", "error.password_too_short", min=10) == (
        "The password needs at least 10 characters."
    )
    ja = translate("ja", "error.too_many_attempts", seconds=31)
    assert "31" in ja
    assert ja != translate("en", "error.too_many_attempts", seconds=31)
    assert "{seconds}" not in ja


def test_translate_unknown_key_returns_key() -> None:
    assert translate("en", "no.such.key") == "no.such.key"
    assert translate("ja", "no.such.key", x=1) == "no.such.key"


def test_translate_unknown_locale_falls_back_to_english() -> None:
    assert translate("fr", "error.bad_credentials") == translate("en", "error.bad_credentials")
    assert translate("en", "error.bad_credentials") == "Email or password is wrong."


def test_translate_missing_param_leaves_placeholder() -> None:
    assert translate("en", "error.too_long", wrong=1) == "Use at most {max} characters."


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (date(2026, 11, 23), "ja", "2026年11月23日"),
        (date(2026, 11, 23), "en", "Nov 23, 2026"),
        (date(2026, 1, 5), "ja", "2026年1月5日"),
        (date(2026, 1, 5), "en", "Jan 5, 2026"),
        (date(2026, 12, 31), "en", "Dec 31, 2026"),
        (None, "ja", "—"),
        (None, "en", "—"),
        # An aware datetime is converted first: 20:00 UTC is the next day in Japan.
        (datetime(2026, 11, 23, 20, 0, tzinfo=UTC), "ja", "2026年11月24日"),
        (datetime(2026, 11, 23, 20, 0, tzinfo=UTC), "en", "Nov 23, 2026"),
    ],
)
def test_format_date(value: date | None, locale: str, expected: str) -> None:
    assert format_date(value, locale) == expected


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (datetime(2026, 11, 23, 20, 0, tzinfo=UTC), "ja", "2026年11月24日 05:00"),
        (datetime(2026, 11, 23, 20, 0, tzinfo=UTC), "en", "Nov 23, 2026 20:00 UTC"),
        (datetime(2026, 11, 23, 14, 59, tzinfo=UTC), "ja", "2026年11月23日 23:59"),
        (datetime(2026, 11, 23, 15, 0, tzinfo=UTC), "ja", "2026年11月24日 00:00"),
        (datetime(2026, 12, 31, 15, 30, tzinfo=UTC), "ja", "2027年1月1日 00:30"),
        # Naive values are taken as UTC.
        (datetime(2026, 11, 23, 20, 0), "ja", "2026年11月24日 05:00"),
        (datetime(2026, 11, 23, 20, 0), "en", "Nov 23, 2026 20:00 UTC"),
        # Other offsets are converted.
        (
            datetime(2026, 11, 24, 5, 0, tzinfo=timezone(timedelta(hours=9))),
            "en",
            "Nov 23, 2026 20:00 UTC",
        ),
        (None, "en", "—"),
    ],
)
def test_format_datetime(value: datetime | None, locale: str, expected: str) -> None:
    assert format_datetime(value, locale) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1000, 0, "1,000"),
        (1234567, 0, "1,234,567"),
        (-1234, 0, "-1,234"),
        (1234.5, 2, "1,234.50"),
        (0.125, 1, "0.1"),
    ],
)
@pytest.mark.parametrize("locale", ["ja", "en"])
def test_format_number(value: float, decimals: int, expected: str, locale: str) -> None:
    assert format_number(value, locale, decimals=decimals) == expected
