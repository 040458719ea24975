"""Fetch a transcript from its share link with httpx, safely.

The link is checked first (https://learn.microsoft.com only, see :mod:`links`); the JSON endpoint
behind it is read with a User-Agent (Learn answers 403 without one), a timeout, redirects followed
by hand only within the same scheme, host and port (at most three), and the body streamed with a
size limit. ``api_base`` is the endpoint's origin: Learn in production, a local server in tests.
Every failure is a :class:`~certportal.learn.errors.LearnError`; nothing is written anywhere.
"""

from __future__ import annotations

import json
from urllib.parse import urljoin, urlsplit

import httpx

from certportal import __version__
from certportal.learn.errors import (
    NotATranscript,
    NotShared,
    RedirectRefused,
    Refused,
    TimedOut,
    TooLarge,
    Unavailable,
)
from certportal.learn.links import share_id_from_link, transcript_api_url
from certportal.learn.transcript import Transcript, parse_transcript

USER_AGENT = f"certportal/{__version__} (transcript import)"
DEFAULT_API_BASE = "https://learn.microsoft.com"
MAX_REDIRECTS = 3


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge()
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def _status_error(status: int) -> Exception:
    if status == 404:
        return NotShared()
    if status in (401, 403, 429):
        return Refused()
    return Unavailable()


def _get(client: httpx.Client, url: str, *, timeout: float, max_bytes: int) -> bytes:
    origin = _origin(url)
    for _hop in range(MAX_REDIRECTS + 1):
        with client.stream(
            "GET",
            url,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=timeout,
            follow_redirects=False,
        ) as response:
            if response.is_redirect:
                target = urljoin(url, response.headers.get("location", ""))
                if _origin(target) != origin:
                    raise RedirectRefused()
                url = target
                continue
            if response.status_code != 200:
                raise _status_error(response.status_code)
            return _read_body(response, max_bytes)
    raise RedirectRefused()


def fetch_transcript(
    link: str,
    *,
    api_base: str = DEFAULT_API_BASE,
    timeout: float = 10.0,
    max_bytes: int = 2_000_000,
    client: httpx.Client | None = None,
) -> Transcript:
    share_id = share_id_from_link(link)
    url = transcript_api_url(share_id, api_base)
    own = client is None
    http = client or httpx.Client()
    try:
        body = _get(http, url, timeout=timeout, max_bytes=max_bytes)
    except httpx.TimeoutException:
        raise TimedOut() from None
    except httpx.HTTPError:
        raise Unavailable() from None
    finally:
        if own:
            http.close()
    return transcript_from_body(body)


def transcript_from_body(body: bytes) -> Transcript:
    """The transcript in an answer's body (UTF-8 JSON, a BOM allowed), or `NotATranscript`."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise NotATranscript() from None
    return parse_transcript(data)
