"""Home (my teams) and the admin pages for people and teams."""

from __future__ import annotations

import reflex as rx

from certportal.auth.state import AppState
from certportal.cases.pages import follow_ups_card
from certportal.credentials.pages import alerts_card
from certportal.home.state import HomeState
from certportal.teams.state import (
    Choice,
    MemberItem,
    MyTeamsState,
    PeopleState,
    PersonItem,
    TeamItem,
    TeamsAdminState,
)
from certportal.ui import styles
from certportal.ui.components import callout, confirm_dialog
from certportal.ui.layout import page, page_title
from certportal.ui.text import t, t_var
from certportal.wizard.pages import resume_card


def _person_chip(person: MemberItem) -> rx.Component:
    return rx.hstack(
        rx.avatar(fallback=person.name.to(str)[:1], size="1", radius="full"),
        rx.text(person.name, size="2"),
        align="center",
        spacing="2",
    )


# --- home -------------------------------------------------------------------------------


def _my_team_card(team: TeamItem) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon("users", size=18, color=styles.BRAND),
            rx.heading(team.name, size="4", as_="h3"),
            align="center",
        ),
        rx.cond(
            team.description != "", rx.text(team.description, size="2", color=styles.MUTED_TEXT)
        ),
        rx.text(t("home.team_leads"), size="1", weight="bold", color=styles.MUTED_TEXT),
        rx.cond(
            team.leads.length() > 0,
            rx.flex(rx.foreach(team.leads, _person_chip), spacing="3", wrap="wrap"),
            rx.text(t("home.no_lead"), size="2", color=styles.MUTED_TEXT),
        ),
        rx.text(t("home.team_size"), ": ", team.size, size="2", color=styles.MUTED_TEXT),
        style=styles.card,
        spacing="2",
        class_name="cp-team-card",
    )


@page(
    "/",
    title="nav.home",
    on_load=[HomeState.load],
)
def home_page() -> rx.Component:
    return rx.vstack(
        rx.heading(t("home.greeting"), " ", AppState.user_name, size="7", as_="h1"),
        rx.text(t("home.lead"), color=styles.MUTED_TEXT),
        rx.grid(
            rx.vstack(
                follow_ups_card(),
                alerts_card(),
                resume_card(),
                rx.heading(t("home.my_teams"), size="5", as_="h2"),
                rx.cond(
                    MyTeamsState.teams.length() > 0,
                    rx.grid(
                        rx.foreach(MyTeamsState.teams, _my_team_card),
                        columns=rx.breakpoints(initial="1", md="2"),
                        spacing="4",
                        width="100%",
                    ),
                    rx.vstack(
                        rx.icon("users", size=28, color=styles.MUTED_TEXT),
                        rx.text(t("home.no_teams"), color=styles.MUTED_TEXT),
                        style=styles.card,
                        align="center",
                        id="no-teams",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            rx.vstack(
                rx.heading(t("home.account"), size="5", as_="h2"),
                rx.vstack(
                    rx.data_list.root(
                        rx.data_list.item(
                            rx.data_list.label(t("auth.display_name")),
                            rx.data_list.value(AppState.user_name),
                        ),
                        rx.data_list.item(
                            rx.data_list.label(t("auth.email")),
                            rx.data_list.value(AppState.user_email),
                        ),
                        rx.data_list.item(
                            rx.data_list.label(t("home.role")),
                            rx.data_list.value(AppState.role_label),
                        ),
                        orientation="vertical",
                    ),
                    style=styles.card,
                ),
                rx.vstack(
                    rx.heading(t("home.why_title"), size="3", as_="h3"),
                    rx.text(t("home.why_body"), size="2", color=styles.MUTED_TEXT),
                    style={**styles.card, "background": styles.BRAND_SOFT},
                ),
                spacing="3",
                width="100%",
            ),
            columns=rx.breakpoints(initial="1", md="3fr 2fr"),
            spacing="6",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


# --- admin: people ----------------------------------------------------------------------


def _role_select(person: PersonItem) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=t("admin.role_of") + " " + person.name),
        rx.select.content(
            rx.select.item(t("role.member"), value="member"),
            rx.select.item(t("role.lead"), value="lead"),
            rx.select.item(t("role.admin"), value="admin"),
        ),
        value=person.role,
        on_change=lambda value: PeopleState.change_role(person.id, value),
        size="1",
        disabled=person.id == AppState.user_id,
    )


def _person_row(person: PersonItem) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.text(person.name, weight="medium"),
                rx.text(person.email, size="1", color=styles.MUTED_TEXT),
                spacing="0",
            )
        ),
        rx.table.cell(_role_select(person)),
        rx.table.cell(rx.text(person.teams, size="2")),
        rx.table.cell(
            rx.text(rx.cond(AppState.locale == "ja", person.added_ja, person.added_en), size="2")
        ),
        rx.table.cell(
            rx.cond(
                person.active,
                rx.badge(t("admin.active"), color_scheme="green"),
                rx.badge(t("admin.inactive"), color_scheme="gray"),
            )
        ),
        rx.table.cell(
            rx.cond(
                person.id != AppState.user_id,
                rx.cond(
                    person.active,
                    rx.button(
                        t("admin.deactivate"),
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=PeopleState.ask_active(person.id, person.name, False),
                    ),
                    rx.button(
                        t("admin.reactivate"),
                        size="1",
                        variant="soft",
                        on_click=PeopleState.ask_active(person.id, person.name, True),
                    ),
                ),
            )
        ),
        align="center",
    )


