"""Expiry rules on every boundary: same day, leap day, legacy two-year validity, retirement."""

from __future__ import annotations

from datetime import date

import pytest

from certportal.credentials.expiry import ExpiryStatus, add_months, expires_on, status

S = ExpiryStatus


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 8, 31), -6, date(2025, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
    ],
)
def test_add_months_clamps_to_the_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_add_months_stops_at_the_ends_of_the_calendar() -> None:
    # a transcript or an import can carry a date in year 9999: its expiry must not crash
    assert add_months(date(9999, 12, 31), 12) == date.max
    assert add_months(date(9999, 6, 30), 7) == date.max
    assert add_months(date(1, 3, 1), -6) == date.min
    assert expires_on(date(9999, 12, 31), expires=True, years=1) == date.max
    assert status(earned_on=date(9999, 12, 31), today=date(2026, 11, 23), expires=True).status is (
        S.ACTIVE
    )


@pytest.mark.parametrize(
    ("earned", "expected"),
    [
        (date(2021, 6, 1), date(2022, 6, 1)),  # first day of one-year validity
        (date(2021, 5, 31), date(2023, 5, 31)),  # last day of the two-year era
        (date(2020, 2, 29), date(2022, 2, 28)),  # legacy leap day
        (date(2024, 2, 29), date(2025, 2, 28)),  # leap day, one year
    ],
)
def test_expiry_date_by_era(earned: date, expected: date) -> None:
    assert expires_on(earned, expires=True, years=1) == expected


def test_own_expiry_date_wins_over_the_rule() -> None:
    assert expires_on(date(2024, 1, 1), expires=True, years=1, override=date(2025, 7, 1)) == date(
        2025, 7, 1
    )


# AZ-104 style: earned 2025-03-10, expires 2026-03-10, renewal opens 2025-09-10,
# "expires soon" from 2026-02-08
EARNED = date(2025, 3, 10)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 9, 9), S.ACTIVE),
        (date(2025, 9, 10), S.RENEWAL_WINDOW),  # window opens on the day, six months before
        (date(2026, 2, 7), S.RENEWAL_WINDOW),
        (date(2026, 2, 8), S.EXPIRES_SOON),  # 30 days left
        (date(2026, 3, 10), S.EXPIRES_SOON),  # the expiry day is still valid
        (date(2026, 3, 11), S.EXPIRED),
    ],
)
def test_role_based_certification_boundaries(today: date, expected: ExpiryStatus) -> None:
    result = status(earned_on=EARNED, today=today, expires=True, years=1)
    assert result.status is expected
    assert result.expires_on == date(2026, 3, 10)
    assert result.renewal_opens_on == date(2025, 9, 10)


def test_never_expires() -> None:
    result = status(earned_on=date(2015, 1, 1), today=date(2026, 11, 23), expires=False)
    assert result.status is S.NEVER and result.expires_on is None


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 5, 30), S.ACTIVE),  # before retirement
        (date(2025, 5, 31), S.RETIRED),  # retired on the day, still valid
        (date(2026, 3, 10), S.RETIRED),
        (date(2026, 3, 11), S.EXPIRED),  # its own expiry still applies
    ],
)
def test_retired_certification_stays_valid_until_it_expires(
    today: date, expected: ExpiryStatus
) -> None:
    result = status(
        earned_on=EARNED, today=today, expires=True, years=1, retired_on=date(2025, 5, 31)
    )
    assert result.status is expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 5, 31), S.RETIRED),  # two years after retirement, the last valid day
        (date(2027, 6, 1), S.EXPIRED),
    ],
)
def test_retired_without_expiry_stays_two_years(today: date, expected: ExpiryStatus) -> None:
    result = status(
        earned_on=date(2020, 1, 1), today=today, expires=False, retired_on=date(2025, 5, 31)
    )
    assert result.status is expected
    assert result.expires_on == date(2027, 5, 31)
