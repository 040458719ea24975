"""Signed-in pages check the session inside their one load handler (``page_load``).

A page change used to run a guard event (the session check) and then the page's load, each a
separate event with the state lock and the state read and written; now the load checks first,
by itself. These tests pin what the guard did: nobody signed in → sign-in and back; an admin
page refuses others without loading anything; the database down → the page says so, nobody
is signed out.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from reflex.state import State
from sqlalchemy.engine import Engine
from sqlmodel import Session

from certportal import db as db_module
from certportal.audit.state import AuditState
from certportal.auth.policy import Role
from certportal.auth.state import AppState
from certportal.cases.state import CasesState
from certportal.credentials.state import CredentialsState
from certportal.db import make_engine
from certportal.teams.state import PeopleState
from certportal.ui.layout import _PAGES
from tests.conftest import make_user
from tests.e2e.server import free_port
from tests.state.conftest import (
    cookie_token,
    navigation_target,
    on_page,
    redirect_target,
    run,
    run_async,
    signed_in_on,
    sub,
    token_for,
    use_session,
)

# pages whose guard is still an event of its own, and why
GUARD_EVENT_FIRST = {
    "/admin/skilling": "its state is not an AdminGuardState",
}


def test_every_signed_in_page_runs_one_event_on_load() -> None:
    for route, spec in _PAGES.items():
        guard = [h for h in spec.on_load if getattr(h, "fn", None) is not None]
        names = [h.fn.__name__ for h in guard]  # type: ignore[union-attr]
        if route in GUARD_EVENT_FIRST or names[:1] == ["load_public"]:
            continue
        assert len(spec.on_load) == 1, f"{route}: {names}"
        assert getattr(spec.on_load[0].fn, "checks_session", False) or route.startswith(  # type: ignore[union-attr]
            "/wizard"
        ), route


def test_a_page_load_without_a_session_goes_to_sign_in_and_back(root: State) -> None:
    state = sub(root, CredentialsState)
    on_page(root, "/credentials")
    events = run(state.load())
    assert redirect_target(events) == "/login?next=/credentials"
    assert state.signed_in is False and state.items == []


def test_a_page_load_with_a_revoked_session_says_so_and_loads_nothing(
    root: State, session: Session
) -> None:
    make_user(session, "person@example.com")
    state = signed_in_on(root, session, CasesState, "person@example.com", "/cases")
    run(state.load())
    assert state.signed_in is True
    from certportal.auth import service as auth_service

    auth_service.sign_out(session, token=cookie_token(state))
    session.commit()
    events = run(state.load())
    # to sign-in (then back), the browser dropping the ended session's cookie on the way
    assert navigation_target(events) == "/api/auth/signed-out?next=%2Fcases"
    assert state.signed_in is False and state.notice == "error.session_expired"


def test_a_page_load_signs_the_person_in_by_itself(root: State, session: Session) -> None:
    make_user(session, "person@example.com")
    state = signed_in_on(root, session, CredentialsState, "person@example.com", "/credentials")
    assert run(state.load()) == []  # no guard event before it
    assert state.signed_in and state.auth_checked and state.loaded


def test_an_admin_page_load_refuses_a_member_and_loads_nothing(
    root: State, session: Session
) -> None:
    make_user(session, "member@example.com")
    make_user(session, "admin@example.com", role=Role.ADMIN)
    state = signed_in_on(root, session, PeopleState, "member@example.com", "/admin/people")
    assert run(state.load()) == []
    assert state.forbidden is True and state.people == []
    use_session(state, token_for(session, "admin@example.com"))
    session.commit()
    run(state.load())
    assert state.forbidden is False and len(state.people) == 2
    audit = sub(root, AuditState)
    assert run(audit.load()) == [] and audit.forbidden is False


def test_a_page_load_while_the_database_is_down_keeps_the_person_signed_in(
    root: State, session: Session, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(session, "person@example.com")
    state = sub(root, CredentialsState)
    token = token_for(session, "person@example.com")
    use_session(state, token)
    session.commit()
    on_page(root, "/credentials")
    dead = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone")
    try:
        monkeypatch.setattr(db_module, "get_engine", functools.cache(lambda: dead))
        assert run(state.load()) == []  # not sent to sign in
        assert sub(root, AppState).unavailable is True and state._session_token() == token
        monkeypatch.setattr(db_module, "get_engine", functools.cache(lambda: engine))
        assert run(state.load()) == []
        assert state.unavailable is False and state.loaded
    finally:
        dead.dispose()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each authentication of a session, as it happens."""
    from certportal.auth import service as auth_service

    seen: list[str] = []
    for name in ("authenticate", "quiet_authenticate"):  # the one read, or the long way
        real = getattr(auth_service, name)

        def counted(*args: object, _real: Any = real, **kwargs: object) -> object:
            seen.append("authenticate")
            return _real(*args, **kwargs)

        monkeypatch.setattr(auth_service, name, counted)
    return seen


