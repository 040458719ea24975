"""A person's credentials as plain data: validation, status, filters and alerts. Pure.

A credential is one certification a person holds: a catalog certification (or "other" with a free
name), the exams passed, the delivery provider, when it was earned and when it expires (the catalog
rule unless the person gives the date Learn shows), its certification number, whether it is visible
on Learn and counted in Partner Center, notes, and what the person keeps private from team leads.

Input arrives as text (a form, a CSV row); ``validate`` collects every problem at once as
``FieldProblem`` (field, message key) so a form can mark each field and a CSV import can report
every row; ``clean`` raises the first as ``InvalidInput``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from certportal.credentials import expiry
from certportal.credentials.expiry import Expiry, ExpiryStatus
from certportal.errors import InvalidInput
from certportal.knowledge.schema import Catalog

PROVIDERS = ("pearson_vue", "certiport", "psi", "other", "unknown")
LEVELS = ("fundamentals", "associate", "expert", "specialty", "mos", "mce", "other")
# what a person may keep from team leads: the whole entry, or single fields of it
PRIVATE_FIELDS = ("entry", "certification_number", "notes")
FIELDS = (
    "certification",
    "other_name",
    "exams",
    "provider",
    "earned_on",
    "expires_on",
    "certification_number",
    "on_learn",
    "on_learn_seen_on",
    "counted",
    "notes",
    "private",
)
EARLIEST = date(1990, 1, 1)
MAX_EXAMS = 10
MAX_NAME = 200
MAX_NUMBER = 64
MAX_NOTES = 2000
MAX_VALIDITY_YEARS = 5
SORTS = ("expires", "earned", "name", "status")

_EXAM_CODE = re.compile(r"^[A-Z0-9]{1,6}(-[A-Z0-9]{1,6})?$")
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


class Tri(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ExamPass:
    code: str
    passed_on: date | None = None


@dataclass(frozen=True)
class CatalogEntry:
    """What the rules need of a catalog certification (built from the knowledge base)."""

    id: str
    exams: tuple[str, ...]
    name_ja: str
    name_en: str
    level: str
    expires: bool
    years: int | None = None
    retired_on: date | None = None

    def name(self, locale: str) -> str:
        return self.name_ja if locale == "ja" else self.name_en


def catalog_entries(catalog: Catalog) -> dict[str, CatalogEntry]:
    """The knowledge base's catalog as the rules need it, by id."""
    return {
        c.id: CatalogEntry(
            id=c.id,
            exams=tuple(c.exams),
            name_ja=c.name.ja,
            name_en=c.name.en,
            level=c.level,
            expires=c.validity.expires,
            years=c.validity.years,
            retired_on=c.retired_on,
        )
        for c in catalog.certifications
    }


@dataclass(frozen=True)
class CredentialData:
    certification_id: str = ""  # catalog id; "" means "other" with ``other_name``
    other_name: str = ""
    exams: tuple[ExamPass, ...] = ()
    provider: str = "unknown"
    earned_on: date = date(2000, 1, 1)
    expires_on: date | None = None  # the person's own date; None: the catalog rule decides
    certification_number: str = ""
    on_learn: Tri = Tri.UNKNOWN
    on_learn_seen_on: date | None = None
    counted: Tri = Tri.UNKNOWN
    notes: str = ""
    private: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class FieldProblem:
    field: str
    key: str


# --- text forms of values (shared by forms, CSV and the transcript import) ------------------


def parse_date(text: str) -> date:
    """2024-03-01, 2024/3/1 (what Excel in Japanese writes) or 2024.03.01; ValueError otherwise."""
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(text)
    year, month, day = (int(g) for g in match.groups())
    return date(year, month, day)


def format_exams(exams: Iterable[ExamPass]) -> str:
    return "; ".join(
        f"{e.code} {e.passed_on.isoformat()}" if e.passed_on else e.code for e in exams
    )


def format_private(private: Iterable[str]) -> str:
    return "; ".join(f for f in PRIVATE_FIELDS if f in set(private))


