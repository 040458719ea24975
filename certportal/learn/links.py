"""Transcript share links (pure).

A share link looks like ``https://learn.microsoft.com/{locale}/users/{user}/transcript/{shareId}``
(the locale segment may be missing). Only that host over https on the default port is accepted:
no other host or look-alike, no user-info (``https://learn.microsoft.com@evil.example``), no IP
literal, no backslash, whitespace or control character, no percent-encoded path tricks.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from certportal.learn.errors import LinkInvalid

HOST = "learn.microsoft.com"
MAX_LENGTH = 500
_SHARE_ID = re.compile(r"^[A-Za-z0-9_-]{6,64}$")
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$")
_USER = re.compile(r"^[A-Za-z0-9._~-]{1,100}$")
_FORBIDDEN = re.compile(r"[\s\\\x00-\x1f\x7f%]")


def share_id_from_link(link: str) -> str:
    """The share id of a transcript link, or :class:`LinkInvalid`."""
    text = (link or "").strip()
    if not text or len(text) > MAX_LENGTH:
        raise LinkInvalid()
    scheme, sep, rest = text.partition("://")
    if not sep or scheme.lower() != "https":
        raise LinkInvalid()
    # the authority ends at the first "/", "?" or "#"; anything odd in it is refused outright
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if _FORBIDDEN.search(authority) or "@" in authority:
        raise LinkInvalid()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise LinkInvalid() from None
    if (parts.hostname or "").lower() != HOST or port not in (None, 443):
        raise LinkInvalid()
    if parts.username is not None or parts.password is not None:
        raise LinkInvalid()
    if _FORBIDDEN.search(parts.path):
        raise LinkInvalid()
    segments = [s for s in parts.path.split("/") if s]
    if segments and _LOCALE.match(segments[0]) and segments[0].lower() != "users":
        segments = segments[1:]
    if (
        len(segments) != 4
        or segments[0].lower() != "users"
        or segments[2].lower() != "transcript"
        or not _USER.match(segments[1])
        or not _SHARE_ID.match(segments[3])
    ):
        raise LinkInvalid()
    return segments[3]


def transcript_api_url(share_id: str, api_base: str) -> str:
    if not _SHARE_ID.match(share_id):
        raise LinkInvalid()
    return f"{api_base.rstrip('/')}/api/profiles/transcript/share/{share_id}?locale=en-us"
