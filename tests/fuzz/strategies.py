"""Input generators shared by the fuzz tests: hostile text, mutations of valid values, JSON."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

# Characters that break naive validators: C0/C1 controls, line and paragraph separators, bidi
# overrides and isolates, zero-width and invisible ones, a BOM, full-width digits and
# punctuation, characters NFKC or casefold make longer (ﷺ, ß, İ, ﬃ, ㍿), a combining mark.
NASTY = (
    "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x80\x85\x9f\xa0\xad"
    "\u0300\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\u3000\ufeff\ufff9\ufffc\ufffd"
    "０１２３４５６７８９－／．：＠，；＝＋"
    "\ufdfa\u00df\u0130\ufb03\u337f\U0001f600\U000e0041"
    "=+-@'\",;:/\\%_ ()[]{}<>"
)
# surrogate-free text (what a browser form, a JSON string or a UTF-8 file can hold)
any_char = st.characters(codec="utf-8")
# NUL gets a share of its own: PostgreSQL refuses it in any text, so it finds unguarded paths
nasty_char = st.one_of(st.just("\x00"), st.sampled_from(NASTY))


def text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Any text, with a generous share of the hostile characters above."""
    return st.text(st.one_of(nasty_char, any_char), max_size=max_size)


# repeat counts just past the limits fields have (64, 100, 120, 200, 254, 300, 2,000, 20,000)
REPEATS = (33, 65, 101, 121, 201, 255, 301, 2001, 20_001)


def huge() -> st.SearchStrategy[str]:
    """A short piece repeated past one of the fields' limits."""
    return st.builds(
        lambda piece, n: (piece or "x") * n, text(max_size=4), st.sampled_from(REPEATS)
    )


@st.composite
def mutated(draw: st.DrawFn, samples: Sequence[str]) -> str:
    """A valid sample with hostile edits: characters inserted, replaced or deleted, its digits
    made full-width, padded, doubled or cut."""
    value = draw(st.sampled_from(list(samples)))
    for _ in range(draw(st.integers(0, 3))):
        how = draw(st.sampled_from(["insert", "replace", "delete", "wide", "pad", "twice", "cut"]))
        at = draw(st.integers(0, len(value)))
        if how == "insert":
            value = value[:at] + draw(text(max_size=3)) + value[at:]
        elif how == "replace" and value:
            at = min(at, len(value) - 1)
            value = value[:at] + draw(st.one_of(nasty_char, any_char)) + value[at + 1 :]
        elif how == "delete":
            value = value[:at] + value[at + 1 :]
        elif how == "wide":
            value = value.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
        elif how == "pad":
            value = draw(st.sampled_from([" ", "\t", "\u3000", "\n", "\ufeff"])) + value + " "
        elif how == "twice":
            value = value + value
        else:
            value = value[:at]
    return value


def field_text(samples: Sequence[str] = ()) -> st.SearchStrategy[str]:
    """What a form field may receive: anything, something near a valid value, or a huge text."""
    if not samples:
        return st.one_of(text(), huge())
    near = mutated(samples)
    return st.one_of(near, text(), near, st.sampled_from(list(samples)), huge())


def json_values(max_leaves: int = 30) -> st.SearchStrategy[Any]:
    """Any JSON value (floats include huge ones; text is hostile)."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        text(),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=5), st.dictionaries(text(max_size=12), inner, max_size=5)
        ),
        max_leaves=max_leaves,
    )


# values that confuse a reader expecting something else: wrong types, limits of integers and
# floats, NUL, the calendar's first and last days, a timestamp far east of UTC, a long text
HOSTILE: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    2**31,
    2**63,
    10**30,
    1e308,
    -1e308,
    0.5,
    "",
    "\x00",
    "x\x00y",
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:59",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2026-02-30",
    [],
    [None],
    [1, 2],
    {},
    {"a": 1},
    "a" * 5000,
]


@st.composite
def json_mutation(draw: st.DrawFn, document: Any, keys: Sequence[str] = ()) -> Any:
    """``document`` with a few random edits anywhere in its tree: a value replaced by any JSON
    value (or by a hostile version of itself), a key removed or added, a list entry dropped or
    duplicated."""
    doc = json.loads(json.dumps(document))
    for _ in range(draw(st.integers(1, 4))):
        paths = list(_paths(doc))
        path = draw(st.sampled_from(paths))
        parent, key = _locate(doc, path)
        if parent is None:
            return draw(json_values())
        value = parent[key]
        how = draw(st.sampled_from(["replace", "tweak", "drop", "add", "dup"]))
        if how == "replace":
            parent[key] = draw(st.one_of(st.sampled_from(HOSTILE), json_values(max_leaves=8)))
        elif how == "tweak":
            if isinstance(value, str):
                parent[key] = draw(mutated([value]))
            elif isinstance(value, bool):
                parent[key] = not value
            elif isinstance(value, int | float):
                parent[key] = draw(
                    st.sampled_from(
                        [0, -1, value + 1, -value, 2**31, 2**63, 10**20, 1e308, 0.5, str(value)]
                    )
                )
            else:
                parent[key] = draw(json_values(max_leaves=4))
        elif how == "drop":
            del parent[key]
        elif how == "add" and isinstance(parent, dict):
            name = draw(st.one_of(st.sampled_from(list(keys) or ["x"]), text(max_size=10)))
            parent[name] = draw(json_values(max_leaves=4))
        elif how == "dup" and isinstance(parent, list):
            parent.insert(key, json.loads(json.dumps(value)))
    return doc


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Any:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _locate(doc: Any, path: tuple[Any, ...]) -> tuple[Any, Any]:
    if not path:
        return None, None
    node = doc
    for part in path[:-1]:
        node = node[part]
    return node, path[-1]


def controls(value: str, *, allowed: str = "") -> list[str]:
    """The control characters (Unicode category Cc) in ``value`` other than ``allowed``."""
    return [c for c in value if unicodedata.category(c) == "Cc" and c not in allowed]


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")
