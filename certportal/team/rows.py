"""The rows the team service returns (pure dataclasses, shared with the view models)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class MemberRow:
    user_id: int
    name: str
    email: str
    counted: int
    blocked: int
    unlinked: int
    renewals: int
    open_cases: int
    last_activity: datetime | None
    teams: tuple[str, ...] = ()
    blocked_reason: str = ""  # outcome id of the latest diagnosis of a blocked credential
    next_party: str = ""  # who moves next on the member's most recent open case


@dataclass(frozen=True)
class MemberCredential:
    credential_id: int
    certification_id: str
    name: dict[str, str]
    status: str  # expiry status
    expires_on: date | None
    counted: str
    on_learn: str
    certification_number: str  # "" when private
    blocked_reason: str  # latest diagnosis outcome when it found a problem
    scores: bool
