"""Shared components."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import VarData

from certportal.ui import styles
from certportal.ui.text import t


class DocumentLanguage(rx.Fragment):
    """Keeps ``<html lang>`` in step with the language shown: the page is built once (in the
    default language) and the language is chosen per person, so the document's ``lang`` follows
    it in the browser. Screen readers choose their voice by it; browsers fonts and line breaks."""

    language: rx.Var[str]

    def _exclude_props(self) -> list[str]:
        return [*super()._exclude_props(), "language"]

    def add_imports(self) -> dict[str, list[str]]:
        return {"react": ["useEffect"]}

    def add_hooks(self) -> list[str | rx.Var[Any]]:
        lang = str(self.language)
        return [
            rx.Var(
                f"useEffect(() => {{ document.documentElement.lang = {lang}; }}, [{lang}]);",
                _var_data=VarData.merge(self.language._get_all_var_data()),
            )
        ]


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
        # Escape closes it as Cancel does (the dialog is opened only by state, never by a trigger)
        on_open_change=lambda _open: on_cancel,
    )


def callout(text: rx.Var[str], scheme: str, role: str, **props: Any) -> rx.Component:
    """A message shown only when ``text`` is not empty: red alerts, green confirmations."""
    return rx.cond(
        text != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("circle-alert" if scheme == "red" else "circle-check")),
            rx.callout.text(text),
            color_scheme=scheme,
            role=role,
            width="100%",
            **props,
        ),
    )


def data_table(header_keys: list[str], body: rx.Component, **props: Any) -> rx.Component:
    """A compact table with localised column headers, scrolling sideways on narrow screens."""
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(t(key)) for key in header_keys])
            ),
            rx.table.body(body),
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        **props,
    )


def busy_button(
    label: rx.Var[str], *, busy: rx.Var[bool], icon: str | None = None, **props: Any
) -> rx.Component:
    """A button that shows a spinner and cannot be pressed twice while its action runs."""
    return rx.button(
        rx.cond(busy, rx.spinner(size="1"), rx.icon(icon, size=14) if icon else rx.fragment()),
        label,
        disabled=busy,
        **props,
    )


def value_badge(
    value: rx.Var[str], prefix: str, colors: dict[str, str], **props: Any
) -> rx.Component:
    """A badge saying ``value`` in words (message ``<prefix>.<value>``) in its colour."""
    return rx.match(
        value,
        *[(v, rx.badge(t(f"{prefix}.{v}"), color_scheme=c, **props)) for v, c in colors.items()],
        rx.badge(value),
    )


def field_label(key: str, html_for: str) -> rx.Component:
    """A form field's label (message ``key``) tied to the field's id."""
    return rx.el.label(t(key), html_for=html_for, class_name="cp-label")


def filter_select(
    label_key: str, select_id: str, options: list[Any], *, value: Any, on_change: Any
) -> rx.Component:
    """A labelled native select that filters or sorts a list as soon as it changes."""
    return rx.vstack(
        field_label(label_key, select_id),
        rx.el.select(
            *options,
            id=select_id,
            value=value,
            on_change=on_change,
            class_name="cp-native-select",
        ),
        spacing="1",
    )


def file_drop(label: rx.Var[str], *children: rx.Component, **props: Any) -> rx.Component:
    """A drop zone (``rx.upload.root``) with a "choose file" button among ``children``: the button
    is the keyboard's way in (the zone itself is no tab stop, it has no role to announce), and the
    hidden file input is named ``label`` for assistive technology (it takes no props itself)."""
    upload = rx.upload.root(*children, no_keyboard=True, **props)
    zone = upload.children[0]
    file_input = next(c for c in zone.children if getattr(c, "tag", None) == "input")
    file_input.custom_attrs["aria-label"] = label
    return upload
