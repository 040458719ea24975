"""Sign-in with an OpenID Connect provider (Microsoft Entra ID first), with Authlib and httpx.

    begin()     discovery → a one-time state, nonce and PKCE verifier stored (state hashed) →
                the provider's authorization URL (code flow, S256)
    complete()  the attempt by its state (unknown, expired or used: refused) → the code exchanged
                at the token endpoint with the verifier → the id_token's signature checked with
                the provider's JWKS (fetched again once when a key id is new: key rotation) →
                its claims checked (``auth/claims.py``) → the person: their linked identity, or a
                new member; an existing local account with the same address must link first →
                a server-side session (the browser gets only our opaque token; the provider's
                tokens are never stored nor sent to the browser)

Errors are ``AuthError`` with message keys ``auth.oidc.error.*``; nothing about the person is
stored on a refusal (the attempt is marked used so a code cannot be replayed).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlmodel import Session, select

from certportal.audit import service as audit
from certportal.auth import claims as claim_rules
from certportal.auth import service as auth_service
from certportal.auth.models import ExternalIdentity, OidcAttempt, User
from certportal.auth.policy import Principal, Role
from certportal.auth.rules import search_key
from certportal.clock import utcnow
from certportal.errors import AuthError
from certportal.settings import get_settings

ATTEMPT_MINUTES = 10
TIMEOUT = 10.0

# tests pass a function making the client (a transport that rewrites answers, say)
ClientFactory = Callable[[], httpx.Client]


def _client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, follow_redirects=False)


_cache: dict[str, Any] = {}


def _get_json(client: httpx.Client, url: str) -> dict[str, Any]:
    try:
        response = client.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError):
        raise AuthError("auth.oidc.error.provider") from None
    if not isinstance(data, dict):
        raise AuthError("auth.oidc.error.provider")
    return data


def discovery(client: httpx.Client, *, refresh: bool = False) -> dict[str, Any]:
    url = get_settings().oidc_discovery_url
    if refresh or _cache.get("discovery_url") != url:
        document = _get_json(client, url)
        for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(key), str):
                raise AuthError("auth.oidc.error.provider")
        _cache.clear()
        _cache["discovery_url"] = url
        _cache["discovery"] = document
    return _cache["discovery"]  # type: ignore[no-any-return]


def _keys(client: httpx.Client, jwks_uri: str, *, refresh: bool = False) -> KeySet:
    if refresh or "jwks" not in _cache:
        _cache["jwks"] = KeySet.import_key_set(_get_json(client, jwks_uri))  # type: ignore[arg-type]
    return _cache["jwks"]  # type: ignore[no-any-return]


def _hash(state: str, binding: str) -> str:
    return auth_service.hash_token(f"oidc-state:{state}.{binding}")


@dataclass(frozen=True)
class Started:
    """Where to send the browser, and the binding it keeps meanwhile (a cookie set by the page
    that starts: ``rules.OIDC_COOKIE``). The provider's answer completes only in the browser with
    that binding — a victim sent someone else's answer address is not signed in as them."""

    url: str
    binding: str


def begin(
    session: Session,
    *,
    purpose: str = "sign_in",
    actor: Principal | None = None,
    next_path: str = "/",
    client_factory: ClientFactory = _client,
) -> Started:
    """Store a fresh attempt and return where to send the browser."""
    settings = get_settings()
    if not settings.oidc_enabled:
        raise AuthError("auth.oidc.error.not_configured")
    with client_factory() as client:
        document = discovery(client)
    state = secrets.token_urlsafe(32)
    binding = secrets.token_urlsafe(16)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    session.add(
        OidcAttempt(
            state_hash=_hash(state, binding),
            nonce=nonce,
            code_verifier=verifier,
            purpose="link" if purpose == "link" and actor is not None else "sign_in",
            user_id=actor.user_id if purpose == "link" and actor is not None else None,
            next_path=next_path[:300] if next_path.startswith("/") else "/",
        )
    )
    session.flush()
    url = add_params_to_uri(
        document["authorization_endpoint"],
        [
            ("client_id", settings.oidc_client_id),
            ("response_type", "code"),
            ("redirect_uri", settings.redirect_url),
            ("scope", "openid profile email"),
            ("state", state),
            ("nonce", nonce),
            ("code_challenge", create_s256_code_challenge(verifier)),
            ("code_challenge_method", "S256"),
            ("response_mode", "query"),
        ],
    )
    return Started(url=url, binding=binding)


@dataclass(frozen=True)
class Completed:
    signed_in: auth_service.SignedIn | None  # None when an identity was linked
    next_path: str
    linked: bool = False


def _attempt(session: Session, state: str, binding: str, now: datetime) -> OidcAttempt:
    if not state or len(state) > 200 or not binding or len(binding) > 100:
        raise AuthError("auth.oidc.error.state")
    row = session.exec(
        select(OidcAttempt).where(OidcAttempt.state_hash == _hash(state, binding))
    ).first()
    if row is None:
        raise AuthError("auth.oidc.error.state")
    if row.used_at is not None:
        raise AuthError("auth.oidc.error.replayed")
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=now.tzinfo)
    row.used_at = now
    session.add(row)
    session.flush()
    if created + timedelta(minutes=ATTEMPT_MINUTES) < now:
        raise AuthError("auth.oidc.error.state")
    return row


