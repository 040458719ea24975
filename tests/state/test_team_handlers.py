"""Team handlers called directly: a member gets the leads-only message and no data; unknown
filter values are ignored; a lead pages through; bad settings are refused with the form kept."""

from __future__ import annotations

from datetime import date

from reflex.state import State
from sqlmodel import Session, select

from certportal.auth.models import User
from certportal.auth.policy import Role
from certportal.team import service
from certportal.team.state import MemberState, SkillingSettingsState, SkillingState, TeamState
from certportal.teams import service as teams
from tests.conftest import make_user
from tests.state.conftest import run, sub, token_for, use_session


def signed(root: State, session: Session, cls: type, email: str) -> object:
    state = sub(root, cls)
    use_session(state, token_for(session, email))
    session.commit()
    state.signed_in = True
    return state


def _team(session: Session) -> None:
    admin = make_user(session, "admin@example.com", Role.ADMIN, "Admin")
    make_user(session, "lead@example.com", Role.MEMBER, "Lead")
    make_user(session, "member@example.com", Role.MEMBER, "Member")
    team = teams.create_team(session, actor=admin, name="Azure")
    for email, role in (("lead@example.com", "lead"), ("member@example.com", "member")):
        user = session.exec(select(User).where(User.email == email)).one()
        teams.assign(
            session, actor=admin, team_id=team.id or 0, user_id=user.id or 0, team_role=role
        )
    session.commit()


def test_a_member_gets_the_leads_only_message(root: State, session: Session) -> None:
    _team(session)
    state = signed(root, session, TeamState, "member@example.com")
    run(state.load())
    assert state.rows == [] and "leads and admins" in state.error
    panel = signed(root, session, SkillingState, "member@example.com")
    run(panel.load())
    assert panel.designations == [] and "leads and admins" in panel.error


def test_filters_ignore_unknown_values_and_pages_stay_in_range(
    root: State, session: Session
) -> None:
    _team(session)
    state = signed(root, session, TeamState, "lead@example.com")
    run(state.load())
    assert [r.name for r in state.rows] == ["Lead", "Member"]
    run(state.set_filter("status", "everything"))
    assert state.status == "" and state.error == ""
    run(state.set_filter("sort", "'; DROP TABLE"))
    assert state.sort == "name"
    run(state.set_filter("owner", "x"))  # not a filter: nothing happens
    run(state.go(99))
    assert state.page == 1
    run(state.run_search({"search": "memb"}))
    assert [r.name for r in state.rows] == ["Member"]


def test_a_lead_cannot_open_someone_outside_their_teams(root: State, session: Session) -> None:
    _team(session)
    outsider = make_user(session, "outsider@example.com", Role.MEMBER, "Outsider")
    state = signed(root, session, MemberState, "lead@example.com")
    run(
        state._load(
            lambda s, actor: service.member_detail(
                s, actor=actor, user_id=outsider.user_id, today=date(2026, 12, 1)
            )
        )
    )
    assert state.missing and state.name == ""


def test_bad_settings_are_refused_and_kept(root: State, session: Session) -> None:
    _team(session)
    state = signed(root, session, SkillingSettingsState, "admin@example.com")
    run(state.load())
    assert "Azure" in state.areas
    run(state.save({"track_Azure": "smb", "target_security": "150"}))
    assert state.error and not state.saved
    assert state.targets["security"] == "150" and state.tracks["Azure"] == "smb"
    run(state.save({"track_Azure": "smb", "target_security": "15"}))
    assert state.saved and state.error == ""
    assert state.tracks["Azure"] == "smb" and state.targets["security"] == "15"
    member = signed(root, session, SkillingSettingsState, "member@example.com")
    run(member.save({"track_Azure": "enterprise"}))
    assert member.error and not member.saved
