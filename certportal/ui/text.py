"""``t("key")``: the message in the current language, as a reactive Var.

The catalogs are compiled into the pages, not kept in the page state: a message is
``{"ja": …, "en": …}[locale]`` in the built frontend, so opening a page does not send the
catalog (67 KB) and switching language changes one var. Keys are checked when the page is
compiled, so a typo fails the build, not the user.
"""

from __future__ import annotations

from collections.abc import Iterable

import reflex as rx

from certportal.auth.state import AppState
from certportal.i18n.catalog import LOCALES, messages


def _texts(key: str) -> dict[str, str]:
    if key not in messages("en"):
        raise KeyError(f"unknown message key: {key}")
    return {locale: messages(locale)[key] for locale in LOCALES}


def t(key: str) -> rx.Var[str]:
    texts = _texts(key)
    if len(set(texts.values())) == 1:  # the same in every language (a name, a symbol)
        return rx.Var.create(texts["en"]).to(str)
    return rx.Var.create(texts).to(dict)[AppState.locale].to(str)


def keys_with(prefixes: Iterable[str]) -> list[str]:
    """The catalog's keys that start with one of ``prefixes`` (sorted)."""
    prefixes = tuple(prefixes)
    return sorted(k for k in messages("en") if k.startswith(prefixes))


def t_var(key_var: rx.Var[str], *prefixes: str) -> rx.Var[str]:
    """The message whose key is held in a state var (a notice, a channel, a status).

    Only the keys starting with one of ``prefixes`` are compiled into the page, so every key
    the var can hold must start with one of them; any other key shows nothing.
    """
    if not prefixes:
        raise ValueError("t_var needs the prefixes of the keys the var can hold")
    keys = keys_with(prefixes)
    if not keys:
        raise KeyError(f"no message key starts with {prefixes}")
    table = {locale: {k: messages(locale)[k] for k in keys} for locale in LOCALES}
    return rx.Var.create(table).to(dict)[AppState.locale].to(dict)[key_var].to(str)


def lt(texts: rx.Var) -> rx.Var[str]:
    """A ``{"ja": …, "en": …}`` text from a state payload, in the current language."""
    return texts.to(dict)[AppState.locale].to(str)
