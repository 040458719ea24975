"""Wizard, identity and knowledge handlers called directly: a forged run id or role is refused by
the services, bad input is reported without losing what was typed."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import quote

import pytest
from reflex.state import State
from sqlmodel import Session

from certportal.auth import service as auth_service
from certportal.auth.policy import Role
from certportal.auth.state import AppState
from certportal.credentials import service as credentials
from certportal.identity import service as identity
from certportal.identity.state import IdentityState
from certportal.knowledge import loader
from certportal.knowledge import service as knowledge
from certportal.knowledge.state import KnowledgeAdminState
from certportal.wizard import service as wizard
from certportal.wizard.present import QuestionView
from certportal.wizard.state import WizardListState, WizardState
from tests.conftest import make_user
from tests.service.test_credentials_service import cred
from tests.service.test_wizard_service import edited_linkage
from tests.state.conftest import (
    navigation_target,
    on_page,
    redirect_target,
    run,
    sub,
    token_for,
    use_session,
)


def test_answering_someone_elses_run_is_refused(root: State, session: Session) -> None:
    owner = make_user(session, "owner@example.com")
    make_user(session, "intruder@example.com")
    theirs = wizard.start(session, actor=owner)
    session.commit()
    state = sub(root, WizardState)
    use_session(state, token_for(session, "intruder@example.com"))
    session.commit()
    state.run_id = theirs.id or 0  # a forged run id
    state.question = QuestionView(id="certification", kind="certification")
    events = run(state.submit({"answer": "AZ-104"}))
    assert redirect_target(events) is None
    assert state.error == "This diagnosis does not exist or is not yours."
    session.expire_all()
    assert wizard.context(session, actor=owner, run_id=theirs.id or 0).answers == {}


def test_a_bad_date_keeps_what_was_typed(root: State, session: Session) -> None:
    person = make_user(session, "person@example.com")
    run_row = wizard.start(session, actor=person, certification_id="AZ-104")
    session.commit()
    state = sub(root, WizardState)
    use_session(state, token_for(session, "person@example.com"))
    session.commit()
    state.run_id = run_row.id or 0
    state.question = QuestionView(id="earned_on", kind="date")
    run(state.submit({"answer": "2024-02-31"}))
    assert state.error == "Enter a real date, for example 2024-03-15."
    assert state.question.value == "2024-02-31"
    assert state.busy is False
    # corrected: the error goes, the answer is saved
    events = run(state.submit({"answer": "2024-02-10"}))
    assert state.error == ""
    assert redirect_target(events) == f"/wizard/{run_row.id}/expires_on"


def test_deleting_a_run_needs_the_confirmation_then_removes_only_mine(
    root: State, session: Session
) -> None:
    person = make_user(session, "person@example.com")
    mine = wizard.start(session, actor=person)
    session.commit()
    state = sub(root, WizardListState)
    use_session(state, token_for(session, "person@example.com"))
    session.commit()
    on_page(root, "/wizard")
    run(state.open())
    assert [r.id for r in state.runs] == [mine.id]
    run(state.delete())  # nothing asked: nothing deleted
    assert len(wizard.list_runs(session, actor=person)) == 1
    run(state.ask_delete(mine.id or 0))
    run(state.delete())
    assert state.runs == [] and state.confirm_id == 0
    session.expire_all()
    assert wizard.list_runs(session, actor=person) == []


def test_identity_conflict_keeps_the_form(root: State, session: Session) -> None:
    person = make_user(session, "person@example.com")
    state = sub(root, IdentityState)
    use_session(state, token_for(session, "person@example.com"))
    session.commit()
    run(state.require_member())
    run(state.load())
    identity.save(session, actor=person, form={"mcid": "111111"}, version=0)  # another tab
    session.commit()
    run(state.save({"work_account": "person@example.com", "mcid": "222222"}))
    assert "changed in another window" in state.error
    assert state.form.mcid == "222222"
    session.expire_all()
    assert identity.get(session, actor=person)[0].mcid == "111111"


def test_member_forging_the_admin_flag_cannot_publish_knowledge(
    root: State, session: Session
) -> None:
    make_user(session, "member@example.com", Role.MEMBER)
    state = sub(root, KnowledgeAdminState)
    use_session(state, token_for(session, "member@example.com"))
    session.commit()
    state.forbidden = False
    data = json.loads(loader.bundled_texts()["linkage"])
    data["outcomes"][0]["title"]["en"] = "Forged"
    state._upload_text = json.dumps(data)
    state.upload_name = "linkage.json"
    state.note = "forged"
    run(state.publish())
    assert state.error == "This page is for admins only."
    assert knowledge.active(session)[0].number == 1


def test_sign_out_forgets_what_the_pages_held(root: State, session: Session) -> None:
    make_user(session, "person@example.com")
    state = sub(root, IdentityState)
    use_session(state, token_for(session, "person@example.com"))
    session.commit()
    run(state.require_member())
    run(state.save({"mcid": "123456", "certiport_username": "secret"}))
    assert state.form.certiport_username == "secret"
    app = sub(root, AppState)
    run(app.set_language("en"))
    run(app.sign_out())
    assert state.form.certiport_username == "" and state.version == 0
    assert app.locale == "en" and app.notice == "auth.signed_out" and not app.signed_in


def test_an_answer_on_an_unchanged_page_is_one_statement_and_goes_on(
    root: State, session: Session, statements: list[tuple[str, bool]]
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
    assert state.view == "question" and state.question.id == "certification"
    root._clean()  # what the page's load sent
    statements.clear()
    events = run(state.submit({"answer": "AZ-104"}))
    assert redirect_target(events) == f"/wizard/{run_row.id}/earned_on"
    assert statements == [("UPDATE", True)]  # saved and authenticated at once
    assert state.busy is False  # nothing to wait for: no "saving" shown
    # nothing the page shows changed: the redirect goes alone (a changed var, even to the same
    # value, would be a frame of its own before it); the question stays until the next page's
    assert root.get_delta() == {}
    assert state.view == "question"
    session.expire_all()
    assert wizard.context(session, actor=person, run_id=run_row.id or 0).answers == {
        "certification": "AZ-104"
    }


def test_an_answer_on_a_page_changed_in_another_tab_goes_the_long_way(
    root: State, session: Session, statements: list[tuple[str, bool]]
) -> None:
    person = make_user(session, "person@example.com")
    run_row = wizard.start(session, actor=person, certification_id="AZ-104")
    session.commit()
    assert run_row.id is not None
    state = sub(root, WizardState)
    use_session(state, token_for(session, "person@example.com"))
    session.commit()
    on_page(root, f"/wizard/{run_row.id}/certification")
    run(state.require_member())
    run(state.load())
    # another tab answers further; this page still shows the certification question
    wizard.answer(
        session, actor=person, run_id=run_row.id, question_id="earned_on", value="2024-02-10"
    )
    session.commit()
    statements.clear()
    result = state.submit({"answer": "AZ-900"})
    first = next(result)  # the long way shows that it is working before it starts
    assert first is None and state.busy is True
    events = run(result)
    assert redirect_target(events) == f"/wizard/{run_row.id}/earned_on"
    assert [verb for verb, _ in statements].count("UPDATE") == 2  # tried, then the long way
    session.expire_all()
    assert wizard.context(session, actor=person, run_id=run_row.id).answers == {
        "certification": "AZ-900",
        "earned_on": "2024-02-10",
    }


def test_wizard_pages_check_the_session_in_their_load_one_event_per_page_change() -> None:
    from certportal.ui.layout import _PAGES

    for route, handler in (
        ("/wizard", WizardListState.open),
        ("/wizard/new", WizardState.load),
        ("/wizard/[wrun]/[wstep]", WizardState.load),
    ):
        assert _PAGES[route].on_load == [handler], route


def test_a_wizard_page_opened_in_a_new_tab_signs_the_person_in_by_itself(
    root: State, session: Session
) -> None:
    person = make_user(session, "person@example.com")
    auth_service.set_locale(session, actor=person, user_id=person.user_id, locale="ja")
    run_row = wizard.start(session, actor=person)
    session.commit()
    state = sub(root, WizardState)
    use_session(state, token_for(session, "person@example.com"))
    session.commit()
    on_page(root, f"/wizard/{run_row.id}/certification")
    assert run(state.load()) == []  # no guard event before it
    assert state.signed_in and state.auth_checked and state.locale == "ja"
    assert state.view == "question" and state.question.id == "certification"


def test_a_wizard_page_without_a_session_goes_to_sign_in_and_back(
    root: State, session: Session
) -> None:
    person = make_user(session, "person@example.com")
    run_row = wizard.start(session, actor=person)
    session.commit()
    for cls, name, path in (
        (WizardState, "load", f"/wizard/{run_row.id}/certification"),
        (WizardState, "load", "/wizard/new"),
        (WizardListState, "open", "/wizard"),
    ):
        state = sub(root, cls)
        use_session(state, "")  # no cookie: to sign-in, then back
        on_page(root, path)
        events = run(getattr(state, name)())
        assert redirect_target(events) == "/login?next=" + quote(path), path
        assert not state.signed_in
        use_session(state, "not-a-session")  # a cookie of no session: dropped on the way
        events = run(getattr(state, name)())
        dropped = "/api/auth/signed-out?next=" + quote(path, safe="")
        assert navigation_target(events) == dropped, path
        assert not state.signed_in
    assert wizard.list_runs(session, actor=person)[0].id == run_row.id  # nothing started
    assert len(wizard.list_runs(session, actor=person)) == 1


def _on_the_certification_question(root: State, session: Session) -> Any:
    """A person's new diagnosis, opened on its first question (the certification)."""
    person = make_user(session, "person@example.com")
    run_id = wizard.start(session, actor=person).id
    session.commit()
    state = sub(root, WizardState)
    use_session(state, token_for(session, "person@example.com"))
    session.commit()
    on_page(root, f"/wizard/{run_id}/certification")
    run(state.load())
    return state