def fold(text: str) -> str:
    """Case- and width-insensitive key (ＡＺ－１０４ == az-104)."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def catalog_id(text: str, catalog: Mapping[str, CatalogEntry]) -> str | None:
    """The catalog id for an id typed in any case/width, or one of its exam codes (AZ-800)."""
    key = fold(text)
    if not key:
        return None
    for entry in catalog.values():
        if fold(entry.id) == key:
            return entry.id
    singles = [e.id for e in catalog.values() if any(fold(x) == key for x in e.exams)]
    return singles[0] if len(singles) == 1 else None


def search_catalog(
    query: str, catalog: Mapping[str, CatalogEntry], *, limit: int = 12
) -> list[CatalogEntry]:
    """Certifications whose id, exam codes or names (either language) contain the query;
    matches at the start of the id first. "az-1" finds AZ-104, "管理者" and "administrator" too."""
    key = fold(query)
    if not key:
        return []

    def rank(entry: CatalogEntry) -> tuple[int, str] | None:
        codes = [fold(entry.id), *(fold(x) for x in entry.exams)]
        if any(c.startswith(key) for c in codes):
            return (0, entry.id)
        if any(key in c for c in codes):
            return (1, entry.id)
        if key in fold(entry.name_en) or key in fold(entry.name_ja):
            return (2, entry.id)
        return None

    ranked = [(r, e) for e in catalog.values() if (r := rank(e)) is not None]
    ranked.sort(key=lambda pair: pair[0])
    return [e for _, e in ranked[:limit]]


# --- validation ------------------------------------------------------------------------------


def _text(
    value: str, limit: int, name: str, problems: list[FieldProblem], *, multiline: bool = False
) -> str:
    cleaned = value.replace("\r\n", "\n").strip()
    check = cleaned.replace("\n", "").replace("\t", "") if multiline else cleaned
    if _CONTROL.search(check) or (not multiline and ("\n" in check or "\t" in check)):
        problems.append(FieldProblem(name, "credentials.error.control_chars"))
        return ""
    if len(cleaned) > limit:
        problems.append(FieldProblem(name, f"credentials.error.too_long_{name}"))
        return ""
    return cleaned


def _date(
    value: str, name: str, problems: list[FieldProblem], today: date, *, future: bool = False
) -> date | None:
    if not value.strip():
        return None
    try:
        day = parse_date(value)
    except ValueError:
        problems.append(FieldProblem(name, "credentials.error.date_format"))
        return None
    if day < EARLIEST:
        problems.append(FieldProblem(name, "credentials.error.date_too_early"))
        return None
    if not future and day > today:
        problems.append(FieldProblem(name, "credentials.error.date_future"))
        return None
    return day


def _tri(value: str, name: str, problems: list[FieldProblem]) -> Tri:
    key = fold(value)
    aliases = {"": Tri.UNKNOWN, "はい": Tri.YES, "いいえ": Tri.NO, "不明": Tri.UNKNOWN}
    if key in aliases:
        return aliases[key]
    try:
        return Tri(key)
    except ValueError:
        problems.append(FieldProblem(name, "credentials.error.tri"))
        return Tri.UNKNOWN


def _exams(value: str, problems: list[FieldProblem], today: date) -> tuple[ExamPass, ...]:
    found: list[ExamPass] = []
    for part in (p.strip() for p in re.split(r"[;,、\n]", value)):
        if not part:
            continue
        bits = part.replace(":", " ").split()
        code = unicodedata.normalize("NFKC", bits[0]).upper()
        if not _EXAM_CODE.match(code) or len(bits) > 2:
            problems.append(FieldProblem("exams", "credentials.error.exam_format"))
            return ()
        passed = _date(bits[1], "exams", problems, today) if len(bits) == 2 else None
        if len(bits) == 2 and passed is None:
            return ()
        if any(e.code == code for e in found):
            problems.append(FieldProblem("exams", "credentials.error.exam_twice"))
            return ()
        found.append(ExamPass(code, passed))
    if len(found) > MAX_EXAMS:
        problems.append(FieldProblem("exams", "credentials.error.too_many_exams"))
        return ()
    return tuple(found)


def _private(value: str, problems: list[FieldProblem]) -> frozenset[str]:
    parts = {fold(p) for p in re.split(r"[;,\s]+", value) if p.strip()}
    unknown = parts - set(PRIVATE_FIELDS)
    if unknown:
        problems.append(FieldProblem("private", "credentials.error.private_unknown"))
        return frozenset()
    return frozenset(parts)


def validate(
    raw: Mapping[str, str], *, catalog: Mapping[str, CatalogEntry], today: date
) -> tuple[CredentialData | None, list[FieldProblem]]:
    """Every problem of the text input at once; the data only when there are none."""
    problems: list[FieldProblem] = []

    def get(name: str) -> str:
        return str(raw.get(name, "") or "")

    cert_text = get("certification").strip()
    cert_id = ""
    if cert_text and fold(cert_text) != "other":
        found = catalog_id(cert_text, catalog)
        if found is None:
            problems.append(
                FieldProblem("certification", "credentials.error.unknown_certification")
            )
        else:
            cert_id = found
    other_name = _text(get("other_name"), MAX_NAME, "other_name", problems) if not cert_id else ""
    if not cert_id and not cert_text and not other_name:
        problems.append(FieldProblem("certification", "credentials.error.certification_required"))
    elif not cert_id and fold(cert_text) == "other" and not other_name:
        problems.append(FieldProblem("other_name", "credentials.error.other_name_required"))

    exams = _exams(get("exams"), problems, today)
    provider = fold(get("provider")).replace(" ", "_") or "unknown"
    if provider not in PROVIDERS:
        problems.append(FieldProblem("provider", "credentials.error.provider"))
        provider = "unknown"

    earned_on = _date(get("earned_on"), "earned_on", problems, today)
    if earned_on is None and not any(p.field == "earned_on" for p in problems):
        problems.append(FieldProblem("earned_on", "credentials.error.earned_required"))
    expires_on = _date(get("expires_on"), "expires_on", problems, today, future=True)
    if expires_on is not None and earned_on is not None:
        if expires_on <= earned_on:
            problems.append(FieldProblem("expires_on", "credentials.error.expires_before_earned"))
        elif expires_on > expiry.add_years(earned_on, MAX_VALIDITY_YEARS):
            problems.append(FieldProblem("expires_on", "credentials.error.expires_too_far"))
    if earned_on is not None and any(e.passed_on and e.passed_on > earned_on for e in exams):
        problems.append(FieldProblem("exams", "credentials.error.exam_after_earned"))

    number = _text(get("certification_number"), MAX_NUMBER, "certification_number", problems)
    on_learn = _tri(get("on_learn"), "on_learn", problems)
    seen_on = _date(get("on_learn_seen_on"), "on_learn_seen_on", problems, today)
    counted = _tri(get("counted"), "counted", problems)
    notes = _text(get("notes"), MAX_NOTES, "notes", problems, multiline=True)
    private = _private(get("private"), problems)

    if problems or earned_on is None:
        return None, problems
    return (
        CredentialData(
            certification_id=cert_id,
            other_name=other_name,
            exams=exams,
            provider=provider,
            earned_on=earned_on,
            expires_on=expires_on,
            certification_number=number,
            on_learn=on_learn,
            on_learn_seen_on=seen_on,
            counted=counted,
            notes=notes,
            private=private,
        ),
        [],
    )


def clean(
    raw: Mapping[str, str], *, catalog: Mapping[str, CatalogEntry], today: date
) -> CredentialData:
    data, problems = validate(raw, catalog=catalog, today=today)
    if data is None:
        first = problems[0]
        raise InvalidInput(first.key, field=first.field)
    return data


def to_raw(data: CredentialData) -> dict[str, str]:
    """The text form of a credential (what ``validate`` reads back): forms and CSV rows."""
    return {
        "certification": data.certification_id or ("other" if data.other_name else ""),
        "other_name": data.other_name,
        "exams": format_exams(data.exams),
        "provider": data.provider,
        "earned_on": data.earned_on.isoformat(),
        "expires_on": data.expires_on.isoformat() if data.expires_on else "",
        "certification_number": data.certification_number,
        "on_learn": data.on_learn.value,
        "on_learn_seen_on": data.on_learn_seen_on.isoformat() if data.on_learn_seen_on else "",
        "counted": data.counted.value,
        "notes": data.notes,
        "private": format_private(data.private),
    }


def with_catalog_exams(data: CredentialData, entry: CatalogEntry | None) -> CredentialData:
    """A catalog credential without exams listed gets the catalog's exam codes (no dates)."""
    if entry is None or data.exams:
        return data
    return replace(data, exams=tuple(ExamPass(code) for code in entry.exams))


