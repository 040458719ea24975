"""Team lead pages: members, a member's detail, the skilling panel, what my lead sees, and the
admin's skilling settings."""

from __future__ import annotations

import reflex as rx

from certportal.cases.pages import case_status_badge, party_badge
from certportal.cases.present import CaseItem
from certportal.credentials.pages import status_badge, tri_badge
from certportal.team.present import (
    DesignationItem,
    HistoryRow,
    MemberCredItem,
    MetricItem,
    Option,
    RowItem,
    WhatIfItem,
)
from certportal.team.service import SORTS, STATUSES
from certportal.team.state import MemberState, SkillingSettingsState, SkillingState, TeamState
from certportal.ui import styles
from certportal.ui.components import callout, data_table, field_label, filter_select
from certportal.ui.layout import page, page_title
from certportal.ui.text import lt, t, t_var


def _sub_nav() -> rx.Component:
    return rx.hstack(
        rx.link(t("team.members_title"), href="/team", size="2"),
        rx.link(t("team.skilling_title"), href="/team/skilling", size="2"),
        rx.link(t("cases.team_title"), href="/team/cases", size="2"),
        spacing="4",
        class_name="cp-no-print",
    )


def _count(value: rx.Var[int], scheme: str) -> rx.Component:
    return rx.cond(
        value > 0,
        rx.badge(value, color_scheme=scheme, variant="soft"),
        rx.text("0", color=styles.MUTED_TEXT, size="2"),
    )


# --- members --------------------------------------------------------------------------------


def _member_row(item: RowItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.link(item.name, href=item.href, weight="medium"),
                rx.text(item.teams, size="1", color=styles.MUTED_TEXT),
                spacing="0",
                align="start",
            )
        ),
        rx.table.cell(_count(item.counted, "green")),
        rx.table.cell(
            rx.vstack(
                _count(item.blocked, "red"),
                rx.cond(
                    lt(item.blocked_reason) != "",
                    rx.text(lt(item.blocked_reason), size="1", color=styles.MUTED_TEXT),
                ),
                spacing="1",
                align="start",
            )
        ),
        rx.table.cell(_count(item.unlinked, "orange")),
        rx.table.cell(_count(item.renewals, "amber")),
        rx.table.cell(
            rx.hstack(
                _count(item.open_cases, "blue"),
                rx.cond(item.next_party != "", party_badge(item.next_party)),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(rx.text(lt(item.last_activity), size="1")),
        class_name="cp-member-row",
    )


def _select_filter(name: str, label_key: str, options: list[rx.Component]) -> rx.Component:
    return filter_select(
        label_key,
        f"team-{name}",
        options,
        value=getattr(TeamState, name),
        on_change=lambda value: TeamState.set_filter(name, value),
    )


@page("/team", title="team.members_title", on_load=[TeamState.load])
def team_page() -> rx.Component:
    s = TeamState
    return rx.vstack(
        page_title(
            "team.members_title",
            rx.button(
                rx.icon("file-down", size=14),
                t("team.export"),
                variant="soft",
                on_click=s.export,
                id="team-export",
            ),
        ),
        _sub_nav(),
        rx.text(t("team.intro"), color=styles.MUTED_TEXT),
        callout(s.error, "red", "alert", id="team-error"),
        rx.hstack(
            rx.form(
                rx.vstack(
                    field_label("team.search", "team-search"),
                    rx.hstack(
                        rx.el.input(
                            name="search",
                            id="team-search",
                            default_value=s.search,
                            class_name="cp-input",
                            type="search",
                        ),
                        rx.button(t("team.search_button"), type="submit", variant="soft"),
                        spacing="2",
                    ),
                    spacing="1",
                ),
                on_submit=s.run_search,
            ),
            _select_filter(
                "status",
                "team.filter.status",
                [
                    rx.el.option(t("cases.filter_all"), value=""),
                    *[rx.el.option(t(f"team.status.{v}"), value=v) for v in STATUSES],
                ],
            ),
            _select_filter(
                "designation",
                "team.filter.designation",
                [
                    rx.el.option(t("cases.filter_all"), value=""),
                    rx.foreach(s.designations, lambda o: rx.el.option(lt(o.label), value=o.value)),
                ],
            ),
            _select_filter(
                "sort",
                "team.filter.sort",
                [rx.el.option(t(f"team.sort.{v}"), value=v) for v in SORTS],
            ),
            spacing="4",
            wrap="wrap",
            align="end",
        ),
        rx.cond(
            ~s.loaded,
            rx.spinner(),
            rx.cond(
                s.rows.length() > 0,
                rx.vstack(
                    data_table(
                        [
                            "team.col.member",
                            "team.col.counted",
                            "team.col.blocked",
                            "team.col.unlinked",
                            "team.col.renewals",
                            "team.col.cases",
                            "team.col.activity",
                        ],
                        rx.foreach(s.rows, _member_row),
                        id="team-table",
                    ),
                    rx.hstack(
                        rx.button(
                            t("team.previous"),
                            on_click=s.go(s.page - 1),
                            disabled=s.page <= 1,
                            variant="soft",
                            size="1",
                            id="team-prev",
                        ),
                        rx.text(
                            s.page,
                            " / ",
                            s.pages,
                            " · ",
                            t("team.total"),
                            " ",
                            s.total,
                            size="2",
                            id="team-pages",
                        ),
                        rx.button(
                            t("team.next"),
                            on_click=s.go(s.page + 1),
                            disabled=s.page >= s.pages,
                            variant="soft",
                            size="1",
                            id="team-next",
                        ),
                        spacing="3",
                        align="center",
                    ),
                    style=styles.card,
                    width="100%",
                    spacing="3",
                ),
                rx.text(t("team.empty"), color=styles.MUTED_TEXT, id="team-empty"),
            ),
        ),
        spacing="4",
        width="100%",
    )


# --- a member -------------------------------------------------------------------------------


def _member_cred(item: MemberCredItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(lt(item.name), weight="medium"),
                rx.hstack(
                    rx.cond(item.code != "", rx.code(item.code, size="1")),
                    rx.cond(
                        ~item.scores,
                        rx.badge(t("team.scores_nothing"), color_scheme="gray", variant="soft"),
                    ),
                    spacing="2",
                ),
                spacing="1",
                align="start",
            )
        ),
        rx.table.cell(status_badge(item.status)),
        rx.table.cell(lt(item.expires)),
        rx.table.cell(tri_badge(item.on_learn)),
        rx.table.cell(tri_badge(item.counted)),
        rx.table.cell(rx.cond(item.number != "", item.number, "—")),
        rx.table.cell(rx.text(rx.cond(lt(item.reason) != "", lt(item.reason), "—"), size="2")),
        class_name="cp-member-cred",
    )


