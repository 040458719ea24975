"""The session cookie is HttpOnly, set and cleared only by two HTTP routes.

Signing in (password, sign-up, Microsoft) ends with a full navigation to ``/api/auth/session``
carrying a one-time code; the route trades it for the token, once, within a minute. Signing out
ends the session in the page, then ``/api/auth/signed-out`` clears the cookie — only for a session
that has ended, so another site linking there signs nobody out.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.testclient import TestClient

from certportal.api.health import build_api
from certportal.api.session import LATE
from certportal.auth import rules
from certportal.auth import service as auth_service
from certportal.auth.rules import SESSION_COOKIE
from certportal.clock import utcnow
from certportal.errors import AuthError
from certportal.settings import get_settings
from tests.conftest import fresh_row, make_user

PASSWORD = "correct horse battery"


def _handoff(
    engine: Engine, email: str = "hina@example.com", *, age: timedelta = timedelta(0)
) -> auth_service.Handoff:
    """What a sign-in in the page hands to the browser (``age`` ago)."""
    with Session(engine) as session:
        now = utcnow() - age
        signed = auth_service.sign_in(session, email=email, password=PASSWORD, now=now)
        handoff = auth_service.hand_off(session, token=signed.token, now=now)
        session.commit()
        return handoff


def _browser(handoff: auth_service.Handoff | None = None) -> TestClient:
    """A browser; with ``handoff``, the one whose page set its binding cookie."""
    client = TestClient(build_api())
    if handoff is not None:
        client.cookies.set(rules.HANDOFF_COOKIE, handoff.binding)
    return client


def _code(engine: Engine, *, age: timedelta = timedelta(0)) -> tuple[TestClient, str]:
    handoff = _handoff(engine, age=age)
    return _browser(handoff), handoff.code


def _set_cookie(response: object, name: str = SESSION_COOKIE) -> str:
    """The response's Set-Cookie for cookie ``name`` ('' if none)."""
    for header in response.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        if header.startswith(f"{name}="):
            return str(header)
    return ""