def test_the_certification_list_is_sent_once_not_on_every_visit(
    root: State, session: Session
) -> None:
    state = _on_the_certification_question(root, session)
    sent = root.get_delta()[state.get_full_name()]
    assert len(sent["filtered_certs_rx_state_"]) > 50
    root._clean()
    run(state.load())  # back to the same question
    assert state.view == "question"
    assert "filtered_certs_rx_state_" not in root.get_delta().get(state.get_full_name(), {})


def test_the_certification_list_leaves_the_state_with_its_question(
    root: State, session: Session
) -> None:
    """Every event of the tab reads and writes the wizard's state: past the certification
    question it no longer carries the list (nor the filtered copy the framework caches)."""
    state = _on_the_certification_question(root, session)
    with_list = len(state._serialize())
    run(state.submit({"answer": "AZ-104"}))
    on_page(root, f"/wizard/{state.run_id}/earned_on")
    run(state.load())
    assert state.view == "question" and state.question.id == "earned_on"
    assert state._certs == [] and state.filtered_certs == []
    assert len(state._serialize()) < with_list / 4
    # back to it: the list comes again
    on_page(root, f"/wizard/{state.run_id}/certification")
    run(state.load())
    assert len(state.filtered_certs) > 50


def test_a_wizard_page_load_is_two_reads_of_their_own(
    root: State, session: Session, statements: list[tuple[str, bool]]
) -> None:
    """Opening a question again (its version parsed in this process): the session check and the
    page's run, each one SELECT in autocommit — no ping, no BEGIN, no COMMIT."""
    state = _on_the_certification_question(root, session)
    statements.clear()
    run(state.load())
    assert state.view == "question" and state.question.id == "certification"
    assert statements == [("SELECT", True), ("SELECT", True)]


