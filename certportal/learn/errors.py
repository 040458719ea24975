"""Why reading a Learn transcript failed. Each error carries a message key the pages translate;
every one of them means nothing was read and nothing in the inventory changed.

LearnError (CertportalError)
├── LinkInvalid       not a transcript share link on https://learn.microsoft.com
├── NotShared         404: no such transcript, or sharing is off
├── Refused           401/403/429: Learn refused to answer
├── Unavailable       5xx, another unexpected status, or no connection
├── TimedOut          no complete answer within the timeout
├── TooLarge          the answer is larger than the limit
├── RedirectRefused   a redirect to another host or scheme, or too many redirects
└── NotATranscript    the answer is not a transcript (not JSON, or not its shape)
"""

from __future__ import annotations

from typing import Any

from certportal.errors import CertportalError


class LearnError(CertportalError):
    KEY = "learn.error.unavailable"

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        super().__init__(key or self.KEY, **params)


class LinkInvalid(LearnError):
    KEY = "learn.error.link"


class NotShared(LearnError):
    KEY = "learn.error.not_found"


class Refused(LearnError):
    KEY = "learn.error.refused"


class Unavailable(LearnError):
    KEY = "learn.error.unavailable"


class TimedOut(LearnError):
    KEY = "learn.error.timeout"


class TooLarge(LearnError):
    KEY = "learn.error.too_large"


class RedirectRefused(LearnError):
    KEY = "learn.error.redirect"


class NotATranscript(LearnError):
    KEY = "learn.error.not_transcript"
