"""Compare a Learn transcript with a person's inventory. Pure.

Four groups come out, and the preview shows each:
- **new**: active on Learn, not in the inventory — added on confirmation, marked visible on Learn;
- **matched**: on Learn and in the inventory — marked visible on Learn today; the certification
  number is filled in when missing and the expiry date taken from Learn when it differs (a renewal);
- **history**: only in Learn's history (expired or retired) and not in the inventory — listed, added
  only when the person asks for it;
- **not_on_learn**: in the inventory, absent from this transcript — the wizard's trigger; marked
  "not visible on Learn" on confirmation.

Learn certifications are matched to the catalog by name (English or Japanese, case and width
folded, with or without the "Microsoft Certified:" prefix); one the catalog does not know becomes an
"other" credential with Learn's name. Inventory entries are matched one to one: same certification
(or the same free name), the same certification number first, else the nearest earned date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from certportal.credentials import expiry
from certportal.credentials.rules import CatalogEntry, CredentialData, ExamPass, Tri, fold
from certportal.learn.transcript import LearnCertification, Transcript


@dataclass(frozen=True)
class Existing:
    id: int
    version: int
    data: CredentialData
    name: str


@dataclass(frozen=True)
class NewItem:
    learn: LearnCertification
    data: CredentialData
    in_catalog: bool


@dataclass(frozen=True)
class MatchedItem:
    learn: LearnCertification
    existing: Existing
    data: CredentialData  # the credential as it will be saved
    changes: tuple[str, ...]  # "on_learn", "certification_number", "expires_on"


@dataclass(frozen=True)
class Preview:
    new: tuple[NewItem, ...]
    matched: tuple[MatchedItem, ...]
    history: tuple[NewItem, ...]
    not_on_learn: tuple[Existing, ...]
    fingerprint: tuple[tuple[int, int], ...]  # (id, version) of the inventory compared

    @property
    def empty(self) -> bool:
        return not (self.new or self.matched or self.history or self.not_on_learn)


def _short(name: str) -> str:
    """The name without its "Microsoft Certified:" style prefix."""
    head, sep, tail = name.partition(":")
    return fold(tail) if sep and ("certified" in fold(head) or "認定" in head) else fold(name)


def catalog_index(catalog: Mapping[str, CatalogEntry]) -> dict[str, str]:
    """Folded names (full and short, both languages) → catalog id; ambiguous short names dropped."""
    index: dict[str, str] = {}
    shorts: dict[str, set[str]] = {}
    for entry in catalog.values():
        for name in (entry.name_en, entry.name_ja):
            index[fold(name)] = entry.id
            shorts.setdefault(_short(name), set()).add(entry.id)
    for short, ids in shorts.items():
        if len(ids) == 1:
            index.setdefault(short, next(iter(ids)))
    return index


def catalog_id_for(name: str, index: Mapping[str, str]) -> str | None:
    return index.get(fold(name)) or index.get(_short(name))


def _exams_for(
    entry: CatalogEntry | None, transcript: Transcript, earned: date
) -> tuple[ExamPass, ...]:
    if entry is None:
        return ()
    found: list[ExamPass] = []
    for code in entry.exams:
        dates = [
            e.passed_on
            for e in transcript.exams
            if e.code == code and (e.passed_on is None or e.passed_on <= earned)
        ]
        known = [d for d in dates if d is not None]
        found.append(ExamPass(code, max(known) if known else None))
    return tuple(found)


def _rule_expiry(entry: CatalogEntry | None, earned: date) -> date | None:
    if entry is None:
        return None
    return expiry.expires_on(earned, expires=entry.expires, years=entry.years)


def _new_data(
    learn: LearnCertification,
    cert_id: str | None,
    catalog: Mapping[str, CatalogEntry],
    transcript: Transcript,
    today: date,
) -> CredentialData:
    entry = catalog.get(cert_id) if cert_id else None
    earned = learn.earned_on or today
    # keep Learn's expiry only where the rule would say otherwise (renewed, legacy two-year)
    expires = learn.expires_on if learn.expires_on != _rule_expiry(entry, earned) else None
    if expires is not None and expires <= earned:
        expires = None
    return CredentialData(
        certification_id=cert_id or "",
        other_name="" if cert_id else learn.name[:200],
        exams=_exams_for(entry, transcript, earned),
        provider="unknown",
        earned_on=earned,
        expires_on=expires,
        certification_number=learn.certification_number[:64],
        on_learn=Tri.YES,
        on_learn_seen_on=today,
    )


def _key(cert_id: str | None, learn_name: str) -> str:
    return f"id:{cert_id}" if cert_id else f"name:{fold(learn_name)}"


def _existing_key(item: Existing) -> str:
    if item.data.certification_id:
        return f"id:{item.data.certification_id}"
    return f"name:{fold(item.data.other_name)}"


def _pick(candidates: list[Existing], learn: LearnCertification) -> Existing:
    if learn.certification_number:
        for item in candidates:
            if item.data.certification_number == learn.certification_number:
                return item
    earned = learn.earned_on
    if earned is None:
        return candidates[0]
    return min(candidates, key=lambda c: abs((c.data.earned_on - earned).days))


def _matched(
    learn: LearnCertification, item: Existing, today: date
) -> tuple[CredentialData, tuple[str, ...]]:
    data = item.data
    changes: list[str] = []
    if data.on_learn is not Tri.YES or data.on_learn_seen_on != today:
        changes.append("on_learn")
    data = replace(data, on_learn=Tri.YES, on_learn_seen_on=today)
    if not data.certification_number and learn.certification_number:
        data = replace(data, certification_number=learn.certification_number[:64])
        changes.append("certification_number")
    if (
        learn.expires_on is not None
        and learn.expires_on != data.expires_on
        and learn.expires_on > data.earned_on
        and not learn.historical
    ):
        data = replace(data, expires_on=learn.expires_on)
        changes.append("expires_on")
    return data, tuple(changes)


def compare(
    transcript: Transcript,
    inventory: Sequence[Existing],
    *,
    catalog: Mapping[str, CatalogEntry],
    today: date,
) -> Preview:
    index = catalog_index(catalog)
    pool: dict[str, list[Existing]] = {}
    for item in inventory:
        pool.setdefault(_existing_key(item), []).append(item)
    seen: set[str] = set()
    new: list[NewItem] = []
    history: list[NewItem] = []
    matched: list[MatchedItem] = []
    # active certifications first, so a history entry of the same certification adds nothing
    ordered = sorted(transcript.certifications, key=lambda c: c.historical)
    for learn in ordered:
        cert_id = catalog_id_for(learn.name, index)
        key = _key(cert_id, learn.name)
        candidates = pool.get(key, [])
        if candidates:
            item = _pick(candidates, learn)
            candidates.remove(item)
            data, changes = _matched(learn, item, today)
            matched.append(MatchedItem(learn, item, data, changes))
            seen.add(key)
            continue
        if learn.historical and key in seen:
            continue
        seen.add(key)
        target = history if learn.historical else new
        data = _new_data(learn, cert_id, catalog, transcript, today)
        target.append(NewItem(learn, data, cert_id is not None))
    missing = tuple(item for items in pool.values() for item in items)
    return Preview(
        new=tuple(new),
        matched=tuple(matched),
        history=tuple(history),
        not_on_learn=tuple(sorted(missing, key=lambda e: e.id)),
        fingerprint=tuple(sorted((e.id, e.version) for e in inventory)),
    )
