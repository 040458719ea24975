"""The "my data" page."""

from __future__ import annotations

import reflex as rx

from certportal.mydata.state import MyDataState
from certportal.ui import styles
from certportal.ui.components import callout, confirm_dialog, field_label
from certportal.ui.layout import page, page_title
from certportal.ui.text import t


@page("/me/data", title="mydata.title", on_load=[MyDataState.load])
def my_data_page() -> rx.Component:
    s = MyDataState
    return rx.vstack(
        page_title("mydata.title"),
        rx.text(t("mydata.intro"), color=styles.MUTED_TEXT),
        callout(MyDataState.message, "green", "status", id="mydata-message"),
        rx.vstack(
            rx.el.ul(
                rx.el.li(t("mydata.holds_person")),
                rx.el.li(t("mydata.holds_identity")),
                rx.el.li(t("mydata.holds_credentials")),
                rx.el.li(t("mydata.holds_diagnoses")),
                rx.el.li(t("mydata.holds_cases")),
                rx.el.li(t("mydata.holds_imports")),
                class_name="cp-ul",
            ),
            rx.text(t("mydata.not_held"), size="2", color=styles.MUTED_TEXT),
            rx.button(
                rx.icon("file-down", size=14),
                t("mydata.download"),
                on_click=MyDataState.download,
                id="mydata-download",
            ),
            style=styles.card,
            spacing="3",
        ),
        rx.cond(
            s.microsoft,
            rx.vstack(
                rx.heading(t("mydata.microsoft.title"), size="4", as_="h2"),
                rx.cond(
                    s.linked_as != "",
                    rx.text(
                        t("mydata.microsoft.linked_as"),
                        " ",
                        rx.code(s.linked_as),
                        id="microsoft-linked",
                    ),
                    rx.vstack(
                        rx.text(t("mydata.microsoft.intro"), size="2"),
                        rx.button(
                            rx.icon("link", size=14),
                            t("mydata.microsoft.link"),
                            on_click=s.link_microsoft,
                            variant="soft",
                            id="link-microsoft",
                        ),
                        spacing="2",
                    ),
                ),
                callout(s.link_error, "red", "alert"),
                style=styles.card,
                spacing="3",
                width="100%",
            ),
        ),
        rx.form(
            rx.vstack(
                rx.heading(t("mydata.delete.title"), size="4", as_="h2"),
                rx.text(t("mydata.delete.intro"), size="2"),
                field_label("mydata.delete.type_email", "confirm-email"),
                rx.el.input(
                    name="confirm_email",
                    id="confirm-email",
                    default_value=s.typed_email,
                    type="email",
                    autocomplete="off",
                    class_name="cp-input",
                ),
                callout(s.delete_error, "red", "alert", id="delete-error"),
                rx.button(
                    rx.icon("trash-2", size=14),
                    t("mydata.delete.button"),
                    color_scheme="red",
                    type="submit",
                    id="delete-account",
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=s.ask_delete,
            style=styles.card,
            width="100%",
        ),
        confirm_dialog(
            is_open=s.confirm_delete,
            title=t("mydata.delete.title"),
            subject=s.typed_email,
            body=t("mydata.delete.body"),
            confirm_label=t("mydata.delete.button"),
            on_cancel=s.cancel_delete,
            on_confirm=s.delete_account,
        ),
        spacing="4",
        width="100%",
        max_width="820px",
    )