def _exchange(client: httpx.Client, document: dict[str, Any], code: str, verifier: str) -> str:
    settings = get_settings()
    try:
        response = client.post(
            document["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": settings.redirect_url,
                "code_verifier": verifier,
                "client_id": settings.oidc_client_id,
                "client_secret": settings.oidc_client_secret,
            },
            headers={"Accept": "application/json"},
        )
    except httpx.HTTPError:
        raise AuthError("auth.oidc.error.provider") from None
    if response.status_code != 200:
        raise AuthError("auth.oidc.error.code")
    try:
        token = response.json().get("id_token")
    except ValueError:
        raise AuthError("auth.oidc.error.provider") from None
    if not isinstance(token, str):
        raise AuthError("auth.oidc.error.provider")
    return token


def _verify(client: httpx.Client, document: dict[str, Any], token: str) -> dict[str, Any]:
    """The claims of a correctly signed id_token (RS256/ES256 only)."""
    algorithms = ["RS256", "RS384", "RS512", "ES256", "PS256"]
    for refresh in (False, True):
        keys = _keys(client, document["jwks_uri"], refresh=refresh)
        try:
            return dict(jwt.decode(token, keys, algorithms=algorithms).claims)
        except ValueError:
            continue  # a key id we do not know yet: the provider rotated its keys
        except JoseError:
            raise AuthError("auth.oidc.error.signature") from None
    raise AuthError("auth.oidc.error.signature")


def complete(
    session: Session,
    *,
    state: str,
    code: str,
    binding: str,
    now: datetime | None = None,
    client_factory: ClientFactory = _client,
) -> Completed:
    """The provider's answer (``state``, ``code``) in the browser that started (``binding``)."""
    settings = get_settings()
    moment = now or utcnow()
    attempt = _attempt(session, state, binding, moment)
    if not code or len(code) > 4000:
        raise AuthError("auth.oidc.error.code")
    with client_factory() as client:
        document = discovery(client)
        token = _exchange(client, document, code, attempt.code_verifier)
        verified = _verify(client, document, token)
    identity = claim_rules.check(
        verified,
        issuer_template=document["issuer"],
        client_id=settings.oidc_client_id,
        nonce=attempt.nonce,
        now=moment.timestamp(),
        allowed_tenants=settings.allowed_tenants,
    )
    link = session.exec(
        select(ExternalIdentity).where(
            ExternalIdentity.tenant_id == identity.tenant_id,
            ExternalIdentity.object_id == identity.object_id,
        )
    ).first()
    if attempt.purpose == "link":
        return _link(session, attempt, identity, link, moment)
    if link is not None:
        user = session.get(User, link.user_id)
        if user is None or not user.is_active:
            raise AuthError("auth.oidc.error.inactive")
        link.last_used_at = moment
        session.add(link)
    else:
        user = _new_person(session, identity, moment)
    signed = auth_service._start_session(session, user, moment)
    audit.record(
        session,
        action="auth.sign_in",
        actor_id=user.id,
        actor_label=user.email,
        detail={"method": "microsoft", "tenant": identity.tenant_id},
        at=moment,
    )
    return Completed(signed_in=signed, next_path=attempt.next_path)


def _identity_row(
    user: User, identity: claim_rules.ExternalIdentity, now: datetime
) -> ExternalIdentity:
    return ExternalIdentity(
        user_id=user.id or 0,
        tenant_id=identity.tenant_id,
        object_id=identity.object_id,
        username=identity.username[:254],
        last_used_at=now,
    )


def _new_person(session: Session, identity: claim_rules.ExternalIdentity, now: datetime) -> User:
    settings = get_settings()
    if not identity.email:
        raise AuthError("auth.oidc.error.claims")
    existing = session.exec(select(User).where(User.email == identity.email)).first()
    if existing is not None:
        # a local account with this address: its owner links it first (no silent takeover)
        raise AuthError("auth.oidc.error.link_first")
    role = claim_rules.role_for(
        identity, admin_values=settings.admin_roles, lead_values=settings.lead_roles
    )
    user = User(
        email=identity.email,
        display_name=identity.name[:100] or identity.email,
        search_key=search_key(identity.name, identity.email),
        password_hash=None,
        role=Role(role).value,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    session.flush()
    session.add(_identity_row(user, identity, now))
    audit.record(
        session,
        action="user.created",
        actor_label="microsoft",
        target_type="user",
        target_id=user.id,
        detail={"email": user.email, "role": user.role, "method": "microsoft"},
        at=now,
    )
    return user


def _link(
    session: Session,
    attempt: OidcAttempt,
    identity: claim_rules.ExternalIdentity,
    existing: ExternalIdentity | None,
    now: datetime,
) -> Completed:
    user = session.get(User, attempt.user_id) if attempt.user_id else None
    if user is None or not user.is_active:
        raise AuthError("auth.oidc.error.state")
    if existing is not None and existing.user_id != user.id:
        raise AuthError("auth.oidc.error.linked_elsewhere")
    if identity.email != user.email:
        raise AuthError("auth.oidc.error.link_email")
    if existing is None:
        session.add(_identity_row(user, identity, now))
    audit.record(
        session,
        action="auth.microsoft_linked",
        actor_id=user.id,
        actor_label=user.email,
        detail={"tenant": identity.tenant_id},
        at=now,
    )
    session.flush()
    return Completed(signed_in=None, next_path=attempt.next_path, linked=True)


def record_failure(session: Session, *, reason: str, now: datetime | None = None) -> None:
    """A refused Microsoft sign-in, for the audit log (who it was is unknown: nothing from the
    refused token is kept)."""
    audit.record(
        session,
        action="auth.sign_in_failed",
        actor_label="microsoft",
        detail={"method": "microsoft", "reason": reason},
        at=now,
    )


def linked(session: Session, *, actor: Principal) -> ExternalIdentity | None:
    return session.exec(
        select(ExternalIdentity).where(ExternalIdentity.user_id == actor.user_id)
    ).first()
