"""Transcript payloads in the shapes the Learn share endpoint answers (see domain.md §5)."""

from __future__ import annotations

from typing import Any


def cert(
    name: str, number: str, earned: str, expires: str | None = None, status: str = "Active"
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": name,
        "certificationNumber": number,
        "status": status,
        "dateEarned": earned,
    }
    if expires is not None:
        item["expiration"] = expires
    return item


def exam(code: str, title: str, taken: str) -> dict[str, str]:
    return {"examTitle": title, "examNumber": code, "examDateTaken": taken}


def active_user() -> dict[str, Any]:
    """Active and historical certifications and passed exams; AZ-900 without ``expiration``."""
    return {
        "userName": "jane-doe",
        "certificationData": {
            "activeCertifications": [
                cert(
                    "Microsoft Certified: Azure Administrator Associate",
                    "A1B2C3-D4E5F6",
                    "2026-03-01T00:00:00",
                    "2027-03-01T00:00:00",
                ),
                cert(
                    "Microsoft Certified: Azure Solutions Architect Expert",
                    "B2C3D4-E5F6G7",
                    "2026-05-02T08:12:33.123Z",
                    "2027-05-02T00:00:00Z",
                ),
                cert("Microsoft Certified: Azure Fundamentals", "C3D4E5-F6G7H8", "2024-02-10"),
            ],
            "historicalCertifications": [
                cert(
                    "Microsoft Certified: Azure Security Engineer Associate",
                    "D4E5F6-G7H8J9",
                    "2023-01-05T00:00:00",
                    "2024-01-05T00:00:00",
                    status="Expired",
                ),
            ],
            "passedExams": [
                exam("AZ-104", "Microsoft Azure Administrator", "2026-02-27T00:00:00"),
                exam("AZ-305", "Designing Microsoft Azure Infrastructure Solutions", "2026-05-02"),
                exam("az-900", "Microsoft Azure Fundamentals", "2024-02-10T00:00:00"),
            ],
        },
        "appliedSkillsData": {
            "appliedSkillsCredentials": [{"title": "Deploy and configure Azure Monitor"}]
        },
    }


def no_applied_skills() -> dict[str, Any]:
    data = active_user()
    del data["appliedSkillsData"]
    return data


def japanese_names() -> dict[str, Any]:
    return {
        "userName": "taro-yamada",
        "certificationData": {
            "activeCertifications": [
                cert(
                    "Microsoft 認定: Azure Administrator Associate",
                    "JP-0104",
                    "2026-04-01T00:00:00",
                    "2027-04-01T00:00:00",
                ),
                cert("Microsoft 認定: Azure AI Fundamentals", "JP-0900", "2024-05-18T00:00:00"),
            ],
            "historicalCertifications": [],
            "passedExams": [exam("AZ-104", "Microsoft Azure 管理者", "2026-04-01T00:00:00")],
        },
    }


def with_personal_data() -> dict[str, Any]:
    data = active_user()
    data["certificationData"].update(
        {"legalName": "Jane Doe", "mcid": "987654321", "contactEmail": "jane@example.com"}
    )
    return data


def renamed_and_junk() -> dict[str, Any]:
    """Lists at the top level, other key spellings and casing, and entries that cannot be read."""
    return {
        "UserName": "odd-user",
        "ActiveCertifications": [
            None,
            42,
            {
                "title": "Microsoft Certified: Azure Developer Associate",
                "certificationId": 7001,
                "earnedDate": "2025-10-01",
                "expirationDate": "not a date",
            },
            {"certificationNumber": "NO-NAME"},
            {"name": "   ", "dateEarned": "2025-01-01"},
            {"name": "Microsoft Certified: Azure Data Fundamentals", "dateEarned": "2025-02-30"},
        ],
        "historicalCertifications": "not a list",
        "passedExams": [{"examCode": " dp-900 ", "dateTaken": "2025-02-01"}, {"examTitle": "x"}],
        "appliedSkillsData": None,
    }


def big_transcript(n: int) -> dict[str, Any]:
    names = [
        "Microsoft Certified: Azure Administrator Associate",
        "Microsoft Certified: Azure Solutions Architect Expert",
        "Microsoft Certified: Azure Fundamentals",
        "Microsoft 365 Certified: Fundamentals",
        "Microsoft Certified: Azure Developer Associate",
    ]
    return {
        "userName": "big-user",
        "certificationData": {
            "activeCertifications": [
                cert(names[i % len(names)], f"BIG{i:06d}", "2026-01-01T00:00:00") for i in range(n)
            ],
            "historicalCertifications": [],
            "passedExams": [],
        },
    }
