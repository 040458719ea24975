"""The transcript JSON is read defensively: every shape seen in public code, renamed or missing
fields, junk entries skipped with a note, and what is not a transcript refused."""

from __future__ import annotations

from datetime import date

import pytest

from certportal.learn.errors import NotATranscript
from certportal.learn.transcript import LearnCertification, LearnExam, parse_transcript
from tests.fakes import transcripts


def test_active_and_historical_certifications_and_exams() -> None:
    t = parse_transcript(transcripts.active_user())
    assert t.user_name == "jane-doe"
    assert t.certifications == (
        LearnCertification(
            "Microsoft Certified: Azure Administrator Associate",
            "A1B2C3-D4E5F6",
            "active",
            date(2026, 3, 1),
            date(2027, 3, 1),
            False,
        ),
        LearnCertification(
            "Microsoft Certified: Azure Solutions Architect Expert",
            "B2C3D4-E5F6G7",
            "active",
            date(2026, 5, 2),
            date(2027, 5, 2),
            False,
        ),
        LearnCertification(
            "Microsoft Certified: Azure Fundamentals",
            "C3D4E5-F6G7H8",
            "active",
            date(2024, 2, 10),
            None,
            False,
        ),  # no `expiration`: never expires
        LearnCertification(
            "Microsoft Certified: Azure Security Engineer Associate",
            "D4E5F6-G7H8J9",
            "expired",
            date(2023, 1, 5),
            date(2024, 1, 5),
            True,
        ),
    )
    assert t.exams == (
        LearnExam("AZ-104", "Microsoft Azure Administrator", date(2026, 2, 27)),
        LearnExam("AZ-305", "Designing Microsoft Azure Infrastructure Solutions", date(2026, 5, 2)),
        LearnExam("AZ-900", "Microsoft Azure Fundamentals", date(2024, 2, 10)),
    )
    assert t.applied_skills == ("Deploy and configure Azure Monitor",)
    assert (t.legal_name, t.mcid, t.contact_email) == ("", "", "")
    assert t.warnings == ()


def test_missing_applied_skills_is_fine() -> None:
    t = parse_transcript(transcripts.no_applied_skills())
    assert t.applied_skills == () and len(t.certifications) == 4 and t.warnings == ()


def test_japanese_names_are_kept() -> None:
    t = parse_transcript(transcripts.japanese_names())
    assert [c.name for c in t.certifications] == [
        "Microsoft 認定: Azure Administrator Associate",
        "Microsoft 認定: Azure AI Fundamentals",
    ]
    assert t.exams[0].title == "Microsoft Azure 管理者"


def test_personal_data_is_read() -> None:
    t = parse_transcript(transcripts.with_personal_data())
    assert (t.legal_name, t.mcid, t.contact_email) == ("Jane Doe", "987654321", "jane@example.com")


def test_renamed_fields_and_junk_entries() -> None:
    t = parse_transcript(transcripts.renamed_and_junk())
    assert t.user_name == "odd-user"
    assert t.certifications == (
        LearnCertification(
            "Microsoft Certified: Azure Developer Associate",
            "7001",
            "",
            date(2025, 10, 1),
            None,
            False,
        ),
        LearnCertification(
            "Microsoft Certified: Azure Data Fundamentals", "", "", None, None, False
        ),
    )
    assert t.exams == (LearnExam("DP-900", "", date(2025, 2, 1)),)
    assert (
        len(t.warnings) == 6
    )  # two non-objects, two without a name, a non-list, an exam without code
    assert any("historicalCertifications" in w for w in t.warnings)


def test_control_characters_and_long_texts_are_tamed() -> None:
    t = parse_transcript(
        {"userName": "u\x00ser", "activeCertifications": [{"name": "N" * 1000 + "\x07"}]}
    )
    assert t.user_name == "user" and len(t.certifications[0].name) == 300


def test_lists_are_capped() -> None:
    t = parse_transcript(transcripts.big_transcript(1005))
    assert len(t.certifications) == 1000 and any("beyond" in w for w in t.warnings)


def test_an_empty_transcript_is_a_transcript() -> None:
    t = parse_transcript({"userName": "new-user", "certificationData": {}})
    assert t.certifications == () and t.exams == ()


@pytest.mark.parametrize(
    "data",
    [[], "text", 42, None, {}, {"error": "not found"}, {"items": [1, 2]}],
    ids=["list", "string", "number", "null", "empty-object", "error-object", "other-object"],
)
def test_not_a_transcript(data: object) -> None:
    with pytest.raises(NotATranscript) as caught:
        parse_transcript(data)
    assert caught.value.key == "learn.error.not_transcript"
