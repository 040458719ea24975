"""Every knowledge entry as one browsing row: kind, id, title, sources, checked-on, stale. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from certportal.knowledge.schema import Bundle, Localized, Source, Sourced


@dataclass(frozen=True)
class Entry:
    kind: str  # certification | designation | question | outcome | warning | channel
    id: str
    title: Localized
    sources: tuple[Source, ...]
    checked_on: date
    stale: bool


def _row(kind: str, id_: str, title: Localized, item: Sourced, today: date) -> Entry:
    return Entry(kind, id_, title, tuple(item.sources), item.checked_on(), item.is_stale(today))


def entries(bundle: Bundle, today: date) -> list[Entry]:
    rows = [_row("certification", c.id, c.name, c, today) for c in bundle.catalog.certifications]
    for d in bundle.designations.designations:
        rows.append(_row("designation", d.id, d.name, d, today))
        for m in d.metrics:
            title = Localized(ja=f"{d.name.ja} · {m.name.ja}", en=f"{d.name.en} · {m.name.en}")
            rows.append(_row("designation", f"{d.id}/{m.id}", title, m, today))
    linkage = bundle.linkage
    rows += [_row("question", q.id, q.text, q, today) for q in linkage.questions]
    rows += [_row("outcome", o.id, o.title, o, today) for o in linkage.outcomes]
    rows += [_row("warning", w.id, w.text, w, today) for w in linkage.warnings]
    rows += [_row("channel", c.id, c.name, c, today) for c in linkage.channels]
    return rows
