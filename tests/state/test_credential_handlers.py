"""Inventory handlers called directly: bad input is reported at its field with everything typed
kept; a forged credential id or a stale version is refused by the service; nothing half-saved."""

from __future__ import annotations

from datetime import date

from reflex.state import State
from sqlmodel import Session, select

from certportal.credentials import service
from certportal.credentials.models import Credential
from certportal.credentials.present import CertOption
from certportal.credentials.rules import CredentialData
from certportal.credentials.state import (
    CalendarState,
    CredentialDetailState,
    CredentialFormState,
    CredentialsState,
)
from tests.conftest import make_user
from tests.service.helpers import count
from tests.state.conftest import redirect_target, run, sub, token_for, use_session

GOOD = {
    "certification": "AZ-104",
    "exam_0": "2026-02-27",
    "provider": "pearson_vue",
    "earned_on": "2026-03-01",
    "expires_on": "",
    "certification_number": "AB-12",
    "on_learn": "yes",
    "on_learn_seen_on": "",
    "counted": "unknown",
    "notes": "メモ",
}


def form_state(root: State, session: Session, email: str) -> CredentialFormState:
    state = sub(root, CredentialFormState)
    use_session(state, token_for(session, email))
    session.commit()
    state.signed_in = True
    state.selected = CertOption(id="AZ-104", exams=["AZ-104"])
    return state  # type: ignore[no-any-return]


def test_adding_a_credential_redirects_to_it(root: State, session: Session) -> None:
    make_user(session, "person@example.com")
    state = form_state(root, session, "person@example.com")
    events = run(state.save({**GOOD, "private_notes": "on"}))
    (row,) = session.exec(select(Credential)).all()
    assert redirect_target(events) == f"/credentials/{row.id}?saved=1"
    assert (row.certification_id, row.certification_number, row.notes) == (
        "AZ-104",
        "AB-12",
        "メモ",
    )
    assert row.private_fields == '["notes"]'
    assert '"2026-02-27"' in row.exams


def test_bad_input_is_shown_at_each_field_and_kept(root: State, session: Session) -> None:
    make_user(session, "person@example.com")
    state = form_state(root, session, "person@example.com")
    bad = {**GOOD, "earned_on": "2026-02-30", "certification_number": "A\x07B", "notes": "keep me"}
    events = run(state.save(bad))
    assert redirect_target(events) is None
    assert set(state.errors) == {"earned_on", "certification_number"}
    assert state.errors["earned_on"] == "Enter a date as YYYY-MM-DD (e.g. 2024-03-01)."
    assert state.error == "Please correct the following:"
    assert state.form.notes == "keep me" and state.form.earned_on == "2026-02-30"
    assert state.form.exam_dates == ["2026-02-27"]
    assert state.busy is False
    assert count(session, Credential) == 0


def test_editing_someone_elses_credential_is_refused(root: State, session: Session) -> None:
    owner = make_user(session, "owner@example.com")
    make_user(session, "intruder@example.com")
    theirs = service.create(
        session,
        actor=owner,
        data=CredentialData(certification_id="AZ-104", earned_on=date(2026, 3, 1)),
    )
    session.commit()
    state = form_state(root, session, "intruder@example.com")
    state.credential_id = theirs.id or 0  # forged
    state.version = 1
    events = run(state.save(GOOD))
    assert redirect_target(events) is None
    assert state.errors == {"form": "This credential does not exist, or it is not yours."}
    session.expire_all()
    stored = session.get(Credential, theirs.id)
    assert stored is not None and stored.certification_number == "" and stored.version == 1


def test_a_stale_version_is_refused_and_the_form_kept(root: State, session: Session) -> None:
    person = make_user(session, "person@example.com")
    mine = service.create(
        session,
        actor=person,
        data=CredentialData(certification_id="AZ-104", earned_on=date(2026, 3, 1)),
    )
    session.commit()
    service.update(
        session,
        actor=person,
        credential_id=mine.id or 0,
        data=CredentialData(
            certification_id="AZ-104", earned_on=date(2026, 3, 1), notes="other tab"
        ),
        version=1,
    )
    session.commit()
    state = form_state(root, session, "person@example.com")
    state.credential_id = mine.id or 0
    state.version = 1  # what this tab loaded
    run(state.save({**GOOD, "notes": "my edit"}))
    assert "changed elsewhere" in state.errors["form"]
    assert state.form.notes == "my edit"
    session.expire_all()
    stored = session.get(Credential, mine.id)
    assert stored is not None and stored.notes == "other tab"


def test_detail_of_someone_elses_credential_is_not_found(root: State, session: Session) -> None:
    owner = make_user(session, "owner@example.com")
    make_user(session, "intruder@example.com")
    theirs = service.create(
        session,
        actor=owner,
        data=CredentialData(certification_id="AZ-104", earned_on=date(2026, 3, 1)),
    )
    session.commit()
    state = sub(root, CredentialDetailState)
    use_session(state, token_for(session, "intruder@example.com"))
    session.commit()
    state.signed_in = True
    state.credential_id = theirs.id or 0
    run(state.delete())  # a forged delete without loading the page
    assert state.error == "This credential does not exist, or it is not yours."
    assert count(session, Credential) == 1


def test_filters_accept_only_known_values(root: State, session: Session) -> None:
    person = make_user(session, "person@example.com")
    for cert, provider in (("AZ-104", "pearson_vue"), ("AZ-900", "certiport")):
        service.create(
            session,
            actor=person,
            data=CredentialData(
                certification_id=cert, earned_on=date(2026, 3, 1), provider=provider
            ),
        )
    session.commit()
    state = sub(root, CredentialsState)
    use_session(state, token_for(session, "person@example.com"))
    session.commit()
    state.signed_in = True
    run(state.set_filter("provider", "certiport"))
    assert [i.code for i in state.items] == ["AZ-900"] and state.total == 2
    run(state.set_filter("provider", "<script>"))
    assert state.provider == "" and len(state.items) == 2
    user_id = state.user_id
    run(state.set_filter("user_id", "1"))  # not a filter: ignored, no state overwritten
    assert state.user_id == user_id and len(state.items) == 2
    run(state.set_filter("sort", "nonsense"))
    assert state.sort == "expires"


def test_calendar_address_is_shown_once_then_revoked(root: State, session: Session) -> None:
    person = make_user(session, "person@example.com")
    state = sub(root, CalendarState)
    use_session(state, token_for(session, "person@example.com"))
    session.commit()
    state.signed_in = True
    run(state.create())
    assert state.active and state.url.startswith("http://127.0.0.1:3000/api/calendar/")
    token = state.url.rsplit("/", 1)[-1].removesuffix(".ics")
    assert service.calendar_for_token(session, token) is not None
    session.commit()  # reading the feed records when it was read
    run(state.load())
    assert state.url == "" and state.active  # not shown again
    run(state.ask("revoke"))
    assert state.confirm == "revoke"
    run(state.revoke())
    assert not state.active
    session.expire_all()
    assert service.calendar_for_token(session, token) is None
    assert service.feed(session, actor=person) is None
