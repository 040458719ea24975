"""The admin audit-log page: who did what, when; filter by action, person and dates."""

from __future__ import annotations

import reflex as rx

from certportal.audit.state import AuditItem, AuditState
from certportal.ui import styles
from certportal.ui.components import callout, data_table
from certportal.ui.layout import page, page_title
from certportal.ui.text import lt, t


def _row(item: AuditItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(lt(item.at), white_space="nowrap"),
        rx.table.cell(item.actor),
        rx.table.cell(rx.code(item.action, size="1")),
        rx.table.cell(item.target),
        rx.table.cell(rx.text(item.detail, size="1", class_name="cp-audit-detail")),
        class_name="cp-audit-row",
    )


def _field(label_key: str, control: rx.Component, html_for: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(t(label_key), html_for=html_for, class_name="cp-label"), control, spacing="1"
    )


@page("/admin/audit", title="audit.title", guard="admin", on_load=[AuditState.load])
def audit_page() -> rx.Component:
    s = AuditState
    filters = rx.form(
        rx.flex(
            _field(
                "audit.filter_action",
                rx.el.select(
                    rx.el.option(t("credentials.filter_all"), value=""),
                    rx.foreach(s.families, lambda f: rx.el.option(f + "*", value=f)),
                    rx.foreach(s.actions, lambda a: rx.el.option(a, value=a)),
                    id="audit-action",
                    name="action",
                    default_value=s.action,
                    class_name="cp-native-select",
                ),
                "audit-action",
            ),
            _field(
                "audit.filter_person",
                rx.el.input(
                    id="audit-person",
                    name="person",
                    default_value=s.person,
                    class_name="cp-input",
                    max_length=100,
                ),
                "audit-person",
            ),
            _field(
                "audit.filter_since",
                rx.el.input(
                    type="date",
                    id="audit-since",
                    name="since",
                    default_value=s.since,
                    class_name="cp-date",
                ),
                "audit-since",
            ),
            _field(
                "audit.filter_until",
                rx.el.input(
                    type="date",
                    id="audit-until",
                    name="until",
                    default_value=s.until,
                    class_name="cp-date",
                ),
                "audit-until",
            ),
            rx.button(
                rx.icon("filter", size=14), t("audit.apply"), type="submit", id="audit-apply"
            ),
            rx.button(
                t("credentials.clear_filters"),
                type="button",
                variant="soft",
                color_scheme="gray",
                on_click=s.clear,
            ),
            spacing="3",
            wrap="wrap",
            align="end",
        ),
        on_submit=s.apply,
        reset_on_submit=False,
        key=s.form_key,
        width="100%",
    )
    return rx.vstack(
        page_title("audit.title"),
        rx.text(t("audit.intro"), color=styles.MUTED_TEXT),
        filters,
        callout(s.error, "red", "alert"),
        rx.cond(
            ~s.loaded,
            rx.spinner(),
            rx.cond(
                s.entries.length() > 0,
                rx.vstack(
                    rx.text(t("audit.count"), ": ", s.total, size="2", color=styles.MUTED_TEXT),
                    data_table(
                        [
                            "audit.col_at",
                            "audit.col_actor",
                            "audit.col_action",
                            "audit.col_target",
                            "audit.col_detail",
                        ],
                        rx.foreach(s.entries, _row),
                        id="audit-table",
                    ),
                    rx.hstack(
                        rx.button(
                            rx.icon("chevron-left", size=14),
                            variant="soft",
                            disabled=s.page == 0,
                            on_click=s.go_page(-1),
                            aria_label=t("common.previous"),
                        ),
                        rx.text(s.page + 1, " / ", s.page_count, size="2"),
                        rx.button(
                            rx.icon("chevron-right", size=14),
                            variant="soft",
                            disabled=s.page + 1 >= s.page_count,
                            on_click=s.go_page(1),
                            aria_label=t("common.next"),
                        ),
                        align="center",
                        spacing="3",
                    ),
                    width="100%",
                ),
                rx.text(t("audit.empty"), color=styles.MUTED_TEXT, id="audit-empty"),
            ),
        ),
        spacing="4",
        width="100%",
    )
