"""``t("key")``: the message in the current language, as a reactive Var.

Keys are checked when the page is compiled, so a typo fails the build, not the user.
"""

from __future__ import annotations

import reflex as rx

from certportal.auth.state import AppState
from certportal.i18n.catalog import messages


def t(key: str) -> rx.Var[str]:
    if key not in messages("en"):
        raise KeyError(f"unknown message key: {key}")
    return AppState.m[key].to(str)


def t_var(key_var: rx.Var[str]) -> rx.Var[str]:
    """The message whose key is held in a state var (e.g. a notice)."""
    return AppState.m[key_var].to(str)


def lt(texts: rx.Var) -> rx.Var[str]:
    """A ``{"ja": …, "en": …}`` text from a state payload, in the current language."""
    return texts.to(dict)[AppState.locale].to(str)
