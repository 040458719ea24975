"""The "my data" page."""

from __future__ import annotations

import reflex as rx

from certportal.mydata.state import MyDataState
from certportal.ui import styles
from certportal.ui.components import callout
from certportal.ui.layout import page, page_title
from certportal.ui.text import t


@page("/me/data", title="mydata.title", on_load=[MyDataState.load])
def my_data_page() -> rx.Component:
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
        spacing="4",
        width="100%",
        max_width="820px",
    )
