"""The identity map page: one place for every account that decides where a certification shows."""

from __future__ import annotations

import reflex as rx

from certportal.identity.state import IdentityState
from certportal.ui import styles
from certportal.ui.components import busy_button, callout
from certportal.ui.layout import page, page_title
from certportal.ui.text import t, t_var

FIELDS: list[tuple[str, str, bool]] = [
    # (field, input type, multi-line)
    ("work_account", "email", False),
    ("personal_accounts", "text", True),
    ("learn_profiles", "text", True),
    ("mcid", "text", False),
    ("cert_profile_account", "email", False),
    ("certiport_username", "text", False),
    ("pc_user", "email", False),
    ("pc_mcid", "text", False),
]


def _field(name: str, kind: str, multi: bool) -> rx.Component:
    value = getattr(IdentityState.form, name)
    invalid = IdentityState.field == name
    control = (
        rx.text_area(
            id=f"id-{name}",
            name=name,
            default_value=value,
            rows="3",
            width="100%",
            max_length=1500,
            aria_describedby=f"id-{name}-hint",
        )
        if multi
        else rx.input(
            id=f"id-{name}",
            name=name,
            type=kind,
            default_value=value,
            width="100%",
            max_length=254,
            aria_describedby=f"id-{name}-hint",
        )
    )
    return rx.vstack(
        rx.el.label(t(f"identity.{name}"), html_for=f"id-{name}", class_name="cp-label"),
        rx.text(
            t(f"identity.{name}_hint"), size="1", color=styles.MUTED_TEXT, id=f"id-{name}-hint"
        ),
        control,
        rx.cond(invalid, rx.text(IdentityState.error, color=styles.DANGER, size="2")),
        rx.el.label(
            rx.el.input(
                type="checkbox",
                name=f"private_{name}",
                default_checked=IdentityState.form.private.contains(name),
            ),
            " ",
            t("identity.private"),
            # eight of these: each says which field it keeps private
            rx.el.span(" — ", t(f"identity.{name}"), class_name="cp-visually-hidden"),
            class_name="cp-check",
        ),
        spacing="1",
        width="100%",
        class_name=rx.cond(invalid, "cp-field cp-has-error", "cp-field"),
    )


@page("/identity", title="identity.title", on_load=[IdentityState.load])
def identity_page() -> rx.Component:
    return rx.vstack(
        page_title("identity.title"),
        rx.text(t("identity.intro"), color=styles.MUTED_TEXT),
        rx.foreach(
            IdentityState.warnings,
            lambda key: rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert")),
                rx.callout.text(t_var(key, "identity.warn.")),
                color_scheme="amber",
                class_name="cp-identity-warning",
                width="100%",
            ),
        ),
        callout(rx.cond(IdentityState.field == "", IdentityState.error, ""), "red", "alert"),
        callout(rx.cond(IdentityState.saved, t("identity.saved"), ""), "green", "status"),
        rx.form(
            rx.vstack(
                rx.grid(
                    *[_field(*spec) for spec in FIELDS],
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="5",
                    width="100%",
                ),
                rx.text(t("identity.private_note"), size="1", color=styles.MUTED_TEXT),
                busy_button(
                    t("common.save"),
                    busy=IdentityState.busy,
                    icon="save",
                    type="submit",
                    id="identity-save",
                ),
                spacing="4",
                align="start",
                width="100%",
            ),
            on_submit=IdentityState.save,
            no_validate=True,
            key=IdentityState.form_key.to(str),
            style=styles.card,
        ),
        spacing="4",
        width="100%",
    )