def _add_person_dialog() -> rx.Component:
    return rx.dialog.root(
        # the trigger opens it (on_open_change below): a click handler on the button would wrap
        # it in a div that takes the trigger's role instead of the button
        rx.dialog.trigger(rx.button(rx.icon("user-plus", size=16), t("admin.add_person"))),
        rx.dialog.content(
            rx.dialog.title(t("admin.add_person")),
            rx.cond(
                PeopleState.created_password != "",
                rx.vstack(
                    callout(t("admin.person_created"), "green", "status"),
                    rx.text(t("admin.initial_password_hint"), size="2"),
                    rx.code(PeopleState.created_email),
                    rx.code(PeopleState.created_password, id="initial-password", size="4"),
                    rx.dialog.close(rx.button(t("common.done"))),
                    spacing="3",
                ),
                rx.form(
                    rx.vstack(
                        callout(PeopleState.add_error, "red", "alert"),
                        rx.el.label(t("auth.display_name"), html_for="new-name"),
                        rx.input(id="new-name", name="display_name", required=True, max_length=100),
                        rx.el.label(t("auth.email"), html_for="new-email"),
                        rx.input(
                            id="new-email",
                            name="email",
                            type="email",
                            required=True,
                            max_length=254,
                        ),
                        rx.el.label(t("home.role"), html_for="new-role"),
                        rx.el.select(
                            rx.el.option(t("role.member"), value="member"),
                            rx.el.option(t("role.lead"), value="lead"),
                            rx.el.option(t("role.admin"), value="admin"),
                            id="new-role",
                            name="role",
                            class_name="cp-native-select",
                        ),
                        rx.hstack(
                            rx.dialog.close(
                                rx.button(
                                    t("common.cancel"),
                                    variant="soft",
                                    color_scheme="gray",
                                    type="button",
                                )
                            ),
                            rx.button(t("admin.create"), type="submit"),
                            justify="end",
                            width="100%",
                        ),
                        spacing="2",
                    ),
                    on_submit=PeopleState.add_person,
                ),
            ),
        ),
        open=PeopleState.add_open,
        on_open_change=PeopleState.set_add_open,
    )


