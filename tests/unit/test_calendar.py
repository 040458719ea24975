"""The calendar feed: valid RFC 5545 from icalendar, parsed back; titles in the language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest

from certportal.credentials import calendar, rules
from certportal.credentials.rules import CatalogEntry, CredentialData, Row
from certportal.knowledge.loader import load_bundled

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalog() -> dict[str, CatalogEntry]:
    return rules.catalog_entries(load_bundled().catalog)


def row(
    catalog: dict[str, CatalogEntry], rid: int, cert: str, earned: date, locale: str = "en"
) -> Row:
    data = CredentialData(certification_id=cert, earned_on=earned)
    entry = catalog[cert]
    return Row(rid, data, entry.name(locale), entry.level, rules.status_of(data, entry, TODAY))


def parsed(body: bytes) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    assert str(cal["PRODID"]) == calendar.PRODID and str(cal["VERSION"]) == "2.0"
    return list(cal.walk("VEVENT"))


def test_an_expiring_credential_has_renewal_and_expiry_events(
    catalog: dict[str, CatalogEntry],
) -> None:
    rows = [
        row(catalog, 7, "AZ-104", date(2026, 3, 1)),
        row(catalog, 8, "AZ-900", date(2024, 2, 10)),
    ]
    events = calendar.credential_events(
        rows, locale="en", base_url="https://cp.example", today=TODAY
    )
    body = calendar.build_calendar(events, name="certportal", now=NOW)
    got = parsed(body)
    assert [(str(e["SUMMARY"]), e["DTSTART"].dt) for e in got] == [
        (
            "Renewal window opens: AZ-104 Microsoft Certified: Azure Administrator Associate",
            date(2026, 9, 1),
        ),
        ("Expires: AZ-104 Microsoft Certified: Azure Administrator Associate", date(2027, 3, 1)),
    ]  # AZ-900 never expires: nothing
    for e in got:
        assert type(e["DTSTART"].dt) is date and e["DTEND"].dt == e["DTSTART"].dt.replace(
            day=e["DTSTART"].dt.day + 1
        )
        assert e["DTSTAMP"].dt == NOW
        assert str(e["URL"]) == "https://cp.example/credentials/7"
    assert len({str(e["UID"]) for e in got}) == 2


def test_titles_follow_the_language(catalog: dict[str, CatalogEntry]) -> None:
    rows = [row(catalog, 1, "AZ-104", date(2026, 3, 1), "ja")]
    events = calendar.credential_events(
        rows, locale="ja", base_url="https://cp.example", today=TODAY
    )
    titles = [str(e["SUMMARY"]) for e in parsed(calendar.build_calendar(events, name="x", now=NOW))]
    assert titles == [
        "更新期間の開始: AZ-104 Microsoft 認定: Azure Administrator Associate",
        "有効期限: AZ-104 Microsoft 認定: Azure Administrator Associate",
    ]


def test_old_expired_events_drop_out(catalog: dict[str, CatalogEntry]) -> None:
    recent = row(catalog, 1, "AZ-104", date(2025, 3, 1))  # expired 2026-03-01: kept
    old = row(catalog, 2, "AZ-500", date(2024, 6, 1))  # expired 2025-06-01: more than a year ago
    events = calendar.credential_events([recent, old], locale="en", base_url="", today=TODAY)
    assert [e.uid for e in events] == [
        "credential-1-expiry@certportal"
    ]  # its window opened >1y ago


def test_an_empty_calendar_is_valid() -> None:
    assert parsed(calendar.build_calendar([], name="certportal", now=NOW)) == []