def test_a_page_load_sends_only_what_changed(root: State, session: Session) -> None:
    """The same question opened again sends nothing of the wizard's or the person's again; the
    next question sends what differs (the question, its form, the answers so far)."""
    state = _on_the_certification_question(root, session)
    app = sub(root, AppState)
    assert app.signed_in and state.view == "question"
    root._clean()
    run(state.load())
    delta = root.get_delta()
    assert delta.get(app.get_full_name(), {}) == {}
    assert delta.get(state.get_full_name(), {}) == {}
    run(state.submit({"answer": "AZ-104"}))
    root._clean()
    on_page(root, f"/wizard/{state.run_id}/earned_on")
    run(state.load())
    sent = set(root.get_delta().get(state.get_full_name(), {}))
    assert {"question_rx_state_", "form_key_rx_state_", "answers_rx_state_"} <= sent
    assert not sent & {"run_id_rx_state_", "view_rx_state_", "error_rx_state_", "busy_rx_state_"}
    assert root.get_delta().get(app.get_full_name(), {}) == {}


def test_the_certification_list_is_sent_once_and_kept_cheap_to_read(
    root: State, session: Session
) -> None:
    """The list goes to the page once (as the filtered list, not also as its source), and the
    state keeps it as plain tuples: it is read from Redis on every event of the tab."""
    state = _on_the_certification_question(root, session)
    page = json.dumps(state.dict(), ensure_ascii=False, default=str)
    assert page.count('"AZ-104"') == 1  # the option's value, once
    assert all(type(row) is tuple for row in state._certs)
    blob = state._serialize()
    assert b"dataclass" not in blob and b"CertChoice" not in blob
    state.cert_filter = "az-10"
    assert [c["id"] for c in state.filtered_certs] == ["AZ-104"]
    assert state.filtered_certs[0]["en"].startswith("AZ-104 — ")


