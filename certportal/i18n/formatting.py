"""Dates and numbers per locale (pure). Japanese: 2026年11月23日; English: Nov 23, 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Japan does not observe daylight saving time, so a fixed offset is exact.
_JST = timezone(timedelta(hours=9))


def _local(value: datetime, locale: str) -> datetime:
    """Japanese users see JST; English users see UTC (labelled). Naive values are UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(_JST if locale == "ja" else UTC)


def format_date(value: date | datetime | None, locale: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = _local(value, locale).date()
    if locale == "ja":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{_EN_MONTHS[value.month - 1]} {value.day}, {value.year}"


def format_datetime(value: datetime | None, locale: str) -> str:
    if value is None:
        return "—"
    local = _local(value, locale)
    if locale == "ja":
        return f"{format_date(local.date(), locale)} {local:%H:%M}"
    return f"{format_date(local.date(), locale)} {local:%H:%M} UTC"


def format_number(value: float, locale: str, *, decimals: int = 0) -> str:
    # Both locales group thousands with commas and use a dot for decimals.
    del locale
    return f"{value:,.{decimals}f}"


def local_today(locale: str, now: datetime | None = None) -> date:
    """Today's date where the person is: JST for Japanese, UTC otherwise."""
    return _local(now or datetime.now(UTC), locale).date()
