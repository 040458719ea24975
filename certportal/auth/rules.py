"""Account and session rules (pure): input validation, session expiry, sign-in throttling."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from certportal.errors import AuthError, InvalidInput

EMAIL_MAX = 254
NAME_MAX = 100
SEARCH_KEY_MAX = 400
PASSWORD_MIN = 10
PASSWORD_MAX = 128
TEAM_NAME_MAX = 80
TEAM_DESCRIPTION_MAX = 300

_EMAIL_PART = r"[^@\s\x00-\x1f\x7f-\x9f]+"  # no "@", no whitespace, no control character
_EMAIL_RE = re.compile(rf"^{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}$")
# control characters (C0, DEL, C1): never part of a name, and PostgreSQL refuses NUL outright
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# The most common passwords of public breach lists that also meet the length rule.
_COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "0123456789",
        "qwertyuiop",
        "password123",
        "password1234",
        "passw0rd123",
        "iloveyou123",
        "1q2w3e4r5t",
        "qwerty1234",
        "abcdefghij",
        "1111111111",
        "aaaaaaaaaa",
        "administrator",
        "letmein1234",
        "welcome123",
        "welcome1234",
        "changeme123",
    }
)


def fold(text: str) -> str:
    """Case- and width-insensitive form for matching (NFKC, then casefold): Ａｚｕｒｅ → azure."""
    return unicodedata.normalize("NFKC", text).casefold()


def without_controls(text: str) -> str:
    """``text`` without control characters: what a search box may look for (no stored name or
    address holds one, and PostgreSQL refuses a NUL even in a query)."""
    return _CONTROL.sub("", text)


def search_key(name: str, email: str) -> str:
    """What people searches match: the folded name and address, cut to the column's size
    (folding can make a text longer: "ﷺ" is 18 characters in NFKC)."""
    return fold(f"{name} {email}")[:SEARCH_KEY_MAX]


def like_contains(term: str) -> str:
    """A LIKE pattern matching ``term`` literally anywhere (escape character: backslash)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def seconds_to_wait(wait: timedelta) -> int:
    return max(1, math.ceil(wait.total_seconds()))


def normalize_email(raw: str) -> str:
    email = (raw or "").strip().lower()
    if not email:
        raise InvalidInput("error.email_required", field="email")
    if len(email) > EMAIL_MAX:
        raise InvalidInput("error.too_long", field="email", max=EMAIL_MAX)
    if not _EMAIL_RE.match(email):
        raise InvalidInput("error.email_invalid", field="email")
    return email


def clean_display_name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise InvalidInput("error.name_required", field="display_name")
    if _CONTROL.search(name):
        raise InvalidInput("error.control_chars", field="display_name")
    if len(name) > NAME_MAX:
        raise InvalidInput("error.too_long", field="display_name", max=NAME_MAX)
    return name


