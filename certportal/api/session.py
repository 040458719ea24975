"""The session cookie's two HTTP routes: the only places it is set and cleared.

The token is an HttpOnly cookie, so page scripts (and anything injected into a page) never read
it; the pages' websocket sends it in its handshake. Signing in happens in the page (errors shown
in place, in the person's language); its last step is a full navigation here:

- ``GET /api/auth/session?code=…&next=…`` exchanges the one-time code of a session just opened
  (``auth.service.hand_off``), with the binding cookie the same page set a moment before, for the
  session cookie, and goes on to ``next``;
- ``GET /api/auth/signed-out`` clears the cookie once the session has ended (the page ended it,
  then comes here) and goes to sign-in. A session still in use is not touched: another site
  linking here cannot sign anyone out.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import RedirectResponse

from certportal.auth import rules
from certportal.db import session_scope
from certportal.errors import AuthError, Unavailable
from certportal.settings import get_settings

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
# where the sign-in page says the sign-in did not complete (the code was late or used)
LATE = "/login?handoff=late"


def _redeem(code: str, binding: str) -> str | None:
    from certportal.auth import service as auth_service

    with session_scope() as session:
        return auth_service.redeem(session, code=code, binding=binding)


def _in_use(token: str) -> bool:
    from certportal.auth import service as auth_service

    try:
        with session_scope() as session:
            auth_service.authenticate(session, token=token)
    except (AuthError, Unavailable):
        return False
    return True


def _cookie_options() -> dict[str, object]:
    return {
        "path": "/",
        "httponly": True,
        "samesite": "lax",
        "secure": get_settings().secure_cookies,
    }


async def session_cookie(request: Request) -> RedirectResponse:
    code = request.query_params.get("code", "")
    binding = rules.cookie_value(request.headers.get("cookie", ""), rules.HANDOFF_COOKIE)
    target = rules.safe_next(request.query_params.get("next"))
    try:
        token = await asyncio.to_thread(_redeem, code, binding)
    except Unavailable:
        token = None
    response = RedirectResponse(
        LATE if token is None else target, status_code=303, headers=NO_STORE
    )
    # the binding is used up either way
    response.delete_cookie(rules.HANDOFF_COOKIE, path=rules.HANDOFF_PATH, samesite="strict")
    if token is None:
        return response
    response.set_cookie(
        rules.SESSION_COOKIE,
        token,
        max_age=get_settings().session_absolute_hours * 3600,
        **_cookie_options(),  # type: ignore[arg-type]
    )
    return response


async def signed_out(request: Request) -> RedirectResponse:
    token = rules.cookie_value(request.headers.get("cookie", ""), rules.SESSION_COOKIE)
    if token and await asyncio.to_thread(_in_use, token):
        return RedirectResponse("/", status_code=303, headers=NO_STORE)
    response = RedirectResponse("/login", status_code=303, headers=NO_STORE)
    response.delete_cookie(rules.SESSION_COOKIE, **_cookie_options())  # type: ignore[arg-type]
    return response
