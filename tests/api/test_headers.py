"""Security headers wrap every HTTP response; WebSockets pass; a route's own header wins."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket

from certportal.api.headers import CSP, security_headers


async def page(_request: object) -> PlainTextResponse:
    return PlainTextResponse("hello", headers={"Referrer-Policy": "no-referrer"})


async def echo(ws: WebSocket) -> None:
    await ws.accept()
    await ws.send_text(await ws.receive_text())
    await ws.close()


def app(https: bool = False) -> TestClient:
    inner = Starlette(routes=[Route("/", page), WebSocketRoute("/ws", echo)])
    return TestClient(security_headers(inner, https=https))  # type: ignore[arg-type]


def test_every_http_response_gets_the_headers() -> None:
    for path in ("/", "/missing"):
        response = app().get(path)
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "camera=()" in response.headers["permissions-policy"]
        assert "strict-transport-security" not in response.headers
    assert "frame-ancestors 'none'" in CSP and "object-src 'none'" in CSP


def test_a_routes_own_header_is_kept() -> None:
    response = app().get("/")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers.get_list("referrer-policy") == ["no-referrer"]


def test_hsts_only_over_https() -> None:
    assert app(https=True).get("/").headers["strict-transport-security"].startswith("max-age=")


def test_websockets_pass_through() -> None:
    with app().websocket_connect("/ws") as ws:
        ws.send_text("ping")
        assert ws.receive_text() == "ping"
