"""Local accounts and server-side sessions.

Every function takes the database session first (keyword ``session``) and, where someone acts on
someone else, the acting :class:`Principal`. Errors are :mod:`certportal.errors` with catalog keys.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection, ScalarSelect, bindparam, delete, func, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Executable
from sqlmodel import Session, col, select

from certportal.audit import service as audit
from certportal.auth import rules
from certportal.auth.models import LoginSession, SignInFailure, User
from certportal.auth.passwords import hash_password, needs_rehash, verify_password
from certportal.auth.policy import Principal, Role, TeamRole, require_self
from certportal.clock import utcnow
from certportal.errors import AuthError, Conflict, InvalidInput, PermissionDenied
from certportal.i18n.catalog import LOCALES
from certportal.settings import get_settings
from certportal.teams.models import TeamMembership


@dataclass(frozen=True)
class SignedIn:
    token: str
    principal: Principal


def session_policy() -> rules.SessionPolicy:
    settings = get_settings()
    return rules.SessionPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
    )


def hash_token(token: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


# Session tokens are stored under their own name space. Its "v2" began when the token moved into
# an HttpOnly cookie: sessions opened before (their token was in a cookie page scripts could
# read) do not match any more and end at the upgrade — everyone signs in once again.
_SESSION_NS = "session-v2:"


def session_token_hash(token: str) -> str:
    """What a session row stores (and is looked up by) for a session token or hand-off."""
    return hash_token(_SESSION_NS + token)


def principal_for(session: Session, user: User) -> Principal:
    assert user.id is not None
    rows = session.exec(select(TeamMembership).where(TeamMembership.user_id == user.id)).all()
    return _principal(user, rows)


def _principal(user: User, rows: Sequence[TeamMembership]) -> Principal:
    assert user.id is not None
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=Role(user.role),
        locale=user.locale,
        led_team_ids=frozenset(m.team_id for m in rows if m.role == TeamRole.LEAD),
        member_team_ids=frozenset(m.team_id for m in rows if m.role == TeamRole.MEMBER),
    )


def _validated_account(email: str, display_name: str, password: str) -> tuple[str, str]:
    email = rules.normalize_email(email)
    name = rules.clean_display_name(display_name)
    rules.check_password_strength(password, email=email)
    return email, name


def _email_taken(session: Session, email: str) -> bool:
    return session.exec(select(User.id).where(User.email == email)).first() is not None


def create_account(
    session: Session,
    *,
    email: str,
    display_name: str,
    password: str,
    role: Role,
    locale: str | None = None,
    now: datetime | None = None,
) -> User:
    """Insert a validated account (no authorization: callers decide who may create whom)."""
    email, name = _validated_account(email, display_name, password)
    if locale is not None and locale not in LOCALES:
        raise InvalidInput("error.locale_invalid", field="locale")
    if _email_taken(session, email):
        raise Conflict("error.email_taken", field="email")
    moment = now or utcnow()
    user = User(
        email=email,
        display_name=name,
        search_key=rules.search_key(name, email),
        password_hash=hash_password(password),
        role=role.value,
        locale=locale,
        created_at=moment,
        updated_at=moment,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent sign-up with the same address
        raise Conflict("error.email_taken", field="email") from exc
    return user


def sign_up(
    session: Session,
    *,
    email: str,
    display_name: str,
    password: str,
    locale: str | None = None,
    now: datetime | None = None,
) -> SignedIn:
    """Create a local account and sign it in. The very first account becomes admin."""
    if not get_settings().allow_signup or not get_settings().local_accounts:
        raise PermissionDenied("error.signup_closed")
    first = session.exec(select(func.count()).select_from(User)).one() == 0
    user = create_account(
        session,
        email=email,
        display_name=display_name,
        password=password,
        role=Role.ADMIN if first else Role.MEMBER,
        locale=locale,
        now=now,
    )
    audit.record(
        session,
        action="user.signed_up",
        actor_id=user.id,
        actor_label=user.email,
        target_type="user",
        target_id=user.id,
        detail={"role": user.role},
        at=now,
    )
    return _start_session(session, user, now or utcnow())


def _start_session(session: Session, user: User, now: datetime) -> SignedIn:
    assert user.id is not None
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            user_id=user.id, token_hash=session_token_hash(token), created_at=now, last_seen_at=now
        )
    )
    session.flush()
    return SignedIn(token=token, principal=principal_for(session, user))


def sign_in(
    session: Session, *, email: str, password: str, now: datetime | None = None
) -> SignedIn:
    """Check the password and open a session.

    Unknown e-mail, wrong password and deactivated account all give the same error. After
    repeated failures the account is throttled (the wait is in the error's ``seconds``).
    Failures are recorded by the caller's transaction: commit even when this raises
    ``error.bad_credentials`` (see :func:`record_failure`).
    """
    moment = now or utcnow()
    if not get_settings().local_accounts:
        raise AuthError("auth.local_disabled")
    try:
        normalized = rules.normalize_email(email)
    except InvalidInput:
        raise AuthError("error.bad_credentials") from None
    failures = list(
        session.exec(
            select(SignInFailure.at).where(
                SignInFailure.email == normalized,
                SignInFailure.at > moment - rules.THROTTLE_WINDOW,
            )
        ).all()
    )
    wait = rules.throttle_wait(failures, moment)
    if wait > timedelta(0):
        raise AuthError("error.too_many_attempts", seconds=rules.seconds_to_wait(wait))
    user = session.exec(select(User).where(User.email == normalized)).first()
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        raise AuthError("error.bad_credentials", email=normalized)
    session.exec(delete(SignInFailure).where(col(SignInFailure.email) == normalized))
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    audit.record(
        session,
        action="user.signed_in",
        actor_id=user.id,
        actor_label=user.email,
        target_type="user",
        target_id=user.id,
        at=moment,
    )
    return _start_session(session, user, moment)


def record_failure(session: Session, *, email: str, now: datetime | None = None) -> None:
    """Remember a failed sign-in (call in its own transaction after ``sign_in`` refused)."""
    moment = now or utcnow()
    try:
        normalized = rules.normalize_email(email)
    except InvalidInput:
        return
    session.add(SignInFailure(email=normalized, at=moment))
    audit.record(
        session,
        action="user.sign_in_failed",
        actor_label=normalized,
        target_type="email",
        target_id=normalized[:64],
        at=moment,
    )


def _session_row(session: Session, token: str) -> LoginSession | None:
    if not token:
        return None
    return session.exec(
        select(LoginSession).where(LoginSession.token_hash == session_token_hash(token))
    ).first()


@cache
def _authentication() -> Executable:
    """The session, its person and their team memberships for a token hash (``token_hash``), in
    one round trip, only the columns a principal needs. Built once: every event of every
    signed-in page comes through here."""
    return (
        sa_select(
            col(LoginSession.id),
            col(LoginSession.created_at),
            col(LoginSession.last_seen_at),
            col(LoginSession.revoked_at),
            col(User.id),
            col(User.email),
            col(User.display_name),
            col(User.role),
            col(User.locale),
            col(User.is_active),
            col(TeamMembership.team_id),
            col(TeamMembership.role),
        )
        .join(User, col(User.id) == col(LoginSession.user_id))
        .outerjoin(TeamMembership, col(TeamMembership.user_id) == col(User.id))
        .where(col(LoginSession.token_hash) == bindparam("token_hash"))
    )


def authenticate(session: Session, *, token: str, now: datetime | None = None) -> Principal:
    """The principal behind a session token, or ``AuthError('error.session_expired')``.

    Unknown, revoked, idle or too old sessions, and sessions of deactivated users, are refused.
    """
    moment = now or utcnow()
    if not token:
        raise AuthError("error.session_expired")
    found = session.execute(_authentication(), {"token_hash": session_token_hash(token)}).all()
    principal, session_id = _session_principal(found, moment)
    if session_id is not None:
        session.execute(
            update(LoginSession)
            .where(col(LoginSession.id) == session_id)
            .values(last_seen_at=moment)
            .execution_options(synchronize_session=False)
        )
    return principal


def quiet_authenticate(
    connection: Connection, *, token: str, now: datetime | None = None
) -> Principal | None:
    """The principal behind a session token in one read that is its own transaction (meant for
    :func:`db.statement_scope`: no BEGIN, no COMMIT, no ping), when the session is active and
    needs no touch — the common case of a page load. Anything else (no token, unknown, ended,
    due its "last seen" update) returns None: :func:`authenticate` then refuses or touches."""
    if not token:
        return None
    moment = now or utcnow()
    found = connection.execute(_authentication(), {"token_hash": session_token_hash(token)}).all()
    try:
        principal, touch = _session_principal(found, moment)
    except AuthError:
        return None
    return principal if touch is None else None


def _session_principal(found: Sequence[Any], moment: datetime) -> tuple[Principal, int | None]:
    """The principal of the rows of :func:`_authentication`, and the session's id when it is due
    its "last seen" update (else None); ``AuthError`` for a session that may not be used."""
    if not found:
        raise AuthError("error.session_expired")
    (session_id, created_at, last_seen_at, revoked_at, user_id, email, name, role, locale,
     active) = found[0][:10]  # fmt: skip
    policy = session_policy()
    status = rules.session_status(
        created_at=created_at,
        last_seen_at=last_seen_at,
        revoked_at=revoked_at,
        now=moment,
        policy=policy,
    )
    rules.require_active_session(status)
    if not active:
        raise AuthError("error.session_expired")
    touch = rules.should_touch(last_seen_at=last_seen_at, now=moment, policy=policy)
    teams = [(row[10], row[11]) for row in found if row[10] is not None]
    principal = Principal(
        user_id=user_id,
        email=email,
        display_name=name,
        role=Role(role),
        locale=locale,
        led_team_ids=frozenset(t for t, r in teams if r == TeamRole.LEAD),
        member_team_ids=frozenset(t for t, r in teams if r == TeamRole.MEMBER),
    )
    return principal, (session_id if touch else None)


@cache
def quiet_session_user(*, locale_set: bool) -> ScalarSelect[int]:
    """The person behind a session token, as a subquery for a statement that authenticates and
    acts at once. Bound parameters: ``token_hash`` (:func:`session_token_hash`),
    ``created_after`` and ``seen_after`` (:func:`quiet_session_params`) and, with ``locale_set``,
    ``locale``.

    It finds only an active person whose stored language is still the one the caller worked with
    (``locale``, or none chosen), with a session that is active and needs no touch (see
    :func:`rules.quiet_session_bounds`); otherwise it is empty (NULL) and the statement does
    nothing, so the caller takes the full path through :func:`authenticate`. Built once: the
    hot events reuse it."""
    user_locale = (
        col(User.locale) == bindparam("locale") if locale_set else col(User.locale).is_(None)
    )
    return (
        select(LoginSession.user_id)
        .join(User, col(User.id) == col(LoginSession.user_id))
        .where(
            col(LoginSession.token_hash) == bindparam("token_hash"),
            col(LoginSession.revoked_at).is_(None),
            col(LoginSession.created_at) > bindparam("created_after"),
            col(LoginSession.last_seen_at) > bindparam("seen_after"),
            col(User.is_active).is_(True),
            user_locale,
        )
        .scalar_subquery()
    )


def quiet_session_params(
    token: str, *, locale: str | None, now: datetime | None = None
) -> dict[str, object]:
    """The values for :func:`quiet_session_user`."""
    created_after, seen_after = rules.quiet_session_bounds(
        now=now or utcnow(), policy=session_policy()
    )
    params: dict[str, object] = {
        "token_hash": session_token_hash(token),
        "created_after": created_after,
        "seen_after": seen_after,
    }
    if locale is not None:
        params["locale"] = locale
    return params


def sign_out(session: Session, *, token: str, now: datetime | None = None) -> None:
    row = _session_row(session, token)
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = now or utcnow()
    row.revoked_reason = "sign_out"
    session.add(row)
    user = session.get(User, row.user_id)
    audit.record(
        session,
        action="user.signed_out",
        actor_id=row.user_id,
        actor_label=user.email if user else "",
        target_type="user",
        target_id=row.user_id,
        at=row.revoked_at,
    )


@dataclass(frozen=True)
class Handoff:
    """A session on its way to the browser that signed in: ``code`` goes in the URL of
    ``/api/auth/session``, ``binding`` in a short-lived cookie set by the same page just before.
    Both are needed: a link carrying someone else's code (to sign a victim's browser in as the
    attacker, "login CSRF") finds no binding cookie there and opens nothing."""

    code: str
    binding: str


def _handoff_hash(code: str, binding: str) -> str:
    return session_token_hash(f"handoff:{code}.{binding}")


def hand_off(session: Session, *, token: str, now: datetime | None = None) -> Handoff:
    """Make a session just opened by a page event claimable only by the next request of the
    browser that opened it.

    The token stops working at once (the session is revoked as ``handoff``); the browser goes to
    ``/api/auth/session`` with the returned code and binding, which exchange them once within
    :data:`rules.HANDOFF_TTL` for a new token in an HttpOnly cookie (:func:`redeem`). So the
    token a person uses never passes through a page script, a URL or the page state."""
    moment = now or utcnow()
    row = _session_row(session, token)
    if row is None or row.revoked_at is not None:
        raise AuthError("error.session_expired")
    handoff = Handoff(code=secrets.token_urlsafe(32), binding=secrets.token_urlsafe(16))
    row.token_hash = _handoff_hash(handoff.code, handoff.binding)
    row.revoked_at = moment
    row.revoked_reason = rules.HANDOFF_REASON
    session.add(row)
    session.flush()
    return handoff


def redeem(session: Session, *, code: str, binding: str, now: datetime | None = None) -> str | None:
    """The session token for a hand-off's code and binding, once, within its time; None
    otherwise (unknown, another browser's, already used, too late, or ended meanwhile by "sign
    out everywhere")."""
    moment = now or utcnow()
    if not code or not binding or len(code) > 100 or len(binding) > 100:
        return None
    token = secrets.token_urlsafe(32)
    claimed = session.execute(
        update(LoginSession)
        .where(
            col(LoginSession.token_hash) == _handoff_hash(code, binding),
            col(LoginSession.revoked_reason) == rules.HANDOFF_REASON,
            col(LoginSession.revoked_at) > moment - rules.HANDOFF_TTL,
        )
        .values(
            token_hash=session_token_hash(token),
            revoked_at=None,
            revoked_reason=None,
            last_seen_at=moment,
        )
        .execution_options(synchronize_session=False)
    )
    return token if getattr(claimed, "rowcount", 0) == 1 else None


def revoke_all_sessions(
    session: Session, *, user_id: int, reason: str, now: datetime | None = None
) -> int:
    moment = now or utcnow()
    rows = session.exec(
        select(LoginSession).where(
            LoginSession.user_id == user_id,
            # sessions in use, and those on their way to a browser (hand_off)
            or_(
                col(LoginSession.revoked_at).is_(None),
                col(LoginSession.revoked_reason) == rules.HANDOFF_REASON,
            ),
        )
    ).all()
    for row in rows:
        row.revoked_at = moment
        row.revoked_reason = reason
        session.add(row)
    return len(rows)


def sign_out_everywhere(session: Session, *, actor: Principal, now: datetime | None = None) -> int:
    """End every session of mine, on every device (this one too); returns how many ended."""
    moment = now or utcnow()
    ended = revoke_all_sessions(
        session, user_id=actor.user_id, reason="signed_out_everywhere", now=moment
    )
    audit.record_by(
        session, actor, "auth.sign_out_everywhere", detail={"sessions": ended}, at=moment
    )
    session.flush()
    return ended


def set_locale(session: Session, *, actor: Principal, user_id: int, locale: str) -> None:
    """Remember a person's language choice (only they may change it)."""
    require_self(actor, user_id)
    if locale not in LOCALES:
        raise InvalidInput("error.locale_invalid", field="locale")
    user = session.get(User, user_id)
    if user is None:
        raise AuthError("error.session_expired")
    user.locale = locale
    user.updated_at = utcnow()
    session.add(user)