def _replaces(events: list[Any]) -> bool:
    """The ``rx.redirect`` among the events replaces the page in the browser's history."""
    for event in events:
        if getattr(event.handler.fn, "__qualname__", "") == "_redirect":
            return any(n._js_expr == "replace" and v._var_value is True for n, v in event.args)
    return False


def _on_new(root: State, session: Session, path: str = "/wizard/new") -> tuple[Any, Any]:
    person = make_user(session, "person@example.com")
    state = sub(root, WizardState)
    use_session(state, token_for(session, "person@example.com"))
    session.commit()
    on_page(root, path)
    return person, state


def test_a_new_diagnosis_is_its_first_question_and_saved_only_once_answered(
    root: State, session: Session, statements: list[tuple[str, bool]]
) -> None:
    """/wizard/new shows the first question at once (no run created, no redirect: an opening is
    one page, two reads of their own); the first answer saves the run with it and goes on,
    replacing /wizard/new in the history (going back does not start another)."""
    person, state = _on_new(root, session)
    run(state.load())  # first visit: the session is recorded as seen (the long way)
    statements.clear()
    assert run(state.load()) == []
    assert state.view == "question" and state.question.id == "certification"
    assert state.run_id == 0 and state.back_href == "/wizard"
    assert len(state.filtered_certs) > 50
    assert statements == [("SELECT", True), ("SELECT", True)]  # nothing written
    assert wizard.list_runs(session, actor=person) == []
    statements.clear()
    events = run(state.submit({"answer": "AZ-104"}))
    assert statements == [("INSERT", True)]  # saved and authenticated at once
    runs = wizard.list_runs(session, actor=person)
    assert len(runs) == 1 and runs[0].id
    assert redirect_target(events) == f"/wizard/{runs[0].id}/earned_on" and _replaces(events)
    assert wizard.context(session, actor=person, run_id=runs[0].id).answers == {
        "certification": "AZ-104"
    }
    # the run's own question page from then on, the quick way
    on_page(root, f"/wizard/{runs[0].id}/earned_on")
    run(state.load())
    assert state.run_id == runs[0].id and state.question.id == "earned_on"
    statements.clear()
    run(state.submit({"answer": "2024-02-10"}))
    assert statements == [("UPDATE", True)]


def test_a_refused_first_answer_saves_nothing_and_keeps_what_was_typed(
    root: State, session: Session
) -> None:
    person, state = _on_new(root, session, "/wizard/new?cert=AZ-104")
    run(state.load())
    assert state.question.id == "earned_on"  # the certification was passed in
    events = run(state.submit({"answer": "2099-13-40"}))
    assert redirect_target(events) is None
    assert state.error and state.question.value == "2099-13-40"
    assert wizard.list_runs(session, actor=person) == []
    events = run(state.submit({"answer": "2024-02-10"}))
    (saved,) = wizard.list_runs(session, actor=person)
    assert redirect_target(events) == f"/wizard/{saved.id}/expires_on"
    assert wizard.context(session, actor=person, run_id=saved.id or 0).answers == {
        "certification": "AZ-104",
        "earned_on": "2024-02-10",
    }


def test_a_new_diagnosis_for_something_that_is_not_a_certification_says_so(
    root: State, session: Session
) -> None:
    """Not a certification, or not my credential: the page says so; nothing is saved."""
    other = make_user(session, "other@example.com")
    theirs = credentials.create(
        session, actor=other, data=cred("AZ-900", date(2024, 2, 10), provider="pearson_vue")
    )
    person, state = _on_new(root, session, "/wizard/new?cert=NOPE-1")
    for path in ("/wizard/new?cert=NOPE-1", f"/wizard/new?credential={theirs.id}"):
        on_page(root, path)
        assert run(state.load()) == []
        assert state.view == "refused" and state.error, path
        assert state.run_id == 0
    assert wizard.list_runs(session, actor=person) == []


