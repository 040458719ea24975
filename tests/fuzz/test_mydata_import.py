"""Importing a my-data document, fed any bytes, any JSON and mutations of a real export: it
imports the person whole, or refuses with the project's own error; after a refusal every table
has exactly the rows it had before and no attachment file is left behind. What it accepts reads
back: the person's data exports again and their pages' lists load."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlmodel import Session

from certportal.auth import service as auth_service
from certportal.cases import service as cases
from certportal.cases import transitions
from certportal.credentials import service as credentials
from certportal.credentials.rules import CredentialData, ExamPass, Tri
from certportal.errors import CertportalError
from certportal.identity import service as identity
from certportal.knowledge import service as knowledge
from certportal.learn.transcript import LearnCertification, Transcript
from certportal.mydata import service as mydata
from certportal.timeline import service as timeline
from certportal.wizard import service as wizard
from tests.conftest import make_user
from tests.fuzz.conftest import db_examples
from tests.fuzz.dbcheck import files_in, row_counts
from tests.fuzz.strategies import json_bytes, json_mutation, json_values, text

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
PASSWORD = "a fresh start 2026"
KEYS = [
    "format",
    "version",
    "person",
    "identity",
    "credentials",
    "diagnoses",
    "credential_events",
    "cases",
    "learn_imports",
    "attachments",
    "events",
    "content_base64",
    "sha256",
    "knowledge_version",
    "credential",
    "diagnosis",
    "created_at",
    "occurred_on",
]


def build_export(session: Session) -> dict[str, Any]:
    """A real export: a person with identities, credentials (one renewed, one from Learn),
    a diagnosis, a Learn import, and a case with its history and a screenshot."""
    me = make_user(session, "source@example.com", name="Source Person")
    identity.save(
        session,
        actor=me,
        form={
            "work_account": "source@example.com",
            "personal_accounts": "me@outlook.com\nme@live.jp",
            "learn_profiles": "https://learn.microsoft.com/users/me",
            "mcid": "987654321",
            "certiport_username": "me_cp",
            "pc_user": "source@example.com",
            "pc_mcid": "123456789",
            "private": ["mcid"],
        },
        version=0,
    )
    az104 = credentials.create(
        session,
        actor=me,
        data=CredentialData(
            certification_id="AZ-104",
            exams=(ExamPass("AZ-104", date(2025, 12, 1)),),
            provider="pearson_vue",
            earned_on=date(2025, 12, 1),
            certification_number="A1B2C3",
            on_learn=Tri.YES,
            on_learn_seen_on=date(2026, 11, 1),
            notes="first line\nsecond line",
            private=frozenset({"notes"}),
        ),
    )
    credentials.create(
        session,
        actor=me,
        data=CredentialData(other_name="LPIC-1", earned_on=date(2020, 1, 1), provider="other"),
    )
    transcript = Transcript(
        user_name="source-p",
        legal_name="Source Person",
        mcid="987654321",
        contact_email="source@example.com",
        certifications=(
            LearnCertification(
                "Microsoft Certified: Azure Fundamentals", "X-1", "active", TODAY, None, False
            ),
        ),
        exams=(),
        applied_skills=(),
        warnings=(),
    )
    preview = credentials.preview_transcript(session, actor=me, transcript=transcript, today=TODAY)
    credentials.apply_transcript(
        session,
        actor=me,
        transcript=transcript,
        share_id="abcdef123",
        fingerprint=preview.fingerprint,
        keep_personal=True,
        today=TODAY,
    )
    stored = credentials.get(session, actor=me, credential_id=az104.id or 0)
    data = credentials.to_data(stored)
    credentials.update(
        session,
        actor=me,
        credential_id=az104.id or 0,
        data=CredentialData(**{**data.__dict__, "expires_on": date(2027, 6, 1)}),
        version=stored.version,
    )
    run = wizard.start(session, actor=me, credential_id=az104.id)
    fields, problems = transitions.validate_case(
        {
            "channel": "partner_center",
            "reference": "SR-2411230010001234",
            "subject": "Certification not counted",
            "credentials": str(az104.id),
            "message": "Hello,\nplease associate my MCID.",
            "follow_up_on": "2026-12-01",
            "status": "open",
        },
        TODAY,
    )
    assert fields is not None, problems
    case = cases.create(session, actor=me, fields=fields, wizard_run_id=run.id, today=TODAY)
    case_id = case.id or 0
    cases.record_reply(
        session, actor=me, case_id=case_id, version=case.version, summary="Send a screenshot."
    )
    cases.add_attachment(
        session,
        actor=me,
        case_id=case_id,
        version=case.version,
        name="画面.png",
        content=PNG,
        today=TODAY,
    )
    cases.add_note(session, actor=me, case_id=case_id, version=case.version, text="a note")
    cases.change_status(
        session,
        actor=me,
        case_id=case_id,
        version=case.version,
        target="resolved",
        resolution="counted",
        today=TODAY,
    )
    session.commit()
    document = mydata.export(session, actor=me, now=NOW)
    document["person"]["email"] = "imported@example.com"  # so it imports next to its source
    return document


@pytest.fixture
def exported(session: Session) -> Iterator[dict[str, Any]]:
    knowledge.ensure_initial(session)
    document = build_export(session)
    assert document["cases"][0]["attachments"] and document["credential_events"]
    yield document
    session.rollback()


def documents(document: dict[str, Any]) -> st.SearchStrategy[bytes]:
    """Mutations of the export (most of them), any JSON, any bytes."""
    return st.one_of(
        json_mutation(document, KEYS).map(json_bytes),
        json_mutation(document, KEYS).map(json_bytes),
        json_mutation(document, KEYS).map(json_bytes),
        st.fixed_dictionaries(
            {"format": st.just(mydata.FORMAT), "version": st.just(mydata.VERSION)},
            optional={k: json_values(max_leaves=8) for k in KEYS[2:9]},
        ).map(json_bytes),
        json_values().map(json_bytes),
        st.binary(max_size=100),
        text(50).map(lambda t: t.encode("utf-8")),
    )


def check_import(session: Session, content: bytes) -> None:
    folder = cases.storage_dir()
    before, files_before = row_counts(session), files_in(folder)
    try:
        try:
            user = mydata.import_document(session, content=content, password=PASSWORD)
            session.flush()
        except CertportalError as exc:
            event(f"refused: {exc.key}")
            session.rollback()
            assert row_counts(session) == before
            assert files_in(folder) == files_before
            return
        event("imported")
        # what was accepted reads back everywhere the person (or the operator) looks
        person = auth_service.principal_for(session, user)
        again = mydata.export(session, actor=person, now=NOW)
        json.dumps(again)
        credentials.list_rows(session, actor=person, today=TODAY)
        for summary in cases.list_mine(session, actor=person):
            cases.view(session, actor=person, case_id=summary.id)
        timeline.for_person(session, actor=person, today=TODAY)
        added = files_in(folder) - files_before
        assert len(added) == sum(len(c["attachments"]) for c in again["cases"])
    finally:
        session.rollback()
    assert files_in(folder) == files_before  # a rolled-back import removes its files


@db_examples(30)
@given(st.data())
def test_any_document_imports_whole_or_not_at_all(
    session: Session, exported: dict[str, Any], data: st.DataObject
) -> None:
    check_import(session, data.draw(documents(exported)))


def test_the_export_itself_imports(session: Session, exported: dict[str, Any]) -> None:
    """The mutations start from a document that imports (else they test only refusals)."""
    before = row_counts(session)
    user = mydata.import_document(session, content=json_bytes(exported), password=PASSWORD)
    session.flush()
    assert user.email == "imported@example.com"
    assert row_counts(session)["credential"] == before["credential"] + 3
    session.rollback()
