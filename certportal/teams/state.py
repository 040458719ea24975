"""State for the home page's teams panel and the admin pages (people, teams). Glue only."""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from certportal.auth.policy import Principal
from certportal.auth.state import AppState, page_load
from certportal.errors import AuthError, CertportalError, Unavailable
from certportal.i18n.formatting import format_date
from certportal.teams import service


@dataclasses.dataclass
class PersonItem:
    id: int = 0
    name: str = ""
    email: str = ""
    role: str = "member"
    active: bool = True
    teams: str = ""
    added_ja: str = ""
    added_en: str = ""


@dataclasses.dataclass
class MemberItem:
    user_id: int = 0
    name: str = ""
    email: str = ""
    role: str = "member"
    active: bool = True


@dataclasses.dataclass
class TeamItem:
    id: int = 0
    name: str = ""
    description: str = ""
    leads: list[MemberItem] = dataclasses.field(default_factory=list)
    members: list[MemberItem] = dataclasses.field(default_factory=list)
    size: int = 0


@dataclasses.dataclass
class Choice:
    value: str = ""
    label: str = ""


def _member_item(row: service.MemberRow) -> MemberItem:
    return MemberItem(
        user_id=row.user_id,
        name=row.display_name,
        email=row.email,
        role=row.team_role,
        active=row.is_active,
    )


def _team_item(view: service.TeamView) -> TeamItem:
    return TeamItem(
        id=view.id,
        name=view.name,
        description=view.description,
        leads=[_member_item(m) for m in view.leads],
        members=[_member_item(m) for m in view.members],
        size=len(view.leads) + len(view.members),
    )


class MyTeamsState(AppState):
    teams: list[TeamItem] = []
    loaded: bool = False

    def _home(self) -> rx.event.EventSpec | None:
        """The home page's teams card (``home.state.HomeState.load`` checked the session)."""
        if not self._session_token():
            return None
        try:
            with self._acting() as (session, actor):
                self.teams = [_team_item(v) for v in service.list_teams(session, actor=actor)]
        except AuthError:
            return self._on_auth_error()
        self.loaded = True
        return None


class AdminGuardState(AppState):
    """Admin pages: signed in and admin, else a refusal (the services refuse too)."""

    forbidden: bool = False

    def _page_actor(self, principal: Principal) -> None:
        self.forbidden = not principal.is_admin  # ``page_load`` of an admin page

    @rx.event
    def require_admin(self) -> rx.event.EventSpec | None:
        try:
            principal = self._identify()
        except Unavailable:
            return None  # the page says the database cannot be reached (``unavailable``)
        if principal is None:
            return self._login_redirect()
        self.forbidden = not principal.is_admin
        return None

    # Admin pages define ``error`` and ``_reload``; ``_run`` is their one way to change data.
    def _reload(self) -> None:
        """Fetch the page's data again (each admin page defines it)."""

    def _load_page(self) -> rx.event.EventSpec | None:
        """The page's on_load: nothing for refused visitors, else fresh data."""
        if self.forbidden or not self.signed_in:
            return None
        self.message = ""
        return self._run(lambda: None)

    def _run(self, action: Any) -> rx.event.EventSpec | None:
        """Run a service action then reload; errors become a message, nothing half-done."""
        self.error = ""
        try:
            action()
            self._reload()
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.error = self._error_text(exc)
        return None


PAGE_SIZE = 25


