"""A readable diff between two versions of a knowledge document. Pure.

Lists of entries with an ``id`` are matched by id (moving an entry is not a change); other lists
are compared item by item. Each change names the entry and the field, with old and new values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

ChangeKind = Literal["added", "removed", "changed"]
_MISSING = object()


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    entry: str
    field: str
    old: str
    new: str

    def line(self) -> str:
        where = f"{self.entry} · {self.field}" if self.field else self.entry
        if self.kind == "changed":
            return f"~ {where}: {self.old} → {self.new}"
        sign = "+" if self.kind == "added" else "-"
        return f"{sign} {where}"


LIMIT = 300


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= LIMIT else text[: LIMIT - 3] + "…"


def _window(old: str, new: str) -> tuple[str, str]:
    """Long texts: show each around the first difference, so the change is visible."""
    if len(old) <= LIMIT and len(new) <= LIMIT:
        return old, new
    start = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), None)
    if start is None:
        start = min(len(old), len(new))
    begin = max(0, start - 60)

    def cut(text: str) -> str:
        piece = text[begin : begin + LIMIT - 80]
        return ("…" if begin else "") + piece + ("…" if begin + len(piece) < len(text) else "")

    return cut(old), cut(new)


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    if items and all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items):
        return {i["id"]: i for i in items}
    return None


def _walk(old: Any, new: Any, entry: str, field: str, out: list[Change]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        here = entry
        if isinstance(new.get("id"), str) and new.get("id") == old.get("id"):
            here, field = f"{entry}/{new['id']}" if entry else new["id"], ""
        for key in sorted(set(old) | set(new), key=lambda k: (k not in old, str(k))):
            sub = f"{field}.{key}" if field else str(key)
            a, b = old.get(key, _MISSING), new.get(key, _MISSING)
            if a is _MISSING:
                out.append(Change("added", here, sub, "", _show(b)))
            elif b is _MISSING:
                out.append(Change("removed", here, sub, _show(a), ""))
            else:
                _walk(a, b, here, sub, out)
        return
    if isinstance(old, list) and isinstance(new, list):
        a_keys, b_keys = _keyed(old), _keyed(new)
        if a_keys is not None and b_keys is not None:
            prefix = f"{entry}/" if entry else ""
            for key in a_keys:
                if key not in b_keys:
                    out.append(Change("removed", f"{prefix}{key}", "", _show(a_keys[key]), ""))
            for key, item in b_keys.items():
                if key not in a_keys:
                    out.append(Change("added", f"{prefix}{key}", "", "", _show(item)))
                else:
                    _walk(a_keys[key], item, entry, field, out)
            return
        for i in range(max(len(old), len(new))):
            sub = f"{field}[{i}]"
            if i >= len(old):
                out.append(Change("added", entry, sub, "", _show(new[i])))
            elif i >= len(new):
                out.append(Change("removed", entry, sub, _show(old[i]), ""))
            else:
                _walk(old[i], new[i], entry, sub, out)
        return
    if old != new:
        if isinstance(old, str) and isinstance(new, str):
            shown_old, shown_new = _window(old, new)
        else:
            shown_old, shown_new = _show(old), _show(new)
        out.append(Change("changed", entry, field, shown_old, shown_new))


def diff_texts(old_text: str, new_text: str) -> list[Change]:
    """Changes from one JSON document to another (both already validated)."""
    changes: list[Change] = []
    _walk(json.loads(old_text), json.loads(new_text), "", "", changes)
    return changes