def test_a_page_load_checks_the_session_once_and_later_events_check_again(
    root: State, session: Session, calls: list[str]
) -> None:
    make_user(session, "person@example.com")
    state = signed_in_on(root, session, CredentialsState, "person@example.com", "/credentials")
    run(state.load())
    assert state.loaded and calls == ["authenticate"]  # the guard's; the load reuses it
    calls.clear()
    with state._acting() as (_, actor):  # any later event authenticates by itself
        assert actor.email == "person@example.com"
    assert calls == ["authenticate"]


def test_a_page_loads_session_check_is_one_read_of_its_own(
    root: State, session: Session, statements: list[tuple[str, bool]]
) -> None:
    """No BEGIN, no COMMIT, no "last seen" write while none is due: the first thing a page load
    sends is the one authenticating SELECT, in autocommit."""
    make_user(session, "person@example.com")
    state = signed_in_on(root, session, CredentialsState, "person@example.com", "/credentials")
    statements.clear()
    run(state.load())
    assert state.loaded
    assert statements[0] == ("SELECT", True)
    assert all(not autocommit for _, autocommit in statements[1:])  # the page's own reads
    assert [verb for verb, _ in statements].count("UPDATE") == 0


def test_the_home_page_fills_every_card_in_one_event_with_one_session_check(
    root: State, session: Session, calls: list[str]
) -> None:
    from datetime import date

    from certportal.credentials import service as credentials
    from certportal.credentials.rules import CredentialData
    from certportal.home.state import HomeState
    from certportal.teams import service as teams
    from certportal.teams.state import MyTeamsState
    from certportal.wizard import service as wizard
    from certportal.wizard.state import WizardListState

    assert [h.fn.__name__ for h in _PAGES["/"].on_load] == ["load"]  # type: ignore[union-attr]
    assert _PAGES["/"].on_load == [HomeState.load]
    admin = make_user(session, "admin@example.com", role=Role.ADMIN)
    person = make_user(session, "person@example.com")
    team = teams.create_team(session, actor=admin, name="Azure")
    teams.assign(
        session, actor=admin, team_id=team.id or 0, user_id=person.user_id, team_role="member"
    )
    run_row = wizard.start(session, actor=person)
    credentials.create(
        session,
        actor=person,
        data=CredentialData(certification_id="AZ-104", earned_on=date(2026, 3, 1)),
    )
    home = sub(root, HomeState)
    use_session(home, token_for(session, "person@example.com"))
    session.commit()
    on_page(root, "/")
    assert run_async(home.load()) is None
    assert calls == ["authenticate"]
    assert [t.name for t in sub(root, MyTeamsState).teams] == ["Azure"]
    assert [r.id for r in sub(root, WizardListState).resume] == [run_row.id]
    assert [c.code for c in sub(root, CredentialsState).items] == ["AZ-104"]
    assert sub(root, CasesState).loaded and sub(root, CasesState).items == []

    use_session(home, "")  # signed out elsewhere: nothing loads, to sign-in
    sub(root, MyTeamsState).teams = []
    events = run_async(home.load())
    assert redirect_target([events]) == "/login"
    assert sub(root, MyTeamsState).teams == []
