"""Sign-up, sign-in, sessions, sign-out and the language preference."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from certportal.audit.models import AuditEntry
from certportal.auth import rules
from certportal.auth import service as auth_service
from certportal.auth.models import LoginSession, SignInFailure, User
from certportal.auth.policy import Principal, Role
from certportal.clock import utcnow
from certportal.db import statement_scope
from certportal.errors import AuthError, Conflict, InvalidInput, PermissionDenied
from certportal.settings import get_settings
from certportal.teams import service as teams
from tests.conftest import fresh_row, make_user

from .helpers import PASSWORD, T0, audit_actions, audit_entries, count, user_count

IDLE = timedelta(minutes=get_settings().session_idle_minutes)
ABSOLUTE = timedelta(hours=get_settings().session_absolute_hours)


def sign_up(session: Session, email: str, **kwargs: object) -> auth_service.SignedIn:
    params: dict[str, object] = {"display_name": "New Person", "password": PASSWORD, "now": T0}
    params.update(kwargs)
    return auth_service.sign_up(session, email=email, **params)  # type: ignore[arg-type]


# --- sign-up ------------------------------------------------------------------------------


def test_sign_up_first_account_is_admin_then_members(session: Session) -> None:
    first = sign_up(session, "First@Example.com", display_name="  First   Person ")
    session.commit()
    second = sign_up(session, "second@example.com")
    session.commit()

    assert first.principal.role is Role.ADMIN
    assert first.principal.email == "first@example.com"
    assert first.principal.display_name == "First Person"
    assert second.principal.role is Role.MEMBER
    assert first.token and second.token and first.token != second.token

    stored = {u.email: u for u in session.exec(select(User)).all()}
    assert stored["first@example.com"].role == "admin"
    assert stored["second@example.com"].role == "member"
    assert stored["first@example.com"].password_hash.startswith("$argon2id$")

    entries = audit_entries(session, "user.signed_up")
    assert [e.target_id for e in entries] == [
        str(first.principal.user_id),
        str(second.principal.user_id),
    ]
    assert [json.loads(e.detail)["role"] for e in entries] == ["admin", "member"]
    assert entries[0].actor_id == first.principal.user_id
    assert entries[0].at == T0


def test_sign_up_with_a_name_that_folds_longer(session: Session, admin: Principal) -> None:
    # found by fuzzing: "ﷺ" is 18 characters once folded, and the search key of 100 of them
    # overflowed its column on PostgreSQL (sign-up crashed)
    signed = sign_up(session, "long.name@example.com", display_name="ﷺ" * 100)
    session.commit()
    assert signed.principal.display_name == "ﷺ" * 100
    rows, _ = teams.list_people(session, actor=admin, search="ﷺ")
    assert [r.email for r in rows] == ["long.name@example.com"]


def test_sign_up_opens_a_working_session(session: Session) -> None:
    signed = sign_up(session, "alice@example.com", locale="en")
    session.commit()
    principal = auth_service.authenticate(session, token=signed.token, now=T0)
    assert principal == signed.principal
    assert principal.locale == "en"


@pytest.mark.parametrize(
    "email", ["alice@example.com", "  ALICE@Example.Com  ", "Alice@example.com"]
)
def test_sign_up_existing_email_conflicts(session: Session, email: str) -> None:
    sign_up(session, "alice@example.com")
    session.commit()
    before, audit_before = user_count(session), count(session, AuditEntry)
    with pytest.raises(Conflict) as info:
        sign_up(session, email)
    assert info.value.key == "error.email_taken"
    assert info.value.field == "email"
    session.rollback()
    assert user_count(session) == before == 1
    assert count(session, AuditEntry) == audit_before


@pytest.mark.parametrize(
    ("kwargs", "key", "field"),
    [
        ({"password": "short1234"}, "error.password_too_short", "password"),
        ({"password": "password123"}, "error.password_common", "password"),
        ({"password": "zoe-wonderland-2026"}, "error.password_contains_email", "password"),
        ({"display_name": "n" * 101}, "error.too_long", "display_name"),
        ({"display_name": "   "}, "error.name_required", "display_name"),
        ({"email": "w" * 243 + "@example.com"}, "error.too_long", "email"),  # 255 chars
        ({"email": "not-an-email"}, "error.email_invalid", "email"),
        ({"locale": "fr"}, "error.locale_invalid", "locale"),
        # a NUL crashed these on PostgreSQL (found by fuzzing)
        ({"display_name": "Zoe\x00 W"}, "error.control_chars", "display_name"),
        ({"email": "wonder\x00land@example.com"}, "error.email_invalid", "email"),
    ],
)
def test_sign_up_invalid_input_saves_nothing(
    session: Session, kwargs: dict[str, str], key: str, field: str
) -> None:
    params = dict(kwargs)  # the parameter dict is shared by the database variants
    email = params.pop("email", "wonderland@example.com")
    with pytest.raises(InvalidInput) as info:
        sign_up(session, email, **params)
    assert (info.value.key, info.value.field) == (key, field)
    session.commit()
    assert user_count(session) == 0
    assert count(session, LoginSession) == 0
    assert audit_actions(session) == []


@pytest.mark.parametrize("value", ["false", "0"])
def test_sign_up_closed(session: Session, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("ALLOW_SIGNUP", value)
    get_settings.cache_clear()
    with pytest.raises(PermissionDenied) as info:
        sign_up(session, "alice@example.com")
    assert info.value.key == "error.signup_closed"
    session.commit()
    assert user_count(session) == 0
    assert audit_actions(session) == []


# --- sign-in ------------------------------------------------------------------------------


def test_sign_in_returns_token_and_principal(session: Session, member: Principal) -> None:
    signed = auth_service.sign_in(session, email=" MEMBER@example.com ", password=PASSWORD, now=T0)
    session.commit()
    assert signed.principal == member
    assert len(signed.token) >= 40
    assert audit_entries(session, "user.signed_in")[0].target_id == str(member.user_id)


def test_sign_in_stores_only_keyed_hash_of_token(
    session: Session, engine: Engine, member: Principal
) -> None:
    signed = auth_service.sign_in(session, email=member.email, password=PASSWORD, now=T0)
    session.commit()
    row = fresh_row(engine, signed.token)
    assert row.user_id == member.user_id
    assert row.token_hash != signed.token
    assert len(row.token_hash) == 64
    assert row.token_hash == auth_service.session_token_hash(signed.token)
    assert row.created_at == row.last_seen_at == T0
    assert row.revoked_at is None
    # The token appears in no column of the stored row.
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT * FROM login_session")).mappings().all()
    assert len(raw) == 1
    assert all(signed.token not in str(v) for v in raw[0].values())


def test_sessions_stored_before_the_httponly_cookie_end_at_the_upgrade(
    session: Session, engine: Engine, member: Principal
) -> None:
    """A session row of the previous version (stored under the plain keyed hash of a token that
    page scripts could read) matches nothing now: its person signs in once again."""
    old_token = "a-token-from-the-script-readable-cookie"
    session.add(
        LoginSession(
            user_id=member.user_id,
            token_hash=auth_service.hash_token(old_token),
            created_at=utcnow(),
            last_seen_at=utcnow(),
        )
    )
    session.commit()
    with pytest.raises(AuthError):
        auth_service.authenticate(session, token=old_token)


def test_token_hash_depends_on_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    before = auth_service.hash_token("some-token")
    monkeypatch.setenv("SECRET_KEY", "another-secret-key-of-sufficient-length")
    get_settings.cache_clear()
    assert auth_service.hash_token("some-token") != before


@pytest.mark.parametrize(
    ("email", "password"),
    [
        pytest.param("member@example.com", "wrong password 123", id="wrong-password"),
        pytest.param("member@example.com", "", id="empty-password"),
        pytest.param("nobody@example.com", PASSWORD, id="unknown-email"),
        pytest.param("not an email", PASSWORD, id="malformed-email"),
        pytest.param("", PASSWORD, id="empty-email"),
        pytest.param("member\x00@example.com", PASSWORD, id="nul-in-email"),  # crashed on PG
    ],
)
def test_sign_in_bad_credentials(
    session: Session, member: Principal, email: str, password: str
) -> None:
    with pytest.raises(AuthError) as info:
        auth_service.sign_in(session, email=email, password=password, now=T0)
    assert info.value.key == "error.bad_credentials"
    assert count(session, LoginSession) == 0


def test_sign_in_deactivated_user_same_error(
    session: Session, admin: Principal, member: Principal
) -> None:
    teams.set_active(session, actor=admin, user_id=member.user_id, active=False)
    session.commit()
    with pytest.raises(AuthError) as info:
        auth_service.sign_in(session, email=member.email, password=PASSWORD, now=T0)
    assert info.value.key == "error.bad_credentials"
    assert count(session, LoginSession) == 0


def _fail(
    session: Session,
    email: str,
    times: int,
    *,
    start: datetime = T0,
    step: timedelta = timedelta(seconds=1),
) -> datetime:
    """Record ``times`` failed sign-ins, ``step`` apart; returns the time of the latest."""
    for i in range(times):
        auth_service.record_failure(session, email=email, now=start + i * step)
    session.commit()
    return start + (times - 1) * step


def test_record_failure_is_stored_and_audited(session: Session) -> None:
    auth_service.record_failure(session, email="  Someone@Example.com ", now=T0)
    auth_service.record_failure(session, email="not an email", now=T0)  # ignored
    session.commit()
    failures = session.exec(select(SignInFailure)).all()
    assert [(f.email, f.at) for f in failures] == [("someone@example.com", T0)]
    assert audit_actions(session) == ["user.sign_in_failed"]


def test_four_failures_do_not_throttle(session: Session, member: Principal) -> None:
    last = _fail(session, member.email, 4)
    signed = auth_service.sign_in(session, email=member.email, password=PASSWORD, now=last)
    assert signed.principal.user_id == member.user_id


def test_throttled_after_five_failures_until_wait_passes(
    session: Session, member: Principal
) -> None:
    last = _fail(session, member.email, 5)
    for moment, wait in [
        (last, 30),
        (last + timedelta(seconds=10), 20),
        (last + timedelta(seconds=29), 1),
    ]:
        with pytest.raises(AuthError) as info:
            # Even the right password is refused while throttled.
            auth_service.sign_in(session, email=member.email, password=PASSWORD, now=moment)
        assert info.value.key == "error.too_many_attempts"
        assert info.value.params["seconds"] > 0
        assert info.value.params["seconds"] in (wait, wait + 1)
    # The e-mail's case or spacing does not get around the throttle.
    with pytest.raises(AuthError) as info:
        auth_service.sign_in(session, email=" MEMBER@EXAMPLE.COM", password=PASSWORD, now=last)
    assert info.value.key == "error.too_many_attempts"
    assert count(session, LoginSession) == 0

    signed = auth_service.sign_in(
        session, email=member.email, password=PASSWORD, now=last + timedelta(seconds=30)
    )
    session.commit()
    assert signed.principal.user_id == member.user_id
    # A success clears the failures: one more failure does not throttle again.
    assert count(session, SignInFailure) == 0
    last = _fail(session, member.email, 1, start=last + timedelta(seconds=40))
    assert auth_service.sign_in(session, email=member.email, password=PASSWORD, now=last).token


def test_sixth_failure_doubles_the_wait(session: Session, member: Principal) -> None:
    last = _fail(session, member.email, 6)
    with pytest.raises(AuthError) as info:
        auth_service.sign_in(
            session, email=member.email, password=PASSWORD, now=last + timedelta(seconds=30)
        )
    assert info.value.key == "error.too_many_attempts"
    assert info.value.params["seconds"] in (30, 31)
    assert auth_service.sign_in(
        session, email=member.email, password=PASSWORD, now=last + timedelta(seconds=60)
    ).token


def test_failures_outside_window_do_not_throttle(session: Session, member: Principal) -> None:
    _fail(session, member.email, 10, start=T0 - timedelta(minutes=30))
    assert auth_service.sign_in(session, email=member.email, password=PASSWORD, now=T0).token


def test_throttle_is_per_email(session: Session, admin: Principal, member: Principal) -> None:
    _fail(session, member.email, 5)
    assert auth_service.sign_in(session, email=admin.email, password=PASSWORD, now=T0).token


# --- authenticate -------------------------------------------------------------------------


@pytest.fixture
def signed(session: Session, member: Principal) -> auth_service.SignedIn:
    result = auth_service.sign_in(session, email=member.email, password=PASSWORD, now=T0)
    session.commit()
    return result


def test_authenticate_returns_principal_with_teams(session: Session, admin: Principal) -> None:
    person = make_user(session, "lead@example.com", name="Lead Person")
    led = teams.create_team(session, actor=admin, name="Led Team")
    joined = teams.create_team(session, actor=admin, name="Joined Team")
    teams.create_team(session, actor=admin, name="Other Team")
    teams.assign(session, actor=admin, team_id=led.id, user_id=person.user_id, team_role="lead")
    teams.assign(
        session, actor=admin, team_id=joined.id, user_id=person.user_id, team_role="member"
    )
    session.commit()
    token = auth_service.sign_in(session, email=person.email, password=PASSWORD, now=T0).token
    session.commit()

    principal = auth_service.authenticate(session, token=token, now=T0 + timedelta(minutes=5))
    assert principal.user_id == person.user_id
    assert principal.role is Role.LEAD
    assert principal.led_team_ids == frozenset({led.id})
    assert principal.member_team_ids == frozenset({joined.id})


def test_authenticate_valid_token(session: Session, signed: auth_service.SignedIn) -> None:
    assert auth_service.authenticate(session, token=signed.token, now=T0) == signed.principal


@pytest.mark.parametrize("token", ["", "not-a-real-token", "x" * 43])
def test_authenticate_unknown_token(
    session: Session, signed: auth_service.SignedIn, token: str
) -> None:
    with pytest.raises(AuthError) as info:
        auth_service.authenticate(session, token=token, now=T0)
    assert info.value.key == "error.session_expired"


def test_authenticate_after_sign_out(session: Session, signed: auth_service.SignedIn) -> None:
    auth_service.sign_out(session, token=signed.token, now=T0 + timedelta(minutes=1))
    session.commit()
    with pytest.raises(AuthError) as info:
        auth_service.authenticate(session, token=signed.token, now=T0 + timedelta(minutes=2))
    assert info.value.key == "error.session_expired"


@pytest.mark.parametrize(
    ("offset", "ok"),
    [(IDLE - timedelta(seconds=1), True), (IDLE, False), (IDLE + timedelta(hours=1), False)],
)
def test_authenticate_idle_expiry(
    session: Session, signed: auth_service.SignedIn, offset: timedelta, ok: bool
) -> None:
    if ok:
        assert auth_service.authenticate(session, token=signed.token, now=T0 + offset)
        return
    with pytest.raises(AuthError) as info:
        auth_service.authenticate(session, token=signed.token, now=T0 + offset)
    assert info.value.key == "error.session_expired"


def test_activity_extends_idle_limit(session: Session, signed: auth_service.SignedIn) -> None:
    seen = T0 + IDLE - timedelta(minutes=1)
    auth_service.authenticate(session, token=signed.token, now=seen)
    session.commit()
    assert auth_service.authenticate(session, token=signed.token, now=seen + IDLE / 2)


def test_authenticate_absolute_expiry_even_when_active(
    session: Session, signed: auth_service.SignedIn
) -> None:
    step = IDLE / 2
    moment = T0
    while moment + step < T0 + ABSOLUTE:
        moment += step
        auth_service.authenticate(session, token=signed.token, now=moment)
        session.commit()
    assert T0 + ABSOLUTE - moment < IDLE  # recently seen: not idle
    assert auth_service.authenticate(
        session, token=signed.token, now=T0 + ABSOLUTE - timedelta(seconds=1)
    )
    with pytest.raises(AuthError) as info:
        auth_service.authenticate(session, token=signed.token, now=T0 + ABSOLUTE)
    assert info.value.key == "error.session_expired"


# --- the one-read check of a page load (quiet_authenticate) --------------------------------


def _quiet(engine: Engine, token: str, now: datetime) -> Principal | None:
    with statement_scope(engine) as connection:
        return auth_service.quiet_authenticate(connection, token=token, now=now)


@pytest.mark.parametrize(
    "offset",
    [
        timedelta(0),
        timedelta(seconds=30),
        auth_service.session_policy().touch_every - timedelta(seconds=1),
        auth_service.session_policy().touch_every,  # due its "last seen" update
        IDLE - timedelta(seconds=1),
        IDLE,
        ABSOLUTE,
    ],
)
def test_the_one_read_check_agrees_with_authenticate_or_leaves_it_the_decision(
    engine: Engine,
    session: Session,
    signed: auth_service.SignedIn,
    statements: list[tuple[str, bool]],
    offset: timedelta,
) -> None:
    """It accepts only what authenticate accepts without writing, with the same principal;
    anything else (refused, or due a touch) is None and nothing is written."""
    moment = T0 + offset
    before = fresh_row(engine, signed.token)
    statements.clear()
    quiet = _quiet(engine, signed.token, moment)
    assert statements == [("SELECT", True)]  # one read, no BEGIN or COMMIT
    assert fresh_row(engine, signed.token).last_seen_at == before.last_seen_at
    touch_due = rules.should_touch(
        last_seen_at=before.last_seen_at, now=moment, policy=auth_service.session_policy()
    )
    try:
        full = auth_service.authenticate(session, token=signed.token, now=moment)
    except AuthError:
        full = None
    session.rollback()
    if full is None or touch_due:
        assert quiet is None
    else:
        assert quiet == full == signed.principal


def test_the_one_read_check_refuses_what_authenticate_refuses(
    engine: Engine, session: Session, admin: Principal, signed: auth_service.SignedIn
) -> None:
    moment = T0 + timedelta(seconds=30)
    assert _quiet(engine, signed.token, moment) == signed.principal
    for token in ("", "not-a-real-token"):
        assert _quiet(engine, token, moment) is None
    teams.set_active(session, actor=admin, user_id=signed.principal.user_id, active=False)
    session.commit()
    assert _quiet(engine, signed.token, moment) is None
    teams.set_active(session, actor=admin, user_id=signed.principal.user_id, active=True)
    auth_service.sign_out(session, token=signed.token, now=moment)
    session.commit()
    assert _quiet(engine, signed.token, moment) is None


def test_authenticate_refuses_deactivated_user(
    session: Session, admin: Principal, member: Principal, signed: auth_service.SignedIn
) -> None:
    teams.set_active(session, actor=admin, user_id=member.user_id, active=False)
    session.commit()
    with pytest.raises(AuthError) as info:
        auth_service.authenticate(session, token=signed.token, now=T0 + timedelta(minutes=1))
    assert info.value.key == "error.session_expired"


def test_authenticate_refuses_inactive_user_even_if_session_not_revoked(
    session: Session, member: Principal, signed: auth_service.SignedIn
) -> None:
    user = session.get(User, member.user_id)
    user.is_active = False
    session.add(user)
    session.commit()
    with pytest.raises(AuthError) as info:
        auth_service.authenticate(session, token=signed.token, now=T0 + timedelta(minutes=1))
    assert info.value.key == "error.session_expired"


def test_last_seen_updated_only_after_touch_interval(
    session: Session, engine: Engine, signed: auth_service.SignedIn
) -> None:
    touch = rules.SessionPolicy(idle=IDLE, absolute=ABSOLUTE).touch_every
    auth_service.authenticate(session, token=signed.token, now=T0 + touch - timedelta(seconds=1))
    session.commit()
    assert fresh_row(engine, signed.token).last_seen_at == T0

    auth_service.authenticate(session, token=signed.token, now=T0 + touch)
    session.commit()
    assert fresh_row(engine, signed.token).last_seen_at == T0 + touch

    auth_service.authenticate(session, token=signed.token, now=T0 + touch + timedelta(seconds=30))
    session.commit()
    assert fresh_row(engine, signed.token).last_seen_at == T0 + touch


# --- sign-out -----------------------------------------------------------------------------


def test_sign_out_is_idempotent(
    session: Session, engine: Engine, signed: auth_service.SignedIn
) -> None:
    first = T0 + timedelta(minutes=1)
    auth_service.sign_out(session, token=signed.token, now=first)
    session.commit()
    auth_service.sign_out(session, token=signed.token, now=first + timedelta(minutes=1))
    auth_service.sign_out(session, token="unknown-token", now=first)
    auth_service.sign_out(session, token="", now=first)
    session.commit()
    row = fresh_row(engine, signed.token)
    assert row.revoked_at == first
    assert row.revoked_reason == "sign_out"
    assert audit_actions(session).count("user.signed_out") == 1


def test_sign_out_ends_only_that_session(session: Session, member: Principal) -> None:
    one = auth_service.sign_in(session, email=member.email, password=PASSWORD, now=T0)
    two = auth_service.sign_in(session, email=member.email, password=PASSWORD, now=T0)
    session.commit()
    auth_service.sign_out(session, token=one.token, now=T0)
    session.commit()
    assert auth_service.authenticate(session, token=two.token, now=T0).user_id == member.user_id


def test_sign_out_everywhere_ends_all_my_sessions_and_only_mine(
    session: Session, member: Principal, admin: Principal
) -> None:
    mine = [
        auth_service.sign_in(session, email=member.email, password=PASSWORD, now=T0)
        for _ in range(3)
    ]
    theirs = auth_service.sign_in(session, email=admin.email, password=PASSWORD, now=T0)
    session.commit()
    assert auth_service.sign_out_everywhere(session, actor=member, now=T0) == 3
    session.commit()
    for signed in mine:
        with pytest.raises(AuthError):
            auth_service.authenticate(session, token=signed.token, now=T0)
    assert auth_service.authenticate(session, token=theirs.token, now=T0).user_id == admin.user_id
    (entry,) = audit_entries(session, "auth.sign_out_everywhere")
    assert entry.actor_id == member.user_id and json.loads(entry.detail) == {"sessions": 3}


# --- locale -------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_set_locale_self(session: Session, engine: Engine, member: Principal, locale: str) -> None:
    auth_service.set_locale(session, actor=member, user_id=member.user_id, locale=locale)
    session.commit()
    with Session(engine) as other:
        assert other.get(User, member.user_id).locale == locale


@pytest.mark.parametrize("actor_fixture", ["admin", "member"])
def test_set_locale_for_someone_else_denied(
    session: Session,
    engine: Engine,
    request: pytest.FixtureRequest,
    actor_fixture: str,
) -> None:
    actor: Principal = request.getfixturevalue(actor_fixture)
    other = make_user(session, "other@example.com")
    with pytest.raises(PermissionDenied):
        auth_service.set_locale(session, actor=actor, user_id=other.user_id, locale="en")
    session.commit()
    with Session(engine) as fresh:
        assert fresh.get(User, other.user_id).locale is None


@pytest.mark.parametrize("locale", ["fr", "", "EN", "ja-JP"])
def test_set_locale_unsupported(session: Session, member: Principal, locale: str) -> None:
    with pytest.raises(InvalidInput) as info:
        auth_service.set_locale(session, actor=member, user_id=member.user_id, locale=locale)
    assert info.value.key == "error.locale_invalid"
    assert info.value.field == "locale"
    assert session.get(User, member.user_id).locale is None


def test_sign_in_upgrades_outdated_password_hash(session: Session, member: Principal) -> None:
    from argon2 import PasswordHasher

    from certportal.auth import passwords

    old = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(PASSWORD)
    assert passwords.needs_rehash(old)
    user = session.get(User, member.user_id)
    user.password_hash = old
    session.add(user)
    session.commit()

    auth_service.sign_in(session, email=member.email, password=PASSWORD, now=T0)
    session.commit()
    upgraded = session.get(User, member.user_id).password_hash
    assert upgraded != old
    assert not passwords.needs_rehash(upgraded)
    assert passwords.verify_password(upgraded, PASSWORD)
