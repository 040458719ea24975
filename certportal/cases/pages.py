"""Support-case pages, the timeline, the team's cases and the home page's follow-ups card."""

from __future__ import annotations

import reflex as rx

from certportal.auth.state import AppState
from certportal.cases import attachments, transitions
from certportal.cases.present import CaseItem, EventItem, Option, TimelineItem
from certportal.cases.state import (
    CaseDetailState,
    CaseFormState,
    CasesState,
    EvidenceState,
    TeamCasesState,
    TimelineState,
)
from certportal.ui import styles
from certportal.ui.components import (
    busy_button,
    callout,
    confirm_dialog,
    data_table,
    field_label,
    file_drop,
    filter_select,
    value_badge,
)
from certportal.ui.layout import page, page_title
from certportal.ui.text import lt, t, t_var

UPLOAD_ID = "case-upload"
STATUS_COLORS = {
    "draft": "gray",
    "open": "blue",
    "waiting_support": "amber",
    "waiting_me": "orange",
    "resolved": "green",
    "closed": "gray",
}
PARTY_COLORS = {
    "me": "orange",
    "microsoft": "blue",
    "provider": "violet",
    "support": "blue",
    "nobody": "gray",
}


def case_status_badge(status: rx.Var[str]) -> rx.Component:
    return value_badge(status, "cases.status", STATUS_COLORS, size="2")


def party_badge(party: rx.Var[str]) -> rx.Component:
    return value_badge(party, "cases.party", PARTY_COLORS, variant="soft")


def _follow_up(item: CaseItem) -> rx.Component:
    return rx.cond(
        lt(item.follow_up) != "",
        rx.hstack(
            rx.text(lt(item.follow_up), size="2"),
            rx.cond(item.overdue, rx.badge(t("cases.overdue"), color_scheme="red")),
            rx.cond(item.due_today, rx.badge(t("cases.due_today"), color_scheme="orange")),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.text("—", size="2"),
    )


def _select(name: str, values: tuple[str, ...], prefix: str, **props: object) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(t(f"{prefix}.{v}"), value=v) for v in values],
        name=name,
        class_name="cp-native-select",
        **props,
    )


# --- home -----------------------------------------------------------------------------------


def follow_ups_card() -> rx.Component:
    """Home page: follow-ups due today and overdue."""
    s = CasesState

    def line(item: CaseItem) -> rx.Component:
        return rx.hstack(
            rx.cond(
                item.overdue,
                rx.badge(t("cases.overdue"), color_scheme="red"),
                rx.badge(t("cases.due_today"), color_scheme="orange"),
            ),
            rx.vstack(
                rx.link(item.subject, href=item.href, weight="medium"),
                rx.text(
                    t_var("cases.channel." + item.channel, "cases.channel."),
                    " · ",
                    t("cases.field.follow_up_on"),
                    " ",
                    lt(item.follow_up),
                    size="2",
                    color=styles.MUTED_TEXT,
                ),
                spacing="0",
                align="start",
            ),
            align="center",
            spacing="3",
            class_name="cp-follow-up",
        )

    return rx.vstack(
        rx.heading(t("cases.home_title"), size="5", as_="h2"),
        rx.cond(
            s.due.length() > 0,
            rx.vstack(rx.foreach(s.due, line), spacing="3", width="100%"),
            rx.text(t("cases.home_none"), size="2", color=styles.MUTED_TEXT),
        ),
        rx.link(t("cases.open_list"), href="/cases", size="2"),
        style=styles.card,
        spacing="3",
        id="follow-ups-card",
    )


# --- list -----------------------------------------------------------------------------------


def _case_row(item: CaseItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.link(item.subject, href=item.href, weight="medium"),
                rx.cond(item.reference != "", rx.code(item.reference, size="1")),
                spacing="1",
                align="start",
            )
        ),
        rx.table.cell(t_var("cases.channel." + item.channel, "cases.channel.")),
        rx.table.cell(case_status_badge(item.status)),
        rx.table.cell(party_badge(item.next_party)),
        rx.table.cell(_follow_up(item)),
        rx.table.cell(item.age_days, " ", t("cases.days")),
        class_name="cp-case-row",
    )