def test_the_code_becomes_an_httponly_session_cookie_once(engine: Engine, session: Session) -> None:
    make_user(session, "hina@example.com", name="Hina")
    client, code = _code(engine)
    entered = client.get(f"/api/auth/session?code={code}&next=/wizard", follow_redirects=False)
    assert entered.status_code == 303 and entered.headers["location"] == "/wizard"
    cookie = _set_cookie(entered)
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=lax" in lowered and "path=/" in lowered
    assert "max-age=" in lowered
    assert entered.headers["cache-control"] == "no-store"
    assert entered.headers["referrer-policy"] == "no-referrer"
    token = client.cookies[SESSION_COOKIE]
    assert token != code
    assert auth_service.authenticate(session, token=token).display_name == "Hina"
    # the binding cookie is used up
    assert "max-age=0" in _set_cookie(entered, rules.HANDOFF_COOKIE).lower()
    # the same code again (a reload, a copied address): nothing, back to sign-in saying so
    again = client.get(f"/api/auth/session?code={code}", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == LATE
    assert _set_cookie(again) == ""


def test_a_code_is_not_a_session_and_expires_within_a_minute(
    engine: Engine, session: Session
) -> None:
    make_user(session, "hina@example.com")
    _, code = _code(engine)
    with pytest.raises(AuthError):
        auth_service.authenticate(session, token=code)  # nothing acts as the person with it
    browser, late = _code(engine, age=rules.HANDOFF_TTL + timedelta(seconds=1))
    response = browser.get(f"/api/auth/session?code={late}&next=/cases", follow_redirects=False)
    # back to sign-in saying so, and on to where the person was going after signing in
    assert response.headers["location"] == f"{LATE}&next=/cases"
    assert _set_cookie(response) == ""
    for made_up in ("", "x", "a" * 500):
        response = TestClient(build_api()).get(
            f"/api/auth/session?code={made_up}", follow_redirects=False
        )
        assert response.headers["location"] == LATE


def test_a_code_opens_nothing_in_another_browser(engine: Engine, session: Session) -> None:
    """Login CSRF: an attacker signs in, keeps the address with their code and gets a victim to
    open it — the victim's browser has no binding cookie (or another one) and stays signed out."""
    make_user(session, "mallory@example.com")
    handoff = _handoff(engine, "mallory@example.com")
    for victim in (_browser(), _browser(auth_service.Handoff(code="x", binding="other"))):
        response = victim.get(f"/api/auth/session?code={handoff.code}", follow_redirects=False)
        assert response.headers["location"] == LATE
        assert _set_cookie(response) == ""
    # the attacker's own browser could still use it: the code itself was not burnt by the tries
    attacker = _browser(handoff)
    entered = attacker.get(f"/api/auth/session?code={handoff.code}", follow_redirects=False)
    assert entered.headers["location"] == "/"


def test_only_same_site_paths_are_followed(engine: Engine, session: Session) -> None:
    make_user(session, "hina@example.com")
    client, code = _code(engine)
    response = client.get(
        f"/api/auth/session?code={code}&next=//evil.example/x", follow_redirects=False
    )
    assert response.headers["location"] == "/"


def test_sign_out_everywhere_also_ends_a_sign_in_on_its_way(
    engine: Engine, session: Session
) -> None:
    person = make_user(session, "hina@example.com")
    client, code = _code(engine)
    with Session(engine) as other:
        auth_service.sign_out_everywhere(other, actor=person)
        other.commit()
    response = client.get(f"/api/auth/session?code={code}", follow_redirects=False)
    assert response.headers["location"] == LATE


def test_signed_out_from_another_site_touches_no_session_in_use(
    engine: Engine, session: Session
) -> None:
    make_user(session, "hina@example.com")
    token = auth_service.sign_in(session, email="hina@example.com", password=PASSWORD).token
    session.commit()
    client = TestClient(build_api())
    client.cookies.set(SESSION_COOKIE, token)
    seen_before = _last_seen(engine, token)
    # another site links here: the cookie and the session stay, not even marked as used
    for site in ("cross-site", "same-site", None):
        headers = {"Sec-Fetch-Site": site} if site else {}
        kept = client.get("/api/auth/signed-out", headers=headers, follow_redirects=False)
        assert kept.headers["location"] == "/" and _set_cookie(kept) == ""
    assert auth_service.authenticate(session, token=token)
    assert _last_seen(engine, token) == seen_before
    # once the session has ended, the cookie goes even then
    auth_service.sign_out(session, token=token)
    session.commit()
    cleared = client.get("/api/auth/signed-out", follow_redirects=False)
    assert cleared.status_code == 303 and cleared.headers["location"] == "/login"
    cookie = _set_cookie(cleared).lower()
    assert "max-age=0" in cookie and "httponly" in cookie
    nobody = TestClient(build_api()).get("/api/auth/signed-out", follow_redirects=False)
    assert nobody.headers["location"] == "/login"


def test_signing_out_in_a_page_ends_the_session_the_cookie_carries(
    engine: Engine, session: Session
) -> None:
    """Two tabs: the first opened before a sign-in in the second, so its websocket knew an older
    session. Signing out in it ends that one in the page — and, here, the browser's current one."""
    make_user(session, "hina@example.com")
    current = auth_service.sign_in(session, email="hina@example.com", password=PASSWORD).token
    session.commit()
    client = TestClient(build_api())
    client.cookies.set(SESSION_COOKIE, current)
    left = client.get(
        "/api/auth/signed-out?next=/cases",
        headers={"Sec-Fetch-Site": "same-origin"},
        follow_redirects=False,
    )
    assert left.headers["location"] == "/login?next=/cases"
    assert "max-age=0" in _set_cookie(left).lower()
    with pytest.raises(AuthError):
        auth_service.authenticate(session, token=current)
    unsafe = client.get("/api/auth/signed-out?next=//evil.example", follow_redirects=False)
    assert unsafe.headers["location"] == "/login"


def _last_seen(engine: Engine, token: str) -> object:
    return fresh_row(engine, token).last_seen_at


def test_the_cookie_header_is_read_strictly() -> None:
    header = 'a=1; certportal_session="abc-_.~"; certportal_lang=ja'
    assert rules.cookie_value(header, SESSION_COOKIE) == "abc-_.~"
    assert rules.cookie_value(header, rules.LANG_COOKIE) == "ja"
    assert rules.cookie_value("", SESSION_COOKIE) == ""
    assert rules.cookie_value("certportal_session=a b<script>", SESSION_COOKIE) == ""
    assert rules.cookie_value("xcertportal_session=abc", SESSION_COOKIE) == ""


def test_over_https_the_cookies_are_host_only_and_secure(
    engine: Engine,
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    """``__Host-``: a browser accepts it only Secure, for this host, path / — a sibling subdomain
    cannot plant a session or a hand-off binding of its own for this site."""
    make_user(session, "hina@example.com")
    monkeypatch.setenv("BASE_URL", "https://certportal.example.com")
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)  # the next test reads its own settings
    handoff = _handoff(engine)
    client = TestClient(build_api(), base_url="https://certportal.example.com")
    client.cookies.set(f"__Host-{rules.HANDOFF_COOKIE}", handoff.binding)
    entered = client.get(f"/api/auth/session?code={handoff.code}", follow_redirects=False)
    assert entered.headers["location"] == "/"
    cookie = _set_cookie(entered, f"__Host-{SESSION_COOKIE}").lower()
    assert "secure" in cookie and "path=/" in cookie and "httponly" in cookie
    assert "domain=" not in cookie
    # the unprefixed binding (what a sibling subdomain could set) does not count
    other = _handoff(engine)
    tossed = TestClient(build_api(), base_url="https://certportal.example.com")
    tossed.cookies.set(rules.HANDOFF_COOKIE, other.binding)
    refused = tossed.get(f"/api/auth/session?code={other.code}", follow_redirects=False)
    assert refused.headers["location"] == LATE
