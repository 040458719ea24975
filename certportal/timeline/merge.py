"""Merge events from several sources into one stream (pure), and say when in words.

An event happened on a ``day`` (in the person's time zone) and, when the moment is known, at a
time ``at`` (UTC). Newest first: by day, then timed events by time, then day-only events (a
renewal window that opened, a reply dated by the person), then a stable key so the order never
depends on the sources' order. Events after today (an expiry still to come) are not history and
are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

L = dict[str, str]
_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Event:
    key: str  # unique and stable: "case-event-12", "credential-3-expired"
    source: str  # credential, diagnosis, case
    kind: str  # message key suffix, e.g. "credential.added", "case.reply_received"
    day: date
    title: L
    detail: L = field(default_factory=dict)
    at: datetime | None = None
    href: str = ""
    credential_ids: frozenset[int] = frozenset()
    case_id: int | None = None


def _sort_key(event: Event) -> tuple[date, int, datetime, str]:
    moment = event.at.astimezone(UTC) if event.at and event.at.tzinfo else event.at
    return (
        event.day,
        1 if moment is not None else 0,
        (moment or _EARLIEST).replace(tzinfo=None),
        event.key,
    )


def merge(
    streams: Iterable[Iterable[Event]],
    *,
    today: date,
    credential_id: int | None = None,
    case_id: int | None = None,
) -> list[Event]:
    """Every stream's events up to ``today`` in one list, newest first, optionally only those
    about one credential or one case. Duplicate keys keep their first occurrence."""
    seen: set[str] = set()
    kept: list[Event] = []
    for stream in streams:
        for event in stream:
            if event.key in seen or event.day > today:
                continue
            if credential_id is not None and credential_id not in event.credential_ids:
                continue
            if case_id is not None and event.case_id != case_id:
                continue
            seen.add(event.key)
            kept.append(event)
    return sorted(kept, key=_sort_key, reverse=True)


def relative(
    day: date, today: date, locale: str, *, at: datetime | None = None, now: datetime | None = None
) -> str:
    """ "today", "3 days ago", "2 months ago" — or "5 minutes ago" for a moment today."""
    ja = locale == "ja"
    if at is not None and now is not None and day == today:
        moment = at if at.tzinfo else at.replace(tzinfo=UTC)
        seconds = max(0, int((now - moment).total_seconds()))
        if seconds < 60:
            return "たった今" if ja else "just now"
        if seconds < 3600:
            n = seconds // 60
            return f"{n}分前" if ja else ("1 minute ago" if n == 1 else f"{n} minutes ago")
        n = seconds // 3600
        return f"{n}時間前" if ja else ("1 hour ago" if n == 1 else f"{n} hours ago")
    days = (today - day).days
    if days <= 0:
        if days == 0:
            return "今日" if ja else "today"
        ahead = -days
        if ahead == 1:
            return "明日" if ja else "tomorrow"
        return f"{ahead}日後" if ja else f"in {ahead} days"
    if days == 1:
        return "昨日" if ja else "yesterday"
    if days < 45:
        return f"{days}日前" if ja else f"{days} days ago"
    if days < 365:
        months = round(days / 30.44)
        return (
            f"{months}か月前" if ja else ("1 month ago" if months == 1 else f"{months} months ago")
        )
    years = days // 365
    return f"{years}年前" if ja else ("1 year ago" if years == 1 else f"{years} years ago")
