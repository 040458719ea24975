"""View models for the inventory pages: plain dataclasses with texts in both languages. Pure.

Dates and names are given as ``{"ja": …, "en": …}`` so a page follows a language switch without
reloading; status, provider and level are message-key suffixes the page translates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

from certportal.credentials.expiry import LEGACY_BEFORE, ExpiryStatus
from certportal.credentials.matching import Existing, MatchedItem, NewItem, Preview
from certportal.credentials.rules import (
    PRIVATE_FIELDS,
    CatalogEntry,
    CredentialData,
    Row,
    Tri,
    needs_diagnosis,
    search_catalog,
    status_of,
)
from certportal.i18n.formatting import format_date

L = dict[str, str]
LOCALES = ("ja", "en")


def both(text: str) -> L:
    return {"ja": text, "en": text}


def day_text(day: date | None) -> L:
    return {k: format_date(day, k) if day else "" for k in LOCALES}


def name_of(data: CredentialData, entry: CatalogEntry | None) -> L:
    if entry is None:
        return both(data.other_name)
    return {"ja": entry.name_ja, "en": entry.name_en}


@dataclasses.dataclass
class CredItem:
    id: int = 0
    code: str = ""
    name: L = dataclasses.field(default_factory=dict)
    provider: str = "unknown"
    level: str = "other"
    status: str = "active"
    earned: L = dataclasses.field(default_factory=dict)
    expires: L = dataclasses.field(default_factory=dict)
    renewal_opens: L = dataclasses.field(default_factory=dict)
    on_learn: str = "unknown"
    counted: str = "unknown"
    diagnose: bool = False
    href: str = ""


def cred_item(row: Row, entry: CatalogEntry | None) -> CredItem:
    return CredItem(
        id=row.id,
        code=row.data.certification_id,
        name=name_of(row.data, entry),
        provider=row.data.provider,
        level=row.level,
        status=row.expiry.status.value,
        earned=day_text(row.data.earned_on),
        expires=day_text(row.expiry.expires_on),
        renewal_opens=day_text(row.expiry.renewal_opens_on),
        on_learn=row.data.on_learn.value,
        counted=row.data.counted.value,
        diagnose=needs_diagnosis(row.data, row.expiry),
        href=f"/credentials/{row.id}",
    )


@dataclasses.dataclass
class ExamItem:
    code: str = ""
    passed: L = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Detail:
    item: CredItem = dataclasses.field(default_factory=CredItem)
    exams: list[ExamItem] = dataclasses.field(default_factory=list)
    number: str = ""
    seen_on: L = dataclasses.field(default_factory=dict)
    notes: str = ""
    private: list[str] = dataclasses.field(default_factory=list)
    own_expiry: bool = False  # the person's date, not the catalog rule
    legacy: bool = False  # earned before June 2021: two-year validity at issue
    retired: L = dataclasses.field(default_factory=dict)
    in_catalog: bool = True


def detail(row: Row, entry: CatalogEntry | None) -> Detail:
    data = row.data
    return Detail(
        item=cred_item(row, entry),
        exams=[ExamItem(e.code, day_text(e.passed_on)) for e in data.exams],
        number=data.certification_number,
        seen_on=day_text(data.on_learn_seen_on),
        notes=data.notes,
        private=[f for f in PRIVATE_FIELDS if f in data.private],
        own_expiry=data.expires_on is not None,
        legacy=(
            entry is not None
            and entry.expires
            and data.expires_on is None
            and data.earned_on < LEGACY_BEFORE
        ),
        retired=day_text(entry.retired_on if entry else None),
        in_catalog=entry is not None,
    )


@dataclasses.dataclass
class AlertItem:
    id: int = 0
    name: L = dataclasses.field(default_factory=dict)
    kind: str = ""  # renewal_window | expires_soon
    expires: L = dataclasses.field(default_factory=dict)
    days: int = 0
    href: str = ""


@dataclasses.dataclass
class CertOption:
    id: str = ""
    name: L = dataclasses.field(default_factory=dict)
    level: str = ""
    exams: list[str] = dataclasses.field(default_factory=list)


def cert_option(entry: CatalogEntry) -> CertOption:
    return CertOption(
        id=entry.id,
        name={"ja": entry.name_ja, "en": entry.name_en},
        level=entry.level,
        exams=list(entry.exams),
    )


def cert_options(query: str, catalog: Mapping[str, CatalogEntry]) -> list[CertOption]:
    return [cert_option(e) for e in search_catalog(query, catalog)]


# --- Learn import preview --------------------------------------------------------------------


@dataclasses.dataclass
class ImportItem:
    name: L = dataclasses.field(default_factory=dict)
    code: str = ""
    number: str = ""
    earned: L = dataclasses.field(default_factory=dict)
    expires: L = dataclasses.field(default_factory=dict)
    note: str = ""  # message key: what happens on confirmation
    credential_id: int = 0


def _new(
    item: NewItem, catalog: Mapping[str, CatalogEntry], *, history: bool = False
) -> ImportItem:
    entry = catalog.get(item.data.certification_id)
    note = "credentials.import.will_add" if item.in_catalog else "credentials.import.will_add_other"
    return ImportItem(
        name=name_of(item.data, entry) if entry else both(item.learn.name),
        code=item.data.certification_id,
        number=item.learn.certification_number,
        earned=day_text(item.learn.earned_on),
        expires=day_text(item.learn.expires_on),
        note="credentials.import.will_add_if_ticked" if history else note,
    )


def _matched(item: MatchedItem, catalog: Mapping[str, CatalogEntry]) -> ImportItem:
    data = item.existing.data
    note = (
        "credentials.import.will_update_expiry"
        if "expires_on" in item.changes
        else "credentials.import.will_mark_seen"
    )
    return ImportItem(
        name=name_of(data, catalog.get(data.certification_id)),
        code=data.certification_id,
        number=item.learn.certification_number,
        earned=day_text(data.earned_on),
        expires=day_text(item.learn.expires_on),
        note=note,
        credential_id=item.existing.id,
    )


def _missing(item: Existing, catalog: Mapping[str, CatalogEntry], today: date) -> ImportItem:
    data = item.data
    entry = catalog.get(data.certification_id)
    return ImportItem(
        name=name_of(data, entry),
        code=data.certification_id,
        number=data.certification_number,
        earned=day_text(data.earned_on),
        expires=day_text(status_of(data, entry, today).expires_on),
        note="credentials.import.will_mark_missing",
        credential_id=item.id,
    )


@dataclasses.dataclass
class ImportView:
    new: list[ImportItem] = dataclasses.field(default_factory=list)
    matched: list[ImportItem] = dataclasses.field(default_factory=list)
    history: list[ImportItem] = dataclasses.field(default_factory=list)
    missing: list[ImportItem] = dataclasses.field(default_factory=list)
    user_name: str = ""
    legal_name: str = ""
    mcid: str = ""
    contact_email: str = ""
    exams: int = 0
    applied_skills: int = 0


def import_view(
    preview: Preview,
    catalog: Mapping[str, CatalogEntry],
    *,
    user_name: str,
    legal_name: str,
    mcid: str,
    contact_email: str,
    exams: int,
    applied_skills: int,
    today: date,
) -> ImportView:
    return ImportView(
        new=[_new(i, catalog) for i in preview.new],
        matched=[_matched(i, catalog) for i in preview.matched],
        history=[_new(i, catalog, history=True) for i in preview.history],
        missing=[_missing(i, catalog, today) for i in preview.not_on_learn],
        user_name=user_name,
        legal_name=legal_name,
        mcid=mcid,
        contact_email=contact_email,
        exams=exams,
        applied_skills=applied_skills,
    )


def status_key(status: ExpiryStatus | str) -> str:
    return f"credentials.status.{ExpiryStatus(status).value}"


def tri_key(value: Tri | str) -> str:
    return f"credentials.tri.{Tri(value).value}"