def _confirm_active_dialog() -> rx.Component:
    activate = PeopleState.confirm_activate
    action = rx.cond(activate, t("admin.reactivate"), t("admin.deactivate"))
    return confirm_dialog(
        is_open=PeopleState.confirm_id != 0,
        title=action,
        subject=PeopleState.confirm_name,
        body=rx.cond(activate, t("admin.confirm_reactivate"), t("admin.confirm_deactivate")),
        confirm_label=action,
        on_cancel=PeopleState.cancel_confirm,
        on_confirm=PeopleState.confirm_active,
        color_scheme=rx.cond(activate, styles.ACCENT, "red"),
    )


@page("/admin/people", title="nav.people", guard="admin", on_load=[PeopleState.load])
def people_page() -> rx.Component:
    return rx.vstack(
        page_title("admin.people_title", _add_person_dialog()),
        callout(PeopleState.error, "red", "alert"),
        callout(PeopleState.message, "green", "status"),
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            placeholder=t("admin.search_people"),
            aria_label=t("admin.search_people"),
            value=PeopleState.search,
            on_change=PeopleState.set_search.debounce(300),
            max_length=100,
            width="100%",
            max_width="420px",
        ),
        rx.box(
            rx.cond(
                PeopleState.people.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(t("admin.col_person")),
                            rx.table.column_header_cell(t("home.role")),
                            rx.table.column_header_cell(t("admin.col_teams")),
                            rx.table.column_header_cell(t("admin.col_added")),
                            rx.table.column_header_cell(t("admin.col_status")),
                            rx.table.column_header_cell(t("admin.col_actions")),
                        )
                    ),
                    rx.table.body(rx.foreach(PeopleState.people, _person_row)),
                    width="100%",
                ),
                rx.text(t("admin.no_people"), color=styles.MUTED_TEXT, padding=styles.SPACE_4),
            ),
            style=styles.card,
            padding="0",
            overflow_x="auto",
        ),
        rx.hstack(
            rx.text(t("admin.total"), ": ", PeopleState.total, size="2", color=styles.MUTED_TEXT),
            rx.hstack(
                rx.button(
                    rx.icon("chevron-left", size=14),
                    variant="soft",
                    size="1",
                    disabled=PeopleState.page == 0,
                    on_click=PeopleState.go_page(-1),
                    aria_label=t("common.previous"),
                ),
                rx.text(PeopleState.page + 1, " / ", PeopleState.page_count, size="2"),
                rx.button(
                    rx.icon("chevron-right", size=14),
                    variant="soft",
                    size="1",
                    disabled=PeopleState.page + 1 >= PeopleState.page_count,
                    on_click=PeopleState.go_page(1),
                    aria_label=t("common.next"),
                ),
                align="center",
            ),
            justify="between",
            width="100%",
        ),
        _confirm_active_dialog(),
        spacing="4",
        width="100%",
    )


# --- admin: teams -----------------------------------------------------------------------


def _member_line(team: TeamItem, person: MemberItem) -> rx.Component:
    return rx.hstack(
        _person_chip(person),
        rx.badge(t_var("team_role." + person.role, "team_role."), variant="outline", size="1"),
        rx.spacer(),
        rx.icon_button(
            rx.icon("x", size=14),
            size="1",
            variant="ghost",
            color_scheme="red",
            aria_label=t("admin.remove_from_team") + " " + person.name,
            on_click=TeamsAdminState.ask_remove(team.id, person.user_id, person.name),
        ),
        width="100%",
        align="center",
    )


def _option(choice: Choice) -> rx.Component:
    return rx.el.option(choice.label, value=choice.value)


