"""People and teams administration, and what a person sees of their own teams.

Admin-only functions call :func:`require_admin` first; every change is written to the audit log
in the same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from certportal.audit import service as audit
from certportal.auth import rules
from certportal.auth import service as auth_service
from certportal.auth.models import User
from certportal.auth.policy import Principal, Role, TeamRole, can_view_team, require_admin
from certportal.clock import utcnow
from certportal.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from certportal.teams.models import Team, TeamMembership

PAGE_SIZE_MAX = 200


@dataclass(frozen=True)
class PersonRow:
    id: int
    email: str
    display_name: str
    role: str
    is_active: bool
    team_names: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class MemberRow:
    user_id: int
    display_name: str
    email: str
    team_role: str
    is_active: bool


@dataclass(frozen=True)
class TeamView:
    id: int
    name: str
    description: str
    leads: tuple[MemberRow, ...]
    members: tuple[MemberRow, ...]


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput("error.role_invalid", field="role") from None


def _team_role(value: str) -> TeamRole:
    try:
        return TeamRole(value)
    except ValueError:
        raise InvalidInput("error.role_invalid", field="role") from None


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("error.user_not_found")
    return user


def _team(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound("error.team_not_found")
    return team


def _active_admins(session: Session) -> int:
    return session.exec(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN.value, col(User.is_active).is_(True))
    ).one()


# --- people -------------------------------------------------------------------------------


def list_people(
    session: Session, *, actor: Principal, search: str = "", limit: int = 50, offset: int = 0
) -> tuple[list[PersonRow], int]:
    """People matching ``search`` (name or e-mail), with their team names; and the total count."""
    require_admin(actor)
    query = select(User)
    count_query = select(func.count()).select_from(User)
    term = rules.without_controls(rules.fold(search.strip()))[:100]
    if term:
        condition = col(User.search_key).like(rules.like_contains(term), escape="\\")
        query = query.where(condition)
        count_query = count_query.where(condition)
    total = session.exec(count_query).one()
    users = session.exec(
        query.order_by(col(User.display_name), col(User.id))
        .offset(max(0, offset))
        .limit(max(1, min(limit, PAGE_SIZE_MAX)))
    ).all()
    ids = [u.id for u in users]
    names: dict[int, list[str]] = {}
    if ids:
        for user_id, team_name in session.exec(
            select(TeamMembership.user_id, Team.name)
            .join(Team, col(Team.id) == TeamMembership.team_id)
            .where(col(TeamMembership.user_id).in_(ids))
            .order_by(col(Team.name))
        ).all():
            names.setdefault(user_id, []).append(team_name)
    rows = [
        PersonRow(
            id=u.id or 0,
            email=u.email,
            display_name=u.display_name,
            role=u.role,
            is_active=u.is_active,
            team_names=tuple(names.get(u.id or 0, [])),
            created_at=u.created_at,
        )
        for u in users
    ]
    return rows, total


def generate_initial_password() -> str:
    """A strong one-time password for an account an admin creates (shown once)."""
    return secrets.token_urlsafe(12)


def create_person(
    session: Session,
    *,
    actor: Principal,
    email: str,
    display_name: str,
    role: str,
    password: str,
) -> User:
    require_admin(actor)
    user = auth_service.create_account(
        session, email=email, display_name=display_name, password=password, role=_role(role)
    )
    audit.record_by(
        session,
        actor,
        "user.created",
        target_type="user",
        target_id=user.id,
        detail={"email": user.email, "role": user.role},
    )
    return user


def set_role(session: Session, *, actor: Principal, user_id: int, role: str) -> User:
    """Change a person's role. An admin cannot demote themself; the last admin stays admin.

    Demoting a lead to member turns their team-lead places into member places.
    """
    require_admin(actor)
    new_role = _role(role)
    user = _user(session, user_id)
    old_role = Role(user.role)
    if old_role is new_role:
        return user
    if user_id == actor.user_id:
        raise PermissionDenied("error.cannot_change_own_role")
    if old_role is Role.ADMIN and user.is_active and _active_admins(session) <= 1:
        raise PermissionDenied("error.last_admin")
    user.role = new_role.value
    user.updated_at = utcnow()
    session.add(user)
    if new_role is Role.MEMBER:
        for membership in session.exec(
            select(TeamMembership).where(
                TeamMembership.user_id == user_id, TeamMembership.role == TeamRole.LEAD.value
            )
        ).all():
            membership.role = TeamRole.MEMBER.value
            session.add(membership)
    audit.record_by(
        session,
        actor,
        "user.role_changed",
        target_type="user",
        target_id=user_id,
        detail={"from": old_role.value, "to": new_role.value},
    )
    return user


def set_active(session: Session, *, actor: Principal, user_id: int, active: bool) -> User:
    """Deactivate (all their sessions end at once) or reactivate a person."""
    require_admin(actor)
    user = _user(session, user_id)
    if user.is_active == active:
        return user
    if not active:
        if user_id == actor.user_id:
            raise PermissionDenied("error.cannot_deactivate_self")
        if user.role == Role.ADMIN.value and _active_admins(session) <= 1:
            raise PermissionDenied("error.last_admin")
    now = utcnow()
    user.is_active = active
    user.deactivated_at = None if active else now
    user.updated_at = now
    session.add(user)
    ended = 0
    if not active:
        ended = auth_service.revoke_all_sessions(
            session, user_id=user_id, reason="deactivated", now=now
        )
    audit.record_by(
        session,
        actor,
        "user.activated" if active else "user.deactivated",
        target_type="user",
        target_id=user_id,
        detail={"sessions_ended": ended},
    )
    return user


# --- teams --------------------------------------------------------------------------------


def create_team(session: Session, *, actor: Principal, name: str, description: str = "") -> Team:
    require_admin(actor)
    clean = rules.clean_team_name(name)
    text = rules.clean_team_description(description)
    key = rules.fold(clean)
    exists = session.exec(select(Team.id).where(Team.name_key == key)).first()
    if exists is not None:
        raise Conflict("error.team_name_taken", field="name")
    team = Team(name=clean, name_key=key, description=text)
    session.add(team)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("error.team_name_taken", field="name") from exc
    audit.record_by(
        session,
        actor,
        "team.created",
        target_type="team",
        target_id=team.id,
        detail={"name": clean},
    )
    return team


def delete_team(session: Session, *, actor: Principal, team_id: int) -> None:
    require_admin(actor)
    team = _team(session, team_id)
    memberships = session.exec(
        select(TeamMembership).where(TeamMembership.team_id == team_id)
    ).all()
    for membership in memberships:
        session.delete(membership)
    session.flush()
    session.delete(team)
    audit.record_by(
        session,
        actor,
        "team.deleted",
        target_type="team",
        target_id=team_id,
        detail={"name": team.name, "memberships_removed": len(memberships)},
    )


def assign(
    session: Session, *, actor: Principal, team_id: int, user_id: int, team_role: str
) -> TeamMembership:
    """Put a person in a team as member or lead (or change their place there).

    Making a member a team lead also gives them the lead role.
    """
    require_admin(actor)
    place = _team_role(team_role)
    team = _team(session, team_id)
    user = _user(session, user_id)
    if not user.is_active:
        raise InvalidInput("error.user_inactive", field="user")
    membership = session.exec(
        select(TeamMembership).where(
            TeamMembership.team_id == team_id, TeamMembership.user_id == user_id
        )
    ).first()
    previous = membership.role if membership else None
    if membership is None:
        membership = TeamMembership(team_id=team_id, user_id=user_id, role=place.value)
    membership.role = place.value
    session.add(membership)
    if place is TeamRole.LEAD and user.role == Role.MEMBER.value:
        user.role = Role.LEAD.value
        user.updated_at = utcnow()
        session.add(user)
        audit.record_by(
            session,
            actor,
            "user.role_changed",
            target_type="user",
            target_id=user_id,
            detail={"from": Role.MEMBER.value, "to": Role.LEAD.value, "because": "team_lead"},
        )
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("error.already_in_team") from exc
    audit.record_by(
        session,
        actor,
        "team.member_assigned",
        target_type="team",
        target_id=team_id,
        detail={"team": team.name, "user_id": user_id, "role": place.value, "previous": previous},
    )
    return membership


def unassign(session: Session, *, actor: Principal, team_id: int, user_id: int) -> None:
    require_admin(actor)
    team = _team(session, team_id)
    membership = session.exec(
        select(TeamMembership).where(
            TeamMembership.team_id == team_id, TeamMembership.user_id == user_id
        )
    ).first()
    if membership is None:
        raise NotFound("error.not_in_team")
    session.delete(membership)
    audit.record_by(
        session,
        actor,
        "team.member_removed",
        target_type="team",
        target_id=team_id,
        detail={"team": team.name, "user_id": user_id, "role": membership.role},
    )


def _team_view(session: Session, team: Team) -> TeamView:
    assert team.id is not None
    rows = session.exec(
        select(TeamMembership, User)
        .join(User, col(User.id) == TeamMembership.user_id)
        .where(TeamMembership.team_id == team.id)
        .order_by(col(User.display_name))
    ).all()
    people = [
        MemberRow(
            user_id=u.id or 0,
            display_name=u.display_name,
            email=u.email,
            team_role=m.role,
            is_active=u.is_active,
        )
        for m, u in rows
    ]
    return TeamView(
        id=team.id,
        name=team.name,
        description=team.description,
        leads=tuple(p for p in people if p.team_role == TeamRole.LEAD.value),
        members=tuple(p for p in people if p.team_role == TeamRole.MEMBER.value),
    )


def list_teams(session: Session, *, actor: Principal) -> list[TeamView]:
    """Admins: every team. Everyone else: the teams they lead or belong to."""
    query = select(Team).order_by(col(Team.name))
    if not actor.is_admin:
        ids = actor.led_team_ids | actor.member_team_ids
        if not ids:
            return []
        query = query.where(col(Team.id).in_(ids))
    return [_team_view(session, team) for team in session.exec(query).all()]


def get_team(session: Session, *, actor: Principal, team_id: int) -> TeamView:
    if not can_view_team(actor, team_id):
        raise PermissionDenied()
    return _team_view(session, _team(session, team_id))


def assignable_people(session: Session, *, actor: Principal) -> Sequence[User]:
    """Active people an admin can put in a team."""
    require_admin(actor)
    return session.exec(
        select(User).where(col(User.is_active).is_(True)).order_by(col(User.display_name))
    ).all()
