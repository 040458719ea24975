"""Message catalogs (pure): one JSON file per locale, identical keys, no empty values."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

LOCALES: tuple[str, ...] = ("ja", "en")
FALLBACK = "en"
MESSAGES_DIR = Path(__file__).parent / "messages"


class CatalogError(ValueError):
    pass


@cache
def messages(locale: str) -> dict[str, str]:
    """All messages of a locale (unknown locales fall back to English)."""
    if locale not in LOCALES:
        locale = FALLBACK
    path = MESSAGES_DIR / f"{locale}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise CatalogError(f"{path}: must be an object of string keys to string values")
    return data


def translate(locale: str, key: str, /, **params: Any) -> str:
    """The message for ``key`` with ``{name}`` placeholders filled; the key itself if unknown."""
    text = messages(locale).get(key) or messages(FALLBACK).get(key) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def normalize_locale(value: str | None, default: str) -> str:
    value = (value or "").strip().lower()
    for locale in LOCALES:
        if value == locale or value.startswith(locale + "-") or value.startswith(locale + "_"):
            return locale
    return default


def locale_from_accept_language(header: str | None, default: str) -> str:
    """The first of our locales the browser asks for, by quality; ``default`` if none."""
    if not header:
        return default
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        piece = part.strip()
        if not piece:
            continue
        tag, _, rest = piece.partition(";")
        quality = 1.0
        rest = rest.strip()
        if rest.startswith("q="):
            try:
                quality = float(rest[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, index, tag.strip().lower()))
    for negative_quality, _, tag in sorted(ranked):
        if negative_quality >= 0:
            continue
        for locale in LOCALES:
            if tag == locale or tag.startswith(locale + "-"):
                return locale
    return default
