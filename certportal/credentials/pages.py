"""The inventory pages: list, add/edit, detail, Learn import, CSV, calendar; the home card."""

from __future__ import annotations

from typing import Any

import reflex as rx

from certportal.cases.pages import timeline_list
from certportal.credentials.present import AlertItem, CertOption, CredItem, ExamItem, ImportItem
from certportal.credentials.rules import LEVELS, PRIVATE_FIELDS, PROVIDERS
from certportal.credentials.state import (
    STATUSES,
    CalendarState,
    CredentialDetailState,
    CredentialFormState,
    CredentialsState,
    CsvErrorItem,
    CsvRowItem,
    CsvState,
    LearnImportState,
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

CSV_UPLOAD_ID = "csv-upload"

STATUS_COLORS = {
    "never_expires": "gray",
    "active": "green",
    "renewal_window": "amber",
    "expires_soon": "orange",
    "expired": "red",
    "retired": "purple",
}
TRI_COLORS = {"yes": "green", "no": "red", "unknown": "gray"}


def status_badge(status: rx.Var[str]) -> rx.Component:
    return value_badge(status, "credentials.status", STATUS_COLORS, size="2")


def tri_badge(value: rx.Var[str]) -> rx.Component:
    return value_badge(value, "credentials.tri", TRI_COLORS, variant="soft")


def diagnose_button(item: CredItem) -> rx.Component:
    return rx.cond(
        item.diagnose,
        rx.link(
            rx.button(
                rx.icon("stethoscope", size=14),
                t("credentials.diagnose"),
                size="1",
                white_space="nowrap",
            ),
            href=f"/wizard/new?credential={item.id}",
            aria_label=t("credentials.diagnose") + " " + lt(item.name),
        ),
    )


def _field_error(name: str) -> rx.Component:
    return rx.cond(
        CredentialFormState.errors.contains(name),
        rx.text(CredentialFormState.errors[name], color=styles.DANGER, size="2", id=f"err-{name}"),
    )


# --- list -----------------------------------------------------------------------------------


def _filter(name: str, label_key: str, values: tuple[str, ...], prefix: str) -> rx.Component:
    current = getattr(CredentialsState, name)
    return filter_select(
        label_key,
        f"filter-{name}",
        [
            *([rx.el.option(t("credentials.filter_all"), value="all")] if name != "sort" else []),
            *[rx.el.option(t(f"{prefix}.{v}"), value=v) for v in values],
        ],
        value=rx.cond(current == "", "all", current),
        on_change=lambda value: CredentialsState.set_filter(name, value),
    )


def _row(item: CredItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.link(lt(item.name), href=item.href, weight="medium"),
                rx.cond(item.code != "", rx.code(item.code, size="1")),
                spacing="1",
                align="start",
            )
        ),
        rx.table.cell(status_badge(item.status)),
        rx.table.cell(t_var("credentials.provider." + item.provider, "credentials.provider.")),
        rx.table.cell(lt(item.earned)),
        rx.table.cell(rx.cond(lt(item.expires) != "", lt(item.expires), "—")),
        rx.table.cell(tri_badge(item.on_learn)),
        rx.table.cell(tri_badge(item.counted)),
        rx.table.cell(diagnose_button(item)),
        class_name="cp-cred-row",
    )