# --- status, filters, alerts ----------------------------------------------------------------


def status_of(data: CredentialData, entry: CatalogEntry | None, today: date) -> Expiry:
    """Expiry status from the catalog rule, or the person's own date when given. A certification
    outside the catalog expires only when the person says when."""
    if entry is None:
        return expiry.status(
            earned_on=data.earned_on,
            today=today,
            expires=data.expires_on is not None,
            override=data.expires_on,
        )
    return expiry.status(
        earned_on=data.earned_on,
        today=today,
        expires=entry.expires,
        years=entry.years,
        retired_on=entry.retired_on,
        override=data.expires_on,
    )


def needs_diagnosis(data: CredentialData, state: Expiry) -> bool:
    """Held (not expired) but not confirmed on Learn or not confirmed counted."""
    if state.status is ExpiryStatus.EXPIRED:
        return False
    return data.on_learn is not Tri.YES or data.counted is not Tri.YES


@dataclass(frozen=True)
class Row:
    """A credential with what lists need: id, display name, level, status."""

    id: int
    data: CredentialData
    name: str
    level: str
    expiry: Expiry


def matches(row: Row, *, status: str = "", provider: str = "", level: str = "") -> bool:
    if status and row.expiry.status.value != status:
        return False
    if provider and row.data.provider != provider:
        return False
    return not (level and row.level != level)


