"""What an OpenID Connect id_token must say before anyone is signed in (pure).

Checked here, after the signature (``auth/oidc.py``): the issuer — for Microsoft Entra ID it is
per tenant, ``https://login.microsoftonline.com/{tenantid}/v2.0``, so a discovery document's
template is filled with the token's ``tid`` — the audience (our client id), the expiry and
not-before (with a small leeway), the nonce we sent, and, for multi-tenant apps, that the tenant
is on the allow-list. The claims Entra sends (``oid``, ``tid``, ``preferred_username``,
``email``, ``name``, ``roles``/``groups``) become an :class:`ExternalIdentity`; app roles or
groups may map to member / lead / admin.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from certportal.errors import AuthError

LEEWAY_SECONDS = 120
TENANT_PLACEHOLDERS = ("{tenantid}", "{tenant_id}", "{tid}")


@dataclass(frozen=True)
class ExternalIdentity:
    tenant_id: str
    object_id: str
    email: str
    name: str
    username: str
    roles: tuple[str, ...] = ()


def expected_issuer(template: str, tenant_id: str) -> str:
    issuer = template
    for placeholder in TENANT_PLACEHOLDERS:
        issuer = issuer.replace(placeholder, tenant_id)
    return issuer


def _text(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name, "")
    return value if isinstance(value, str) else ""


def check(
    claims: Mapping[str, Any],
    *,
    issuer_template: str,
    client_id: str,
    nonce: str,
    now: float,
    allowed_tenants: Sequence[str] = (),
) -> ExternalIdentity:
    """The identity in verified claims, or ``AuthError`` with the reason's message key."""
    tenant = _text(claims, "tid")
    if _text(claims, "iss") != expected_issuer(issuer_template, tenant):
        raise AuthError("auth.oidc.error.issuer")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise AuthError("auth.oidc.error.audience")
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise AuthError("auth.oidc.error.audience")
    expires = claims.get("exp")
    if not isinstance(expires, int | float) or expires + LEEWAY_SECONDS < now:
        raise AuthError("auth.oidc.error.expired")
    not_before = claims.get("nbf")
    if isinstance(not_before, int | float) and not_before - LEEWAY_SECONDS > now:
        raise AuthError("auth.oidc.error.expired")
    if not hmac.compare_digest(_text(claims, "nonce"), nonce) or not nonce:
        raise AuthError("auth.oidc.error.nonce")
    if allowed_tenants and tenant not in allowed_tenants:
        raise AuthError("auth.oidc.error.tenant")
    object_id = _text(claims, "oid") or _text(claims, "sub")
    if not tenant or not object_id:
        raise AuthError("auth.oidc.error.claims")
    username = _text(claims, "preferred_username")
    email = (_text(claims, "email") or username).strip().lower()
    roles = tuple(str(r) for r in (claims.get("roles") or []) + (claims.get("groups") or []) if r)
    return ExternalIdentity(
        tenant_id=tenant,
        object_id=object_id,
        email=email,
        name=_text(claims, "name").strip() or username or email,
        username=username,
        roles=roles,
    )


def role_for(
    identity: ExternalIdentity, *, admin_values: Sequence[str], lead_values: Sequence[str]
) -> str:
    """member, lead or admin from the token's app roles or groups (member when none map)."""
    held = set(identity.roles)
    if held & set(admin_values):
        return "admin"
    if held & set(lead_values):
        return "lead"
    return "member"