def _team_admin_card(team: TeamItem) -> rx.Component:
    team_key = team.id.to_string()
    return rx.vstack(
        rx.hstack(
            rx.heading(team.name, size="4", as_="h2"),
            rx.icon_button(
                rx.icon("trash-2", size=14),
                size="1",
                variant="ghost",
                color_scheme="red",
                aria_label=t("admin.delete_team") + " " + team.name,
                on_click=TeamsAdminState.ask_delete(team.id, team.name),
            ),
            justify="between",
            width="100%",
        ),
        rx.cond(
            team.description != "", rx.text(team.description, size="2", color=styles.MUTED_TEXT)
        ),
        rx.vstack(
            rx.foreach(team.leads, lambda p: _member_line(team, p)),
            rx.foreach(team.members, lambda p: _member_line(team, p)),
            rx.cond(
                team.size == 0, rx.text(t("admin.team_empty"), size="2", color=styles.MUTED_TEXT)
            ),
            spacing="2",
            width="100%",
        ),
        rx.separator(),
        rx.flex(
            rx.el.select(
                rx.el.option(t("admin.choose_person"), value=""),
                rx.foreach(TeamsAdminState.people, _option),
                value=TeamsAdminState.pick_person.get(team_key, ""),
                on_change=lambda v: TeamsAdminState.set_pick_person(team.id, v),
                aria_label=t("admin.choose_person") + " " + team.name,
                class_name="cp-native-select",
            ),
            rx.el.select(
                rx.el.option(t("team_role.member"), value="member"),
                rx.el.option(t("team_role.lead"), value="lead"),
                value=TeamsAdminState.pick_role.get(team_key, "member"),
                on_change=lambda v: TeamsAdminState.set_pick_role(team.id, v),
                aria_label=t("admin.place_in_team") + " " + team.name,
                class_name="cp-native-select",
            ),
            rx.button(
                rx.icon("plus", size=14),
                t("admin.assign"),
                size="2",
                on_click=TeamsAdminState.assign(team.id),
                aria_label=t("admin.assign") + " " + team.name,
            ),
            spacing="2",
            wrap="wrap",
            width="100%",
        ),
        style=styles.card,
        spacing="3",
        class_name="cp-team-card",
    )


def _confirm_team_dialog() -> rx.Component:
    deleting = TeamsAdminState.confirm_kind == "delete"
    return confirm_dialog(
        is_open=TeamsAdminState.confirm_kind != "",
        title=rx.cond(deleting, t("admin.delete_team"), t("admin.remove_from_team")),
        subject=TeamsAdminState.confirm_label,
        body=rx.cond(deleting, t("admin.confirm_delete_team"), t("admin.confirm_remove")),
        confirm_label=t("common.confirm"),
        on_cancel=TeamsAdminState.cancel_confirm,
        on_confirm=TeamsAdminState.confirm,
    )


@page("/admin/teams", title="nav.teams", guard="admin", on_load=[TeamsAdminState.load])
def teams_page() -> rx.Component:
    return rx.vstack(
        page_title("admin.teams_title"),
        callout(TeamsAdminState.error, "red", "alert"),
        callout(TeamsAdminState.message, "green", "status"),
        rx.form(
            rx.vstack(
                rx.heading(t("admin.new_team"), size="4", as_="h2"),
                callout(TeamsAdminState.create_error, "red", "alert"),
                rx.flex(
                    rx.input(
                        id="new-team-name",
                        name="name",
                        placeholder=t("admin.team_name"),
                        aria_label=t("admin.team_name"),
                        required=True,
                        max_length=80,
                        flex="1",
                        min_width="200px",
                    ),
                    rx.input(
                        id="new-team-description",
                        name="description",
                        placeholder=t("admin.team_description"),
                        aria_label=t("admin.team_description"),
                        max_length=300,
                        flex="2",
                        min_width="200px",
                    ),
                    rx.button(rx.icon("plus", size=14), t("admin.create_team"), type="submit"),
                    spacing="2",
                    wrap="wrap",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=TeamsAdminState.create_team,
            style=styles.card,
        ),
        rx.cond(
            TeamsAdminState.teams.length() > 0,
            rx.grid(
                rx.foreach(TeamsAdminState.teams, _team_admin_card),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            rx.text(t("admin.no_teams"), color=styles.MUTED_TEXT),
        ),
        _confirm_team_dialog(),
        spacing="4",
        width="100%",
    )
