"""The session cookie's two HTTP routes: the only places it is set and cleared.

The token is an HttpOnly cookie, so page scripts (and anything injected into a page) never read
it; the pages' websocket sends it in its handshake. Signing in happens in the page (errors shown
in place, in the person's language); its last step is a full navigation here:

- ``GET /api/auth/session?code=…&next=…`` exchanges the one-time code of a session just opened
  (``auth.service.hand_off``), with the binding cookie the same page set a moment before, for the
  session cookie, and goes on to ``next``;
- ``GET /api/auth/signed-out?next=…`` clears the cookie and goes to sign-in (then ``next``). Sent
  here by one of our pages (``Sec-Fetch-Site: same-origin``), it also ends the session the cookie
  carries: the page ended the session it knew, but a tab opened before a later sign-in in another
  tab knew an older one. From anywhere else it only clears the cookie of a session that has already
  ended (another site linking here signs nobody out) and never touches a session in use.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse

from certportal.auth import rules
from certportal.db import session_scope
from certportal.errors import AuthError, Unavailable
from certportal.settings import get_settings

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
# what makes the sign-in page say the sign-in did not complete (the code was late or used)
LATE_FLAG = "handoff=late"
LATE = f"/login?{LATE_FLAG}"


def _redeem(code: str, binding: str) -> str | None:
    from certportal.auth import service as auth_service

    with session_scope() as session:
        return auth_service.redeem(session, code=code, binding=binding)


def _in_use(token: str) -> bool | None:
    """Whether the session is in use (None: the database cannot tell). A look, not a use: the
    session's "last seen" is not moved."""
    from certportal.auth import service as auth_service

    try:
        with session_scope() as session:
            try:
                auth_service.authenticate(session, token=token)
            finally:
                session.rollback()
    except AuthError:
        return False
    except Unavailable:
        return None
    return True


def _end(token: str) -> None:
    from certportal.auth import service as auth_service

    with session_scope() as session:
        auth_service.sign_out(session, token=token)


def _to_login(next_path: str | None, *flags: str) -> str:
    """The sign-in page, saying ``flags`` and going on to ``next_path`` (when not home)."""
    target = rules.safe_next(next_path)
    query = [*flags, *([f"next={quote(target, safe='/')}"] if target != "/" else [])]
    return "/login" + (f"?{'&'.join(query)}" if query else "")


def _name(base: str) -> str:
    return rules.cookie_name(base, secure=get_settings().secure_cookies)


def _cookie_options() -> dict[str, object]:
    return {
        "path": "/",
        "httponly": True,
        "samesite": "lax",
        "secure": get_settings().secure_cookies,
    }


async def session_cookie(request: Request) -> RedirectResponse:
    code = request.query_params.get("code", "")
    binding = rules.cookie_value(request.headers.get("cookie", ""), _name(rules.HANDOFF_COOKIE))
    target = rules.safe_next(request.query_params.get("next"))
    try:
        token = await asyncio.to_thread(_redeem, code, binding)
    except Unavailable:
        token = None
    where = _to_login(target, LATE_FLAG) if token is None else target
    response = RedirectResponse(where, status_code=303, headers=NO_STORE)
    # the binding is used up either way
    response.delete_cookie(
        _name(rules.HANDOFF_COOKIE),
        path="/",
        samesite="strict",
        secure=get_settings().secure_cookies,
    )
    if token is None:
        return response
    response.set_cookie(
        _name(rules.SESSION_COOKIE),
        token,
        max_age=get_settings().session_absolute_hours * 3600,
        **_cookie_options(),  # type: ignore[arg-type]
    )
    return response


async def signed_out(request: Request) -> RedirectResponse:
    token = rules.cookie_value(request.headers.get("cookie", ""), _name(rules.SESSION_COOKIE))
    if token:
        if request.headers.get("sec-fetch-site") == "same-origin":
            # the cookie goes even if the database is down: the person asked to sign out here
            with contextlib.suppress(Unavailable):
                await asyncio.to_thread(_end, token)
        elif await asyncio.to_thread(_in_use, token) is not False:
            return RedirectResponse("/", status_code=303, headers=NO_STORE)
    where = _to_login(request.query_params.get("next"))
    response = RedirectResponse(where, status_code=303, headers=NO_STORE)
    response.delete_cookie(_name(rules.SESSION_COOKIE), **_cookie_options())  # type: ignore[arg-type]
    return response