_STATUS_ORDER = {
    ExpiryStatus.EXPIRED: 0,
    ExpiryStatus.EXPIRES_SOON: 1,
    ExpiryStatus.RENEWAL_WINDOW: 2,
    ExpiryStatus.RETIRED: 3,
    ExpiryStatus.ACTIVE: 4,
    ExpiryStatus.NEVER: 5,
}


def sort_rows(rows: Sequence[Row], sort: str) -> list[Row]:
    """expires: soonest expiry first (never-expiring last); earned: newest first; name; status:
    most urgent first."""
    far = date.max
    if sort == "earned":
        return sorted(rows, key=lambda r: (-r.data.earned_on.toordinal(), r.name))
    if sort == "name":
        return sorted(rows, key=lambda r: (fold(r.name), r.id))
    if sort == "status":
        return sorted(rows, key=lambda r: (_STATUS_ORDER[r.expiry.status], r.name))
    return sorted(rows, key=lambda r: (r.expiry.expires_on or far, r.name))


def filter_sort(
    rows: Iterable[Row], *, status: str = "", provider: str = "", level: str = "", sort: str = ""
) -> list[Row]:
    kept = [r for r in rows if matches(r, status=status, provider=provider, level=level)]
    return sort_rows(kept, sort if sort in SORTS else "expires")


@dataclass(frozen=True)
class Alert:
    row: Row
    kind: str  # "renewal_window" (opened) or "expires_soon" (within 30 days)
    day: date  # when the window opened / the expiry day


def alerts(rows: Iterable[Row], today: date) -> list[Alert]:
    """Renewal windows that opened and expiries within 30 days, soonest expiry first."""
    found: list[Alert] = []
    for row in rows:
        state = row.expiry
        if state.status is ExpiryStatus.EXPIRES_SOON and state.expires_on is not None:
            found.append(Alert(row, "expires_soon", state.expires_on))
        elif state.status is ExpiryStatus.RENEWAL_WINDOW and state.renewal_opens_on is not None:
            found.append(Alert(row, "renewal_window", state.renewal_opens_on))
    found.sort(key=lambda a: (a.row.expiry.expires_on or date.max, a.row.name))
    return found


def days_until(day: date, today: date) -> int:
    return (day - today) // timedelta(days=1)
