"""The audit-log page's handlers: a member forging the client flags reads nothing; an admin
filters, and a malformed date is reported, not fatal."""

from __future__ import annotations

from reflex.state import State
from sqlmodel import Session

from certportal.audit import service as audit
from certportal.audit.state import AuditState
from certportal.auth.policy import Role
from tests.conftest import make_user
from tests.state.conftest import run, sub, token_for, use_session


def test_member_forging_client_flags_reads_no_audit_entry(root: State, session: Session) -> None:
    admin = make_user(session, "admin@example.com", Role.ADMIN)
    make_user(session, "member@example.com")
    audit.record_by(session, admin, "knowledge.publish")
    session.commit()
    state = sub(root, AuditState)
    use_session(state, token_for(session, "member@example.com"))
    session.commit()
    state.signed_in = True
    state.forbidden = False  # what a tampered client could claim
    state.user_role = "admin"
    run(state.apply({"action": "", "person": "", "since": "", "until": ""}))
    assert state.error == "This page is for admins only."
    assert state.entries == [] and state.actions == []


def test_admin_filters_and_a_bad_date_is_reported(root: State, session: Session) -> None:
    admin = make_user(session, "admin@example.com", Role.ADMIN)
    audit.record_by(session, admin, "knowledge.publish")
    audit.record_by(session, admin, "credentials.export")
    session.commit()
    state = sub(root, AuditState)
    use_session(state, token_for(session, "admin@example.com"))
    session.commit()
    state.signed_in = True
    run(state.apply({"action": "credentials.", "person": "admin", "since": "", "until": ""}))
    assert [e.action for e in state.entries] == ["credentials.export"] and state.total == 1
    assert {"credentials.", "knowledge."} <= set(state.families)
    run(state.apply({"action": "", "person": "", "since": "2026-02-30", "until": ""}))
    assert state.error == "Enter a date as YYYY-MM-DD (e.g. 2024-03-01)."
    # the bad date is ignored, the rest still filters: everything is listed
    assert {"knowledge.publish", "credentials.export"} <= {e.action for e in state.entries}
    run(state.clear())
    assert (state.action, state.person, state.since) == ("", "", "")
