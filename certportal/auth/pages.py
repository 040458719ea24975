"""Sign-in and sign-up pages."""

from __future__ import annotations

import reflex as rx

from certportal.auth.state import CallbackState, SignInState, SignUpState
from certportal.ui import styles
from certportal.ui.layout import logo, notice_banner, page
from certportal.ui.text import t


def _field(
    label_key: str,
    name: str,
    *,
    type_: str = "text",
    autocomplete: str = "",
    max_length: int = 254,
    hint_key: str | None = None,
) -> rx.Component:
    return rx.vstack(
        rx.el.label(t(label_key), html_for=name, style={"font_weight": "500", "font_size": "14px"}),
        rx.input(
            id=name,
            name=name,
            type=type_,
            auto_complete=autocomplete,
            required=True,
            max_length=max_length,
            size="3",
            width="100%",
        ),
        rx.text(t(hint_key), size="1", color=styles.MUTED_TEXT) if hint_key else rx.fragment(),
        spacing="1",
        width="100%",
    )


def _error(text: rx.Var[str]) -> rx.Component:
    return rx.cond(
        text != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("circle-alert")),
            rx.callout.text(text),
            color_scheme="red",
            role="alert",
            width="100%",
        ),
    )


def _panel(title_key: str, lead_key: str, *children: rx.Component) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.hstack(logo("36px"), rx.text("certportal", size="6", weight="bold"), align="center"),
            rx.heading(t(title_key), size="5", as_="h1"),
            rx.text(t(lead_key), color=styles.MUTED_TEXT, size="2"),
            *children,
            spacing="4",
            style=styles.auth_panel,
        ),
        padding_top="6vh",
        width="100%",
    )


@page("/login", title="auth.sign_in_title", guard="public", on_load=[SignInState.clear])
def login_page() -> rx.Component:
    return _panel(
        "auth.sign_in_title",
        "auth.sign_in_lead",
        notice_banner(),
        _error(SignInState.error),
        rx.cond(
            SignInState.microsoft,
            rx.vstack(
                rx.button(
                    rx.icon("building-2", size=16),
                    t("auth.with_microsoft"),
                    on_click=SignInState.with_microsoft,
                    size="3",
                    width="100%",
                    variant="outline",
                    id="sign-in-microsoft",
                ),
                rx.cond(
                    SignInState.local,
                    rx.text(t("auth.or_local"), size="1", color=styles.MUTED_TEXT, align="center"),
                ),
                width="100%",
                spacing="2",
            ),
        ),
        rx.cond(
            SignInState.local,
            rx.vstack(
                rx.form(
                    rx.vstack(
                        _field("auth.email", "email", type_="email", autocomplete="username"),
                        _field(
                            "auth.password",
                            "password",
                            type_="password",
                            autocomplete="current-password",
                            max_length=128,
                        ),
                        rx.button(
                            t("auth.sign_in"),
                            type="submit",
                            size="3",
                            width="100%",
                            loading=SignInState.busy,
                        ),
                        spacing="4",
                        width="100%",
                    ),
                    on_submit=SignInState.submit,
                    width="100%",
                ),
                rx.text(
                    t("auth.no_account"),
                    " ",
                    rx.link(t("auth.sign_up"), href="/signup"),
                    size="2",
                ),
                width="100%",
                spacing="4",
            ),
        ),
    )


@page(
    "/auth/callback", title="auth.sign_in_title", guard="public", on_load=[CallbackState.complete]
)
def callback_page() -> rx.Component:
    return _panel(
        "auth.sign_in_title",
        "auth.callback_lead",
        rx.cond(
            CallbackState.error != "",
            rx.vstack(
                rx.callout.root(
                    rx.callout.icon(rx.icon("circle-alert")),
                    rx.callout.text(CallbackState.error),
                    color_scheme="red",
                    role="alert",
                    width="100%",
                    id="callback-error",
                ),
                rx.link(t("auth.back_to_sign_in"), href="/login"),
                width="100%",
                spacing="3",
            ),
            rx.spinner(),
        ),
    )


@page("/signup", title="auth.sign_up_title", guard="public")
def signup_page() -> rx.Component:
    return _panel(
        "auth.sign_up_title",
        "auth.sign_up_lead",
        _error(SignUpState.error),
        rx.form(
            rx.vstack(
                _field("auth.display_name", "display_name", autocomplete="name", max_length=100),
                _field("auth.email", "email", type_="email", autocomplete="email"),
                _field(
                    "auth.password",
                    "password",
                    type_="password",
                    autocomplete="new-password",
                    max_length=128,
                    hint_key="auth.password_hint",
                ),
                _field(
                    "auth.password_confirm",
                    "password_confirm",
                    type_="password",
                    autocomplete="new-password",
                    max_length=128,
                ),
                rx.button(
                    t("auth.create_account"),
                    type="submit",
                    size="3",
                    width="100%",
                    loading=SignUpState.busy,
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=SignUpState.submit,
            width="100%",
        ),
        rx.text(t("auth.have_account"), " ", rx.link(t("auth.sign_in"), href="/login"), size="2"),
    )
