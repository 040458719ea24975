"""The production server sends the security headers on pages, static files and API routes; every
browser test runs under that Content-Security-Policy (a violation is a console error, which fails
the test)."""

from __future__ import annotations

import httpx
import pytest

from certportal.api.headers import CSP
from tests.e2e.server import RunningApp


@pytest.mark.parametrize("path", ["/login", "/", "/credentials", "/styles.css", "/api/health"])
def test_security_headers_everywhere(app: RunningApp, path: str) -> None:
    response = httpx.get(app.url + path, timeout=10, follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
