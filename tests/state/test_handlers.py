"""State handlers called directly (no browser): they glue input to services and show errors.

The important property: a member who forges the client-side flags (``forbidden``, ``user_role``)
and fires an admin handler is still refused, because the service re-authenticates from the token.
"""

from __future__ import annotations

import pytest
from reflex.state import State
from sqlmodel import Session, func, select

import certportal.certportal  # noqa: F401  (registers every state and page)
from certportal.auth import service as auth_service
from certportal.auth.models import SignInFailure, User
from certportal.auth.policy import Role
from certportal.auth.rules import HANDOFF_COOKIE
from certportal.auth.rules import safe_next as _safe_next
from certportal.auth.state import AppState, SignInState, SignUpState
from certportal.errors import AuthError
from certportal.teams.models import Team
from certportal.teams.state import PeopleState, TeamsAdminState
from tests.conftest import make_user
from tests.state.conftest import (
    PASSWORD,
    cookie_set_by_script,
    navigation_target,
    on_page,
    query_of,
    redirect_target,
    run,
    sub,
    token_for,
    use_session,
)


def _script(events: list[object]) -> str:
    """The code of the scripts among the events (``rx.call_script``)."""
    return " ".join(
        str(value._var_value)  # type: ignore[attr-defined]
        for event in events
        for name, value in event.args  # type: ignore[attr-defined]
        if name._js_expr == "javascript_code"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/admin/teams", "/admin/teams"),
        ("/", "/"),
        (None, "/"),
        ("", "/"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_after_sign_in_only_same_site_paths_are_followed(value: str | None, expected: str) -> None:
    assert _safe_next(value) == expected


def test_wrong_password_shows_the_generic_error_and_counts_a_failure(
    root: State, session: Session
) -> None:
    make_user(session, "hina@example.com")
    state = sub(root, SignInState)
    events = run(state.submit({"email": "hina@example.com", "password": "nope-nope-nope"}))
    assert state.error == "Email or password is wrong."
    assert state.busy is False
    assert navigation_target(events) is None and redirect_target(events) is None
    assert session.exec(select(func.count()).select_from(SignInFailure)).one() == 1


def test_right_password_hands_the_session_to_the_cookie_route_and_goes_home(
    root: State, session: Session
) -> None:
    make_user(session, "hina@example.com", name="Hina")
    state = sub(root, SignInState)
    on_page(root, "/login?next=/wizard")
    events = run(state.submit({"email": "hina@example.com", "password": PASSWORD}))
    assert state.error == ""
    assert state.signed_in and state.user_name == "Hina"
    # a full navigation to the route that sets the HttpOnly cookie, then where the person was going
    target = navigation_target(events)
    assert target is not None and target.startswith("/api/auth/session?")
    code, next_path = query_of(target)["code"], query_of(target)["next"]
    assert next_path == "/wizard"
    # the same script binds the hand-off to this browser (a cookie only that route receives)
    binding = cookie_set_by_script(events, HANDOFF_COOKIE)
    assert binding and binding not in target
    # the code is not a session token (nothing in a URL or a script can act as the person) …
    with pytest.raises(AuthError):
        auth_service.authenticate(session, token=code)
    # … another browser (no binding) gets nothing; this one trades it once for the token
    assert auth_service.redeem(session, code=code, binding="") is None
    token = auth_service.redeem(session, code=code, binding=binding)
    assert token is not None
    assert auth_service.redeem(session, code=code, binding=binding) is None
    assert auth_service.authenticate(session, token=token).display_name == "Hina"


def test_sign_up_with_mismatched_passwords_saves_nothing(root: State, session: Session) -> None:
    state = sub(root, SignUpState)
    run(
        state.submit(
            {
                "display_name": "New Person",
                "email": "new@example.com",
                "password": "a-strong-passphrase-1",
                "password_confirm": "a-strong-passphrase-2",
            }
        )
    )
    assert state.error == "The two passwords do not match."
    assert state.field == "password_confirm"
    assert session.exec(select(func.count()).select_from(User)).one() == 0


def test_member_pages_send_the_anonymous_to_sign_in(root: State) -> None:
    app = sub(root, AppState)
    events = run(app.require_member())
    assert redirect_target(events) is not None
    assert redirect_target(events).startswith("/login")  # type: ignore[union-attr]
    assert app.signed_in is False


def test_unknown_token_is_forgotten_with_a_notice(root: State) -> None:
    app = sub(root, AppState)
    on_page(root, "/cases")
    use_session(app, "forged")
    events = run(app.require_member())
    assert app.notice == "error.session_expired"
    assert app._session_token() == ""  # the tab goes on as if there were no cookie
    # … and on the way to sign-in (then back here) the browser drops the cookie
    assert navigation_target(events) == "/api/auth/signed-out?next=%2Fcases"
    app.notice = ""
    run(app.require_member())
    assert app.notice == "", "said once, not on every page"


def test_language_choice_is_saved_for_the_signed_in_person(root: State, session: Session) -> None:
    make_user(session, "james@example.com")
    app = sub(root, AppState)
    use_session(app, token_for(session, "james@example.com"))
    session.commit()
    run(app.require_member())
    events = run(app.set_language("ja"))
    assert app.locale == "ja" and app._lang_choice == "ja"
    assert "certportal_lang=ja" in _script(events)
    assert app._tr("nav.home") == "ホーム"
    session.expire_all()
    user = session.exec(select(User).where(User.email == "james@example.com")).one()
    assert user.locale == "ja"


def test_member_forging_client_flags_cannot_change_roles(root: State, session: Session) -> None:
    make_user(session, "admin@example.com", Role.ADMIN)
    member = make_user(session, "member@example.com")
    victim = make_user(session, "victim@example.com")
    people = sub(root, PeopleState)
    use_session(people, token_for(session, "member@example.com"))
    session.commit()
    people.forbidden = False  # what a tampered client could claim
    people.user_role = "admin"
    run(people.change_role(victim.user_id, "admin"))
    assert people.error == "This page is for admins only."
    session.expire_all()
    assert session.get(User, victim.user_id).role == "member"  # type: ignore[union-attr]
    assert session.get(User, member.user_id).role == "member"  # type: ignore[union-attr]


def test_member_forging_client_flags_cannot_create_teams(root: State, session: Session) -> None:
    make_user(session, "member@example.com")
    teams = sub(root, TeamsAdminState)
    use_session(teams, token_for(session, "member@example.com"))
    session.commit()
    teams.forbidden = False
    run(teams.create_team({"name": "Shadow team", "description": ""}))
    assert teams.create_error == "This page is for admins only."
    assert session.exec(select(func.count()).select_from(Team)).one() == 0


def test_admin_assign_without_choosing_a_person_explains(root: State, session: Session) -> None:
    make_user(session, "admin@example.com", Role.ADMIN)
    teams = sub(root, TeamsAdminState)
    use_session(teams, token_for(session, "admin@example.com"))
    session.commit()
    run(teams.require_admin())
    run(teams.create_team({"name": "Data & AI", "description": ""}))
    assert teams.message == 'Team "Data & AI" was created.'
    team_id = teams.teams[0].id
    run(teams.assign(team_id))
    assert teams.error == "Choose a person to add."