def _list_filter(name: str, values: tuple[str, ...], prefix: str) -> rx.Component:
    current = getattr(CasesState, name)
    return filter_select(
        f"cases.field.{name}",
        f"filter-{name}",
        [
            rx.el.option(t("cases.filter_all"), value="all"),
            *[rx.el.option(t(f"{prefix}.{v}"), value=v) for v in values],
        ],
        value=rx.cond(current == "", "all", current),
        on_change=lambda value: CasesState.set_filter(name, value),
    )


@page("/cases", title="cases.title", on_load=[CasesState.load])
def cases_page() -> rx.Component:
    s = CasesState
    return rx.vstack(
        page_title(
            "cases.title",
            rx.hstack(
                rx.link(rx.button(rx.icon("plus", size=14), t("cases.new")), href="/cases/new"),
                rx.link(
                    rx.button(rx.icon("history", size=14), t("timeline.title"), variant="soft"),
                    href="/timeline",
                ),
                spacing="2",
            ),
        ),
        rx.text(t("cases.intro"), color=styles.MUTED_TEXT),
        rx.cond(
            s.deleted,
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-check")),
                rx.callout.text(t("cases.deleted")),
                color_scheme="green",
                role="status",
                width="100%",
                id="cases-deleted",
            ),
        ),
        callout(s.error, "red", "alert"),
        rx.cond(
            ~s.loaded,
            rx.spinner(),
            rx.cond(
                s.total == 0,
                rx.vstack(
                    rx.icon("life-buoy", size=32, color=styles.MUTED_TEXT),
                    rx.text(t("cases.empty"), color=styles.MUTED_TEXT),
                    rx.link(rx.button(t("cases.new")), href="/cases/new"),
                    style=styles.card,
                    align="center",
                    width="100%",
                    id="cases-empty",
                ),
                rx.vstack(
                    rx.hstack(
                        _list_filter("status", transitions.STATUSES, "cases.status"),
                        _list_filter("channel", transitions.CHANNELS, "cases.channel"),
                        spacing="4",
                        wrap="wrap",
                    ),
                    rx.cond(
                        s.items.length() > 0,
                        data_table(
                            [
                                "cases.field.subject",
                                "cases.field.channel",
                                "cases.field.status",
                                "cases.next_action",
                                "cases.field.follow_up_on",
                                "cases.age",
                            ],
                            rx.foreach(s.items, _case_row),
                            id="cases-table",
                        ),
                        rx.text(t("cases.no_match"), color=styles.MUTED_TEXT, id="cases-no-match"),
                    ),
                    style=styles.card,
                    spacing="4",
                    width="100%",
                ),
            ),
        ),
        width="100%",
        spacing="4",
    )


# --- new and edit ---------------------------------------------------------------------------


def _form_error(name: str) -> rx.Component:
    return rx.cond(
        CaseFormState.errors.contains(name),
        rx.text(CaseFormState.errors[name], color=styles.DANGER, size="2", id=f"err-{name}"),
    )


def _credential_choice(option: Option) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name="cred_" + option.value,
            id="case-cred-" + option.value,
            default_checked=CaseFormState.chosen.contains(option.value),
        ),
        " ",
        lt(option.label),
        class_name="cp-option",
    )


