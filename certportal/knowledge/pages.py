"""Admin: the knowledge base — entries with sources and checked-on dates (stale ones flagged),
publishing a corrected document after validation and a readable diff, versions and roll back."""

from __future__ import annotations

import reflex as rx

from certportal.knowledge.state import EntryItem, KnowledgeAdminState, VersionItem
from certportal.ui import styles
from certportal.ui.components import callout, confirm_dialog, data_table, file_drop
from certportal.ui.layout import page, page_title
from certportal.ui.text import lt, t

KIND_FILTERS = ["all", "certification", "designation", "question", "outcome", "warning", "channel"]
UPLOAD_ID = "knowledge-upload"


def _entry_row(entry: EntryItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.badge(
                rx.match(
                    entry.kind,
                    *[(k, t(f"knowledge.kind.{k}")) for k in KIND_FILTERS[1:]],
                    entry.kind,
                ),
                variant="soft",
                color_scheme="gray",
            )
        ),
        rx.table.row_header_cell(
            rx.text(lt(entry.title), size="2", weight="medium"),
            rx.code(entry.id, size="1"),
        ),
        rx.table.cell(
            rx.cond(
                entry.source_url != "",
                rx.link(lt(entry.source_label), href=entry.source_url, is_external=True, size="2"),
                rx.text(lt(entry.source_label), size="2"),
            ),
            rx.cond(
                entry.source_count > 1,
                rx.text(" +", entry.source_count - 1, size="1", color=styles.MUTED_TEXT),
            ),
        ),
        rx.table.cell(
            rx.hstack(
                rx.text(lt(entry.checked_on), size="2", white_space="nowrap"),
                rx.cond(entry.stale, rx.badge(t("knowledge.stale"), color_scheme="orange")),
                spacing="2",
                align="center",
            )
        ),
        class_name="cp-entry",
    )


def _version_row(version: VersionItem) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.text("v", version.number, weight="medium")),
        rx.table.cell(rx.text(lt(version.created), size="2")),
        rx.table.cell(rx.text(rx.cond(version.by != "", version.by, "certportal"), size="2")),
        rx.table.cell(
            rx.text(rx.cond(version.by != "", version.note, t("knowledge.shipped")), size="2"),
            rx.text(version.kind, size="1", color=styles.MUTED_TEXT),
        ),
        rx.table.cell(
            rx.cond(
                version.active,
                rx.badge(t("knowledge.active"), color_scheme="green"),
                rx.button(
                    t("knowledge.rollback"),
                    size="1",
                    variant="soft",
                    on_click=KnowledgeAdminState.ask_rollback(version.id),
                    aria_label=t("knowledge.rollback") + " v" + version.number.to(str),
                ),
            )
        ),
        class_name="cp-version",
    )


