"""Case handlers called directly: bad input is reported at its field with what was typed kept;
another person's case or a stale version is refused by the service; nothing half-saved."""

from __future__ import annotations

from datetime import timedelta

from reflex.state import State
from sqlmodel import Session, select

from certportal.cases import service
from certportal.cases.models import CaseEvent, SupportCase
from certportal.cases.state import CaseDetailState, CaseFormState, TeamCasesState
from certportal.cases.transitions import validate_case
from certportal.i18n.formatting import local_today
from tests.conftest import make_user
from tests.service.helpers import count
from tests.state.conftest import redirect_target, run, sub, token_for, use_session


def signed(root: State, session: Session, cls: type, email: str) -> object:
    state = sub(root, cls)
    use_session(state, token_for(session, email))
    session.commit()
    state.signed_in = True
    return state


def make_case(session: Session, email: str) -> SupportCase:
    from certportal.auth import service as auth_service
    from certportal.auth.models import User

    user = session.exec(select(User).where(User.email == email)).one()
    actor = auth_service.principal_for(session, user)
    fields, _ = validate_case(
        {"channel": "partner_center", "subject": "AZ-900", "status": "open", "message": "hi"},
        local_today("en"),
    )
    assert fields is not None
    row = service.create(session, actor=actor, fields=fields)
    session.commit()
    return row


def test_a_new_case_with_bad_input_keeps_what_was_typed(root: State, session: Session) -> None:
    make_user(session, "person@example.com")
    state = signed(root, session, CaseFormState, "person@example.com")
    past = (local_today("en") - timedelta(days=2)).isoformat()
    events = run(
        state.save(
            {
                "channel": "fax",
                "subject": "My subject",
                "reference": "SR\u200b1",
                "message": "typed text",
                "follow_up_on": past,
                "status": "open",
            }
        )
    )
    assert redirect_target(events) is None
    assert set(state.errors) == {"channel", "reference", "follow_up_on"}
    assert "past" in state.errors["follow_up_on"] or "today" in state.errors["follow_up_on"]
    assert (state.subject, state.message, state.follow_up_on) == ("My subject", "typed text", past)
    assert state.error
    assert count(session, SupportCase) == 0


def test_a_new_case_is_saved_and_opened(root: State, session: Session) -> None:
    make_user(session, "person@example.com")
    state = signed(root, session, CaseFormState, "person@example.com")
    events = run(
        state.save(
            {"channel": "certiport", "subject": "Transcript", "status": "draft", "message": "x"}
        )
    )
    row = session.exec(select(SupportCase)).one()
    assert redirect_target(events) == f"/cases/{row.id}?saved=1"
    assert (row.channel, row.status, row.draft_text) == ("certiport", "draft", "x")


def test_a_forged_credential_box_is_ignored(root: State, session: Session) -> None:
    make_user(session, "person@example.com")
    state = signed(root, session, CaseFormState, "person@example.com")
    state.options = []  # the person has no credentials
    run(state.save({"channel": "other", "subject": "S", "status": "open", "cred_99": "on"}))
    row = session.exec(select(SupportCase)).one()
    assert service.credential_ids(session, row.id or 0) == []


def test_a_reply_in_the_future_is_refused_and_kept(root: State, session: Session) -> None:
    make_user(session, "person@example.com")
    row = make_case(session, "person@example.com")
    state = signed(root, session, CaseDetailState, "person@example.com")
    state.case_id, state.version = row.id, row.version
    before = count(session, CaseEvent)
    # in the future wherever the person is (Japan is up to a day ahead of UTC)
    tomorrow = (local_today("en") + timedelta(days=2)).isoformat()
    run(state.record_reply({"summary": "They said wait", "received_on": tomorrow}))
    assert "received_on" in state.errors
    assert state.typed == {"summary": "They said wait", "received_on": tomorrow}
    assert count(session, CaseEvent) == before
    run(state.record_reply({"summary": "They said wait", "received_on": ""}))
    assert state.errors == {} and state.notice_key == "cases.done.reply"
    assert state.case.status == "waiting_me" and state.case.next_party == "me"


