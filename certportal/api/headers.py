"""Security headers on every HTTP response of the app: pages, static files and API routes.

Wraps the whole ASGI app (Reflex's ``api_transformer``); WebSocket traffic passes untouched.
The Content-Security-Policy is the strictest the app works under: everything from this origin only
(scripts, styles, images, fonts, the event WebSocket), no plugins, no framing, forms and the base
URL pinned to this origin. Scripts and styles must allow inline code: the React Router build inlines
its hydration data and the component library injects its styles at run time; scripts must allow
``eval`` because Reflex runs the scripts a handler sends (``rx.set_clipboard`` and the like) through
it. What the policy still enforces: no code, style, image or connection from another origin.
A header a route sets itself (e.g. the calendar feed's stricter Referrer-Policy) is kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS: dict[str, str] = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(app: ASGIApp, *, https: bool = False) -> ASGIApp:
    """``app`` with the headers above added to each HTTP response (HSTS too when served over
    https, as ``BASE_URL`` says)."""
    extra = {**HEADERS, **({"strict-transport-security": HSTS} if https else {})}
    encoded = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()]

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message.get("type") == "http.response.start":
                headers = list(message.get("headers", []))
                present = {bytes(name).lower() for name, _ in headers}
                headers.extend((k, v) for k, v in encoded if k not in present)
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped
