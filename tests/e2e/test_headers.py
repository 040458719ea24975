"""The production server sends the security headers on pages, static files and API routes; every
browser test runs under that Content-Security-Policy (a violation is a console error, which fails
the test)."""

from __future__ import annotations

import asyncio
import concurrent.futures

import httpx
import pytest
import websockets

from certportal.api.headers import CSP
from tests.e2e.server import RunningApp


@pytest.mark.parametrize("path", ["/login", "/", "/credentials", "/styles.css", "/api/health"])
def test_security_headers_everywhere(app: RunningApp, path: str) -> None:
    response = httpx.get(app.url + path, timeout=10, follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


def _opens_event_socket(app: RunningApp, origin: str) -> bool:
    """Whether a page of ``origin`` can open the event websocket (the session cookie rides it)."""
    url = app.url.replace("http://", "ws://") + "/_event/?EIO=4&transport=websocket"

    async def attempt() -> bool:
        try:
            async with websockets.connect(url, origin=origin, open_timeout=10) as ws:  # type: ignore[arg-type]
                first = str(await asyncio.wait_for(ws.recv(), 10))
                if not first.startswith("0"):
                    return False
                await ws.send("40/_event,{}")
                answer = str(await asyncio.wait_for(ws.recv(), 10))
                return answer.startswith("40/_event")
        except (websockets.InvalidStatus, websockets.ConnectionClosed, TimeoutError):
            return False

    # on a loop of its own in a thread: Playwright keeps one running in this thread
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, attempt()).result()


def test_only_the_apps_own_pages_open_the_event_websocket(app: RunningApp) -> None:
    assert _opens_event_socket(app, app.url)
    assert not _opens_event_socket(app, "https://other.example")
    assert not _opens_event_socket(app, app.url.replace("127.0.0.1", "evil.127.0.0.1.nip.io"))