@pytest.mark.parametrize("way", ["quick", "long"])
def test_a_new_diagnosis_keeps_the_knowledge_version_its_question_was_shown_with(
    root: State, session: Session, way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An admin publishes a new version while the first question is on screen: the run is saved
    on the version the person saw, the quick way and the long way."""
    person, state = _on_new(root, session)
    run(state.load())
    shown = state._draft_version
    assert shown
    admin = make_user(session, "admin@example.com", role=Role.ADMIN)
    knowledge.publish(
        session, actor=admin, content=edited_linkage(), note="clearer", filename="linkage.json"
    )
    session.commit()
    assert knowledge.active(session)[0].id != shown
    if way == "long":
        monkeypatch.setattr(knowledge, "cached_bundle", lambda digest: None)
    events = run(state.submit({"answer": "AZ-104"}))
    (saved,) = wizard.list_runs(session, actor=person)
    assert redirect_target(events) == f"/wizard/{saved.id}/earned_on"
    assert saved.knowledge_version_id == shown


def test_a_second_click_on_the_first_question_saves_one_diagnosis(
    root: State, session: Session
) -> None:
    """Continue clicked twice: the second click (queued behind the first) answers the run the
    first one saved, it does not start another."""
    person, state = _on_new(root, session)
    run(state.load())
    first = redirect_target(run(state.submit({"answer": "AZ-104"})))
    second = redirect_target(run(state.submit({"answer": "AZ-104"})))
    (saved,) = wizard.list_runs(session, actor=person)
    assert first == second == f"/wizard/{saved.id}/earned_on"


def test_an_answer_sent_where_no_new_diagnosis_is_shown_saves_nothing(
    root: State, session: Session
) -> None:
    """A new diagnosis' question, then a page refusing another (or a run that is not there): an
    answer still sent (queued, or forged) saves neither the earlier one nor anything else."""
    person, state = _on_new(root, session)
    run(state.load())
    for path in ("/wizard/new?cert=NOPE-1", "/wizard/999999/certification"):
        on_page(root, path)
        run(state.load())
        assert state.view in ("refused", "missing") and state.run_id == 0
        assert run(state.submit({"answer": "AZ-104"})) == []
    assert wizard.list_runs(session, actor=person) == []


def test_a_new_diagnosis_of_a_credential_reads_it_again_when_answered(
    root: State, session: Session, statements: list[tuple[str, bool]]
) -> None:
    """Its first answer goes the long way (the credential may have changed or gone since the
    question was shown); gone: said, nothing saved."""
    person = make_user(session, "person@example.com")
    held = credentials.create(
        session, actor=person, data=cred("AZ-900", date(2024, 2, 10), provider="certiport")
    )
    gone = credentials.create(session, actor=person, data=cred("AZ-104", date(2024, 3, 1)))
    session.commit()
    state = sub(root, WizardState)
    use_session(state, token_for(session, "person@example.com"))
    session.commit()
    on_page(root, f"/wizard/new?credential={held.id}")
    run(state.load())
    assert state.view == "question" and state.question.id == "on_learn"
    statements.clear()
    events = run(state.submit({"answer": "no"}))
    assert [v for v, _ in statements] != ["INSERT"]  # not the one-statement way
    (saved,) = wizard.list_runs(session, actor=person)
    assert saved.credential_id == held.id
    assert (redirect_target(events) or "").startswith(f"/wizard/{saved.id}/")
    on_page(root, f"/wizard/new?credential={gone.id}")
    run(state.load())
    assert state.view == "question"
    credentials.delete(session, actor=person, credential_id=gone.id or 0)
    session.commit()
    events = run(state.submit({"answer": "no"}))
    assert redirect_target(events) is None and state.error
    assert len(wizard.list_runs(session, actor=person)) == 1


def test_confirming_an_unchanged_summary_is_one_statement_and_goes_on(
    root: State, session: Session, statements: list[tuple[str, bool]]
) -> None:
    """Confirm on the check-your-answers page: saved and authenticated in one statement, and the
    redirect to the result goes alone (the summary stays until the result page's load)."""
    person = make_user(session, "person@example.com")
    run_row = wizard.start(session, actor=person, certification_id="AZ-900")
    session.commit()
    assert run_row.id is not None
    for question, value in (
        ("earned_on", "2024-02-10"),
        ("provider", "certiport"),
        ("on_learn", "no"),
    ):
        wizard.answer(session, actor=person, run_id=run_row.id, question_id=question, value=value)
    session.commit()
    state = sub(root, WizardState)
    use_session(state, token_for(session, "person@example.com"))
    session.commit()
    on_page(root, f"/wizard/{run_row.id}/check")
    run(state.require_member())
    run(state.load())
    assert state.view == "check"
    root._clean()
    statements.clear()
    events = run(state.confirm())
    assert redirect_target(events) == f"/wizard/{run_row.id}/result"
    assert statements == [("UPDATE", True)]
    assert root.get_delta() == {} and state.busy is False
    session.expire_all()
    assert wizard.context(session, actor=person, run_id=run_row.id).run.status == "done"
