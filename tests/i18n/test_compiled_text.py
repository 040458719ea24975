"""Messages are compiled into the pages (``ui.text``), not carried in the page state.

A page opening sends the state to the browser; the catalogs (67 KB) used to be part of it.
Now ``t()`` compiles to ``{"ja": …, "en": …}[locale]`` and ``t_var`` to a table of the keys
with the given prefixes: these tests pin that, and that every key a ``t_var`` site can be
given is in its table.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import reflex as rx

import certportal.certportal  # noqa: F401  (registers every state and page)
from certportal.auth.state import NOTICES, AppState
from certportal.i18n.catalog import messages
from certportal.ui.text import keys_with, t, t_var

PKG = Path(__file__).resolve().parents[2] / "certportal"


def _js(var: rx.Var) -> str:
    return str(var)


def test_t_compiles_both_languages_chosen_by_the_locale_var() -> None:
    js = json.loads(json.dumps(_js(t("nav.home"))))
    assert "locale" in js
    for locale in ("ja", "en"):
        text = messages(locale)["nav.home"]
        assert json.dumps(text)[1:-1] in js


def test_t_refuses_an_unknown_key_at_compile_time() -> None:
    with pytest.raises(KeyError):
        t("nav.no_such_key")


def test_t_var_holds_only_the_keys_with_its_prefixes() -> None:
    js = _js(t_var(AppState.notice, "cases.done."))
    assert all(f'"{k}"' in js for k in keys_with(["cases.done."]))
    assert '"nav.home"' not in js and '"cases.saved"' not in js
    with pytest.raises(ValueError):
        t_var(AppState.notice)
    with pytest.raises(KeyError):
        t_var(AppState.notice, "no.such.prefix.")


def test_the_page_state_does_not_carry_the_catalogs() -> None:
    fields = set(AppState.get_fields())
    assert "m" not in fields
    state = AppState(_reflex_internal_init=True).dict(initial=True)  # with every substate
    initial = json.dumps(state, default=str, ensure_ascii=False)
    assert messages("ja")["nav.home"] not in initial
    assert messages("en")["error.page_unavailable"] not in initial
    assert len(initial.encode()) < 20_000  # was over 80 KB with the catalog in it


def test_every_notice_is_a_message_and_nothing_else_can_be_set() -> None:
    assert all(k in messages("en") for k in NOTICES)
    app = AppState(_reflex_internal_init=True)
    with pytest.raises(ValueError):
        app._notify("cases.saved")
    app._notify("mydata.delete.done")
    assert app.notice == "mydata.delete.done"


# Each t_var site whose key comes from code rather than from a fixed prefix + value: the keys
# that code can produce (string literals where it sets them) must be in the site's table.
SOURCES: list[tuple[str, str, tuple[str, ...]]] = [
    ("identity/rules.py", r"found\.append\(\s*\"([^\"]+)\"", ("identity.warn.",)),
    (
        "credentials/present.py",
        r"\"(credentials\.import\.will_[a-z_]+)\"",
        ("credentials.import.",),
    ),
    (
        "credentials/rules.py",
        r"\"(credentials\.error\.[a-z_]+)\"",
        ("credentials.error.", "credentials.csv.error."),
    ),
    (
        "credentials/csvio.py",
        r"RowError\([^)]*\"([a-z_.]+)\"\)",
        ("credentials.error.", "credentials.csv.error."),
    ),
    ("cases/state.py", r"(?:done_key=|notice_key = )\"([^\"]+)\"", ("cases.done.", "cases.saved")),
    ("cases/state.py", r"\"(cases\.done\.[a-z_]+)\"", ("cases.done.", "cases.saved")),
]


@pytest.mark.parametrize(("module", "pattern", "prefixes"), SOURCES)
def test_keys_set_in_code_are_in_their_sites_table(
    module: str, pattern: str, prefixes: tuple[str, ...]
) -> None:
    found = set(re.findall(pattern, (PKG / module).read_text(encoding="utf-8")))
    assert found, f"{module}: the pattern no longer finds the keys it should check"
    table = set(keys_with(prefixes))
    assert found - table == set(), f"{module}: keys the page would not show"


def test_every_notice_set_in_code_is_a_notice() -> None:
    literals: set[str] = set()
    for path in PKG.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        literals |= set(re.findall(r"_(?:notify|signed_out)\(\s*\"([^\"]+)\"", text))
        assert not re.search(r"self\.notice = \"[^\"]", text), f"{path}: set notices with _notify"
    assert literals and literals <= set(NOTICES)
