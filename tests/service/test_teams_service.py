"""People and teams administration."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from certportal.audit.models import AuditEntry
from certportal.auth import service as auth_service
from certportal.auth.models import LoginSession, User
from certportal.auth.policy import Principal, Role
from certportal.errors import AuthError, Conflict, InvalidInput, NotFound, PermissionDenied
from certportal.teams import service as teams
from certportal.teams.models import Team, TeamMembership
from tests.conftest import make_user

from .helpers import PASSWORD, T0, audit_actions, audit_entries, count


def refreshed(session: Session, person: Principal) -> Principal:
    return auth_service.principal_for(session, session.get(User, person.user_id))


@dataclass
class Org:
    admin: Principal
    lead: Principal
    member: Principal
    outsider: Principal
    team: Team
    other_team: Team


@pytest.fixture
def org(session: Session, admin: Principal, member: Principal) -> Org:
    """Admin; team "Alpha" with a lead and a member; team "Beta" (empty); someone in no team."""
    lead = make_user(session, "lead@example.com", Role.MEMBER, "Lead Person")
    outsider = make_user(session, "outsider@example.com", Role.MEMBER, "Outsider Person")
    alpha = teams.create_team(session, actor=admin, name="Alpha", description="First team")
    beta = teams.create_team(session, actor=admin, name="Beta")
    teams.assign(session, actor=admin, team_id=alpha.id, user_id=lead.user_id, team_role="lead")
    teams.assign(session, actor=admin, team_id=alpha.id, user_id=member.user_id, team_role="member")
    session.commit()
    return Org(
        admin=admin,
        lead=refreshed(session, lead),
        member=refreshed(session, member),
        outsider=outsider,
        team=alpha,
        other_team=beta,
    )


def membership(session: Session, team_id: int, user_id: int) -> TeamMembership | None:
    return session.exec(
        select(TeamMembership).where(
            TeamMembership.team_id == team_id, TeamMembership.user_id == user_id
        )
    ).first()


# --- authorization ------------------------------------------------------------------------

ADMIN_ONLY: dict[str, Callable[[Session, Principal, Org], Any]] = {
    "list_people": lambda s, a, o: teams.list_people(s, actor=a),
    "create_person": lambda s, a, o: teams.create_person(
        s, actor=a, email="x@example.com", display_name="X", role="member", password=PASSWORD
    ),
    "set_role": lambda s, a, o: teams.set_role(s, actor=a, user_id=o.outsider.user_id, role="lead"),
    "set_active": lambda s, a, o: teams.set_active(
        s, actor=a, user_id=o.outsider.user_id, active=False
    ),
    "create_team": lambda s, a, o: teams.create_team(s, actor=a, name="Gamma"),
    "delete_team": lambda s, a, o: teams.delete_team(s, actor=a, team_id=o.team.id),
    "assign": lambda s, a, o: teams.assign(
        s, actor=a, team_id=o.team.id, user_id=o.outsider.user_id, team_role="member"
    ),
    "unassign": lambda s, a, o: teams.unassign(
        s, actor=a, team_id=o.team.id, user_id=o.member.user_id
    ),
    "assignable_people": lambda s, a, o: teams.assignable_people(s, actor=a),
}


@pytest.mark.parametrize("who", ["member", "lead"])
@pytest.mark.parametrize("operation", sorted(ADMIN_ONLY))
def test_admin_only_functions_refuse_others(
    session: Session, org: Org, who: str, operation: str
) -> None:
    actor = getattr(org, who)
    assert actor.role is (Role.LEAD if who == "lead" else Role.MEMBER)
    audit_before = count(session, AuditEntry)
    with pytest.raises(PermissionDenied) as info:
        ADMIN_ONLY[operation](session, actor, org)
    assert info.value.key == "error.admin_only"
    session.commit()
    assert count(session, AuditEntry) == audit_before
    assert count(session, User) == 4
    assert count(session, Team) == 2
    assert session.get(User, org.outsider.user_id).is_active


@pytest.mark.parametrize("operation", sorted(ADMIN_ONLY))
def test_admin_only_functions_allow_admin(session: Session, org: Org, operation: str) -> None:
    ADMIN_ONLY[operation](session, org.admin, org)  # does not raise
    session.commit()


# --- people -------------------------------------------------------------------------------


@pytest.fixture
def people(session: Session, admin: Principal) -> list[Principal]:
    return [
        make_user(session, "alice.wong@example.com", name="Alice Wong"),
        make_user(session, "bob@corp.example.org", name="Bob Alison"),
        make_user(session, "carol@example.com", name="Carol Diaz"),
        make_user(session, "dave@example.com", name="佐藤 大輔"),
    ]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("alice", {"alice.wong@example.com"}),
        ("ALI", {"alice.wong@example.com", "bob@corp.example.org"}),  # name "Bob Alison"
        ("corp.example", {"bob@corp.example.org"}),  # by e-mail
        ("  carol@  ", {"carol@example.com"}),
        ("佐藤", {"dave@example.com"}),
        ("nobody-matches", set()),
        ("ali\x00ce", {"alice.wong@example.com"}),  # a NUL crashed it on PostgreSQL (fuzzing)
    ],
)
def test_list_people_search(
    session: Session, admin: Principal, people: list[Principal], search: str, expected: set[str]
) -> None:
    rows, total = teams.list_people(session, actor=admin, search=search)
    assert {r.email for r in rows} == expected
    assert total == len(expected)


@pytest.mark.parametrize(
    ("search", "expected"),
    [("john_smith", {"john_smith@example.com"}), ("100%", {"pct@example.com"})],
)
def test_list_people_search_treats_wildcards_literally(
    session: Session, admin: Principal, search: str, expected: set[str]
) -> None:
    """BUG: LIKE wildcards in the search term are not escaped (teams/service.py list_people)."""
    make_user(session, "john_smith@example.com", name="John Smith")
    make_user(session, "johnxsmith@example.com", name="John X Smith")
    make_user(session, "pct@example.com", name="Team 100% Cloud")
    make_user(session, "other@example.com", name="Team 1000 Cloud")
    rows, total = teams.list_people(session, actor=admin, search=search)
    assert {r.email for r in rows} == expected
    assert total == len(expected)


@pytest.mark.parametrize(
    ("name", "search"), [("Émile Durand", "émile"), ("ＡＢＣ Tanaka", "ａｂｃ")]
)
def test_list_people_search_is_case_insensitive_beyond_ascii(
    session: Session, admin: Principal, name: str, search: str
) -> None:
    """BUG on SQLite: SQL lower() only folds ASCII, the term is folded by Python."""
    person = make_user(session, "intl@example.com", name=name)
    rows, total = teams.list_people(session, actor=admin, search=search)
    assert [r.id for r in rows] == [person.user_id]
    assert total == 1


def test_list_people_paging_and_total(
    session: Session, admin: Principal, people: list[Principal]
) -> None:
    all_rows, total = teams.list_people(session, actor=admin)
    assert total == 5
    names = [r.display_name for r in all_rows]
    assert names == sorted(names)
    page1, total1 = teams.list_people(session, actor=admin, limit=2, offset=0)
    page2, total2 = teams.list_people(session, actor=admin, limit=2, offset=2)
    page3, total3 = teams.list_people(session, actor=admin, limit=2, offset=4)
    assert total1 == total2 == total3 == 5
    assert [len(page1), len(page2), len(page3)] == [2, 2, 1]
    assert [r.id for r in page1 + page2 + page3] == [r.id for r in all_rows]
    beyond, total4 = teams.list_people(session, actor=admin, limit=2, offset=10)
    assert beyond == [] and total4 == 5


def test_list_people_shows_team_names(session: Session, org: Org) -> None:
    teams.assign(
        session,
        actor=org.admin,
        team_id=org.other_team.id,
        user_id=org.member.user_id,
        team_role="member",
    )
    rows, _ = teams.list_people(session, actor=org.admin)
    by_email = {r.email: r for r in rows}
    assert by_email[org.member.email].team_names == ("Alpha", "Beta")
    assert by_email[org.lead.email].team_names == ("Alpha",)
    assert by_email[org.outsider.email].team_names == ()
    assert by_email[org.lead.email].role == "lead"


def test_create_person(session: Session, admin: Principal) -> None:
    password = teams.generate_initial_password()
    assert len(password) >= 10
    user = teams.create_person(
        session,
        actor=admin,
        email=" New@Example.com ",
        display_name="New Person",
        role="lead",
        password=password,
    )
    session.commit()
    assert (user.email, user.role, user.is_active) == ("new@example.com", "lead", True)
    entry = audit_entries(session, "user.created")[-1]
    assert entry.actor_id == admin.user_id
    assert entry.target_id == str(user.id)
    assert json.loads(entry.detail) == {"email": "new@example.com", "role": "lead"}
    assert auth_service.sign_in(session, email="new@example.com", password=password, now=T0)


def test_create_person_duplicate_email(
    session: Session, admin: Principal, member: Principal
) -> None:
    with pytest.raises(Conflict) as info:
        teams.create_person(
            session,
            actor=admin,
            email="MEMBER@example.com",
            display_name="Again",
            role="member",
            password=PASSWORD,
        )
    assert info.value.key == "error.email_taken"
    assert count(session, User) == 2
    assert audit_actions(session) == []


def test_create_person_invalid_role(session: Session, admin: Principal) -> None:
    with pytest.raises(InvalidInput) as info:
        teams.create_person(
            session,
            actor=admin,
            email="x@example.com",
            display_name="X",
            role="superuser",
            password=PASSWORD,
        )
    assert info.value.key == "error.role_invalid"
    assert count(session, User) == 1


def test_set_role_changes_and_audits(session: Session, admin: Principal, member: Principal) -> None:
    user = teams.set_role(session, actor=admin, user_id=member.user_id, role="admin")
    session.commit()
    assert user.role == "admin"
    entry = audit_entries(session, "user.role_changed")[-1]
    assert entry.target_id == str(member.user_id)
    assert json.loads(entry.detail) == {"from": "member", "to": "admin"}


def test_set_role_same_role_is_a_no_op(
    session: Session, admin: Principal, member: Principal
) -> None:
    teams.set_role(session, actor=admin, user_id=member.user_id, role="member")
    teams.set_role(session, actor=admin, user_id=admin.user_id, role="admin")
    assert audit_actions(session) == []


@pytest.mark.parametrize("role", ["member", "lead"])
def test_admin_cannot_change_own_role(session: Session, admin: Principal, role: str) -> None:
    make_user(session, "admin2@example.com", Role.ADMIN)  # not the last admin
    with pytest.raises(PermissionDenied) as info:
        teams.set_role(session, actor=admin, user_id=admin.user_id, role=role)
    assert info.value.key == "error.cannot_change_own_role"
    assert session.get(User, admin.user_id).role == "admin"


def test_last_admin_cannot_be_demoted(session: Session, admin: Principal) -> None:
    other = make_user(session, "admin2@example.com", Role.ADMIN, "Second Admin")
    # Two admins: one may demote the other.
    teams.set_role(session, actor=other, user_id=admin.user_id, role="member")
    session.commit()
    # The demoted admin's principal is now stale; the remaining admin must stay admin.
    with pytest.raises(PermissionDenied) as info:
        teams.set_role(session, actor=admin, user_id=other.user_id, role="member")
    assert info.value.key == "error.last_admin"
    assert session.get(User, other.user_id).role == "admin"


def test_sole_active_admin_can_demote_a_deactivated_admin(
    session: Session, admin: Principal
) -> None:
    """BUG: the last-admin guard counts active admins even when the target is inactive.

    Demoting a deactivated admin leaves the number of active admins unchanged, so it must not
    be refused with error.last_admin (teams/service.py set_role).
    """
    other = make_user(session, "admin2@example.com", Role.ADMIN, "Second Admin")
    teams.set_active(session, actor=admin, user_id=other.user_id, active=False)
    session.commit()
    user = teams.set_role(session, actor=admin, user_id=other.user_id, role="member")
    assert user.role == "member"
    assert session.get(User, admin.user_id).role == "admin"


def test_set_role_unknown_user_and_role(session: Session, admin: Principal) -> None:
    with pytest.raises(NotFound) as info:
        teams.set_role(session, actor=admin, user_id=999_999, role="lead")
    assert info.value.key == "error.user_not_found"
    with pytest.raises(InvalidInput) as bad:
        teams.set_role(session, actor=admin, user_id=admin.user_id, role="owner")
    assert bad.value.key == "error.role_invalid"


def test_demoting_lead_turns_lead_places_into_member_places(session: Session, org: Org) -> None:
    teams.assign(
        session,
        actor=org.admin,
        team_id=org.other_team.id,
        user_id=org.lead.user_id,
        team_role="lead",
    )
    session.commit()
    teams.set_role(session, actor=org.admin, user_id=org.lead.user_id, role="member")
    session.commit()
    places = session.exec(
        select(TeamMembership).where(TeamMembership.user_id == org.lead.user_id)
    ).all()
    assert len(places) == 2
    assert {p.role for p in places} == {"member"}
    principal = refreshed(session, org.lead)
    assert principal.role is Role.MEMBER
    assert principal.led_team_ids == frozenset()
    assert principal.member_team_ids == frozenset({org.team.id, org.other_team.id})
    # The other member's place is untouched.
    assert membership(session, org.team.id, org.member.user_id).role == "member"


def test_promoting_lead_to_admin_keeps_lead_places(session: Session, org: Org) -> None:
    teams.set_role(session, actor=org.admin, user_id=org.lead.user_id, role="admin")
    assert membership(session, org.team.id, org.lead.user_id).role == "lead"


def test_deactivate_revokes_all_sessions_and_is_audited(
    session: Session, engine: Engine, admin: Principal, member: Principal
) -> None:
    tokens = [
        auth_service.sign_in(session, email=member.email, password=PASSWORD, now=T0).token
        for _ in range(2)
    ]
    admin_token = auth_service.sign_in(session, email=admin.email, password=PASSWORD, now=T0).token
    session.commit()

    user = teams.set_active(session, actor=admin, user_id=member.user_id, active=False)
    session.commit()
    assert user.is_active is False
    assert user.deactivated_at is not None

    with Session(engine) as fresh:
        rows = fresh.exec(select(LoginSession).where(LoginSession.user_id == member.user_id)).all()
        assert len(rows) == 2
        assert all(r.revoked_at is not None and r.revoked_reason == "deactivated" for r in rows)
    for token in tokens:
        with pytest.raises(AuthError) as info:
            auth_service.authenticate(session, token=token, now=T0 + timedelta(minutes=1))
        assert info.value.key == "error.session_expired"
    # Other people's sessions are untouched.
    assert auth_service.authenticate(session, token=admin_token, now=T0).user_id == admin.user_id

    entry = audit_entries(session, "user.deactivated")[-1]
    assert entry.actor_id == admin.user_id
    assert entry.target_id == str(member.user_id)
    assert json.loads(entry.detail) == {"sessions_ended": 2}


def test_reactivate(session: Session, admin: Principal, member: Principal) -> None:
    teams.set_active(session, actor=admin, user_id=member.user_id, active=False)
    session.commit()
    user = teams.set_active(session, actor=admin, user_id=member.user_id, active=True)
    session.commit()
    assert user.is_active is True
    assert user.deactivated_at is None
    assert audit_actions(session)[-2:] == ["user.deactivated", "user.activated"]
    assert auth_service.sign_in(session, email=member.email, password=PASSWORD, now=T0)


def test_set_active_same_state_is_a_no_op(
    session: Session, admin: Principal, member: Principal
) -> None:
    teams.set_active(session, actor=admin, user_id=member.user_id, active=True)
    teams.set_active(session, actor=admin, user_id=admin.user_id, active=True)
    assert audit_actions(session) == []


def test_cannot_deactivate_self(session: Session, admin: Principal) -> None:
    make_user(session, "admin2@example.com", Role.ADMIN)
    with pytest.raises(PermissionDenied) as info:
        teams.set_active(session, actor=admin, user_id=admin.user_id, active=False)
    assert info.value.key == "error.cannot_deactivate_self"
    assert session.get(User, admin.user_id).is_active


def test_cannot_deactivate_last_active_admin(session: Session, admin: Principal) -> None:
    other = make_user(session, "admin2@example.com", Role.ADMIN)
    teams.set_active(session, actor=other, user_id=admin.user_id, active=False)
    session.commit()
    with pytest.raises(PermissionDenied) as info:
        teams.set_active(session, actor=admin, user_id=other.user_id, active=False)
    assert info.value.key == "error.last_admin"


def test_set_active_unknown_user(session: Session, admin: Principal) -> None:
    with pytest.raises(NotFound):
        teams.set_active(session, actor=admin, user_id=999_999, active=False)


# --- teams --------------------------------------------------------------------------------


def test_create_team(session: Session, admin: Principal) -> None:
    team = teams.create_team(session, actor=admin, name="  Cloud   Ops ", description=" Ops ")
    session.commit()
    assert (team.name, team.description) == ("Cloud Ops", "Ops")
    entry = audit_entries(session, "team.created")[-1]
    assert entry.target_id == str(team.id)
    assert json.loads(entry.detail) == {"name": "Cloud Ops"}


@pytest.mark.parametrize("name", ["Alpha", "alpha", " ALPHA ", "aLpHa"])
def test_create_team_duplicate_name(session: Session, admin: Principal, name: str) -> None:
    teams.create_team(session, actor=admin, name="Alpha")
    session.commit()
    with pytest.raises(Conflict) as info:
        teams.create_team(session, actor=admin, name=name)
    assert info.value.key == "error.team_name_taken"
    assert info.value.field == "name"
    assert count(session, Team) == 1


@pytest.mark.parametrize(
    ("first", "second"), [("Équipe Nord", "ÉQUIPE NORD"), ("Ａｚｕｒｅ", "ａｚｕｒｅ")]
)
def test_create_team_duplicate_name_beyond_ascii(
    session: Session, admin: Principal, first: str, second: str
) -> None:
    """BUG on SQLite: the duplicate check compares SQL lower() (ASCII only) with str.lower()."""
    teams.create_team(session, actor=admin, name=first)
    session.commit()
    with pytest.raises(Conflict) as info:
        teams.create_team(session, actor=admin, name=second)
    assert info.value.key == "error.team_name_taken"


@pytest.mark.parametrize(
    ("name", "description", "key"),
    [
        ("", "", "error.team_name_required"),
        ("   ", "", "error.team_name_required"),
        ("t" * 81, "", "error.too_long"),
        ("Ok", "d" * 301, "error.too_long"),
        ("Cloud\x00Ops", "", "error.control_chars"),  # crashed on PostgreSQL (fuzzing)
        ("ﷺ" * 5, "", "error.too_long"),  # its folded key (90 characters) crashed on PostgreSQL
        ("Ok", "Ops\x00", "error.control_chars"),
    ],
)
def test_create_team_invalid(
    session: Session, admin: Principal, name: str, description: str, key: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        teams.create_team(session, actor=admin, name=name, description=description)
    assert info.value.key == key
    assert count(session, Team) == 0
    assert audit_actions(session) == []


def test_assign_as_lead_promotes_member(session: Session, org: Org) -> None:
    teams.assign(
        session,
        actor=org.admin,
        team_id=org.other_team.id,
        user_id=org.outsider.user_id,
        team_role="lead",
    )
    session.commit()
    assert session.get(User, org.outsider.user_id).role == "lead"
    principal = refreshed(session, org.outsider)
    assert principal.led_team_ids == frozenset({org.other_team.id})
    promoted = audit_entries(session, "user.role_changed")[-1]
    assert promoted.target_id == str(org.outsider.user_id)
    assert json.loads(promoted.detail)["to"] == "lead"


def test_assign_as_lead_keeps_admin_role(session: Session, org: Org) -> None:
    teams.assign(
        session, actor=org.admin, team_id=org.team.id, user_id=org.admin.user_id, team_role="lead"
    )
    assert session.get(User, org.admin.user_id).role == "admin"


def test_assign_changes_existing_place(session: Session, org: Org) -> None:
    teams.assign(
        session, actor=org.admin, team_id=org.team.id, user_id=org.member.user_id, team_role="lead"
    )
    session.commit()
    places = session.exec(
        select(TeamMembership).where(TeamMembership.user_id == org.member.user_id)
    ).all()
    assert [(p.team_id, p.role) for p in places] == [(org.team.id, "lead")]
    entry = audit_entries(session, "team.member_assigned")[-1]
    assert json.loads(entry.detail)["previous"] == "member"
    assert json.loads(entry.detail)["role"] == "lead"


def test_assign_inactive_user_refused(session: Session, org: Org) -> None:
    teams.set_active(session, actor=org.admin, user_id=org.outsider.user_id, active=False)
    session.commit()
    with pytest.raises(InvalidInput) as info:
        teams.assign(
            session,
            actor=org.admin,
            team_id=org.team.id,
            user_id=org.outsider.user_id,
            team_role="member",
        )
    assert info.value.key == "error.user_inactive"
    assert membership(session, org.team.id, org.outsider.user_id) is None


@pytest.mark.parametrize(
    ("team_id", "user_id", "team_role", "error", "key"),
    [
        (999_999, None, "member", NotFound, "error.team_not_found"),
        (None, 999_999, "member", NotFound, "error.user_not_found"),
        (None, None, "admin", InvalidInput, "error.role_invalid"),
    ],
)
def test_assign_refusals(
    session: Session,
    org: Org,
    team_id: int | None,
    user_id: int | None,
    team_role: str,
    error: type[Exception],
    key: str,
) -> None:
    with pytest.raises(error) as info:
        teams.assign(
            session,
            actor=org.admin,
            team_id=team_id or org.team.id,
            user_id=user_id or org.outsider.user_id,
            team_role=team_role,
        )
    assert info.value.key == key


def test_unassign(session: Session, org: Org) -> None:
    teams.unassign(session, actor=org.admin, team_id=org.team.id, user_id=org.member.user_id)
    session.commit()
    assert membership(session, org.team.id, org.member.user_id) is None
    assert membership(session, org.team.id, org.lead.user_id) is not None
    entry = audit_entries(session, "team.member_removed")[-1]
    assert entry.target_id == str(org.team.id)
    assert json.loads(entry.detail) == {
        "team": "Alpha",
        "user_id": org.member.user_id,
        "role": "member",
    }


def test_unassign_non_member(session: Session, org: Org) -> None:
    with pytest.raises(NotFound) as info:
        teams.unassign(session, actor=org.admin, team_id=org.team.id, user_id=org.outsider.user_id)
    assert info.value.key == "error.not_in_team"
    with pytest.raises(NotFound) as missing:
        teams.unassign(session, actor=org.admin, team_id=999_999, user_id=org.member.user_id)
    assert missing.value.key == "error.team_not_found"


def test_delete_team(session: Session, org: Org) -> None:
    teams.delete_team(session, actor=org.admin, team_id=org.team.id)
    session.commit()
    assert session.get(Team, org.team.id) is None
    assert (
        session.exec(select(TeamMembership).where(TeamMembership.team_id == org.team.id)).all()
        == []
    )
    assert session.get(User, org.member.user_id) is not None  # the people stay
    entry = audit_entries(session, "team.deleted")[-1]
    assert entry.target_id == str(org.team.id)
    assert json.loads(entry.detail) == {"name": "Alpha", "memberships_removed": 2}
    with pytest.raises(NotFound):
        teams.delete_team(session, actor=org.admin, team_id=org.team.id)


def test_assignable_people_only_active(session: Session, org: Org) -> None:
    teams.set_active(session, actor=org.admin, user_id=org.outsider.user_id, active=False)
    people = teams.assignable_people(session, actor=org.admin)
    ids = {p.id for p in people}
    assert ids == {org.admin.user_id, org.lead.user_id, org.member.user_id}
    names = [p.display_name for p in people]
    assert names == sorted(names)


# --- what people see ----------------------------------------------------------------------


def test_list_teams_admin_sees_all(session: Session, org: Org) -> None:
    views = teams.list_teams(session, actor=org.admin)
    assert [v.name for v in views] == ["Alpha", "Beta"]
    alpha = views[0]
    assert alpha.description == "First team"
    assert [m.user_id for m in alpha.leads] == [org.lead.user_id]
    assert [m.user_id for m in alpha.members] == [org.member.user_id]
    assert views[1].leads == () and views[1].members == ()


@pytest.mark.parametrize("who", ["member", "lead"])
def test_list_teams_non_admin_sees_own_teams(session: Session, org: Org, who: str) -> None:
    views = teams.list_teams(session, actor=getattr(org, who))
    assert [v.id for v in views] == [org.team.id]


def test_list_teams_nobody_sees_nothing(session: Session, org: Org) -> None:
    assert teams.list_teams(session, actor=org.outsider) == []


def test_get_team(session: Session, org: Org) -> None:
    for actor in (org.admin, org.lead, org.member):
        view = teams.get_team(session, actor=actor, team_id=org.team.id)
        assert view.name == "Alpha"
        assert {m.email for m in view.members} == {org.member.email}


@pytest.mark.parametrize("who", ["outsider", "member", "lead"])
def test_get_team_by_non_member_denied(session: Session, org: Org, who: str) -> None:
    with pytest.raises(PermissionDenied):
        teams.get_team(session, actor=getattr(org, who), team_id=org.other_team.id)


def test_get_unknown_team_as_admin(session: Session, org: Org) -> None:
    with pytest.raises(NotFound) as info:
        teams.get_team(session, actor=org.admin, team_id=999_999)
    assert info.value.key == "error.team_not_found"


# --- the audit trail of a whole administration session --------------------------------------


def test_every_change_is_audited(session: Session, admin: Principal) -> None:
    person = teams.create_person(
        session,
        actor=admin,
        email="p@example.com",
        display_name="P",
        role="member",
        password=PASSWORD,
    )
    teams.set_role(session, actor=admin, user_id=person.id, role="lead")
    team = teams.create_team(session, actor=admin, name="Audit Team")
    teams.assign(session, actor=admin, team_id=team.id, user_id=person.id, team_role="member")
    teams.unassign(session, actor=admin, team_id=team.id, user_id=person.id)
    teams.set_active(session, actor=admin, user_id=person.id, active=False)
    teams.delete_team(session, actor=admin, team_id=team.id)
    session.commit()
    assert audit_actions(session) == [
        "user.created",
        "user.role_changed",
        "team.created",
        "team.member_assigned",
        "team.member_removed",
        "user.deactivated",
        "team.deleted",
    ]
    entries = session.exec(select(AuditEntry)).all()
    assert {e.actor_id for e in entries} == {admin.user_id}
    assert {e.actor_label for e in entries} == {admin.email}
    targets = {e.action: (e.target_type, e.target_id) for e in entries}
    assert targets["user.created"] == ("user", str(person.id))
    assert targets["team.deleted"] == ("team", str(team.id))