def check_password_strength(password: str, *, email: str = "") -> None:
    """Refuse weak passwords: too short, too long, a well-known one, or built from the e-mail."""
    if len(password) < PASSWORD_MIN:
        raise InvalidInput("error.password_too_short", field="password", min=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        raise InvalidInput("error.too_long", field="password", max=PASSWORD_MAX)
    lowered = password.lower()
    if lowered in _COMMON_PASSWORDS or len(set(lowered)) < 4:
        raise InvalidInput("error.password_common", field="password")
    local_part = email.split("@", 1)[0].lower() if email else ""
    if len(local_part) >= 4 and local_part in lowered:
        raise InvalidInput("error.password_contains_email", field="password")


def clean_team_name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise InvalidInput("error.team_name_required", field="name")
    if _CONTROL.search(name):
        raise InvalidInput("error.control_chars", field="name")
    # the folded name is the team's unique key, stored in a column of the same size
    if len(name) > TEAM_NAME_MAX or len(fold(name)) > TEAM_NAME_MAX:
        raise InvalidInput("error.too_long", field="name", max=TEAM_NAME_MAX)
    return name


def clean_team_description(raw: str) -> str:
    text = (raw or "").strip()
    if _CONTROL.search(text):
        raise InvalidInput("error.control_chars", field="description")
    if len(text) > TEAM_DESCRIPTION_MAX:
        raise InvalidInput("error.too_long", field="description", max=TEAM_DESCRIPTION_MAX)
    return text


# --- sessions -----------------------------------------------------------------------------


class SessionStatus(StrEnum):
    ACTIVE = "active"
    IDLE_EXPIRED = "idle_expired"
    ABSOLUTE_EXPIRED = "absolute_expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta
    touch_every: timedelta = timedelta(minutes=1)


def session_status(
    *,
    created_at: datetime,
    last_seen_at: datetime,
    revoked_at: datetime | None,
    now: datetime,
    policy: SessionPolicy,
) -> SessionStatus:
    """Revocation wins; then the absolute limit; then idleness. Boundaries expire (``>=``)."""
    if revoked_at is not None:
        return SessionStatus.REVOKED
    if now >= created_at + policy.absolute:
        return SessionStatus.ABSOLUTE_EXPIRED
    if now >= last_seen_at + policy.idle:
        return SessionStatus.IDLE_EXPIRED
    return SessionStatus.ACTIVE


def should_touch(*, last_seen_at: datetime, now: datetime, policy: SessionPolicy) -> bool:
    """Record activity at most once per ``touch_every`` to keep reads cheap."""
    return now - last_seen_at >= policy.touch_every


def quiet_session_bounds(*, now: datetime, policy: SessionPolicy) -> tuple[datetime, datetime]:
    """``(created after, last seen after)``: a session not revoked, created after the first and
    last seen after the second is active and needs no touch at ``now`` — what a one-statement
    check may accept without reading the row. Anything else takes the full path, which tells
    why (expired, revoked) or records the activity."""
    return now - policy.absolute, now - min(policy.idle, policy.touch_every)


def require_active_session(status: SessionStatus) -> None:
    if status is not SessionStatus.ACTIVE:
        raise AuthError("error.session_expired")


# --- sign-in throttling -------------------------------------------------------------------

THROTTLE_FREE_ATTEMPTS = 5
THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_BASE_DELAY = timedelta(seconds=30)
THROTTLE_MAX_DELAY = timedelta(minutes=15)


def throttle_wait(failures: list[datetime], now: datetime) -> timedelta:
    """How long the next attempt for an account must wait, given its recent failures.

    The first ``THROTTLE_FREE_ATTEMPTS`` failures within the window cost nothing; each further
    failure doubles the wait (30 s, 60 s, 120 s, …) counted from the latest failure, capped.
    """
    recent = sorted(f for f in failures if now - f < THROTTLE_WINDOW)
    excess = len(recent) - THROTTLE_FREE_ATTEMPTS
    if excess < 0:
        return timedelta(0)
    delay: timedelta = min(THROTTLE_BASE_DELAY * (2**excess), THROTTLE_MAX_DELAY)
    remaining: timedelta = recent[-1] + delay - now
    return remaining if remaining > timedelta(0) else timedelta(0)


# --- the session cookie -----------------------------------------------------------------------
# The browser holds the session token in an HttpOnly cookie that only HTTP responses set and
# clear (``/api/auth/session``, ``/api/auth/signed-out``): page scripts never see it. The pages'
# websocket sends it in its handshake, where the server reads it.
SESSION_COOKIE = "certportal_session"
LANG_COOKIE = "certportal_lang"
# The hand-off's binding (see ``auth.service.Handoff``), for the hand-off route.
HANDOFF_COOKIE = "certportal_handoff"
HANDOFF_PATH = "/api/auth/session"
# A Microsoft sign-in's binding (``auth.oidc.Started``), read by the callback page's websocket.
OIDC_COOKIE = "certportal_oidc"
# A session opened by a page event is "handed off": it stays unusable (revoked for this reason)
# until the browser's next request exchanges its one-time code for the cookie, within this time.
HANDOFF_REASON = "handoff"
HANDOFF_TTL = timedelta(seconds=60)
_COOKIE_VALUE = re.compile(r"^[A-Za-z0-9_\-.~]{1,200}$")


def cookie_name(name: str, *, secure: bool) -> str:
    """The name our security cookies (session, sign-in bindings) go by. Over https it has the
    ``__Host-`` prefix: a browser then accepts it only Secure, for this host, with path ``/`` — a
    page of a sibling subdomain cannot plant one for us ("cookie tossing": its own session, or a
    binding of its own sign-in, in a victim's browser)."""
    return f"__Host-{name}" if secure else name


def cookie_value(header: str, name: str) -> str:
    """The value of cookie ``name`` in a ``Cookie`` request header ('' if absent or not a plain
    token: our cookies only ever hold URL-safe tokens and language codes)."""
    for part in (header or "").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            value = value.strip().strip('"')
            return value if _COOKIE_VALUE.match(value) else ""
    return ""


def safe_next(value: str | None) -> str:
    """Where to go after signing in: only same-site absolute paths are followed, else home."""
    if (
        value
        and value.startswith("/")
        and not value.startswith("//")
        and "\\" not in value
        and not _CONTROL.search(value)
    ):
        return value
    return "/"