@page("/credentials", title="credentials.title", on_load=[CredentialsState.load])
def credentials_page() -> rx.Component:
    s = CredentialsState
    return rx.vstack(
        page_title(
            "credentials.title",
            rx.hstack(
                rx.link(
                    rx.button(rx.icon("plus", size=14), t("credentials.add")),
                    href="/credentials/new",
                ),
                rx.link(
                    rx.button(
                        rx.icon("download", size=14), t("credentials.import_learn"), variant="soft"
                    ),
                    href="/credentials/import",
                ),
                rx.link(t("credentials.csv_title"), href="/credentials/csv", size="2"),
                rx.link(t("credentials.calendar_title"), href="/credentials/calendar", size="2"),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
        ),
        callout(s.error, "red", "alert"),
        rx.cond(
            s.router.url.query_parameters.get("deleted", "") == "1",
            rx.callout.root(
                rx.callout.text(t("credentials.deleted")), color_scheme="green", role="status"
            ),
        ),
        rx.flex(
            _filter("status", "credentials.filter_status", STATUSES, "credentials.status"),
            _filter("provider", "credentials.filter_provider", PROVIDERS, "credentials.provider"),
            _filter("level", "credentials.filter_level", LEVELS, "credentials.level"),
            _filter(
                "sort",
                "credentials.sort",
                ("expires", "earned", "name", "status"),
                "credentials.sort_by",
            ),
            spacing="4",
            wrap="wrap",
            align="end",
            width="100%",
        ),
        rx.cond(
            ~s.loaded,
            rx.hstack(rx.spinner(), rx.text(t("common.loading")), id="cred-loading"),
            rx.cond(
                s.total == 0,
                rx.vstack(
                    rx.icon("award", size=28, color=styles.MUTED_TEXT),
                    rx.text(t("credentials.empty"), color=styles.MUTED_TEXT),
                    rx.hstack(
                        rx.link(rx.button(t("credentials.add")), href="/credentials/new"),
                        rx.link(
                            rx.button(t("credentials.import_learn"), variant="soft"),
                            href="/credentials/import",
                        ),
                        spacing="3",
                    ),
                    style=styles.card,
                    align="center",
                    id="cred-empty",
                ),
                rx.cond(
                    s.items.length() == 0,
                    rx.vstack(
                        rx.text(t("credentials.no_match"), color=styles.MUTED_TEXT),
                        rx.button(
                            t("credentials.clear_filters"),
                            variant="soft",
                            on_click=s.clear_filters,
                        ),
                        style=styles.card,
                        align="center",
                        id="cred-no-match",
                    ),
                    rx.vstack(
                        rx.text(
                            t("credentials.count"),
                            ": ",
                            s.items.length(),
                            " / ",
                            s.total,
                            size="2",
                            color=styles.MUTED_TEXT,
                        ),
                        data_table(
                            [
                                "credentials.col_certification",
                                "credentials.col_status",
                                "credentials.col_provider",
                                "credentials.col_earned",
                                "credentials.col_expires",
                                "credentials.col_on_learn",
                                "credentials.col_counted",
                                "credentials.col_actions",
                            ],
                            rx.foreach(s.items, _row),
                            id="cred-table",
                        ),
                        width="100%",
                    ),
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )


def alerts_card() -> rx.Component:
    """Home page: renewal windows that opened and expiries within 30 days."""
    s = CredentialsState

    def alert(item: AlertItem) -> rx.Component:
        return rx.hstack(
            rx.cond(
                item.kind == "expires_soon",
                rx.badge(t("credentials.status.expires_soon"), color_scheme="orange"),
                rx.badge(t("credentials.status.renewal_window"), color_scheme="amber"),
            ),
            rx.vstack(
                rx.link(lt(item.name), href=item.href, weight="medium"),
                rx.text(
                    t("credentials.expires_on_label"),
                    " ",
                    lt(item.expires),
                    " (",
                    t("credentials.days_left"),
                    " ",
                    item.days,
                    ")",
                    size="2",
                    color=styles.MUTED_TEXT,
                ),
                spacing="0",
                align="start",
            ),
            align="center",
            spacing="3",
            class_name="cp-alert",
        )

    return rx.vstack(
        rx.heading(t("credentials.home_title"), size="5", as_="h2"),
        rx.cond(
            s.alerts.length() > 0,
            rx.vstack(
                rx.foreach(s.alerts, alert),
                rx.link(
                    t("credentials.renew_how"),
                    href="https://learn.microsoft.com/en-us/credentials/certifications/renew-your-microsoft-certification",
                    is_external=True,
                    size="2",
                ),
                spacing="3",
                width="100%",
            ),
            rx.text(
                rx.cond(s.total == 0, t("credentials.home_empty"), t("credentials.home_none")),
                size="2",
                color=styles.MUTED_TEXT,
            ),
        ),
        rx.link(t("credentials.open_inventory"), href="/credentials", size="2"),
        style=styles.card,
        spacing="3",
        id="renewals-card",
    )


# --- add / edit -----------------------------------------------------------------------------


def _option(option: CertOption) -> rx.Component:
    return rx.button(
        rx.code(option.id),
        rx.text(lt(option.name), size="2"),
        variant="ghost",
        type="button",
        on_click=CredentialFormState.choose(option.id),
        width="100%",
        class_name="cp-cert-option",
    )


def _cert_picker() -> rx.Component:
    s = CredentialFormState
    return rx.vstack(
        rx.el.label(
            t("credentials.field.certification"), html_for="cred-cert-search", class_name="cp-label"
        ),
        rx.cond(
            s.selected.id != "",
            rx.hstack(
                rx.cond(
                    s.selected.id == "other",
                    rx.badge(t("credentials.other_certification"), size="2"),
                    rx.hstack(
                        rx.code(s.selected.id), rx.text(lt(s.selected.name), weight="medium")
                    ),
                ),
                rx.text(t("credentials.change_certification"), size="1", color=styles.MUTED_TEXT),
                align="center",
                spacing="3",
                id="cred-selected",
                wrap="wrap",
            ),
        ),
        rx.input(
            id="cred-cert-search",
            name="cert_search",
            value=s.query,
            on_change=s.search.debounce(200),
            placeholder=t("credentials.search_hint"),
            max_length=100,
            width="100%",
        ),
        rx.cond(
            s.options.length() > 0,
            rx.vstack(rx.foreach(s.options, _option), spacing="1", width="100%", id="cred-options"),
            rx.cond(
                s.query != "",
                rx.text(t("credentials.search_none"), size="2", color=styles.MUTED_TEXT),
            ),
        ),
        rx.button(
            t("credentials.other_certification"),
            variant="soft",
            color_scheme="gray",
            size="1",
            type="button",
            on_click=s.choose("other"),
            id="cred-choose-other",
        ),
        rx.el.input(type="hidden", name="certification", value=s.selected.id),
        _field_error("certification"),
        spacing="2",
        width="100%",
    )


def _text_input(name: str, key: str, value: Any, **props: Any) -> rx.Component:
    return rx.vstack(
        field_label(key, f"cred-{name}"),
        rx.el.input(
            id=f"cred-{name}",
            name=name,
            default_value=value,
            class_name="cp-input",
            aria_invalid=rx.cond(CredentialFormState.errors.contains(name), "true", "false"),
            **props,
        ),
        _field_error(name),
        spacing="1",
        width="100%",
    )


def _radio(name: str, key: str, value: Any) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(t(key), class_name="cp-label"),
        rx.hstack(
            *[
                rx.el.label(
                    rx.el.input(
                        type="radio",
                        name=name,
                        value=v,
                        default_checked=value == v,
                        id=f"cred-{name}-{v}",
                    ),
                    " ",
                    t(f"credentials.tri.{v}"),
                    class_name="cp-option",
                )
                for v in ("yes", "no", "unknown")
            ],
            spacing="4",
        ),
        _field_error(name),
        class_name="cp-fieldset",
    )


def _exam_dates() -> rx.Component:
    s = CredentialFormState
    return rx.cond(
        (s.selected.id != "") & (s.selected.id != "other"),
        rx.vstack(
            rx.text(t("credentials.field.exams"), class_name="cp-label"),
            rx.foreach(
                s.selected.exams,
                lambda code, i: rx.hstack(
                    rx.el.label(rx.code(code), html_for=f"cred-exam-{i}"),
                    rx.el.input(
                        type="date",
                        id=f"cred-exam-{i}",
                        name=f"exam_{i}",
                        default_value=s.form.exam_dates[i],
                        class_name="cp-date",
                    ),
                    align="center",
                    spacing="3",
                ),
            ),
            rx.text(t("credentials.exam_hint"), size="1", color=styles.MUTED_TEXT),
            _field_error("exams"),
            spacing="2",
            width="100%",
        ),
        rx.cond(
            s.selected.id == "other",
            rx.vstack(
                _text_input(
                    "other_name", "credentials.field.other_name", s.form.other_name, max_length=200
                ),
                _text_input(
                    "exams",
                    "credentials.field.exams_text",
                    s.form.exams,
                    placeholder="AZ-104 2024-03-01",
                ),
                width="100%",
            ),
        ),
    )


def credential_form() -> rx.Component:
    s = CredentialFormState
    return rx.form(
        rx.vstack(
            rx.cond(
                s.error != "",
                rx.callout.root(
                    rx.callout.icon(rx.icon("circle-alert")),
                    rx.vstack(
                        rx.text(s.error, weight="bold"),
                        rx.el.ul(rx.foreach(s.error_list, lambda m: rx.el.li(m))),
                        spacing="1",
                    ),
                    color_scheme="red",
                    role="alert",
                    id="cred-errors",
                    width="100%",
                ),
            ),
            _cert_picker(),
            _exam_dates(),
            rx.grid(
                rx.vstack(
                    field_label("credentials.field.provider", "cred-provider"),
                    rx.el.select(
                        *[rx.el.option(t(f"credentials.provider.{p}"), value=p) for p in PROVIDERS],
                        id="cred-provider",
                        name="provider",
                        default_value=s.form.provider,
                        class_name="cp-native-select",
                    ),
                    _field_error("provider"),
                    spacing="1",
                ),
                _text_input(
                    "earned_on", "credentials.field.earned_on", s.form.earned_on, type="date"
                ),
                rx.vstack(
                    _text_input(
                        "expires_on", "credentials.field.expires_on", s.form.expires_on, type="date"
                    ),
                    rx.text(t("credentials.expires_hint"), size="1", color=styles.MUTED_TEXT),
                    spacing="1",
                ),
                _text_input(
                    "certification_number",
                    "credentials.field.certification_number",
                    s.form.certification_number,
                    max_length=64,
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            rx.grid(
                rx.vstack(
                    _radio("on_learn", "credentials.field.on_learn", s.form.on_learn),
                    _text_input(
                        "on_learn_seen_on",
                        "credentials.field.on_learn_seen_on",
                        s.form.on_learn_seen_on,
                        type="date",
                    ),
                ),
                _radio("counted", "credentials.field.counted", s.form.counted),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            rx.vstack(
                field_label("credentials.field.notes", "cred-notes"),
                rx.el.textarea(
                    id="cred-notes",
                    name="notes",
                    default_value=s.form.notes,
                    rows="3",
                    max_length=2000,
                    class_name="cp-input",
                ),
                _field_error("notes"),
                spacing="1",
                width="100%",
            ),
            rx.el.fieldset(
                rx.el.legend(t("credentials.field.private"), class_name="cp-label"),
                rx.text(t("credentials.private_hint"), size="1", color=styles.MUTED_TEXT),
                *[
                    rx.el.label(
                        rx.el.input(
                            type="checkbox",
                            name=f"private_{f}",
                            id=f"cred-private-{f}",
                            default_checked=s.form.private.contains(f),
                        ),
                        " ",
                        t(f"credentials.private.{f}"),
                        class_name="cp-option",
                    )
                    for f in PRIVATE_FIELDS
                ],
                class_name="cp-fieldset",
            ),
            rx.hstack(
                busy_button(
                    t("common.save"), busy=s.busy, icon="save", type="submit", id="cred-save"
                ),
                rx.link(
                    t("common.cancel"),
                    href=rx.cond(
                        s.credential_id > 0,
                        "/credentials/" + s.credential_id.to(str),
                        "/credentials",
                    ),
                ),
                spacing="4",
                align="center",
            ),
            spacing="4",
            width="100%",
        ),
        key=s.form_key,
        on_submit=s.save,
        reset_on_submit=False,
        width="100%",
        style=styles.card,
        id="cred-form",
    )


def _form_page(title_key: str) -> rx.Component:
    s = CredentialFormState
    return rx.vstack(
        rx.link(t("credentials.back_to_list"), href="/credentials", size="2"),
        page_title(title_key),
        rx.cond(
            ~s.loaded,
            rx.spinner(),
            rx.cond(s.missing, callout(s.error, "red", "alert"), credential_form()),
        ),
        spacing="3",
        width="100%",
        max_width="820px",
    )


@page("/credentials/new", title="credentials.add", on_load=[CredentialFormState.load_new])
def credential_new_page() -> rx.Component:
    return _form_page("credentials.add")


@page("/credentials/[cid]/edit", title="credentials.edit", on_load=[CredentialFormState.load_edit])
def credential_edit_page() -> rx.Component:
    return _form_page("credentials.edit")


# --- detail ---------------------------------------------------------------------------------


def _item(label_key: str, value: Any) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(t(label_key)), rx.data_list.value(value))


@page("/credentials/[cid]", title="credentials.detail", on_load=[CredentialDetailState.load])
def credential_detail_page() -> rx.Component:
    s = CredentialDetailState
    d = s.detail
    item = d.item
    body = rx.vstack(
        rx.hstack(
            rx.heading(lt(item.name), size="7", as_="h1"),
            status_badge(item.status),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.cond(
            s.saved,
            rx.callout.root(
                rx.callout.text(t("credentials.saved")), color_scheme="green", role="status"
            ),
        ),
        callout(s.error, "red", "alert"),
        rx.cond(
            item.diagnose,
            rx.callout.root(
                rx.callout.icon(rx.icon("stethoscope")),
                rx.callout.text(t("credentials.diagnose_hint")),
                diagnose_button(item),
                color_scheme="amber",
                id="diagnose-callout",
            ),
        ),
        rx.vstack(
            rx.data_list.root(
                _item(
                    "credentials.field.certification",
                    rx.cond(
                        item.code != "", rx.code(item.code), t("credentials.other_certification")
                    ),
                ),
                _item(
                    "credentials.col_status",
                    rx.vstack(
                        status_badge(item.status),
                        rx.cond(d.legacy, rx.text(t("credentials.legacy_note"), size="2")),
                        rx.cond(d.own_expiry, rx.text(t("credentials.own_expiry_note"), size="2")),
                        rx.cond(
                            lt(d.retired) != "",
                            rx.text(t("credentials.retired_on"), " ", lt(d.retired), size="2"),
                        ),
                        spacing="1",
                    ),
                ),
                _item("credentials.field.earned_on", lt(item.earned)),
                _item(
                    "credentials.col_expires",
                    rx.cond(
                        lt(item.expires) != "",
                        lt(item.expires),
                        t("credentials.status.never_expires"),
                    ),
                ),
                rx.cond(
                    lt(item.renewal_opens) != "",
                    _item("credentials.renewal_opens", lt(item.renewal_opens)),
                ),
                _item(
                    "credentials.field.provider",
                    t_var("credentials.provider." + item.provider, "credentials.provider."),
                ),
                _item(
                    "credentials.field.exams",
                    rx.vstack(
                        rx.foreach(
                            d.exams,
                            lambda e: rx.hstack(rx.code(e.code), rx.text(lt(e.passed), size="2")),
                        ),
                        spacing="1",
                    ),
                ),
                _item(
                    "credentials.field.certification_number", rx.cond(d.number != "", d.number, "—")
                ),
                _item(
                    "credentials.field.on_learn",
                    rx.hstack(
                        tri_badge(item.on_learn),
                        rx.cond(
                            lt(d.seen_on) != "",
                            rx.text(t("credentials.seen_on"), " ", lt(d.seen_on), size="2"),
                        ),
                    ),
                ),
                _item("credentials.field.counted", tri_badge(item.counted)),
                _item(
                    "credentials.field.notes",
                    rx.cond(d.notes != "", rx.text(d.notes, white_space="pre-wrap"), "—"),
                ),
                _item(
                    "credentials.field.private",
                    rx.cond(
                        d.private.length() > 0,
                        rx.hstack(
                            rx.foreach(
                                d.private,
                                lambda f: rx.badge(
                                    t_var("credentials.private." + f, "credentials.private."),
                                    variant="soft",
                                ),
                            )
                        ),
                        t("credentials.private_none"),
                    ),
                ),
                orientation=rx.breakpoints(initial="vertical", md="horizontal"),
            ),
            style=styles.card,
        ),
        rx.vstack(
            rx.heading(t("credentials.diagnoses_title"), size="4", as_="h2"),
            rx.cond(
                s.runs.length() > 0,
                rx.vstack(
                    rx.foreach(
                        s.runs,
                        lambda run: rx.hstack(
                            rx.link(
                                rx.cond(run.done, lt(run.outcome), t("wizard.in_progress")),
                                href=run.href,
                            ),
                            rx.text(lt(run.updated), size="1", color=styles.MUTED_TEXT),
                            spacing="3",
                            align="center",
                            wrap="wrap",
                        ),
                    ),
                    spacing="2",
                    id="credential-runs",
                ),
                rx.text(t("credentials.no_diagnoses"), size="2", color=styles.MUTED_TEXT),
            ),
            style=styles.card,
            spacing="2",
        ),
        rx.vstack(
            rx.hstack(
                rx.heading(t("timeline.credential_title"), size="4", as_="h2"),
                rx.link(
                    rx.button(
                        rx.icon("life-buoy", size=14), t("cases.new"), size="1", variant="soft"
                    ),
                    href="/cases/new?credential=" + s.credential_id.to(str),
                    id="cred-new-case",
                ),
                justify="between",
                width="100%",
                align="center",
            ),
            timeline_list(s.history, "timeline.credential_empty"),
            style=styles.card,
            spacing="2",
            id="credential-history",
        ),
        rx.hstack(
            rx.link(
                rx.button(rx.icon("pencil", size=14), t("common.edit")),
                href="/credentials/" + s.credential_id.to(str) + "/edit",
            ),
            rx.button(
                rx.icon("trash-2", size=14),
                t("common.delete"),
                color_scheme="red",
                variant="soft",
                on_click=s.ask_delete,
                id="cred-delete",
            ),
            rx.link(t("credentials.back_to_list"), href="/credentials", size="2"),
            spacing="4",
            align="center",
        ),
        confirm_dialog(
            is_open=s.confirm_delete,
            title=t("credentials.delete_title"),
            subject=lt(item.name),
            body=t("credentials.delete_body"),
            confirm_label=t("common.delete"),
            on_cancel=s.cancel_delete,
            on_confirm=s.delete,
        ),
        spacing="4",
        width="100%",
    )
    return rx.cond(
        ~s.loaded,
        rx.spinner(),
        rx.cond(
            s.missing,
            rx.vstack(
                rx.heading(t("credentials.detail"), size="7", as_="h1"),
                callout(s.error, "red", "alert"),
                rx.link(t("credentials.back_to_list"), href="/credentials"),
                spacing="4",
                width="100%",
            ),
            body,
        ),
    )


# --- Learn import ---------------------------------------------------------------------------


def _import_table(
    title_key: str,
    hint_key: str,
    items: rx.Var[list[ImportItem]],
    section: str,
    diagnose: bool = False,
) -> rx.Component:
    def row(item: ImportItem) -> rx.Component:
        return rx.table.row(
            rx.table.cell(
                rx.vstack(
                    rx.text(lt(item.name), weight="medium"),
                    rx.cond(item.code != "", rx.code(item.code, size="1")),
                    spacing="1",
                    align="start",
                )
            ),
            rx.table.cell(rx.cond(item.number != "", item.number, "—")),
            rx.table.cell(lt(item.earned)),
            rx.table.cell(rx.cond(lt(item.expires) != "", lt(item.expires), "—")),
            rx.table.cell(
                rx.hstack(
                    rx.text(t_var(item.note, "credentials.import."), size="2"),
                    rx.cond(
                        item.credential_id > 0,
                        rx.link(
                            rx.button(
                                rx.icon("stethoscope", size=14), t("credentials.diagnose"), size="1"
                            ),
                            href="/wizard/new?credential=" + item.credential_id.to(str),
                        ),
                    )
                    if diagnose
                    else rx.fragment(),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                )
            ),
        )

    return rx.cond(
        items.length() > 0,
        rx.vstack(
            rx.heading(t(title_key), " (", items.length(), ")", size="4", as_="h3"),
            rx.text(t(hint_key), size="2", color=styles.MUTED_TEXT),
            data_table(
                [
                    "credentials.col_certification",
                    "credentials.field.certification_number",
                    "credentials.col_earned",
                    "credentials.col_expires",
                    "credentials.import.col_action",
                ],
                rx.foreach(items, row),
            ),
            spacing="2",
            width="100%",
            id=f"import-{section}",
        ),
    )


@page("/credentials/import", title="credentials.import.title", on_load=[LearnImportState.load])
def learn_import_page() -> rx.Component:
    s = LearnImportState
    v = s.view
    return rx.vstack(
        rx.link(t("credentials.back_to_list"), href="/credentials", size="2"),
        page_title("credentials.import.title"),
        rx.text(t("credentials.import.intro"), color=styles.MUTED_TEXT),
        rx.form(
            rx.vstack(
                field_label("credentials.import.link_label", "learn-link"),
                rx.el.input(
                    id="learn-link",
                    name="link",
                    default_value=s.link,
                    placeholder="https://learn.microsoft.com/ja-jp/users/…/transcript/…",
                    class_name="cp-input",
                    max_length=600,
                    auto_complete="off",
                    disabled=s.fetching,
                ),
                rx.text(t("credentials.import.link_hint"), size="1", color=styles.MUTED_TEXT),
                busy_button(
                    t("credentials.import.read"),
                    busy=s.fetching,
                    icon="cloud-download",
                    type="submit",
                    id="learn-read",
                ),
                rx.cond(
                    s.fetching,
                    rx.text(
                        t("credentials.import.reading"), size="2", role="status", id="learn-reading"
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=s.fetch,
            reset_on_submit=False,
            style=styles.card,
        ),
        callout(s.error, "red", "alert", id="import-error"),
        rx.cond(
            s.result != "",
            rx.vstack(
                rx.callout.root(
                    rx.callout.icon(rx.icon("circle-check")),
                    rx.callout.text(s.result),
                    color_scheme="green",
                    role="status",
                    id="import-done",
                    width="100%",
                ),
                _import_table(
                    "credentials.import.missing_title",
                    "credentials.import.missing_hint",
                    s.missing_after,
                    "missing-after",
                    diagnose=True,
                ),
                rx.link(t("credentials.open_inventory"), href="/credentials"),
                width="100%",
            ),
        ),
        rx.cond(
            s.has_preview,
            rx.vstack(
                rx.heading(t("credentials.import.preview_title"), size="5", as_="h2"),
                rx.text(
                    t("credentials.import.of_user"),
                    " ",
                    v.user_name,
                    " · ",
                    t("credentials.import.exams_count"),
                    " ",
                    v.exams,
                    size="2",
                    color=styles.MUTED_TEXT,
                ),
                _import_table(
                    "credentials.import.new_title", "credentials.import.new_hint", v.new, "new"
                ),
                _import_table(
                    "credentials.import.matched_title",
                    "credentials.import.matched_hint",
                    v.matched,
                    "matched",
                ),
                _import_table(
                    "credentials.import.history_title",
                    "credentials.import.history_hint",
                    v.history,
                    "history",
                ),
                _import_table(
                    "credentials.import.missing_title",
                    "credentials.import.missing_hint",
                    v.missing,
                    "missing",
                    diagnose=True,
                ),
                rx.cond(
                    (v.new.length() == 0)
                    & (v.matched.length() == 0)
                    & (v.history.length() == 0)
                    & (v.missing.length() == 0),
                    rx.text(t("credentials.import.nothing"), color=styles.MUTED_TEXT),
                ),
                rx.cond(
                    v.history.length() > 0,
                    rx.checkbox(
                        t("credentials.import.include_history"),
                        checked=s.include_history,
                        on_change=s.set_include_history,
                        id="include-history",
                    ),
                ),
                rx.cond(
                    (v.legal_name != "") | (v.mcid != "") | (v.contact_email != ""),
                    rx.vstack(
                        rx.checkbox(
                            t("credentials.import.keep_personal"),
                            checked=s.keep_personal,
                            on_change=s.set_keep_personal,
                            id="keep-personal",
                        ),
                        rx.text(
                            t("credentials.import.personal_hint"), size="1", color=styles.MUTED_TEXT
                        ),
                        spacing="1",
                    ),
                ),
                rx.hstack(
                    busy_button(
                        t("credentials.import.confirm"),
                        busy=s.saving,
                        icon="check",
                        on_click=s.confirm,
                        id="import-confirm",
                    ),
                    rx.button(
                        t("common.cancel"), variant="soft", color_scheme="gray", on_click=s.cancel
                    ),
                    spacing="3",
                ),
                style=styles.card,
                spacing="4",
                width="100%",
                id="import-preview",
            ),
        ),
        rx.cond(
            lt(s.last_import) != "",
            rx.text(
                t("credentials.import.last"),
                " ",
                lt(s.last_import),
                size="2",
                color=styles.MUTED_TEXT,
            ),
        ),
        rx.cond(
            s.kept_personal,
            rx.hstack(
                rx.text(t("credentials.import.kept_personal"), size="2"),
                rx.button(
                    t("credentials.import.forget"),
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=s.ask_forget,
                    id="forget-personal",
                ),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
        ),
        confirm_dialog(
            is_open=s.confirm_forget,
            title=t("credentials.import.forget"),
            subject=t("credentials.import.title"),
            body=t("credentials.import.forget_body"),
            confirm_label=t("credentials.import.forget"),
            on_cancel=s.cancel_forget,
            on_confirm=s.forget,
        ),
        rx.vstack(
            rx.heading(t("credentials.import.how_title"), size="3", as_="h2"),
            rx.el.ol(
                rx.el.li(t("credentials.import.how_1")),
                rx.el.li(t("credentials.import.how_2")),
                rx.el.li(t("credentials.import.how_3")),
                class_name="cp-ol",
            ),
            rx.text(t("credentials.import.source_note"), size="1", color=styles.MUTED_TEXT),
            style={**styles.card, "background": styles.BRAND_SOFT},
            spacing="2",
        ),
        spacing="4",
        width="100%",
    )


# --- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "certification",
    "name",
    "exams",
    "provider",
    "earned_on",
    "expires_on",
    "certification_number",
    "on_learn",
    "on_learn_seen_on",
    "counted",
    "notes",
    "private",
)


@page("/credentials/csv", title="credentials.csv_title", on_load=[CsvState.load])
def csv_page() -> rx.Component:
    s = CsvState

    def error_row(e: CsvErrorItem) -> rx.Component:
        return rx.table.row(
            rx.table.cell(e.line),
            rx.table.cell(rx.code(e.field)),
            rx.table.cell(t_var(e.key, "credentials.error.", "credentials.csv.error.")),
        )

    def valid_row(r: CsvRowItem) -> rx.Component:
        return rx.table.row(
            rx.table.cell(r.line), rx.table.cell(lt(r.name)), rx.table.cell(lt(r.earned))
        )

    return rx.vstack(
        rx.link(t("credentials.back_to_list"), href="/credentials", size="2"),
        page_title("credentials.csv_title"),
        callout(s.error, "red", "alert", id="csv-error"),
        callout(s.message, "green", "status", id="csv-message"),
        rx.vstack(
            rx.heading(t("credentials.csv.export_title"), size="4", as_="h2"),
            rx.text(t("credentials.csv.export_hint"), size="2", color=styles.MUTED_TEXT),
            rx.button(
                rx.icon("file-down", size=14),
                t("credentials.csv.export"),
                on_click=s.export,
                id="csv-export",
            ),
            style=styles.card,
            spacing="3",
        ),
        rx.vstack(
            rx.heading(t("credentials.csv.import_title"), size="4", as_="h2"),
            rx.text(t("credentials.csv.import_hint"), size="2", color=styles.MUTED_TEXT),
            file_drop(
                t("credentials.csv.drop"),
                rx.vstack(
                    rx.icon("file-up", size=24, color=styles.MUTED_TEXT),
                    rx.text(t("credentials.csv.drop"), size="2"),
                    rx.button(t("knowledge.choose_file"), size="1", variant="soft", type="button"),
                    align="center",
                    spacing="2",
                ),
                id=CSV_UPLOAD_ID,
                accept={"text/csv": [".csv"], "text/plain": [".csv", ".txt"]},
                max_files=1,
                multiple=False,
                on_drop=s.handle_upload,
                border=f"1px dashed {styles.BORDER}",
                border_radius="12px",
                padding=styles.SPACE_5,
                width="100%",
            ),
            rx.cond(
                s.file_name != "",
                rx.vstack(
                    rx.text(
                        s.file_name,
                        ": ",
                        t("credentials.csv.rows_seen"),
                        " ",
                        s.total,
                        " · ",
                        t("credentials.csv.rows_valid"),
                        " ",
                        s.valid.length(),
                        " · ",
                        t("credentials.csv.rows_invalid"),
                        " ",
                        s.problems.length(),
                        weight="medium",
                        id="csv-summary",
                    ),
                    rx.cond(
                        s.problems.length() > 0,
                        rx.vstack(
                            rx.heading(t("credentials.csv.errors_title"), size="3", as_="h3"),
                            data_table(
                                [
                                    "credentials.csv.col_line",
                                    "credentials.csv.col_field",
                                    "credentials.csv.col_problem",
                                ],
                                rx.foreach(s.problems, error_row),
                                id="csv-problems",
                            ),
                            width="100%",
                        ),
                    ),
                    rx.cond(
                        s.valid.length() > 0,
                        rx.vstack(
                            data_table(
                                [
                                    "credentials.csv.col_line",
                                    "credentials.col_certification",
                                    "credentials.col_earned",
                                ],
                                rx.foreach(s.valid, valid_row),
                                id="csv-valid",
                            ),
                            rx.hstack(
                                rx.button(
                                    rx.icon("check", size=14),
                                    t("credentials.csv.import_valid"),
                                    " (",
                                    s.valid.length(),
                                    ")",
                                    on_click=s.import_valid,
                                    id="csv-import",
                                ),
                                rx.button(
                                    t("common.cancel"),
                                    variant="soft",
                                    color_scheme="gray",
                                    on_click=s.cancel,
                                ),
                                spacing="3",
                            ),
                            width="100%",
                        ),
                    ),
                    width="100%",
                    spacing="3",
                ),
            ),
            style=styles.card,
            spacing="3",
        ),
        rx.vstack(
            rx.heading(t("credentials.csv.columns_title"), size="4", as_="h2"),
            data_table(
                ["credentials.csv.col_column", "credentials.csv.col_meaning"],
                rx.fragment(
                    *[
                        rx.table.row(
                            rx.table.cell(rx.code(c)),
                            rx.table.cell(t(f"credentials.csv.column.{c}")),
                        )
                        for c in CSV_COLUMNS
                    ]
                ),
            ),
            style=styles.card,
            spacing="3",
        ),
        spacing="4",
        width="100%",
    )


# --- calendar -------------------------------------------------------------------------------


@page("/credentials/calendar", title="credentials.calendar_title", on_load=[CalendarState.load])
def calendar_page() -> rx.Component:
    s = CalendarState
    return rx.vstack(
        rx.link(t("credentials.back_to_list"), href="/credentials", size="2"),
        page_title("credentials.calendar_title"),
        rx.text(t("credentials.calendar.intro"), color=styles.MUTED_TEXT),
        callout(s.error, "red", "alert"),
        callout(s.message, "green", "status", id="calendar-message"),
        rx.cond(
            s.url != "",
            rx.vstack(
                rx.text(t("credentials.calendar.once"), weight="bold"),
                rx.code(s.url, id="calendar-url", style={"word_break": "break-all"}),
                rx.button(
                    rx.icon("copy", size=14),
                    t("credentials.calendar.copy"),
                    on_click=s.copy_url,
                    size="1",
                ),
                style={**styles.card, "background": styles.BRAND_SOFT},
                spacing="2",
            ),
        ),
        rx.vstack(
            rx.cond(
                s.active,
                rx.vstack(
                    rx.text(
                        t("credentials.calendar.active_since"),
                        " ",
                        lt(s.since),
                        id="calendar-active",
                    ),
                    rx.cond(
                        lt(s.last_read) != "",
                        rx.text(
                            t("credentials.calendar.last_read"),
                            " ",
                            lt(s.last_read),
                            size="2",
                            color=styles.MUTED_TEXT,
                        ),
                    ),
                    rx.hstack(
                        rx.button(
                            t("credentials.calendar.regenerate"),
                            on_click=s.ask("regenerate"),
                            variant="soft",
                            id="calendar-regenerate",
                        ),
                        rx.button(
                            t("credentials.calendar.revoke"),
                            on_click=s.ask("revoke"),
                            color_scheme="red",
                            variant="soft",
                            id="calendar-revoke",
                        ),
                        spacing="3",
                    ),
                    spacing="3",
                ),
                rx.vstack(
                    rx.text(t("credentials.calendar.none"), color=styles.MUTED_TEXT),
                    rx.button(
                        rx.icon("calendar-plus", size=14),
                        t("credentials.calendar.create"),
                        on_click=s.create,
                        id="calendar-create",
                    ),
                    spacing="3",
                ),
            ),
            style=styles.card,
        ),
        confirm_dialog(
            is_open=s.confirm == "regenerate",
            title=t("credentials.calendar.regenerate"),
            subject=t("credentials.calendar_title"),
            body=t("credentials.calendar.regenerate_body"),
            confirm_label=t("credentials.calendar.regenerate"),
            on_cancel=s.cancel,
            on_confirm=s.create,
            color_scheme="amber",
        ),
        confirm_dialog(
            is_open=s.confirm == "revoke",
            title=t("credentials.calendar.revoke"),
            subject=t("credentials.calendar_title"),
            body=t("credentials.calendar.revoke_body"),
            confirm_label=t("credentials.calendar.revoke"),
            on_cancel=s.cancel,
            on_confirm=s.revoke,
        ),
        spacing="4",
        width="100%",
        max_width="820px",
    )


__all__ = ["ExamItem", "alerts_card", "diagnose_button", "status_badge"]
