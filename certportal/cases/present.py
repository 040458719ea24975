"""View models for the case and timeline pages (pure): plain dataclasses, texts in both
languages as ``{"ja": …, "en": …}`` so a language switch needs no reload."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from certportal.cases import transitions
from certportal.cases.evidence import PackEvent, event_line
from certportal.cases.transitions import Channel, Status
from certportal.i18n.formatting import format_date
from certportal.timeline.merge import Event, relative

L = dict[str, str]
LOCALES = ("ja", "en")


def day_text(day: date | None) -> L:
    return {k: format_date(day, k) if day else "" for k in LOCALES}


def relative_text(
    day: date, today: date, at: datetime | None = None, now: datetime | None = None
) -> L:
    return {k: relative(day, today, k, at=at, now=now) for k in LOCALES}


@dataclasses.dataclass
class CaseItem:
    id: int = 0
    subject: str = ""
    channel: str = "other"
    reference: str = ""
    status: str = "draft"
    resolution: str = ""
    next_party: str = "me"
    follow_up: L = dataclasses.field(default_factory=dict)
    overdue: bool = False
    due_today: bool = False
    age_days: int = 0
    opened: L = dataclasses.field(default_factory=dict)
    owner_name: str = ""
    shared: bool = False
    texts: bool = True
    href: str = ""


def case_item(
    *,
    case_id: int,
    subject: str,
    channel: str,
    reference: str,
    status: str,
    resolution: str,
    follow_up_on: date | None,
    opened_on: date | None,
    created_on: date,
    today: date,
    ended_on: date | None = None,
    owner_name: str = "",
    shared: bool = False,
    texts: bool = True,
) -> CaseItem:
    state = Status(status)
    start = opened_on or created_on
    return CaseItem(
        id=case_id,
        subject=subject,
        channel=channel,
        reference=reference,
        status=status,
        resolution=resolution,
        next_party=transitions.next_party(state, Channel(channel)).value,
        follow_up=day_text(follow_up_on),
        overdue=transitions.is_overdue(state, follow_up_on, today),
        due_today=transitions.is_due_today(state, follow_up_on, today),
        age_days=transitions.age_days(start, ended_on or today),
        opened=day_text(opened_on),
        owner_name=owner_name,
        shared=shared,
        texts=texts,
        href=f"/cases/{case_id}",
    )


@dataclasses.dataclass
class EventItem:
    id: int = 0
    kind: str = ""
    day: L = dataclasses.field(default_factory=dict)
    ago: L = dataclasses.field(default_factory=dict)
    line: L = dataclasses.field(default_factory=dict)
    text: str = ""
    attachment_id: int = 0


def event_item(
    *,
    event_id: int,
    event: PackEvent,
    today: date,
    attachment_id: int | None = None,
) -> EventItem:
    return EventItem(
        id=event_id,
        kind=event.kind,
        day=day_text(event.day),
        ago=relative_text(event.day, today),
        line={k: event_line(event, k) for k in LOCALES},
        text=event.text,
        attachment_id=attachment_id or 0,
    )


@dataclasses.dataclass
class TimelineItem:
    key: str = ""
    source: str = ""
    kind: str = ""
    day: L = dataclasses.field(default_factory=dict)
    ago: L = dataclasses.field(default_factory=dict)
    title: L = dataclasses.field(default_factory=dict)
    detail: L = dataclasses.field(default_factory=dict)
    href: str = ""


def timeline_item(event: Event, today: date, now: datetime) -> TimelineItem:
    return TimelineItem(
        key=event.key,
        source=event.source,
        kind=event.kind.replace(".", "_"),
        day=day_text(event.day),
        ago=relative_text(event.day, today, event.at, now),
        title=event.title,
        detail=event.detail or {k: "" for k in LOCALES},
        href=event.href,
    )


@dataclasses.dataclass
class Option:
    value: str = ""
    label: L = dataclasses.field(default_factory=dict)