def _publish_panel() -> rx.Component:
    s = KnowledgeAdminState
    return rx.vstack(
        rx.heading(t("knowledge.publish_title"), size="4", as_="h2"),
        rx.text(t("knowledge.publish_hint"), size="2", color=styles.MUTED_TEXT),
        rx.hstack(
            *[
                rx.button(
                    rx.icon("download", size=14),
                    f"{kind}.json",
                    variant="soft",
                    size="1",
                    on_click=s.download(kind),
                )
                for kind in ("catalog", "designations", "linkage")
            ],
            spacing="2",
            wrap="wrap",
        ),
        file_drop(
            t("knowledge.drop"),
            rx.vstack(
                rx.icon("file-up", size=24, color=styles.MUTED_TEXT),
                rx.text(t("knowledge.drop"), size="2"),
                rx.button(t("knowledge.choose_file"), size="1", variant="soft", type="button"),
                align="center",
                spacing="2",
            ),
            id=UPLOAD_ID,
            accept={"application/json": [".json"]},
            max_files=1,
            multiple=False,
            on_drop=s.handle_upload,
            border=f"1px dashed {styles.BORDER}",
            border_radius="12px",
            padding=styles.SPACE_5,
            width="100%",
        ),
        rx.cond(
            s.upload_errors.length() > 0,
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-alert")),
                rx.vstack(
                    rx.text(t("knowledge.refused"), " ", s.upload_name, weight="bold"),
                    rx.el.ul(rx.foreach(s.upload_errors, lambda line: rx.el.li(rx.code(line)))),
                    spacing="1",
                ),
                color_scheme="red",
                role="alert",
                id="upload-errors",
                width="100%",
            ),
        ),
        rx.cond(
            (s.changes.length() > 0) & (s.upload_errors.length() == 0),
            rx.vstack(
                rx.text(
                    t("knowledge.diff_title"),
                    " ",
                    s.upload_name,
                    " (",
                    s.upload_kind,
                    ") — ",
                    t("knowledge.changes"),
                    ": ",
                    s.changes.length(),
                    weight="bold",
                ),
                rx.el.pre(
                    rx.foreach(s.changes, lambda line: rx.el.div(line)),
                    class_name="cp-diff",
                    id="diff",
                ),
                rx.el.label(t("knowledge.note"), html_for="publish-note", class_name="cp-label"),
                rx.input(
                    id="publish-note",
                    value=s.note,
                    on_change=s.set_note,
                    max_length=500,
                    width="100%",
                ),
                rx.hstack(
                    rx.button(
                        t("common.cancel"),
                        variant="soft",
                        color_scheme="gray",
                        on_click=s.cancel_upload,
                    ),
                    rx.button(
                        rx.icon("upload", size=14),
                        t("knowledge.publish"),
                        on_click=s.publish,
                        disabled=s.note.strip() == "",
                        id="publish",
                    ),
                    spacing="3",
                ),
                spacing="2",
                width="100%",
            ),
        ),
        style=styles.card,
        spacing="3",
    )


@page(
    "/admin/knowledge", title="knowledge.title", guard="admin", on_load=[KnowledgeAdminState.load]
)
def knowledge_page() -> rx.Component:
    s = KnowledgeAdminState
    return rx.vstack(
        page_title(
            "knowledge.title", rx.badge(t("knowledge.active"), " v", s.active_number, size="2")
        ),
        rx.text(t("knowledge.intro"), color=styles.MUTED_TEXT),
        callout(s.error, "red", "alert"),
        callout(s.message, "green", "status"),
        _publish_panel(),
        rx.vstack(
            rx.heading(t("knowledge.versions"), size="4", as_="h2"),
            data_table(
                [
                    "knowledge.col_version",
                    "knowledge.col_published",
                    "knowledge.col_by",
                    "knowledge.note",
                    "admin.col_status",
                ],
                rx.foreach(s.versions, _version_row),
            ),
            style=styles.card,
            spacing="3",
        ),
        rx.vstack(
            rx.hstack(
                rx.heading(t("knowledge.entries"), size="4", as_="h2"),
                rx.cond(
                    s.stale_total > 0,
                    rx.badge(s.stale_total, " ", t("knowledge.stale_count"), color_scheme="orange"),
                ),
                align="center",
                spacing="3",
            ),
            rx.text(t("knowledge.stale_hint"), size="2", color=styles.MUTED_TEXT),
            rx.hstack(
                rx.el.select(
                    *[rx.el.option(t(f"knowledge.kind.{k}"), value=k) for k in KIND_FILTERS],
                    value=s.kind_filter,
                    on_change=s.set_kind_filter,
                    class_name="cp-native-select",
                    aria_label=t("knowledge.filter_kind"),
                ),
                rx.el.label(
                    rx.el.input(type="checkbox", checked=s.stale_only, on_change=s.set_stale_only),
                    " ",
                    t("knowledge.stale_only"),
                    class_name="cp-check",
                ),
                spacing="4",
                align="center",
            ),
            data_table(
                [
                    "knowledge.col_kind",
                    "knowledge.col_entry",
                    "knowledge.col_source",
                    "knowledge.col_checked",
                ],
                rx.foreach(s.shown_entries, _entry_row),
                id="entries",
            ),
            style=styles.card,
            spacing="3",
        ),
        confirm_dialog(
            is_open=s.confirm_id != 0,
            title=t("knowledge.rollback"),
            subject="v" + s.confirm_number.to(str),
            body=t("knowledge.confirm_rollback"),
            confirm_label=t("knowledge.rollback"),
            on_cancel=s.cancel_rollback,
            on_confirm=s.rollback,
            color_scheme="orange",
        ),
        spacing="4",
        width="100%",
    )