def _case_form() -> rx.Component:
    s = CaseFormState
    new = s.case_id == 0
    return rx.form(
        rx.vstack(
            rx.cond(
                s.error != "",
                rx.callout.root(
                    rx.callout.icon(rx.icon("circle-alert")),
                    rx.vstack(
                        rx.text(s.error, weight="bold"),
                        rx.el.ul(rx.foreach(s.error_list, lambda e: rx.el.li(e))),
                        spacing="1",
                    ),
                    color_scheme="red",
                    role="alert",
                    width="100%",
                    id="case-form-errors",
                ),
            ),
            rx.cond(
                s.run_id > 0,
                rx.callout.root(
                    rx.callout.icon(rx.icon("stethoscope")),
                    rx.callout.text(t("cases.from_diagnosis"), " ", lt(s.outcome)),
                    color_scheme="teal",
                    width="100%",
                    id="case-from-run",
                ),
            ),
            rx.vstack(
                field_label("cases.field.channel", "case-channel"),
                _select(
                    "channel",
                    transitions.CHANNELS,
                    "cases.channel",
                    id="case-channel",
                    default_value=s.channel,
                ),
                _form_error("channel"),
                spacing="1",
                width="100%",
            ),
            rx.vstack(
                field_label("cases.field.subject", "case-subject"),
                rx.el.input(
                    name="subject",
                    id="case-subject",
                    default_value=s.subject,
                    max_length=transitions.SUBJECT_MAX + 50,
                    class_name="cp-input",
                ),
                _form_error("subject"),
                spacing="1",
                width="100%",
            ),
            rx.vstack(
                field_label("cases.field.reference", "case-reference"),
                rx.text(t("cases.reference_hint"), size="1", color=styles.MUTED_TEXT),
                rx.el.input(
                    name="reference",
                    id="case-reference",
                    default_value=s.reference,
                    class_name="cp-input",
                ),
                _form_error("reference"),
                spacing="1",
                width="100%",
            ),
            rx.el.fieldset(
                rx.el.legend(t("cases.field.credentials"), class_name="cp-label"),
                rx.cond(
                    s.options.length() > 0,
                    rx.vstack(rx.foreach(s.options, _credential_choice), spacing="1"),
                    rx.text(t("cases.no_credentials"), size="2", color=styles.MUTED_TEXT),
                ),
                _form_error("credentials"),
                class_name="cp-fieldset",
            ),
            rx.cond(
                new,
                rx.vstack(
                    field_label("cases.field.initial_status", "case-status"),
                    rx.el.select(
                        rx.el.option(t("cases.initial.draft"), value="draft"),
                        rx.el.option(t("cases.initial.open"), value="open"),
                        name="status",
                        id="case-status",
                        default_value=s.initial_status,
                        class_name="cp-native-select",
                    ),
                    _form_error("status"),
                    spacing="1",
                    width="100%",
                ),
            ),
            rx.cond(
                new | s.is_draft,
                rx.vstack(
                    field_label("cases.field.message", "case-message"),
                    rx.text(t("cases.message_hint"), size="1", color=styles.MUTED_TEXT),
                    rx.el.textarea(
                        name="message",
                        id="case-message",
                        default_value=s.message,
                        rows="10",
                        class_name="cp-input",
                    ),
                    _form_error("message"),
                    spacing="1",
                    width="100%",
                ),
            ),
            rx.vstack(
                field_label("cases.field.follow_up_on", "case-follow-up"),
                rx.el.input(
                    type="date",
                    name="follow_up_on",
                    id="case-follow-up",
                    default_value=s.follow_up_on,
                    class_name="cp-input",
                ),
                _form_error("follow_up_on"),
                spacing="1",
                width="100%",
            ),
            rx.hstack(
                busy_button(
                    t("common.save"), busy=s.busy, icon="save", type="submit", id="case-save"
                ),
                rx.link(
                    rx.button(
                        t("common.cancel"), variant="soft", color_scheme="gray", type="button"
                    ),
                    href=rx.cond(new, "/cases", "/cases/" + s.case_id.to_string()),
                ),
                spacing="3",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=s.save,
        key=s.form_key,
        width="100%",
        style=styles.card,
        id="case-form",
    )


def _missing(state: type[AppState]) -> rx.Component:
    return rx.vstack(
        rx.text(state.error, id="case-missing"),  # type: ignore[attr-defined]
        rx.link(t("cases.back_to_list"), href="/cases"),
        style=styles.card,
        width="100%",
    )


@page("/cases/new", title="cases.new", on_load=[CaseFormState.load_new])
def case_new_page() -> rx.Component:
    s = CaseFormState
    return rx.vstack(
        page_title("cases.new"),
        rx.cond(s.missing, _missing(CaseFormState), rx.cond(s.loaded, _case_form(), rx.spinner())),
        width="100%",
        max_width="760px",
    )


@page("/cases/[cid]/edit", title="cases.edit", on_load=[CaseFormState.load_edit])
def case_edit_page() -> rx.Component:
    s = CaseFormState
    return rx.vstack(
        page_title("cases.edit"),
        rx.cond(s.missing, _missing(CaseFormState), rx.cond(s.loaded, _case_form(), rx.spinner())),
        width="100%",
        max_width="760px",
    )


# --- one case -------------------------------------------------------------------------------


def _detail_error(name: str) -> rx.Component:
    return rx.cond(
        CaseDetailState.errors.contains(name),
        rx.text(CaseDetailState.errors[name], color=styles.DANGER, size="2", id=f"err-{name}"),
    )


def _typed(name: str) -> rx.Var[str]:
    return rx.cond(CaseDetailState.typed.contains(name), CaseDetailState.typed[name], "")


def _action_form(
    title_key: str, form_id: str, handler: object, *fields: rx.Component, submit_key: str
) -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading(t(title_key), size="3", as_="h2"),
            *fields,
            rx.button(t(submit_key), type="submit", id=f"{form_id}-submit"),
            spacing="2",
            width="100%",
        ),
        on_submit=handler,
        key=CaseDetailState.form_key,
        id=form_id,
        width="100%",
        style=styles.card,
    )


