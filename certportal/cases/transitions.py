"""Support-case rules (pure): channels, statuses, which status may follow which, who has the next
move, when a follow-up is overdue, and what a case's fields may contain.

Statuses::

    draft ──► open ──► waiting_support ◄──► waiting_me
                │             │                  │
                └─────────────┴──► resolved ◄────┘
                                      │  ▲
                      closed ◄────────┘  └── reopen (open)

A case that was sent never becomes a draft again; resolving needs a resolution that says how it
ended (counted, linked, not possible); closing takes any resolution, "withdrawn" included; reopening
clears it. Refusals carry a message key that says why.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from certportal.errors import InvalidInput


class Channel(StrEnum):
    PARTNER_CENTER = "partner_center"
    MS_SUPPORT = "ms_support"
    CREDENTIALS_SUPPORT = "credentials_support"
    CERTIPORT = "certiport"
    PEARSON_VUE = "pearson_vue"
    OTHER = "other"


class Status(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    WAITING_SUPPORT = "waiting_support"  # waiting on Microsoft or the provider
    WAITING_ME = "waiting_me"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Resolution(StrEnum):
    COUNTED = "counted"
    LINKED = "linked"
    NOT_POSSIBLE = "not_possible"
    WITHDRAWN = "withdrawn"


class Party(StrEnum):
    """Who has the next move."""

    ME = "me"
    MICROSOFT = "microsoft"
    PROVIDER = "provider"
    SUPPORT = "support"  # someone else (the "other" channel)
    NOBODY = "nobody"


class EventKind(StrEnum):
    CREATED = "created"  # saved as a draft
    OPENED = "opened"
    MESSAGE_SENT = "message_sent"
    REPLY_RECEIVED = "reply_received"
    STATUS_CHANGED = "status_changed"
    FOLLOW_UP_SET = "follow_up_set"
    ATTACHMENT_ADDED = "attachment_added"
    NOTE = "note"
    RESOLVED = "resolved"
    EDITED = "edited"


CHANNELS = tuple(c.value for c in Channel)
STATUSES = tuple(s.value for s in Status)
RESOLUTIONS = tuple(r.value for r in Resolution)
ACTIVE = frozenset({Status.OPEN, Status.WAITING_SUPPORT, Status.WAITING_ME})
ENDED = frozenset({Status.RESOLVED, Status.CLOSED})

# Wizard support channels → case channels (the company's own admin is not a support desk).
WIZARD_CHANNELS = {
    "partner_center": Channel.PARTNER_CENTER,
    "ms_support": Channel.MS_SUPPORT,
    "credentials_support": Channel.CREDENTIALS_SUPPORT,
    "certiport": Channel.CERTIPORT,
    "pearson_vue": Channel.PEARSON_VUE,
}

_MICROSOFT = frozenset({Channel.PARTNER_CENTER, Channel.MS_SUPPORT, Channel.CREDENTIALS_SUPPORT})
_PROVIDERS = frozenset({Channel.CERTIPORT, Channel.PEARSON_VUE})

ALLOWED: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.OPEN, Status.CLOSED}),
    Status.OPEN: frozenset(
        {Status.WAITING_SUPPORT, Status.WAITING_ME, Status.RESOLVED, Status.CLOSED}
    ),
    Status.WAITING_SUPPORT: frozenset({Status.WAITING_ME, Status.RESOLVED, Status.CLOSED}),
    Status.WAITING_ME: frozenset({Status.WAITING_SUPPORT, Status.RESOLVED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.OPEN}),
}

SUBJECT_MAX = 200
REFERENCE_MAX = 64
TEXT_MAX = 20_000
SUMMARY_MAX = 2_000
FOLLOW_UP_MAX_DAYS = 366
REPLY_OLDEST = date(2015, 1, 1)


def channel(raw: str) -> Channel:
    try:
        return Channel(raw)
    except ValueError:
        raise InvalidInput("cases.error.channel", field="channel") from None


def status(raw: str, field: str = "status") -> Status:
    try:
        return Status(raw)
    except ValueError:
        raise InvalidInput("cases.error.status", field=field) from None


def resolution(raw: str) -> Resolution | None:
    if not raw:
        return None
    try:
        return Resolution(raw)
    except ValueError:
        raise InvalidInput("cases.error.resolution", field="resolution") from None


@dataclass(frozen=True)
class Refusal:
    key: str


def refusal(current: Status, target: Status, outcome: Resolution | None) -> Refusal | None:
    """Why ``current`` may not become ``target`` (with ``outcome``), or None when it may."""
    if current == target:
        return Refusal("cases.refuse.same")
    if target not in ALLOWED[current]:
        if target is Status.DRAFT:
            return Refusal("cases.refuse.back_to_draft")
        if current is Status.DRAFT:
            return Refusal("cases.refuse.send_first")
        if current is Status.CLOSED:
            return Refusal("cases.refuse.reopen_first")
        if current is Status.RESOLVED:
            return Refusal("cases.refuse.reopen_first")
        return Refusal("cases.refuse.not_allowed")
    if target is Status.RESOLVED and outcome in (None, Resolution.WITHDRAWN):
        return Refusal("cases.refuse.resolution_needed")
    if target is Status.CLOSED and outcome is None and current is not Status.RESOLVED:
        return Refusal("cases.refuse.resolution_needed")
    if target not in ENDED and outcome is not None:
        return Refusal("cases.refuse.resolution_only_when_ended")
    return None


def check(current: Status, target: Status, outcome: Resolution | None) -> None:
    found = refusal(current, target, outcome)
    if found is not None:
        raise InvalidInput(found.key, field="status")


def next_party(state: Status, via: Channel) -> Party:
    """Who has the next move, from the status (and, when it is support's move, the channel)."""
    if state in (Status.DRAFT, Status.WAITING_ME):
        return Party.ME
    if state in ENDED:
        return Party.NOBODY
    if via in _MICROSOFT:
        return Party.MICROSOFT
    if via in _PROVIDERS:
        return Party.PROVIDER
    return Party.SUPPORT


def after_message(state: Status) -> Status:
    """Sending a message hands the case to support (a draft becomes open)."""
    if state is Status.DRAFT:
        return Status.OPEN
    if state in (Status.OPEN, Status.WAITING_ME):
        return Status.WAITING_SUPPORT
    return state


def after_reply(state: Status) -> Status:
    """A reply puts the ball in my court while the case is active."""
    if state in (Status.OPEN, Status.WAITING_SUPPORT):
        return Status.WAITING_ME
    return state


def is_overdue(state: Status, follow_up_on: date | None, today: date) -> bool:
    return follow_up_on is not None and state not in ENDED and follow_up_on < today


def is_due_today(state: Status, follow_up_on: date | None, today: date) -> bool:
    return follow_up_on is not None and state not in ENDED and follow_up_on == today


def age_days(opened_on: date, today: date) -> int:
    return max(0, (today - opened_on).days)


# --- field values ---------------------------------------------------------------------------

_LINE_BREAKS = {"\n", "\t"}


def _has_control(text: str, *, multiline: bool) -> bool:
    for ch in text:
        if multiline and ch in _LINE_BREAKS:
            continue
        if ch == "\r" and multiline:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            # Cf is allowed inside words in a few scripts (ZWJ/ZWNJ); references and subjects
            # never need them, and they are how look-alike references are made.
            return True
    return False


def clean_reference(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if _has_control(text, multiline=False):
        raise InvalidInput("cases.error.reference_control", field="reference")
    if len(text) > REFERENCE_MAX:
        raise InvalidInput("cases.error.too_long", field="reference", max=REFERENCE_MAX)
    return text


def clean_subject(raw: str) -> str:
    text = " ".join((raw or "").split())
    if not text:
        raise InvalidInput("cases.error.subject_required", field="subject")
    if _has_control(text, multiline=False):
        raise InvalidInput("cases.error.control", field="subject")
    if len(text) > SUBJECT_MAX:
        raise InvalidInput("cases.error.too_long", field="subject", max=SUBJECT_MAX)
    return text


def clean_text(raw: str, *, field: str, required: bool, limit: int = TEXT_MAX) -> str:
    text = (raw or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise InvalidInput("cases.error.text_required", field=field)
    if _has_control(text, multiline=True):
        raise InvalidInput("cases.error.control", field=field)
    if len(text) > limit:
        raise InvalidInput("cases.error.too_long", field=field, max=limit)
    return text


def _parse_day(raw: str, field: str) -> date:
    text = unicodedata.normalize("NFKC", raw or "").strip().replace("/", "-")
    parts = text.split("-")
    try:
        if len(parts) != 3:
            raise ValueError
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise InvalidInput("cases.error.date", field=field) from None


def follow_up_date(raw: str, today: date, *, required: bool = False) -> date | None:
    """A follow-up day: today or later, within a year."""
    if not (raw or "").strip():
        if required:
            raise InvalidInput("cases.error.follow_up_required", field="follow_up_on")
        return None
    day = _parse_day(raw, "follow_up_on")
    if day < today:
        raise InvalidInput("cases.error.follow_up_past", field="follow_up_on")
    if day > today + timedelta(days=FOLLOW_UP_MAX_DAYS):
        raise InvalidInput("cases.error.follow_up_far", field="follow_up_on")
    return day


def event_date(raw: str, today: date, *, field: str = "occurred_on") -> date:
    """The day something happened (a reply received, a message sent): not in the future."""
    if not (raw or "").strip():
        return today
    day = _parse_day(raw, field)
    if day > today:
        raise InvalidInput("cases.error.date_future", field=field)
    if day < REPLY_OLDEST:
        raise InvalidInput("cases.error.date_old", field=field)
    return day


# --- the case form --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    field: str
    key: str


@dataclass(frozen=True)
class CaseFields:
    """A valid case form: what a new case (or an edit of its details) says."""

    channel: Channel
    reference: str
    subject: str
    status: Status  # draft or open (new cases only)
    message: str
    follow_up_on: date | None
    credential_ids: tuple[int, ...]


def _ids(raw: str) -> tuple[int, ...]:
    found: list[int] = []
    for part in (raw or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not (part.isascii() and part.isdigit()) or len(part) > 12:
            raise InvalidInput("cases.error.credential", field="credentials")
        value = int(part)
        if value not in found:
            found.append(value)
    return tuple(found)


def validate_case(
    raw: dict[str, str], today: date, *, new: bool = True
) -> tuple[CaseFields | None, list[Problem]]:
    """Check every field of the case form; all problems at once, each at its field."""
    problems: list[Problem] = []
    values: dict[str, object] = {}

    def attempt(name: str, parse: object) -> None:
        try:
            values[name] = parse()  # type: ignore[operator]
        except InvalidInput as exc:
            problems.append(Problem(exc.field or name, exc.key))

    attempt("channel", lambda: channel(raw.get("channel", "")))
    attempt("reference", lambda: clean_reference(raw.get("reference", "")))
    attempt("subject", lambda: clean_subject(raw.get("subject", "")))
    attempt("credentials", lambda: _ids(raw.get("credentials", "")))
    attempt(
        "message",
        lambda: clean_text(raw.get("message", ""), field="message", required=False),
    )
    attempt("follow_up_on", lambda: follow_up_date(raw.get("follow_up_on", ""), today))
    if new:

        def initial() -> Status:
            value = status(raw.get("status", "") or "draft")
            if value not in (Status.DRAFT, Status.OPEN):
                raise InvalidInput("cases.error.initial_status", field="status")
            return value

        attempt("status", initial)
    else:
        values["status"] = Status.OPEN
    if problems:
        return None, problems
    return (
        CaseFields(
            channel=values["channel"],  # type: ignore[arg-type]
            reference=values["reference"],  # type: ignore[arg-type]
            subject=values["subject"],  # type: ignore[arg-type]
            status=values["status"],  # type: ignore[arg-type]
            message=values["message"],  # type: ignore[arg-type]
            follow_up_on=values["follow_up_on"],  # type: ignore[arg-type]
            credential_ids=values["credentials"],  # type: ignore[arg-type]
        ),
        [],
    )