def test_a_stale_version_is_refused_with_a_clear_message(root: State, session: Session) -> None:
    make_user(session, "person@example.com")
    row = make_case(session, "person@example.com")
    state = signed(root, session, CaseDetailState, "person@example.com")
    state.case_id, state.version = row.id, row.version - 1 + 5
    run(state.add_note({"note": "my careful note"}))
    assert "changed elsewhere" in state.error
    assert state.typed == {"note": "my careful note"}
    assert count(session, CaseEvent) == 2  # opened + message only


def test_someone_elses_case_cannot_be_changed(root: State, session: Session) -> None:
    make_user(session, "owner@example.com")
    make_user(session, "intruder@example.com")
    row = make_case(session, "owner@example.com")
    state = signed(root, session, CaseDetailState, "intruder@example.com")
    state.case_id, state.version = row.id, row.version
    run(state.add_note({"note": "x"}))
    run(state.change_status({"status": "closed", "resolution": "withdrawn"}))
    run(state.set_shared(True))
    assert state.error == "Case not found."
    fresh = session.get(SupportCase, row.id)
    session.refresh(fresh)
    assert fresh is not None and fresh.status == "open" and not fresh.shared_with_lead


def test_a_member_sees_no_team_cases(root: State, session: Session) -> None:
    make_user(session, "owner@example.com")
    make_case(session, "owner@example.com")
    make_user(session, "person@example.com")
    state = signed(root, session, TeamCasesState, "person@example.com")
    run(state.load())
    assert state.items == [] and state.loaded


def test_editing_an_overdue_case_keeps_its_follow_up(root: State, session: Session) -> None:
    make_user(session, "person@example.com")
    row = make_case(session, "person@example.com")
    row.follow_up_on = local_today("en") - timedelta(days=4)  # it was set days ago: now overdue
    session.add(row)
    session.commit()
    state = signed(root, session, CaseFormState, "person@example.com")
    state.case_id, state.version = row.id, row.version
    state._saved_follow_up = row.follow_up_on.isoformat()
    events = run(
        state.save(
            {
                "channel": "partner_center",
                "subject": "A better subject",
                "reference": "SR-9",
                "follow_up_on": row.follow_up_on.isoformat(),
            }
        )
    )
    assert state.errors == {}
    assert redirect_target(events) == f"/cases/{row.id}?saved=1"
    session.refresh(row)
    assert (row.subject, row.reference) == ("A better subject", "SR-9")
    assert row.follow_up_on == local_today("en") - timedelta(days=4)
    # moving it to the past is still refused
    state.version = row.version
    run(
        state.save(
            {
                "channel": "partner_center",
                "subject": "S",
                "follow_up_on": (local_today("en") - timedelta(days=1)).isoformat(),
            }
        )
    )
    assert "follow_up_on" in state.errors


def test_a_note_while_the_database_is_unreachable_says_so_and_keeps_the_text(
    root: State, session: Session, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import functools

    from certportal import db as db_module
    from certportal.db import make_engine
    from tests.e2e.server import free_port

    make_user(session, "person@example.com")
    row = make_case(session, "person@example.com")
    state = signed(root, session, CaseDetailState, "person@example.com")
    state.case_id, state.version = row.id, row.version
    dead = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone")
    monkeypatch.setattr(db_module, "get_engine", functools.cache(lambda: dead))
    run(state.add_note({"note": "written during the outage"}))
    assert state.error.startswith("The database could not be reached")
    assert state.typed == {"note": "written during the outage"}
    assert count(session, CaseEvent) == 2  # opened + message only
    dead.dispose()


def test_probe_echoes_a_number_and_nothing_else(root: State) -> None:
    from certportal.auth.state import AppState

    app = sub(root, AppState)
    app.probe(41)
    assert app.probe_seen == 41
    app.probe("41; drop")  # type: ignore[arg-type]
    assert app.probe_seen == 0
