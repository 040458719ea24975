"""Who may see whom, and the admin-only / self-only guards."""

from __future__ import annotations

import pytest

from certportal.auth.policy import (
    Principal,
    Role,
    can_view_person,
    can_view_team,
    require_admin,
    require_self,
    require_view_person,
)
from certportal.errors import PermissionDenied

TEAM_A, TEAM_B = 10, 20
PERSON_ID = 99
PERSON_TEAMS = frozenset({TEAM_A})


def principal(
    user_id: int,
    role: Role = Role.MEMBER,
    *,
    leads: set[int] | None = None,
    member_of: set[int] | None = None,
) -> Principal:
    return Principal(
        user_id=user_id,
        email=f"u{user_id}@example.com",
        display_name=f"User {user_id}",
        role=role,
        led_team_ids=frozenset(leads or ()),
        member_team_ids=frozenset(member_of or ()),
    )


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        pytest.param(principal(PERSON_ID, member_of={TEAM_A}), True, id="self"),
        pytest.param(principal(PERSON_ID), True, id="self-without-teams"),
        pytest.param(principal(1, Role.ADMIN), True, id="admin"),
        pytest.param(principal(2, Role.LEAD, leads={TEAM_A}), True, id="lead-of-shared-team"),
        pytest.param(
            principal(2, Role.LEAD, leads={TEAM_B, TEAM_A}), True, id="lead-of-several-teams"
        ),
        pytest.param(principal(3, Role.LEAD, leads={TEAM_B}), False, id="lead-of-other-team"),
        pytest.param(
            principal(3, Role.LEAD, leads={TEAM_B}, member_of={TEAM_A}),
            False,
            id="lead-elsewhere-member-here",
        ),
        pytest.param(principal(4, member_of={TEAM_A}), False, id="member-of-same-team"),
        pytest.param(principal(5), False, id="unrelated-member"),
    ],
)
def test_can_view_person(actor: Principal, allowed: bool) -> None:
    assert can_view_person(actor, PERSON_ID, PERSON_TEAMS) is allowed
    if allowed:
        require_view_person(actor, PERSON_ID, PERSON_TEAMS)
    else:
        with pytest.raises(PermissionDenied) as info:
            require_view_person(actor, PERSON_ID, PERSON_TEAMS)
        assert info.value.key == "error.forbidden"


def test_lead_cannot_view_person_without_teams() -> None:
    lead = principal(2, Role.LEAD, leads={TEAM_A})
    assert can_view_person(lead, PERSON_ID, frozenset()) is False


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        pytest.param(principal(1, Role.ADMIN), True, id="admin"),
        pytest.param(principal(2, Role.LEAD, leads={TEAM_A}), True, id="lead"),
        pytest.param(principal(4, member_of={TEAM_A}), True, id="member"),
        pytest.param(principal(3, Role.LEAD, leads={TEAM_B}), False, id="lead-elsewhere"),
        pytest.param(principal(5), False, id="no-team"),
    ],
)
def test_can_view_team(actor: Principal, allowed: bool) -> None:
    assert can_view_team(actor, TEAM_A) is allowed


def test_require_admin_accepts_admin() -> None:
    assert principal(1, Role.ADMIN).is_admin
    require_admin(principal(1, Role.ADMIN))


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEAD])
def test_require_admin_refuses_others(role: Role) -> None:
    actor = principal(2, role, leads={TEAM_A} if role is Role.LEAD else None)
    assert not actor.is_admin
    with pytest.raises(PermissionDenied) as info:
        require_admin(actor)
    assert info.value.key == "error.admin_only"


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEAD, Role.ADMIN])
def test_require_self(role: Role) -> None:
    actor = principal(7, role)
    require_self(actor, 7)
    with pytest.raises(PermissionDenied) as info:
        require_self(actor, 8)  # not even an admin may act for someone else
    assert info.value.key == "error.forbidden"
