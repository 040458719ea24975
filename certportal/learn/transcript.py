"""The JSON behind a transcript share link, read defensively (pure).

Field names seen in public code (freeCodeCamp's api, guygregory/exam-timeline): ``userName``;
``certificationData.{mcid, legalName, activeCertifications[], historicalCertifications[],
passedExams[]}``; a certification has ``name``, ``certificationNumber``, ``status``, ``dateEarned``,
optional ``expiration``; a passed exam ``examTitle``, ``examNumber``, ``examDateTaken``;
``appliedSkillsData`` may be absent. The endpoint is unofficial: keys are matched without regard
to case, a few plausible renamings are accepted, the lists may sit at the top level, and an entry
that cannot be read is skipped with a note in ``warnings`` instead of failing the import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from certportal.learn.errors import NotATranscript

MAX_ITEMS = 1000
MAX_TEXT = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class LearnCertification:
    name: str
    certification_number: str
    status: str
    earned_on: date | None
    expires_on: date | None
    historical: bool


@dataclass(frozen=True)
class LearnExam:
    code: str
    title: str
    passed_on: date | None


@dataclass(frozen=True)
class Transcript:
    user_name: str
    legal_name: str
    mcid: str
    contact_email: str
    certifications: tuple[LearnCertification, ...]
    exams: tuple[LearnExam, ...]
    applied_skills: tuple[str, ...]
    warnings: tuple[str, ...]


def _folded(data: Mapping[str, object]) -> dict[str, object]:
    return {str(k).casefold(): v for k, v in data.items()}


def _pick(data: Mapping[str, object], *names: str) -> object:
    for name in names:
        value = data.get(name.casefold())
        if value is not None:
            return value
    return None


def _text(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return ""
    return _CONTROL.sub("", value).strip()[:MAX_TEXT]


def _day(value: object) -> date | None:
    text = _text(value)
    match = _ISO_DAY.match(text)
    if not match:
        return None
    try:
        day = date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
    return day if day.year >= 1990 else None


def _list(value: object, what: str, warnings: list[str]) -> Sequence[object]:
    if value is None:
        return ()
    if not isinstance(value, list):
        warnings.append(f"{what}: not a list, ignored")
        return ()
    if len(value) > MAX_ITEMS:
        warnings.append(f"{what}: {len(value) - MAX_ITEMS} entries beyond {MAX_ITEMS} skipped")
        return value[:MAX_ITEMS]
    return value


def _certifications(
    items: Sequence[object], *, historical: bool, what: str, warnings: list[str]
) -> list[LearnCertification]:
    found = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            warnings.append(f"{what}[{index}]: not an object, skipped")
            continue
        data = _folded(item)
        name = _text(_pick(data, "name", "title", "certificationName", "displayName"))
        if not name:
            warnings.append(f"{what}[{index}]: no name, skipped")
            continue
        found.append(
            LearnCertification(
                name=name,
                certification_number=_text(
                    _pick(data, "certificationNumber", "certificationId", "credentialId", "number")
                ),
                status=_text(_pick(data, "status")).casefold(),
                earned_on=_day(_pick(data, "dateEarned", "earnedDate", "earnedOn", "awardedOn")),
                expires_on=_day(
                    _pick(data, "expiration", "expirationDate", "expiresOn", "expiryDate")
                ),
                historical=historical,
            )
        )
    return found


def _exams(items: Sequence[object], warnings: list[str]) -> list[LearnExam]:
    found = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            warnings.append(f"passedExams[{index}]: not an object, skipped")
            continue
        data = _folded(item)
        code = unicodedata.normalize("NFKC", _text(_pick(data, "examNumber", "examCode", "code")))
        code = code.upper().replace(" ", "")
        if not code:
            warnings.append(f"passedExams[{index}]: no exam number, skipped")
            continue
        found.append(
            LearnExam(
                code=code[:20],
                title=_text(_pick(data, "examTitle", "title", "name")),
                passed_on=_day(_pick(data, "examDateTaken", "dateTaken", "passedOn", "date")),
            )
        )
    return found


def _applied_skills(value: object, warnings: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    items: object = value
    if isinstance(value, Mapping):
        data = _folded(value)
        items = _pick(data, "appliedSkillsCredentials", "appliedSkills", "credentials", "items")
    titles = []
    for item in _list(items, "appliedSkillsData", warnings):
        if isinstance(item, Mapping):
            title = _text(_pick(_folded(item), "title", "name"))
            if title:
                titles.append(title)
    return tuple(titles)


def parse_transcript(data: object) -> Transcript:
    """The transcript in ``data`` (decoded JSON), or :class:`NotATranscript`."""
    if not isinstance(data, Mapping):
        raise NotATranscript()
    top = _folded(data)
    cert_data_raw = _pick(top, "certificationData", "certifications")
    cert_data = _folded(cert_data_raw) if isinstance(cert_data_raw, Mapping) else {}
    sources = (cert_data, top)
    lists = ("activeCertifications", "historicalCertifications", "passedExams")
    has_lists = any(_pick(src, name) is not None for src in sources for name in lists)
    user_name = _text(_pick(top, "userName", "username", "displayName"))
    if not cert_data and not has_lists and not user_name:
        raise NotATranscript()

    def field(*names: str) -> object:
        for src in sources:
            value = _pick(src, *names)
            if value is not None:
                return value
        return None

    warnings: list[str] = []
    certifications = _certifications(
        _list(field("activeCertifications"), "activeCertifications", warnings),
        historical=False,
        what="activeCertifications",
        warnings=warnings,
    ) + _certifications(
        _list(field("historicalCertifications"), "historicalCertifications", warnings),
        historical=True,
        what="historicalCertifications",
        warnings=warnings,
    )
    return Transcript(
        user_name=user_name,
        legal_name=_text(field("legalName")),
        mcid=_text(field("mcid", "mcId")),
        contact_email=_text(field("contactEmail", "email")),
        certifications=tuple(certifications),
        exams=tuple(_exams(_list(field("passedExams"), "passedExams", warnings), warnings)),
        applied_skills=_applied_skills(field("appliedSkillsData"), warnings),
        warnings=tuple(warnings),
    )
