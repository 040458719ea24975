"""When a certification expires and what that means today. Pure.

Rules (sources in the knowledge base's catalog): role-based and specialty certifications are valid
one year from the date they were earned, renewable free on Learn from six months before expiry;
those earned before June 2021 were issued with two years; Fundamentals, MOS and MCE never expire.
A retired certification stays valid until it expires, or for two years when it has no expiry.
A certification is valid through its expiry date and expired from the day after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

LEGACY_BEFORE = date(2021, 6, 1)
LEGACY_YEARS = 2
RETIRED_GRACE_YEARS = 2
RENEWAL_WINDOW_MONTHS = 6
SOON_DAYS = 30


class ExpiryStatus(StrEnum):
    NEVER = "never_expires"
    ACTIVE = "active"
    RENEWAL_WINDOW = "renewal_window"
    EXPIRES_SOON = "expires_soon"
    EXPIRED = "expired"
    RETIRED = "retired"


@dataclass(frozen=True)
class Expiry:
    status: ExpiryStatus
    expires_on: date | None  # the last valid day; None when it never expires
    renewal_opens_on: date | None = None


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later (or earlier); a day the month lacks falls back to its end.
    Beyond the calendar's first or last day (a date typed or imported as year 9999), that day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def expires_on(
    earned_on: date, *, expires: bool, years: int | None, override: date | None = None
) -> date | None:
    """The expiry date: the person's own (override) first, else the rule for when it was earned."""
    if override is not None:
        return override
    if not expires:
        return None
    if earned_on < LEGACY_BEFORE:
        return add_years(earned_on, LEGACY_YEARS)
    return add_years(earned_on, years or 1)


def status(
    *,
    earned_on: date,
    today: date,
    expires: bool,
    years: int | None = None,
    retired_on: date | None = None,
    override: date | None = None,
) -> Expiry:
    end = expires_on(earned_on, expires=expires, years=years, override=override)
    if retired_on is not None and retired_on <= today:
        valid_until = end if end is not None else add_years(retired_on, RETIRED_GRACE_YEARS)
        if today > valid_until:
            return Expiry(ExpiryStatus.EXPIRED, valid_until)
        return Expiry(ExpiryStatus.RETIRED, valid_until)
    if end is None:
        return Expiry(ExpiryStatus.NEVER, None)
    opens = add_months(end, -RENEWAL_WINDOW_MONTHS)
    if today > end:
        return Expiry(ExpiryStatus.EXPIRED, end, opens)
    if (end - today) <= timedelta(days=SOON_DAYS):
        return Expiry(ExpiryStatus.EXPIRES_SOON, end, opens)
    if today >= opens:
        return Expiry(ExpiryStatus.RENEWAL_WINDOW, end, opens)
    return Expiry(ExpiryStatus.ACTIVE, end, opens)