def _case_line(item: CaseItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(t_var("cases.channel." + item.channel, "cases.channel.")),
        rx.table.cell(case_status_badge(item.status)),
        rx.table.cell(item.age_days, " ", t("cases.days")),
        rx.table.cell(party_badge(item.next_party)),
    )


def _member_body(intro_key: str) -> rx.Component:
    s = MemberState
    return rx.vstack(
        rx.heading(s.name, size="7", as_="h1", id="member-name"),
        rx.text(s.email, " · ", s.teams, color=styles.MUTED_TEXT, size="2"),
        rx.text(t(intro_key), size="2", color=styles.MUTED_TEXT),
        rx.cond(
            s.hidden > 0,
            rx.text(t("team.hidden"), " ", s.hidden, size="2", id="member-hidden"),
        ),
        rx.vstack(
            rx.heading(t("team.member_credentials"), size="4", as_="h2"),
            rx.cond(
                s.credentials.length() > 0,
                data_table(
                    [
                        "credentials.col_certification",
                        "credentials.col_status",
                        "credentials.col_expires",
                        "credentials.col_on_learn",
                        "credentials.col_counted",
                        "credentials.field.certification_number",
                        "team.col.reason",
                    ],
                    rx.foreach(s.credentials, _member_cred),
                    id="member-credentials",
                ),
                rx.text(t("team.no_credentials"), color=styles.MUTED_TEXT),
            ),
            style=styles.card,
            spacing="3",
            width="100%",
        ),
        rx.vstack(
            rx.heading(t("cases.title"), size="4", as_="h2"),
            rx.cond(
                s.cases.length() > 0,
                data_table(
                    [
                        "cases.field.channel",
                        "cases.field.status",
                        "cases.age",
                        "cases.next_action",
                    ],
                    rx.foreach(s.cases, _case_line),
                    id="member-cases",
                ),
                rx.text(t("team.no_cases"), color=styles.MUTED_TEXT),
            ),
            style=styles.card,
            spacing="3",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


@page("/team/members/[uid]", title="team.member_title", on_load=[MemberState.load])
def member_page() -> rx.Component:
    s = MemberState
    return rx.vstack(
        rx.link(t("team.back"), href="/team", size="2"),
        rx.cond(
            s.missing,
            rx.vstack(
                rx.heading(t("team.member_title"), size="7", as_="h1"),
                rx.text(s.error, id="member-missing", style=styles.card),
                spacing="4",
                width="100%",
            ),
            rx.cond(s.loaded, _member_body("team.member_intro"), rx.spinner()),
        ),
        width="100%",
        spacing="3",
    )


@page("/me/lead-view", title="team.lead_view_title", on_load=[MemberState.load_mine])
def lead_view_page() -> rx.Component:
    s = MemberState
    return rx.vstack(
        page_title("team.lead_view_title"),
        rx.cond(
            s.missing,
            rx.text(s.error, style=styles.card),
            rx.cond(s.loaded, _member_body("team.lead_view_intro"), rx.spinner()),
        ),
        width="100%",
        spacing="3",
    )


# --- skilling -------------------------------------------------------------------------------


def _bar(
    now_pct: rx.Var[int], possible_pct: rx.Var[int], target_pct: rx.Var[int] | None = None
) -> rx.Component:
    """Counted (solid) within possible (light), with the target as a mark; text says it too."""
    return rx.box(
        rx.box(class_name="cp-bar-possible", width=possible_pct.to_string() + "%"),
        rx.box(class_name="cp-bar-now", width=now_pct.to_string() + "%"),
        rx.cond(
            target_pct > 0,
            rx.box(class_name="cp-bar-target", left=target_pct.to_string() + "%"),
        )
        if target_pct is not None
        else rx.fragment(),
        class_name="cp-bar",
        aria_hidden="true",
    )


def _metric_line(item: MetricItem) -> rx.Component:
    return rx.el.li(
        rx.text(
            lt(item.name),
            ": ",
            item.now,
            " / ",
            item.max,
            " (",
            t("team.possible"),
            " ",
            item.possible,
            ")",
            size="2",
        ),
        rx.cond(
            item.gates != "",
            rx.text(
                t("team.gates"),
                " ",
                item.gates,
                rx.cond(~item.gate_open, rx.text.strong(" — ", t("team.gate_closed"))),
                size="1",
                color=styles.MUTED_TEXT,
            ),
        ),
    )


def _designation_card(item: DesignationItem) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(lt(item.name), size="3", as_="h2"),
            rx.badge(t_var("team.track." + item.track, "team.track."), variant="soft"),
            rx.cond(item.gated, rx.badge(t("team.gated"), color_scheme="red", variant="soft")),
            rx.cond(item.capped, rx.badge(t("team.capped"), color_scheme="green", variant="soft")),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        rx.text(
            t("team.now"),
            " ",
            rx.text.strong(item.now),
            " / ",
            item.max,
            " · ",
            t("team.possible"),
            " ",
            rx.text.strong(item.possible),
            rx.cond(item.target != "", rx.fragment(" · ", t("team.target"), " ", item.target)),
            size="2",
        ),
        _bar(item.now_pct, item.possible_pct, item.target_pct),
        rx.el.ul(rx.foreach(item.metrics, _metric_line), class_name="cp-metrics"),
        style=styles.card,
        spacing="2",
        width="100%",
        class_name="cp-designation",
    )


def _what_if_row(item: WhatIfItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text.strong("+", item.gain)),
        rx.table.cell(rx.link(item.person, href=item.person_href)),
        rx.table.cell(rx.code(item.certification)),
        rx.table.cell(t_var("team.action." + item.action, "team.action.")),
        rx.table.cell(rx.text(lt(item.designations), size="1")),
        class_name="cp-what-if-row",
    )