class PeopleState(AdminGuardState):
    people: list[PersonItem] = []
    total: int = 0
    page: int = 0
    search: str = ""
    loading: bool = False
    error: str = ""
    message: str = ""
    # add-person dialog
    add_open: bool = False
    add_error: str = ""
    created_password: str = ""
    created_email: str = ""
    # confirmation of (de)activation
    confirm_id: int = 0
    confirm_name: str = ""
    confirm_activate: bool = False

    def _reload(self) -> None:
        with self._acting() as (session, actor):
            rows, total = service.list_people(
                session,
                actor=actor,
                search=self.search,
                limit=PAGE_SIZE,
                offset=self.page * PAGE_SIZE,
            )
        self.people = [
            PersonItem(
                id=r.id,
                name=r.display_name,
                email=r.email,
                role=r.role,
                active=r.is_active,
                teams=", ".join(r.team_names),
                added_ja=format_date(r.created_at, "ja"),
                added_en=format_date(r.created_at, "en"),
            )
            for r in rows
        ]
        self.total = total

    @rx.var
    def page_count(self) -> int:
        return max(1, (self.total + PAGE_SIZE - 1) // PAGE_SIZE)

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        return self._load_page()

    @rx.event
    def set_search(self, value: str) -> rx.event.EventSpec | None:
        self.search = value[:100]
        self.page = 0
        return self._run(lambda: None)

    @rx.event
    def go_page(self, delta: int) -> rx.event.EventSpec | None:
        self.page = min(max(0, self.page + delta), self.page_count - 1)
        return self._run(lambda: None)

    @rx.event
    def change_role(self, user_id: int, role: str) -> rx.event.EventSpec | None:
        def act() -> None:
            with self._acting() as (session, actor):
                service.set_role(session, actor=actor, user_id=user_id, role=role)
            self.message = self._tr("admin.role_saved")

        return self._run(act)

    @rx.event
    def ask_active(self, user_id: int, name: str, activate: bool) -> None:
        self.confirm_id = user_id
        self.confirm_name = name
        self.confirm_activate = activate

    @rx.event
    def cancel_confirm(self) -> None:
        self.confirm_id = 0

    @rx.event
    def confirm_active(self) -> rx.event.EventSpec | None:
        user_id, activate = self.confirm_id, self.confirm_activate
        self.confirm_id = 0

        def act() -> None:
            with self._acting() as (session, actor):
                service.set_active(session, actor=actor, user_id=user_id, active=activate)
            self.message = self._tr("admin.activated" if activate else "admin.deactivated")

        return self._run(act)

    @rx.event
    def set_add_open(self, value: bool) -> None:
        self.add_open = value
        if value:  # opened by its trigger: a fresh form
            self.add_error = ""
            self.created_password = ""
            self.created_email = ""

    @rx.event
    def add_person(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        self.add_error = ""
        password = service.generate_initial_password()
        try:
            with self._acting() as (session, actor):
                user = service.create_person(
                    session,
                    actor=actor,
                    email=str(form.get("email", "")),
                    display_name=str(form.get("display_name", "")),
                    role=str(form.get("role", "member")),
                    password=password,
                )
                email = user.email
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.add_error = self._error_text(exc)
            return None
        self.created_password = password
        self.created_email = email
        return self._run(lambda: None)


class TeamsAdminState(AdminGuardState):
    teams: list[TeamItem] = []
    people: list[Choice] = []
    error: str = ""
    message: str = ""
    create_error: str = ""
    # per-team "add person" choices, keyed by team id as text
    pick_person: dict[str, str] = {}
    pick_role: dict[str, str] = {}
    # confirmation
    confirm_kind: str = ""
    confirm_team_id: int = 0
    confirm_user_id: int = 0
    confirm_label: str = ""

    def _reload(self) -> None:
        with self._acting() as (session, actor):
            self.teams = [_team_item(v) for v in service.list_teams(session, actor=actor)]
            self.people = [
                Choice(value=str(u.id), label=f"{u.display_name} <{u.email}>")
                for u in service.assignable_people(session, actor=actor)
            ]

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        return self._load_page()

    @rx.event
    def create_team(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        self.create_error = ""
        try:
            with self._acting() as (session, actor):
                team = service.create_team(
                    session,
                    actor=actor,
                    name=str(form.get("name", "")),
                    description=str(form.get("description", "")),
                )
                name = team.name
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.create_error = self._error_text(exc)
            return None
        self.message = self._tr("admin.team_created", name=name)
        failed = self._run(lambda: None)
        if failed is not None:
            return failed
        return [rx.set_value("new-team-name", ""), rx.set_value("new-team-description", "")]  # type: ignore[return-value]

    @rx.event
    def set_pick_person(self, team_id: int, value: str) -> None:
        self.pick_person = {**self.pick_person, str(team_id): value}

    @rx.event
    def set_pick_role(self, team_id: int, value: str) -> None:
        self.pick_role = {**self.pick_role, str(team_id): value}

    @rx.event
    def assign(self, team_id: int) -> rx.event.EventSpec | None:
        person = self.pick_person.get(str(team_id), "")
        role = self.pick_role.get(str(team_id), "member")
        if not person.isdigit():
            self.error = self._tr("error.pick_person")
            return None

        def act() -> None:
            with self._acting() as (session, actor):
                service.assign(
                    session, actor=actor, team_id=team_id, user_id=int(person), team_role=role
                )
            self.message = self._tr("admin.assigned")
            self.pick_person = {**self.pick_person, str(team_id): ""}

        return self._run(act)

    @rx.event
    def ask_remove(self, team_id: int, user_id: int, label: str) -> None:
        self.confirm_kind = "remove"
        self.confirm_team_id = team_id
        self.confirm_user_id = user_id
        self.confirm_label = label

    @rx.event
    def ask_delete(self, team_id: int, label: str) -> None:
        self.confirm_kind = "delete"
        self.confirm_team_id = team_id
        self.confirm_user_id = 0
        self.confirm_label = label

    @rx.event
    def cancel_confirm(self) -> None:
        self.confirm_kind = ""

    @rx.event
    def confirm(self) -> rx.event.EventSpec | None:
        kind, team_id, user_id = self.confirm_kind, self.confirm_team_id, self.confirm_user_id
        self.confirm_kind = ""

        def act() -> None:
            with self._acting() as (session, actor):
                if kind == "remove":
                    service.unassign(session, actor=actor, team_id=team_id, user_id=user_id)
                    self.message = self._tr("admin.removed")
                elif kind == "delete":
                    service.delete_team(session, actor=actor, team_id=team_id)
                    self.message = self._tr("admin.team_deleted")

        return self._run(act)
