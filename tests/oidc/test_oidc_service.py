"""Sign-in with Microsoft (OpenID Connect) against a real OpenID provider on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import Session, select

from certportal.auth import oidc
from certportal.auth.models import ExternalIdentity, LoginSession, User
from certportal.auth.policy import Role
from certportal.clock import utcnow
from certportal.errors import AuthError
from certportal.settings import get_settings
from tests.conftest import make_user
from tests.oidc.provider import REDIRECT, SECRET, Provider, log_in

from ..service.helpers import audit_actions, count


@pytest.fixture(autouse=True)
def _configured(provider: Provider, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OIDC_DISCOVERY_URL", provider.discovery_url)
    monkeypatch.setenv("OIDC_CLIENT_ID", "certportal")
    monkeypatch.setenv("OIDC_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("OIDC_REDIRECT_URL", REDIRECT)
    monkeypatch.setenv("OIDC_ALLOWED_TENANTS", "tenant-1")
    monkeypatch.setenv("OIDC_LEAD_ROLES", "certportal.lead")
    get_settings.cache_clear()
    oidc._cache.clear()
    yield
    oidc._cache.clear()


def _flow(session: Session, account: str = "aiko", **begin: Any) -> dict[str, str]:
    """Begin, sign in at the provider, and what the browser brings back (with its binding)."""
    started = oidc.begin(session, **begin)
    session.commit()
    return {**log_in(started.url, account), "binding": started.binding}


def test_sign_in_creates_the_person_with_their_entra_identity(session: Session) -> None:
    back = _flow(session)
    done = oidc.complete(session, state=back["state"], code=back["code"], binding=back["binding"])
    session.commit()
    assert done.signed_in is not None
    person = done.signed_in.principal
    assert (person.email, person.display_name, person.role) == (
        "aiko@contoso.example",
        "Aiko Contoso",
        Role.LEAD,
    )
    identity = session.exec(select(ExternalIdentity)).one()
    assert (identity.tenant_id, identity.object_id) == (
        "tenant-1",
        "00000000-0000-0000-0000-0000000000a1",
    )
    user = session.get(User, person.user_id)
    assert user is not None and user.password_hash is None  # no password to steal
    # signing in again finds the same person
    again = _flow(session)
    second = oidc.complete(
        session, state=again["state"], code=again["code"], binding=again["binding"]
    )
    assert second.signed_in is not None and second.signed_in.principal.user_id == person.user_id
    assert count(session, User) == 1 and count(session, LoginSession) == 2
    assert audit_actions(session).count("auth.sign_in") == 2


def _refused(session: Session, key: str, action: Any) -> None:
    users, sessions = count(session, User), count(session, LoginSession)
    with pytest.raises(AuthError) as exc:
        action()
    assert exc.value.key == key
    session.commit()  # what the caller does: nothing about a person was stored
    assert (count(session, User), count(session, LoginSession)) == (users, sessions)
    assert count(session, ExternalIdentity) == 0


def test_a_wrong_state_is_refused(session: Session) -> None:
    back = _flow(session)
    _refused(
        session,
        "auth.oidc.error.state",
        lambda: oidc.complete(
            session, state="forged-" + back["state"], code=back["code"], binding=back["binding"]
        ),
    )


@pytest.mark.parametrize("binding", ["", "another-browsers"])
def test_the_answer_completes_only_in_the_browser_that_started(
    session: Session, binding: str
) -> None:
    """Login CSRF: an attacker starts a sign-in, stops at the provider's answer and gets a
    victim to open that address — the victim's browser lacks the attempt's binding cookie."""
    back = _flow(session)
    _refused(
        session,
        "auth.oidc.error.state",
        lambda: oidc.complete(session, state=back["state"], code=back["code"], binding=binding),
    )
    # the attempt is still there for the browser that started it
    done = oidc.complete(session, state=back["state"], code=back["code"], binding=back["binding"])
    assert done.signed_in is not None


def test_a_replayed_code_is_refused(session: Session) -> None:
    back = _flow(session, account="stranger")  # a tenant not allowed: the first use fails too
    with pytest.raises(AuthError):
        oidc.complete(session, state=back["state"], code=back["code"], binding=back["binding"])
    session.commit()
    _refused(
        session,
        "auth.oidc.error.replayed",
        lambda: oidc.complete(
            session, state=back["state"], code=back["code"], binding=back["binding"]
        ),
    )


def test_a_wrong_nonce_is_refused(session: Session) -> None:
    from certportal.auth.models import OidcAttempt

    back = _flow(session)
    attempt = session.exec(select(OidcAttempt)).one()
    attempt.nonce = "not-the-nonce-we-sent"  # as if the token were meant for another attempt
    session.add(attempt)
    session.commit()
    _refused(
        session,
        "auth.oidc.error.nonce",
        lambda: oidc.complete(
            session, state=back["state"], code=back["code"], binding=back["binding"]
        ),
    )


def test_an_expired_token_is_refused(session: Session) -> None:
    back = _flow(session)
    later = utcnow() + timedelta(hours=2)
    # the attempt itself is checked at the moment of the callback; the token an hour too old
    from certportal.auth.models import OidcAttempt

    attempt = session.exec(select(OidcAttempt)).one()
    attempt.created_at = later - timedelta(minutes=1)
    session.add(attempt)
    session.commit()
    _refused(
        session,
        "auth.oidc.error.expired",
        lambda: oidc.complete(
            session, state=back["state"], code=back["code"], binding=back["binding"], now=later
        ),
    )


def test_a_tenant_not_allowed_is_refused(session: Session) -> None:
    back = _flow(session, account="stranger")
    _refused(
        session,
        "auth.oidc.error.tenant",
        lambda: oidc.complete(
            session, state=back["state"], code=back["code"], binding=back["binding"]
        ),
    )


class Rewriting(httpx.BaseTransport):
    """The network as it is, except what ``rewrite`` changes in an answer."""

    def __init__(self, rewrite: Any) -> None:
        self.inner = httpx.HTTPTransport()
        self.rewrite = rewrite

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        return self.rewrite(request, response)


def _client_with(rewrite: Any) -> Any:
    return lambda: httpx.Client(transport=Rewriting(rewrite), timeout=10)


def test_a_bad_signature_is_refused(session: Session) -> None:
    back = _flow(session)

    def tamper(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if request.url.path.endswith("/token"):
            body = response.json()
            header, payload, signature = body["id_token"].split(".")
            flipped = "A" if signature[10] != "A" else "B"
            body["id_token"] = ".".join(
                [header, payload, signature[:10] + flipped + signature[11:]]
            )
            return httpx.Response(200, json=body)
        return response

    _refused(
        session,
        "auth.oidc.error.signature",
        lambda: oidc.complete(
            session,
            state=back["state"],
            code=back["code"],
            binding=back["binding"],
            client_factory=_client_with(tamper),
        ),
    )


def test_a_wrong_issuer_is_refused(session: Session) -> None:
    back = _flow(session)

    def elsewhere(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if request.url.path.endswith("/openid-configuration"):
            body = response.json()
            body["issuer"] = "https://login.microsoftonline.com/{tenantid}/v2.0"
            return httpx.Response(200, json=body)
        return response

    oidc._cache.clear()
    _refused(
        session,
        "auth.oidc.error.issuer",
        lambda: oidc.complete(
            session,
            state=back["state"],
            code=back["code"],
            binding=back["binding"],
            client_factory=_client_with(elsewhere),
        ),
    )


def test_a_token_for_another_audience_is_refused(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the provider issues a token to "other-app"; certportal expects its own client id
    monkeypatch.setenv("OIDC_CLIENT_ID", "other-app")
    get_settings.cache_clear()
    back = _flow(session)
    monkeypatch.setenv("OIDC_CLIENT_ID", "certportal")
    get_settings.cache_clear()

    def as_other_app(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        return response

    def exchange_as_other_app() -> httpx.Client:
        class Swap(httpx.BaseTransport):
            def __init__(self) -> None:
                self.inner = httpx.HTTPTransport()

            def handle_request(self, request: httpx.Request) -> httpx.Response:
                if request.url.path.endswith("/token"):
                    body = request.content.replace(b"client_id=certportal", b"client_id=other-app")
                    request = httpx.Request(
                        request.method,
                        request.url,
                        content=body,
                        headers={"content-type": request.headers["content-type"]},
                    )
                return self.inner.handle_request(request)

        return httpx.Client(transport=Swap(), timeout=10)

    _refused(
        session,
        "auth.oidc.error.audience",
        lambda: oidc.complete(
            session,
            state=back["state"],
            code=back["code"],
            binding=back["binding"],
            client_factory=exchange_as_other_app,
        ),
    )
    del as_other_app


def test_a_local_account_with_the_same_address_links_first(session: Session) -> None:
    local = make_user(session, "local.person@contoso.example", Role.MEMBER, "Local Person")
    back = _flow(session, account="local")
    _refused(
        session,
        "auth.oidc.error.link_first",
        lambda: oidc.complete(
            session, state=back["state"], code=back["code"], binding=back["binding"]
        ),
    )
    # its owner, signed in locally, links the Microsoft identity
    link = _flow(session, account="local", purpose="link", actor=local)
    done = oidc.complete(session, state=link["state"], code=link["code"], binding=link["binding"])
    session.commit()
    assert done.linked and done.signed_in is None
    assert oidc.linked(session, actor=local) is not None
    # from now on Microsoft sign-in is that person
    again = _flow(session, account="local")
    signed = oidc.complete(
        session, state=again["state"], code=again["code"], binding=again["binding"]
    )
    assert signed.signed_in is not None and signed.signed_in.principal.user_id == local.user_id
    assert "auth.microsoft_linked" in audit_actions(session)


def test_linking_someone_elses_identity_is_refused(session: Session) -> None:
    mine = make_user(session, "mine@example.com", Role.MEMBER, "Mine")
    back = _flow(session, account="aiko", purpose="link", actor=mine)
    with pytest.raises(AuthError) as exc:
        oidc.complete(session, state=back["state"], code=back["code"], binding=back["binding"])
    assert exc.value.key == "auth.oidc.error.link_email"


def test_a_deactivated_person_cannot_sign_in_with_microsoft(session: Session) -> None:
    back = _flow(session)
    done = oidc.complete(session, state=back["state"], code=back["code"], binding=back["binding"])
    assert done.signed_in is not None
    user = session.get(User, done.signed_in.principal.user_id)
    assert user is not None
    user.is_active = False
    session.add(user)
    session.commit()
    again = _flow(session)
    with pytest.raises(AuthError) as exc:
        oidc.complete(session, state=again["state"], code=again["code"], binding=again["binding"])
    assert exc.value.key == "auth.oidc.error.inactive"


def test_local_accounts_can_be_turned_off(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from certportal.auth import service as auth_service
    from certportal.errors import PermissionDenied

    make_user(session, "local@example.com", Role.MEMBER, "Local")
    monkeypatch.setenv("LOCAL_ACCOUNTS", "false")
    get_settings.cache_clear()
    with pytest.raises(AuthError) as exc:
        auth_service.sign_in(session, email="local@example.com", password="correct horse battery")
    assert exc.value.key == "auth.local_disabled"
    with pytest.raises(PermissionDenied):
        auth_service.sign_up(
            session, email="new@example.com", display_name="New", password="a-strong-passphrase-1"
        )
    # Microsoft sign-in still works
    back = _flow(session)
    assert (
        oidc.complete(
            session, state=back["state"], code=back["code"], binding=back["binding"]
        ).signed_in
        is not None
    )


def test_refused_microsoft_sign_ins_are_audited(session: Session) -> None:
    oidc.record_failure(session, reason="auth.oidc.error.tenant")
    session.commit()
    assert "auth.sign_in_failed" in audit_actions(session)