def _history_row(row: HistoryRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(lt(row.designation)),
        rx.foreach(row.cells, lambda v: rx.table.cell(v, white_space="nowrap")),
    )


def _history_table() -> rx.Component:
    s = SkillingState
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("team.col.designation")),
                    rx.foreach(s.history.months, lambda m: rx.table.column_header_cell(m)),
                )
            ),
            rx.table.body(rx.foreach(s.history.rows, _history_row)),
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        id="history",
    )


@page("/team/skilling", title="team.skilling_title", on_load=[SkillingState.load])
def skilling_page() -> rx.Component:
    s = SkillingState
    return rx.vstack(
        page_title(
            "team.skilling_title",
            rx.button(
                rx.icon("file-down", size=14),
                t("team.export_skilling"),
                variant="soft",
                on_click=s.export,
                id="skilling-export",
            ),
        ),
        _sub_nav(),
        rx.text(t("team.skilling_intro"), color=styles.MUTED_TEXT),
        callout(s.error, "red", "alert", id="skilling-error"),
        rx.cond(
            ~s.loaded,
            rx.spinner(),
            rx.vstack(
                rx.grid(
                    rx.foreach(s.designations, _designation_card),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                    id="designations",
                ),
                rx.vstack(
                    rx.heading(t("team.what_if_title"), size="4", as_="h2"),
                    rx.text(t("team.what_if_intro"), size="2", color=styles.MUTED_TEXT),
                    rx.cond(
                        s.what_if.length() > 0,
                        data_table(
                            [
                                "team.col.gain",
                                "team.col.member",
                                "team.col.certification",
                                "team.col.action",
                                "team.col.designations",
                            ],
                            rx.foreach(s.what_if, _what_if_row),
                            id="what-if",
                        ),
                        rx.text(t("team.what_if_none"), color=styles.MUTED_TEXT, id="what-if-none"),
                    ),
                    style=styles.card,
                    spacing="3",
                    width="100%",
                ),
                rx.vstack(
                    rx.heading(t("team.not_scoring_title"), size="4", as_="h2"),
                    rx.text(t("team.not_scoring_intro"), size="2", color=styles.MUTED_TEXT),
                    rx.cond(
                        s.not_scoring.length() > 0,
                        rx.flex(
                            rx.foreach(
                                s.not_scoring,
                                lambda o: rx.badge(
                                    o.value,
                                    " × ",
                                    lt(o.label),
                                    color_scheme="gray",
                                    variant="soft",
                                ),
                            ),
                            spacing="2",
                            wrap="wrap",
                            id="not-scoring",
                        ),
                        rx.text("—", color=styles.MUTED_TEXT),
                    ),
                    style=styles.card,
                    spacing="3",
                    width="100%",
                ),
                rx.vstack(
                    rx.heading(t("team.history_title"), size="4", as_="h2"),
                    rx.text(t("team.history_hint"), size="2", color=styles.MUTED_TEXT),
                    rx.cond(
                        s.history.rows.length() > 0,
                        _history_table(),
                        rx.text("—", color=styles.MUTED_TEXT),
                    ),
                    style=styles.card,
                    spacing="3",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
    )


# --- settings (admin) -----------------------------------------------------------------------


def _track_field(area: rx.Var[str]) -> rx.Component:
    s = SkillingSettingsState
    return rx.vstack(
        rx.el.label(area, html_for="track-" + area, class_name="cp-label"),
        rx.el.select(
            rx.el.option(t("team.track.enterprise"), value="enterprise"),
            rx.el.option(t("team.track.smb"), value="smb"),
            name="track_" + area,
            id="track-" + area,
            default_value=s.tracks[area],
            class_name="cp-native-select",
        ),
        spacing="1",
    )


def _target_field(option: Option) -> rx.Component:
    s = SkillingSettingsState
    return rx.vstack(
        rx.el.label(lt(option.label), html_for="target-" + option.value, class_name="cp-label"),
        rx.el.input(
            name="target_" + option.value,
            id="target-" + option.value,
            default_value=s.targets[option.value],
            inputmode="decimal",
            class_name="cp-input",
            placeholder="—",
            max_length=6,
        ),
        spacing="1",
        width="100%",
    )


@page(
    "/admin/skilling",
    title="team.settings_title",
    guard="admin",
    on_load=[SkillingSettingsState.load],
)
def skilling_settings_page() -> rx.Component:
    s = SkillingSettingsState
    return rx.vstack(
        page_title("team.settings_title"),
        rx.text(t("team.settings_intro"), color=styles.MUTED_TEXT),
        callout(s.error, "red", "alert", id="settings-error"),
        rx.cond(
            s.saved,
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-check")),
                rx.callout.text(t("team.settings_saved")),
                color_scheme="green",
                role="status",
                width="100%",
                id="settings-saved",
            ),
        ),
        rx.form(
            rx.vstack(
                rx.heading(t("team.tracks_title"), size="4", as_="h2"),
                rx.flex(rx.foreach(s.areas, _track_field), spacing="4", wrap="wrap"),
                rx.heading(t("team.targets_title"), size="4", as_="h2"),
                rx.text(t("team.targets_hint"), size="2", color=styles.MUTED_TEXT),
                rx.grid(
                    rx.foreach(s.designations, _target_field),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.button(t("common.save"), type="submit", id="settings-save"),
                spacing="3",
                width="100%",
            ),
            on_submit=s.save,
            key=s.form_key,
            style=styles.card,
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
