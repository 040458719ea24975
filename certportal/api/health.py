"""Plain HTTP routes mounted beside the Reflex app."""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from certportal import __version__
from certportal.db import database_reachable

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


def build_api() -> Starlette:
    return Starlette(routes=[Route("/api/health", health, methods=["GET"])])