def _text_field(name: str, label_key: str, form_id: str, rows: str = "5") -> rx.Component:
    return rx.vstack(
        field_label(label_key, f"{form_id}-{name}"),
        rx.el.textarea(
            name=name,
            id=f"{form_id}-{name}",
            default_value=_typed(name),
            rows=rows,
            class_name="cp-input",
        ),
        _detail_error(name),
        spacing="1",
        width="100%",
    )


def _date_field(name: str, label_key: str, form_id: str) -> rx.Component:
    return rx.vstack(
        field_label(label_key, f"{form_id}-{name}"),
        rx.el.input(
            type="date",
            name=name,
            id=f"{form_id}-{name}",
            default_value=_typed(name),
            class_name="cp-input",
        ),
        _detail_error(name),
        spacing="1",
        width="100%",
    )


def _actions() -> rx.Component:
    s = CaseDetailState
    ended = (s.case.status == "resolved") | (s.case.status == "closed")
    return rx.vstack(
        rx.cond(
            s.case.status == "draft",
            rx.vstack(
                rx.heading(t("cases.draft_title"), size="3", as_="h2"),
                rx.text(t("cases.draft_hint"), size="2", color=styles.MUTED_TEXT),
                rx.cond(
                    s.draft_text != "",
                    rx.el.pre(
                        s.draft_text,
                        class_name="cp-pre",
                        id="case-draft-text",
                        tab_index=0,  # it scrolls when long: reachable by keyboard
                    ),
                ),
                rx.hstack(
                    rx.cond(
                        s.draft_text != "",
                        rx.button(
                            rx.icon("copy", size=14),
                            t("cases.copy_text"),
                            variant="soft",
                            on_click=rx.set_clipboard(s.draft_text),
                        ),
                    ),
                    rx.cond(
                        s.channel_url != "",
                        rx.link(
                            rx.button(
                                rx.icon("external-link", size=14),
                                t("cases.open_channel"),
                                variant="soft",
                            ),
                            href=s.channel_url,
                            is_external=True,
                        ),
                    ),
                    rx.button(
                        t("cases.mark_sent"),
                        on_click=s.change_status({"status": "open", "resolution": ""}),
                        id="case-mark-sent",
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                style=styles.card,
                spacing="2",
                width="100%",
                id="case-draft",
            ),
        ),
        rx.cond(
            ~ended & (s.case.status != "draft"),
            rx.grid(
                _action_form(
                    "cases.action.reply",
                    "reply-form",
                    s.record_reply,
                    rx.text(t("cases.reply_hint"), size="1", color=styles.MUTED_TEXT),
                    _text_field("summary", "cases.field.summary", "reply-form"),
                    _date_field("received_on", "cases.field.received_on", "reply-form"),
                    submit_key="cases.action.reply_submit",
                ),
                _action_form(
                    "cases.action.message",
                    "message-form",
                    s.send_message,
                    rx.text(t("cases.sent_hint"), size="1", color=styles.MUTED_TEXT),
                    _text_field("message", "cases.field.message_sent", "message-form"),
                    _date_field("sent_on", "cases.field.sent_on", "message-form"),
                    submit_key="cases.action.message_submit",
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
        ),
        rx.grid(
            _action_form(
                "cases.action.status",
                "status-form",
                s.change_status,
                rx.vstack(
                    field_label("cases.field.new_status", "status-form-status"),
                    rx.el.select(
                        rx.foreach(
                            s.allowed,
                            lambda v: rx.el.option(
                                t_var("cases.status." + v, "cases.status."), value=v
                            ),
                        ),
                        name="status",
                        id="status-form-status",
                        class_name="cp-native-select",
                    ),
                    _detail_error("status"),
                    spacing="1",
                    width="100%",
                ),
                rx.vstack(
                    field_label("cases.field.resolution", "status-form-resolution"),
                    rx.text(t("cases.resolution_hint"), size="1", color=styles.MUTED_TEXT),
                    rx.el.select(
                        rx.el.option(t("cases.resolution.none"), value=""),
                        *[
                            rx.el.option(t(f"cases.resolution.{r}"), value=r)
                            for r in transitions.RESOLUTIONS
                        ],
                        name="resolution",
                        id="status-form-resolution",
                        class_name="cp-native-select",
                    ),
                    _detail_error("resolution"),
                    spacing="1",
                    width="100%",
                ),
                submit_key="cases.action.status_submit",
            ),
            rx.cond(
                ~ended,
                _action_form(
                    "cases.action.follow_up",
                    "follow-up-form",
                    s.set_follow_up,
                    rx.text(t("cases.follow_up_hint"), size="1", color=styles.MUTED_TEXT),
                    _date_field("follow_up_on", "cases.field.follow_up_on", "follow-up-form"),
                    submit_key="cases.action.follow_up_submit",
                ),
            ),
            _action_form(
                "cases.action.note",
                "note-form",
                s.add_note,
                _text_field("note", "cases.field.note", "note-form", rows="3"),
                submit_key="cases.action.note_submit",
            ),
            rx.vstack(
                rx.heading(t("cases.action.attachment"), size="3", as_="h2"),
                rx.text(t("cases.attachment_hint"), size="1", color=styles.MUTED_TEXT),
                file_drop(
                    t("cases.attachment_drop"),
                    rx.vstack(
                        rx.icon("paperclip", size=20, color=styles.MUTED_TEXT),
                        rx.text(t("cases.attachment_drop"), size="2"),
                        rx.button(
                            t("knowledge.choose_file"), size="1", variant="soft", type="button"
                        ),
                        align="center",
                        spacing="2",
                    ),
                    id=UPLOAD_ID,
                    accept=attachments.ACCEPT,
                    max_files=1,
                    multiple=False,
                    on_drop=s.handle_upload,
                    border=f"1px dashed {styles.BORDER}",
                    border_radius="12px",
                    padding=styles.SPACE_4,
                    width="100%",
                ),
                _detail_error("attachment"),
                style=styles.card,
                spacing="2",
                width="100%",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def _event_row(item: EventItem) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.text(lt(item.day), weight="medium", size="2", white_space="nowrap"),
            rx.text("(", lt(item.ago), ")", size="1", color=styles.MUTED_TEXT),
            rx.text(lt(item.line), size="2"),
            spacing="2",
            align="baseline",
            wrap="wrap",
        ),
        rx.cond(
            item.attachment_id > 0,
            rx.link(
                rx.hstack(
                    rx.icon("paperclip", size=12), rx.text(item.text), spacing="1", align="center"
                ),
                href="/api/cases/attachments/" + item.attachment_id.to_string(),
                is_external=True,
                size="2",
            ),
            rx.cond(
                item.text != "",
                # it scrolls when long: reachable by keyboard
                rx.el.pre(item.text, class_name="cp-pre", tab_index=0),
            ),
        ),
        class_name="cp-event",
    )


def _history(events: rx.Var[list[EventItem]]) -> rx.Component:
    return rx.vstack(
        rx.heading(t("cases.history"), size="4", as_="h2"),
        rx.cond(
            ~CaseDetailState.texts,
            rx.text(
                t("cases.texts_private"), size="2", color=styles.MUTED_TEXT, id="texts-private"
            ),
        ),
        rx.el.ol(rx.foreach(events, _event_row), class_name="cp-events", id="case-history"),
        style=styles.card,
        spacing="3",
        width="100%",
    )


def _summary() -> rx.Component:
    s = CaseDetailState
    c = s.case
    return rx.vstack(
        rx.hstack(
            case_status_badge(c.status),
            rx.text(t("cases.next_action"), ":", size="2", color=styles.MUTED_TEXT),
            party_badge(c.next_party),
            rx.cond(c.overdue, rx.badge(t("cases.overdue"), color_scheme="red", id="case-overdue")),
            rx.cond(c.due_today, rx.badge(t("cases.due_today"), color_scheme="orange")),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.data_list.root(
            rx.cond(
                ~s.owner,
                rx.data_list.item(
                    rx.data_list.label(t("cases.member")),
                    rx.data_list.value(c.owner_name),
                ),
            ),
            rx.data_list.item(
                rx.data_list.label(t("cases.field.channel")),
                rx.data_list.value(
                    rx.cond(
                        s.channel_url != "",
                        rx.link(
                            t_var("cases.channel." + c.channel, "cases.channel."),
                            href=s.channel_url,
                            is_external=True,
                        ),
                        rx.text(t_var("cases.channel." + c.channel, "cases.channel.")),
                    )
                ),
            ),
            rx.cond(
                s.texts,
                rx.data_list.item(
                    rx.data_list.label(t("cases.field.reference")),
                    rx.data_list.value(
                        rx.cond(c.reference != "", rx.code(c.reference), "—"),
                        id="case-reference-value",
                    ),
                ),
            ),
            rx.cond(
                c.resolution != "",
                rx.data_list.item(
                    rx.data_list.label(t("cases.field.resolution")),
                    rx.data_list.value(
                        t_var("cases.resolution." + c.resolution, "cases.resolution.")
                    ),
                ),
            ),
            rx.data_list.item(
                rx.data_list.label(t("cases.field.opened_on")),
                rx.data_list.value(rx.cond(lt(c.opened) != "", lt(c.opened), "—")),
            ),
            rx.data_list.item(
                rx.data_list.label(t("cases.age")),
                rx.data_list.value(c.age_days, " ", t("cases.days")),
            ),
            rx.data_list.item(
                rx.data_list.label(t("cases.field.follow_up_on")),
                rx.data_list.value(_follow_up(c), id="case-follow-up-value"),
            ),
            rx.cond(
                s.owner,
                rx.data_list.item(
                    rx.data_list.label(t("cases.field.credentials")),
                    rx.data_list.value(
                        rx.cond(
                            s.credential_names.length() > 0,
                            rx.vstack(
                                rx.foreach(
                                    s.credential_names,
                                    lambda o: rx.link(lt(o.label), href="/credentials/" + o.value),
                                ),
                                spacing="1",
                            ),
                            rx.text("—"),
                        )
                    ),
                ),
            ),
            rx.cond(
                s.run_href != "",
                rx.data_list.item(
                    rx.data_list.label(t("cases.diagnosis")),
                    rx.data_list.value(rx.link(t("cases.open_diagnosis"), href=s.run_href)),
                ),
            ),
        ),
        rx.cond(
            s.owner,
            rx.hstack(
                rx.link(
                    rx.button(rx.icon("pencil", size=14), t("cases.edit"), variant="soft"),
                    href="/cases/" + s.case_id.to_string() + "/edit",
                ),
                rx.link(
                    rx.button(
                        rx.icon("printer", size=14), t("cases.evidence.open"), variant="soft"
                    ),
                    href="/cases/" + s.case_id.to_string() + "/print",
                    id="case-print-link",
                ),
                rx.link(
                    rx.button(rx.icon("history", size=14), t("timeline.title"), variant="soft"),
                    href="/timeline?case=" + s.case_id.to_string(),
                ),
                rx.checkbox(
                    t("cases.share_with_lead"),
                    checked=s.shared,
                    on_change=s.set_shared,
                    id="case-share",
                ),
                rx.button(
                    rx.icon("trash-2", size=14),
                    t("common.delete"),
                    color_scheme="red",
                    variant="soft",
                    on_click=s.ask_delete,
                    id="case-delete",
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
        ),
        style=styles.card,
        spacing="3",
        width="100%",
        id="case-summary",
    )


@page("/cases/[cid]", title="cases.case", on_load=[CaseDetailState.load])
def case_page() -> rx.Component:
    s = CaseDetailState
    return rx.vstack(
        rx.cond(
            s.missing,
            rx.vstack(
                rx.heading(t("cases.case"), size="7", as_="h1"),
                _missing(CaseDetailState),
                spacing="4",
                width="100%",
            ),
            rx.cond(
                s.loaded,
                rx.vstack(
                    rx.hstack(
                        rx.link(
                            t("cases.back_to_list"),
                            href=rx.cond(s.owner, "/cases", "/team/cases"),
                            size="2",
                        ),
                        width="100%",
                    ),
                    rx.heading(
                        rx.cond(s.case.subject != "", s.case.subject, t("cases.case")),
                        size="7",
                        as_="h1",
                        id="case-title",
                    ),
                    rx.cond(
                        s.notice_key != "",
                        rx.callout.root(
                            rx.callout.icon(rx.icon("circle-check")),
                            rx.callout.text(t_var(s.notice_key, "cases.done.", "cases.saved")),
                            color_scheme="green",
                            role="status",
                            width="100%",
                            id="case-notice",
                        ),
                    ),
                    callout(s.error, "red", "alert", id="case-error"),
                    _summary(),
                    rx.cond(s.owner, _actions()),
                    _history(s.events),
                    confirm_dialog(
                        is_open=s.confirm_delete,
                        title=t("cases.delete_title"),
                        subject=s.case.subject,
                        body=t("cases.delete_body"),
                        confirm_label=t("common.delete"),
                        on_cancel=s.cancel_delete,
                        on_confirm=s.delete,
                    ),
                    spacing="4",
                    width="100%",
                ),
                rx.spinner(),
            ),
        ),
        width="100%",
    )


# --- evidence pack (print view) -------------------------------------------------------------


@page("/cases/[cid]/print", title="cases.evidence.title", on_load=[EvidenceState.load])
def evidence_page() -> rx.Component:
    s = EvidenceState
    return rx.vstack(
        rx.cond(
            s.missing,
            rx.vstack(
                rx.heading(t("cases.evidence.title"), size="7", as_="h1"),
                _missing(EvidenceState),
                spacing="4",
                width="100%",
            ),
            rx.cond(
                s.loaded,
                rx.vstack(
                    rx.hstack(
                        rx.link(
                            t("cases.back_to_case"),
                            href="/cases/" + s.case_id.to_string(),
                            size="2",
                        ),
                        rx.spacer(),
                        rx.button(
                            rx.icon("printer", size=14),
                            t("cases.evidence.print"),
                            on_click=s.print_page,
                            id="evidence-print",
                        ),
                        rx.button(
                            rx.icon("file-down", size=14),
                            t("cases.evidence.download"),
                            variant="soft",
                            on_click=s.download,
                            id="evidence-download",
                        ),
                        width="100%",
                        align="center",
                        class_name="cp-no-print",
                        spacing="2",
                    ),
                    rx.text(
                        t("cases.evidence.hint"),
                        size="2",
                        color=styles.MUTED_TEXT,
                        class_name="cp-no-print",
                    ),
                    rx.box(rx.html(s.html), class_name="cp-evidence", id="evidence", width="100%"),
                    spacing="3",
                    width="100%",
                ),
                rx.spinner(),
            ),
        ),
        width="100%",
    )


# --- timeline -------------------------------------------------------------------------------

SOURCE_ICONS = {"credential": "award", "diagnosis": "stethoscope", "case": "life-buoy"}


def _timeline_row(item: TimelineItem) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.box(
                rx.match(
                    item.source,
                    *[
                        (k, rx.icon(v, size=16, color=styles.BRAND))
                        for k, v in SOURCE_ICONS.items()
                    ],
                    rx.icon("circle", size=16),
                ),
                flex_shrink="0",
                padding_top="2px",
                aria_hidden="true",
            ),
            rx.vstack(
                rx.hstack(
                    rx.text(
                        t_var("timeline.kind." + item.kind, "timeline.kind."),
                        weight="medium",
                        size="2",
                    ),
                    rx.link(lt(item.title), href=item.href, size="2"),
                    spacing="2",
                    wrap="wrap",
                ),
                rx.cond(
                    lt(item.detail) != "",
                    rx.text(
                        lt(item.detail), size="2", color=styles.MUTED_TEXT, class_name="cp-clamp"
                    ),
                ),
                rx.text(lt(item.ago), " · ", lt(item.day), size="1", color=styles.MUTED_TEXT),
                spacing="0",
                align="start",
            ),
            spacing="3",
            align="start",
        ),
        class_name="cp-timeline-item",
    )


def timeline_list(items: rx.Var[list[TimelineItem]], empty_key: str) -> rx.Component:
    return rx.cond(
        items.length() > 0,
        rx.el.ol(rx.foreach(items, _timeline_row), class_name="cp-timeline", id="timeline"),
        rx.text(t(empty_key), color=styles.MUTED_TEXT, id="timeline-empty"),
    )


def _timeline_filter(name: str, options: rx.Var[list[Option]]) -> rx.Component:
    return filter_select(
        f"timeline.filter.{name}",
        f"timeline-{name}",
        [
            rx.el.option(t("cases.filter_all"), value=""),
            rx.foreach(options, lambda o: rx.el.option(lt(o.label), value=o.value)),
        ],
        value=getattr(TimelineState, name),
        on_change=lambda value: TimelineState.set_filter(name, value),
    )


@page("/timeline", title="timeline.title", on_load=[TimelineState.load])
def timeline_page() -> rx.Component:
    s = TimelineState
    return rx.vstack(
        page_title("timeline.title"),
        rx.text(t("timeline.intro"), color=styles.MUTED_TEXT),
        callout(s.error, "red", "alert"),
        rx.hstack(
            _timeline_filter("credential", s.credential_options),
            _timeline_filter("case", s.case_options),
            spacing="4",
            wrap="wrap",
        ),
        rx.box(
            rx.cond(s.loaded, timeline_list(s.items, "timeline.empty"), rx.spinner()),
            style=styles.card,
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


# --- the team's cases -----------------------------------------------------------------------


def _team_row(item: CaseItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(item.owner_name, href=item.href, weight="medium")),
        rx.table.cell(t_var("cases.channel." + item.channel, "cases.channel.")),
        rx.table.cell(case_status_badge(item.status)),
        rx.table.cell(item.age_days, " ", t("cases.days")),
        rx.table.cell(party_badge(item.next_party)),
        rx.table.cell(_follow_up(item)),
        rx.table.cell(
            rx.cond(
                item.shared,
                rx.badge(t("cases.shared"), color_scheme="teal", variant="soft"),
                rx.text(t("cases.not_shared"), size="1", color=styles.MUTED_TEXT),
            )
        ),
        class_name="cp-team-case-row",
    )


@page("/team/cases", title="cases.team_title", on_load=[TeamCasesState.load])
def team_cases_page() -> rx.Component:
    s = TeamCasesState
    return rx.vstack(
        page_title("cases.team_title"),
        rx.text(t("cases.team_intro"), color=styles.MUTED_TEXT),
        callout(s.error, "red", "alert"),
        rx.cond(
            s.items.length() > 0,
            data_table(
                [
                    "cases.member",
                    "cases.field.channel",
                    "cases.field.status",
                    "cases.age",
                    "cases.next_action",
                    "cases.field.follow_up_on",
                    "cases.texts",
                ],
                rx.foreach(s.items, _team_row),
                id="team-cases-table",
                style=styles.card,
            ),
            rx.text(t("cases.team_empty"), color=styles.MUTED_TEXT, id="team-cases-empty"),
        ),
        spacing="4",
        width="100%",
    )
