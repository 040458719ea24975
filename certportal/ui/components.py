"""Shared components."""

from __future__ import annotations

from typing import Any

import reflex as rx

from certportal.ui import styles
from certportal.ui.text import t


def confirm_dialog(
    *,
    is_open: rx.Var[bool],
    title: rx.Var[str] | rx.Component,
    subject: rx.Var[str],
    body: rx.Var[str] | rx.Component,
    confirm_label: rx.Var[str] | rx.Component,
    on_cancel: Any,
    on_confirm: Any,
    color_scheme: Any = "red",
) -> rx.Component:
    """Ask before a destructive or far-reaching action: "<subject>: <body>", Cancel / confirm."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(rx.text(subject, ": ", body)),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        t("common.cancel"), variant="soft", color_scheme="gray", on_click=on_cancel
                    )
                ),
                rx.alert_dialog.action(
                    rx.button(confirm_label, color_scheme=color_scheme, on_click=on_confirm)
                ),
                justify="end",
                spacing="3",
                margin_top=styles.SPACE_4,
            ),
        ),
        open=is_open,
    )
