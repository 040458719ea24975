"""Who may do what (pure). Services call these with the acting principal and refuse otherwise."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from certportal.errors import PermissionDenied


class Role(StrEnum):
    MEMBER = "member"
    LEAD = "lead"
    ADMIN = "admin"


class TeamRole(StrEnum):
    MEMBER = "member"
    LEAD = "lead"


@dataclass(frozen=True)
class Principal:
    """The signed-in person on whose behalf a service call runs."""

    user_id: int
    email: str
    display_name: str
    role: Role
    locale: str | None = None
    led_team_ids: frozenset[int] = field(default_factory=frozenset)
    member_team_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def require_admin(actor: Principal) -> None:
    if not actor.is_admin:
        raise PermissionDenied("error.admin_only")


def can_view_person(actor: Principal, person_id: int, person_team_ids: frozenset[int]) -> bool:
    """Self, an admin, or a lead of one of the person's teams."""
    if actor.user_id == person_id or actor.is_admin:
        return True
    return bool(actor.led_team_ids & person_team_ids)


def require_view_person(actor: Principal, person_id: int, person_team_ids: frozenset[int]) -> None:
    if not can_view_person(actor, person_id, person_team_ids):
        raise PermissionDenied()


def can_view_team(actor: Principal, team_id: int) -> bool:
    return actor.is_admin or team_id in actor.led_team_ids or team_id in actor.member_team_ids


def require_self(actor: Principal, user_id: int) -> None:
    """Only the person themself (not even an admin) may do this to their own account."""
    if actor.user_id != user_id:
        raise PermissionDenied()
