"""The Japanese and English catalogs have the same keys, no empty values, the same placeholders,
and every key the code asks for exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

from certportal.i18n.catalog import LOCALES, messages

PKG = Path(__file__).resolve().parents[2] / "certportal"


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_catalogs_have_identical_keys() -> None:
    ja, en = messages("ja"), messages("en")
    assert set(ja) - set(en) == set(), "keys only in ja"
    assert set(en) - set(ja) == set(), "keys only in en"


def test_no_empty_values() -> None:
    for locale in LOCALES:
        empty = [k for k, v in messages(locale).items() if not v.strip()]
        assert empty == [], f"{locale}: empty values for {empty}"


def test_placeholders_match() -> None:
    ja, en = messages("ja"), messages("en")
    mismatched = [k for k in en if _placeholders(en[k]) != _placeholders(ja[k])]
    assert mismatched == []


def test_japanese_catalog_is_japanese() -> None:
    """A copied English text in the ja catalog is a missing translation."""
    ja, en = messages("ja"), messages("en")
    same = [k for k in en if ja[k] == en[k] and re.search(r"[A-Za-z]{4,}", en[k])]
    assert same == ["app.name", "wizard.owner.microsoft"]  # proper nouns


def test_every_key_used_in_code_exists() -> None:
    pattern = re.compile(
        r"(?:\bt|_tr|Error|Denied|Input|Conflict|NotFound|hint_key=|notice =)"
        r"""\(?\s*"([a-z_]+\.[a-z_.]+)\""""
    )
    used: set[str] = set()
    for path in PKG.rglob("*.py"):
        used.update(pattern.findall(path.read_text(encoding="utf-8")))
    missing = sorted(used - set(messages("en")))
    assert used, "no keys found: the scan is broken"
    assert missing == []
