"""A person's calendar feed (RFC 5545) made with the ``icalendar`` library.

One all-day event when a renewal window opens and one on the expiry day, for each credential
that expires; titles and descriptions in the person's language. Expired credentials keep their
events for a year, then drop out. Support-case follow-ups join the feed as ``FeedEvent``s too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar

from certportal.credentials.rules import Row

HISTORY_DAYS = 365
PRODID = "-//certportal//credential reminders//EN"

_TEXT = {
    "ja": {
        "renewal": "更新期間の開始: {name}",
        "expiry": "有効期限: {name}",
        "renewal_body": (
            "Microsoft Learn の無料オンライン評価で更新できます（有効期限の6か月前から）。"
            "認定資格が表示されている Learn プロファイルで更新してください。"
        ),
        "expiry_body": "この日を過ぎると期限切れです。期限切れ後は試験に合格して再取得が必要です。",
        "follow_up": "サポート ケースのフォローアップ: {subject}",
        "follow_up_body": (
            "返信がなければ問い合わせ先に状況を確認してください（ケース番号: {reference}）。"
        ),
    },
    "en": {
        "renewal": "Renewal window opens: {name}",
        "expiry": "Expires: {name}",
        "renewal_body": (
            "Renew for free with the online assessment on Microsoft Learn (from six months "
            "before expiry), in the Learn profile that shows the certification."
        ),
        "expiry_body": "Last valid day. After it, the certification must be earned again by exam.",
        "follow_up": "Follow up support case: {subject}",
        "follow_up_body": "If nobody has answered, ask for news (reference: {reference}).",
    },
}


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    day: date
    title: str
    description: str = ""
    url: str = ""


def credential_events(
    rows: Sequence[Row], *, locale: str, base_url: str, today: date
) -> list[FeedEvent]:
    text = _TEXT["ja" if locale == "ja" else "en"]
    oldest = today - timedelta(days=HISTORY_DAYS)
    events: list[FeedEvent] = []
    for row in rows:
        end = row.expiry.expires_on
        if end is None:
            continue
        code = row.data.certification_id
        name = f"{code} {row.name}" if code else row.name
        url = f"{base_url.rstrip('/')}/credentials/{row.id}"
        opens = row.expiry.renewal_opens_on
        if opens is not None and opens >= oldest:
            events.append(
                FeedEvent(
                    uid=f"credential-{row.id}-renewal@certportal",
                    day=opens,
                    title=text["renewal"].format(name=name),
                    description=text["renewal_body"],
                    url=url,
                )
            )
        if end >= oldest:
            events.append(
                FeedEvent(
                    uid=f"credential-{row.id}-expiry@certportal",
                    day=end,
                    title=text["expiry"].format(name=name),
                    description=text["expiry_body"],
                    url=url,
                )
            )
    return sorted(events, key=lambda e: (e.day, e.uid))


@dataclass(frozen=True)
class FollowUp:
    case_id: int
    subject: str
    reference: str
    day: date


def follow_up_events(items: Sequence[FollowUp], *, locale: str, base_url: str) -> list[FeedEvent]:
    """One all-day event on each open case's follow-up day."""
    text = _TEXT["ja" if locale == "ja" else "en"]
    return [
        FeedEvent(
            uid=f"case-{item.case_id}-follow-up@certportal",
            day=item.day,
            title=text["follow_up"].format(subject=item.subject),
            description=text["follow_up_body"].format(reference=item.reference or "—"),
            url=f"{base_url.rstrip('/')}/cases/{item.case_id}",
        )
        for item in items
    ]


def build_calendar(events: Sequence[FeedEvent], *, name: str, now: datetime) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = now.astimezone(UTC)
    for item in sorted(events, key=lambda e: (e.day, e.uid)):
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.title)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return bytes(cal.to_ical())
