"""Plain HTTP routes mounted beside the Reflex app."""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from certportal import __version__
from certportal.db import database_reachable, session_scope

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


async def health(_request: Request) -> JSONResponse:
    ok = await asyncio.to_thread(database_reachable)
    return JSONResponse(
        {
            "status": "ok" if ok else "unavailable",
            "database": "ok" if ok else "unreachable",
            "version": __version__,
        },
        status_code=200 if ok else 503,
        headers=SECURITY_HEADERS,
    )


def _calendar_body(token: str) -> bytes | None:
    from certportal.credentials import service as credentials

    with session_scope() as session:
        return credentials.calendar_for_token(session, token)


async def calendar_feed(request: Request) -> Response:
    """A person's secret iCal feed. An unknown or revoked token is a plain 404."""
    token = str(request.path_params.get("token", ""))
    body = await asyncio.to_thread(_calendar_body, token)
    headers = {**SECURITY_HEADERS, "Referrer-Policy": "no-referrer"}
    if body is None:
        return Response("not found\n", status_code=404, media_type="text/plain", headers=headers)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={**headers, "Content-Disposition": 'inline; filename="certportal.ics"'},
    )


def build_api() -> Starlette:
    return Starlette(
        routes=[
            Route("/api/health", health, methods=["GET"]),
            Route("/api/calendar/{token}.ics", calendar_feed, methods=["GET"]),
        ]
    )
