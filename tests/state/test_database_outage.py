"""Pages while the database cannot be reached: the page says so in the person's language, nobody is
signed out, nothing typed is lost, and everything works again once the database is back."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest
from reflex.state import State
from sqlalchemy.engine import Engine
from sqlmodel import Session

from certportal import db as db_module
from certportal.auth.policy import Role
from certportal.auth.state import AppState
from certportal.db import make_engine
from certportal.teams.state import PeopleState
from certportal.wizard import service as wizard
from certportal.wizard.state import WizardState
from tests.conftest import make_user
from tests.e2e.server import free_port
from tests.state.conftest import on_page, redirect_target, run, sub, token_for, use_session


class Outage:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, working: Engine) -> None:
        self.monkeypatch, self.working = monkeypatch, working
        self.dead = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone")

    def start(self) -> None:
        self.monkeypatch.setattr(db_module, "get_engine", functools.cache(lambda: self.dead))

    def end(self) -> None:
        self.monkeypatch.setattr(db_module, "get_engine", functools.cache(lambda: self.working))


@pytest.fixture
def outage(monkeypatch: pytest.MonkeyPatch, engine: Engine) -> Iterator[Outage]:
    found = Outage(monkeypatch, engine)
    yield found
    found.dead.dispose()


def test_a_page_says_the_database_is_down_and_keeps_the_person_signed_in(
    root: State, session: Session, outage: Outage
) -> None:
    make_user(session, "person@example.com")
    app = sub(root, AppState)
    token = token_for(session, "person@example.com")
    use_session(app, token)
    session.commit()
    app._lang_choice = ""
    on_page(root, "/credentials", accept_language="ja-JP,ja;q=0.9")
    outage.start()
    assert run(app.require_member()) == []  # not sent to sign in
    assert app.unavailable is True
    assert app._session_token() == token  # the session is kept
    assert app.locale == "ja"  # the message in the language the browser asks for
    assert app._tr("error.page_unavailable").startswith("データベースに接続できない")
    outage.end()  # back: the same page works again
    assert run(app.require_member()) == []
    assert app.unavailable is False and app.signed_in and app.auth_checked


def test_an_admin_page_says_the_database_is_down_too(
    root: State, session: Session, outage: Outage
) -> None:
    make_user(session, "admin@example.com", Role.ADMIN)
    state = sub(root, PeopleState)
    use_session(state, token_for(session, "admin@example.com"))
    session.commit()
    outage.start()
    assert redirect_target(run(state.require_admin())) is None
    assert state.unavailable is True
    outage.end()
    run(state.require_admin())
    assert state.unavailable is False and state.forbidden is False


def test_the_sign_in_page_is_shown_while_the_database_is_down(
    root: State, session: Session, outage: Outage
) -> None:
    make_user(session, "person@example.com")
    app = sub(root, AppState)
    use_session(app, token_for(session, "person@example.com"))
    session.commit()
    on_page(root, "/login", accept_language="en-US,en;q=0.9")
    outage.start()
    assert run(app.load_public()) == []
    assert app.auth_checked is True and app.unavailable is False


def test_a_wizard_question_while_the_database_is_down(
    root: State, session: Session, outage: Outage
) -> None:
    person = make_user(session, "person@example.com")
    run_row = wizard.start(session, actor=person)
    session.commit()
    state = sub(root, WizardState)
    use_session(state, token_for(session, "person@example.com"))
    session.commit()
    on_page(root, f"/wizard/{run_row.id}/certification")
    run(state.require_member())
    run(state.load())
    assert state.view == "question"
    outage.start()
    # answering: neither the one statement nor the long way can save; it says so, keeps the text
    events = run(state.submit({"answer": "AZ-104"}))
    assert redirect_target(events) is None
    assert state.error.startswith("The database could not be reached")
    assert state.question.value == "AZ-104"
    # opening the page again: "cannot be shown right now", not "this diagnosis does not exist"
    run(state.load())
    assert state.unavailable is True and state.view != "missing"
    outage.end()
    run(state.require_member())
    run(state.load())
    assert state.unavailable is False and state.view == "question"
