"""Plain HTTP routes mounted beside the Reflex app."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from certportal import __version__
from certportal.api import session as session_routes
from certportal.auth import rules
from certportal.db import database_reachable, session_scope
from certportal.settings import get_settings

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


def _attachment(token: str, attachment_id: int) -> object:
    """The attachment's file for the person the session cookie belongs to, or why not."""
    from certportal.auth import service as auth_service
    from certportal.cases import service as cases

    with session_scope() as session:
        actor = auth_service.authenticate(session, token=token)
        return cases.attachment_file(session, actor=actor, attachment_id=attachment_id)


async def case_attachment(request: Request) -> Response:
    """A support case's screenshot or PDF, only for those who may read the case's texts.
    Anyone else gets the same 404 whether or not the attachment exists."""
    from certportal.cases.service import AttachmentFile
    from certportal.errors import CertportalError

    raw = str(request.path_params.get("attachment_id", ""))
    name = rules.cookie_name(rules.SESSION_COOKIE, secure=get_settings().secure_cookies)
    token = rules.cookie_value(request.headers.get("cookie", ""), name)
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": "default-src 'none'; sandbox"}
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or not token:
        return Response("not found\n", status_code=404, media_type="text/plain", headers=headers)
    try:
        found = await asyncio.to_thread(_attachment, token, int(raw))
    except CertportalError:
        return Response("not found\n", status_code=404, media_type="text/plain", headers=headers)
    assert isinstance(found, AttachmentFile)
    disposition = "attachment" if found.mime == "application/pdf" else "inline"
    headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(found.name)}"
    return Response(
        await asyncio.to_thread(found.path.read_bytes), media_type=found.mime, headers=headers
    )


def build_api() -> Starlette:
    return Starlette(
        routes=[
            Route("/api/health", health, methods=["GET"]),
            Route("/api/calendar/{token}.ics", calendar_feed, methods=["GET"]),
            Route("/api/cases/attachments/{attachment_id}", case_attachment, methods=["GET"]),
            Route("/api/auth/session", session_routes.session_cookie, methods=["GET"]),
            Route("/api/auth/signed-out", session_routes.signed_out, methods=["GET"]),
        ]
    )
