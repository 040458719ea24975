"""The Learn transcript import, fed anything Learn (or something pretending to be Learn) could
answer: the body is read into a transcript or refused as "not a transcript", never a crash; the
preview and the confirmation either save exactly what the preview showed or refuse with the
project's own error and write nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from certportal.auth.policy import Principal
from certportal.credentials import present
from certportal.credentials import service as credentials
from certportal.credentials.rules import CredentialData, Tri
from certportal.errors import CertportalError
from certportal.knowledge import service as knowledge
from certportal.knowledge.loader import load_bundled
from certportal.learn.client import transcript_from_body
from certportal.learn.errors import NotATranscript
from certportal.learn.transcript import MAX_ITEMS, MAX_TEXT, Transcript, parse_transcript
from tests.fakes import transcripts
from tests.fuzz.conftest import db_examples, examples
from tests.fuzz.dbcheck import row_counts
from tests.fuzz.strategies import (
    controls,
    json_bytes,
    json_mutation,
    json_values,
    mutated,
    text,
)

TODAY = date(2026, 11, 23)
CATALOG = load_bundled().catalog.certifications
NAMES = [
    *(c.name.en for c in CATALOG),
    *(c.name.ja for c in CATALOG),
    *(f"Microsoft Certified: {c.name.en}" for c in CATALOG[:10]),
]
EXAMS = sorted({code for c in CATALOG for code in c.exams})
KEYS = [
    "userName",
    "certificationData",
    "activeCertifications",
    "historicalCertifications",
    "passedExams",
    "appliedSkillsData",
    "legalName",
    "mcid",
    "contactEmail",
    "name",
    "dateEarned",
    "expiration",
    "certificationNumber",
    "examNumber",
    "examDateTaken",
]
SAMPLES = [
    transcripts.active_user(),
    transcripts.japanese_names(),
    transcripts.with_personal_data(),
    transcripts.renamed_and_junk(),
]


def learn_day() -> st.SearchStrategy[Any]:
    """How a date may come: ISO day, with a time, nonsense, a number, or missing."""
    return st.one_of(
        st.dates().map(date.isoformat),
        st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)).map(
            lambda d: f"{d.isoformat()}T00:00:00Z"
        ),
        st.dates(min_value=date(9990, 1, 1)).map(date.isoformat),
        st.sampled_from(["9999-12-31T23:59:59", "0001-01-01", "1990-01-01", "2026-02-30"]),
        text(12),
        st.integers(),
        st.none(),
    )


@st.composite
def certification(draw: st.DrawFn) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": draw(
            st.one_of(st.sampled_from(NAMES), st.sampled_from(NAMES), mutated(NAMES), text())
        ),
        "certificationNumber": draw(st.one_of(text(10), st.integers())),
        "status": draw(st.sampled_from(["Active", "Expired", "", "retired"])),
        "dateEarned": draw(learn_day()),
    }
    if draw(st.booleans()):
        item["expiration"] = draw(learn_day())
    return item


@st.composite
def built_transcripts(draw: st.DrawFn) -> dict[str, Any]:
    """A transcript of the documented shape with fuzzed entries (names from the catalog)."""
    exam = st.fixed_dictionaries(
        {
            "examNumber": st.one_of(st.sampled_from(EXAMS), text(8)),
            "examTitle": text(),
            "examDateTaken": learn_day(),
        }
    )
    return {
        "userName": draw(text()),
        "certificationData": {
            "activeCertifications": draw(st.lists(certification(), max_size=6)),
            "historicalCertifications": draw(st.lists(certification(), max_size=3)),
            "passedExams": draw(st.lists(exam, max_size=4)),
            "legalName": draw(text()),
            "mcid": draw(text(12)),
            "contactEmail": draw(text()),
        },
    }


def transcript_data() -> st.SearchStrategy[Any]:
    return st.one_of(
        built_transcripts(),
        st.sampled_from(SAMPLES).flatmap(lambda doc: json_mutation(doc, KEYS)),
        json_values(),
        st.dictionaries(st.sampled_from(KEYS), json_values(max_leaves=10), max_size=5),
    )


def check_transcript(t: Transcript) -> None:
    texts = [t.user_name, t.legal_name, t.mcid, t.contact_email, *t.applied_skills]
    for c in t.certifications:
        texts += [c.name, c.certification_number]
        # the status is case-folded after the cut ("ß" becomes "ss") and only compared
        assert not controls(c.status) and len(c.status) <= 3 * MAX_TEXT
        for day in (c.earned_on, c.expires_on):
            assert day is None or day.year >= 1990
    for e in t.exams:
        texts += [e.code, e.title]
        assert e.code and e.code == e.code.upper() and " " not in e.code and len(e.code) <= 20
    for value in texts:
        assert not controls(value) and len(value) <= MAX_TEXT, value
    assert all(c.name for c in t.certifications)
    assert len(t.certifications) <= 2 * MAX_ITEMS and len(t.exams) <= MAX_ITEMS


@examples(150)
@given(transcript_data())
def test_any_json_is_a_transcript_or_refused(data: Any) -> None:
    try:
        t = parse_transcript(data)
    except NotATranscript as exc:
        assert exc.key == "learn.error.not_transcript"
        return
    check_transcript(t)


@examples(150)
@given(
    st.one_of(
        st.binary(max_size=200),
        transcript_data().map(json_bytes),
        transcript_data().map(lambda d: b"\xef\xbb\xbf" + json_bytes(d)),
        transcript_data().map(lambda d: json.dumps(d).encode("utf-16")),
        st.integers(1, 5000).map(lambda n: b"[" * n + b"]" * n),
        st.integers(1, 6000).map(lambda n: b'{"userName": ' + b"9" * n + b"}"),
    )
)
def test_any_answer_body_is_a_transcript_or_refused(body: bytes) -> None:
    try:
        t = transcript_from_body(body)
    except NotATranscript:
        return
    check_transcript(t)


# --- preview and confirmation on the database --------------------------------------------


@pytest.fixture
def inventory(session: Session, member: Principal) -> Iterator[Session]:
    """A member holding a few credentials (catalog and "other"), committed."""
    knowledge.ensure_initial(session)
    for data in (
        CredentialData(certification_id="AZ-104", earned_on=date(2026, 3, 1)),
        CredentialData(
            certification_id="AZ-900", earned_on=date(2024, 2, 10), certification_number="C3"
        ),
        CredentialData(other_name="Microsoft Certified: Azure Fundamentals", earned_on=TODAY),
        CredentialData(other_name="LPIC-1", earned_on=date(2020, 1, 1), on_learn=Tri.YES),
    ):
        credentials.create(session, actor=member, data=data)
    session.commit()
    yield session
    session.rollback()


@db_examples(25)
@given(transcript_data(), st.booleans(), st.booleans(), st.integers(0, 4))
def test_a_confirmed_import_saves_what_the_preview_showed_or_nothing(
    inventory: Session,
    member: Principal,
    data: Any,
    include_history: bool,
    keep_personal: bool,
    stale: int,
) -> None:
    session = inventory
    before = row_counts(session)
    try:
        try:
            transcript = parse_transcript(data)
        except NotATranscript:
            return
        preview = credentials.preview_transcript(
            session, actor=member, transcript=transcript, today=TODAY
        )
        present.import_view(
            preview,
            credentials.catalog(session),
            user_name=transcript.user_name,
            legal_name=transcript.legal_name,
            mcid=transcript.mcid,
            contact_email=transcript.contact_email,
            exams=len(transcript.exams),
            applied_skills=len(transcript.applied_skills),
            today=TODAY,
        )
        # now and then the inventory changed since the preview: the whole import is refused
        fingerprint = list(preview.fingerprint)
        if stale == 0 and fingerprint:
            fingerprint[0] = (fingerprint[0][0], fingerprint[0][1] + 1)
        try:
            result = credentials.apply_transcript(
                session,
                actor=member,
                transcript=transcript,
                share_id="abcdef123",
                fingerprint=fingerprint,
                include_history=include_history,
                keep_personal=keep_personal,
                today=TODAY,
            )
            session.flush()
        except CertportalError:
            session.rollback()
            assert row_counts(session) == before
            return
        assert stale != 0 or not fingerprint
        adding = len(preview.new) + (len(preview.history) if include_history else 0)
        after = row_counts(session)
        assert after["credential"] == before["credential"] + adding == result.added + 4
        assert after["learn_import"] == before["learn_import"] + 1
        assert (result.matched, result.not_on_learn) == (
            len(preview.matched),
            len(preview.not_on_learn),
        )
        # everything saved reads back, with a status, as the inventory page shows it
        rows = credentials.list_rows(session, actor=member, today=TODAY)
        assert len(rows) == after["credential"]
        imported = credentials.last_import(session, actor=member)
        assert imported is not None
        assert bool(imported.legal_name) == (keep_personal and bool(transcript.legal_name[:300]))
    finally:
        session.rollback()
