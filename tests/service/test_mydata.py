"""My data: everything about a person exported as one JSON document imports into a fresh
instance exactly (exporting it there gives the same document back)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from certportal import db as db_module
from certportal.audit.models import AuditEntry
from certportal.auth import service as auth_service
from certportal.auth.models import User
from certportal.auth.policy import Principal
from certportal.cases import service as cases
from certportal.credentials import service as credentials
from certportal.demo import seed
from certportal.errors import Conflict, InvalidInput
from certportal.learn.transcript import LearnCertification, Transcript
from certportal.mydata import service as mydata

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
NOT_IMPORTED = ("exported_at", "organisation", "calendar_feed")


def principal(session: Session, key: str) -> Principal:
    user = session.exec(select(User).where(User.email == f"{key}@{seed.DEMO_DOMAIN}")).one()
    return auth_service.principal_for(session, user)


@pytest.fixture
def fresh(tmp_path: Path) -> Engine:
    eng = db_module.make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    db_module.import_models().metadata.create_all(eng)
    return eng


def comparable(doc: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in doc.items() if k not in NOT_IMPORTED}


def test_round_trip_into_a_fresh_instance(session: Session, fresh: Engine) -> None:
    seed.load(session, today=date(2026, 11, 23))
    takuya = principal(session, "takuya.nakamura")
    transcript = Transcript(
        user_name="takuya-n",
        legal_name="中村 拓也",
        mcid="991234567",
        contact_email="t@example.jp",
        certifications=(
            LearnCertification(
                "Microsoft Certified: Azure Solutions Architect Expert",
                "X-1",
                "active",
                date(2026, 9, 1),
                None,
                False,
            ),
        ),
        exams=(),
        applied_skills=(),
        warnings=(),
    )
    preview = credentials.preview_transcript(session, actor=takuya, transcript=transcript)
    credentials.apply_transcript(
        session,
        actor=takuya,
        transcript=transcript,
        share_id="abcdef",
        fingerprint=preview.fingerprint,
        keep_personal=True,
    )
    credentials.create_feed(session, actor=takuya)
    # a support case with an attachment, and a renewal
    story = cases.list_mine(session, actor=takuya)[0]
    cases.add_attachment(
        session,
        actor=takuya,
        case_id=story.id,
        version=story.version,
        name="証明.png",
        content=PNG,
    )
    az104 = next(
        c
        for c in credentials.list_rows(session, actor=takuya)
        if c.data.certification_id == "AZ-104"
    )
    stored = credentials.get(session, actor=takuya, credential_id=az104.id)
    credentials.update(
        session,
        actor=takuya,
        credential_id=az104.id,
        data=dataclasses.replace(az104.data, expires_on=date(2028, 1, 1)),
        version=stored.version,
    )
    session.commit()
    original = mydata.export(session, actor=takuya, now=NOW)
    assert len(original["cases"]) == 2  # type: ignore[arg-type]
    with_file = [c for c in original["cases"] if c["attachments"]]  # type: ignore[union-attr,index]
    assert len(with_file) == 1 and with_file[0]["attachments"][0]["name"] == "証明.png"
    assert original["credential_events"][0]["kind"] == "renewed"  # type: ignore[index]
    assert original["person"]["email"] == f"takuya.nakamura@{seed.DEMO_DOMAIN}"  # type: ignore[index]
    assert len(original["credentials"]) == 4 and len(original["diagnoses"]) == 1
    assert original["diagnoses"][0]["credential"] == 0  # type: ignore[index]  # linked to AZ-900
    assert original["learn_imports"][0]["legal_name"] == "中村 拓也"  # type: ignore[index]
    assert original["calendar_feed"] == {"active": True}
    assert "password" not in json.dumps(original)

    text = json.dumps(original, ensure_ascii=False).encode()
    with Session(fresh, expire_on_commit=False) as other:
        user = mydata.import_document(other, content=text, password="a fresh start 2026")
        other.commit()
        again = mydata.export(other, actor=auth_service.principal_for(other, user), now=NOW)
        # the imported person can sign in with the new password
        assert auth_service.sign_in(other, email=user.email, password="a fresh start 2026").token
    assert comparable(again) == comparable(original)
    assert again["organisation"] == {"role": "member", "teams": []}
    assert again["calendar_feed"] == {"active": False}


def test_a_tampered_attachment_imports_nothing_and_leaves_no_file(
    session: Session, fresh: Engine
) -> None:
    seed.load(session, today=date(2026, 11, 23))
    takuya = principal(session, "takuya.nakamura")
    story = cases.list_mine(session, actor=takuya)[0]
    cases.add_attachment(
        session, actor=takuya, case_id=story.id, version=story.version, name="a.png", content=PNG
    )
    cases.add_attachment(
        session,
        actor=takuya,
        case_id=story.id,
        version=story.version + 1,
        name="b.png",
        content=PNG + b"x",
    )
    session.commit()
    document = mydata.export(session, actor=takuya, now=NOW)
    files_before = set(cases.storage_dir().iterdir())
    tampered = next(c for c in document["cases"] if c["attachments"])  # type: ignore[union-attr,index]
    tampered["attachments"][1]["sha256"] = "0" * 64  # the first file is written, then refused
    text = json.dumps(document, ensure_ascii=False).encode()
    with Session(fresh) as other:
        with pytest.raises(InvalidInput):
            mydata.import_document(other, content=text, password="a fresh start 2026")
        other.rollback()
        assert other.exec(select(User)).all() == []
    assert set(cases.storage_dir().iterdir()) == files_before


def test_an_existing_email_or_a_bad_document_imports_nothing(
    session: Session, fresh: Engine
) -> None:
    seed.load(session, today=date(2026, 11, 23))
    doc = mydata.export(session, actor=principal(session, "hina.tanaka"), now=NOW)
    text = json.dumps(doc).encode()
    with Session(fresh) as other:
        mydata.import_document(other, content=text, password="a fresh start 2026")
        other.commit()
        with pytest.raises(Conflict):
            mydata.import_document(other, content=text, password="a fresh start 2026")
        other.rollback()
        assert len(other.exec(select(User)).all()) == 1
    broken = {**doc, "person": {**doc["person"], "email": "new@example.com"}}  # type: ignore[dict-item]
    broken["credentials"] = [{**doc["credentials"][0], "earned_on": "not a date"}]  # type: ignore[index]
    for content, key in (
        (json.dumps(broken).encode(), "mydata.error.credential"),
        (b"not json", "mydata.error.not_json"),
        (json.dumps({"format": "other"}).encode(), "mydata.error.format"),
        (json.dumps({**broken, "credentials": "x"}).encode(), "mydata.error.shape"),
    ):
        with Session(fresh) as other:
            with pytest.raises(InvalidInput) as caught:
                mydata.import_document(other, content=content, password="a fresh start 2026")
            assert caught.value.key == key
            other.rollback()
            assert len(other.exec(select(User)).all()) == 1  # nothing half-imported


def test_export_is_only_mine_and_audited(session: Session) -> None:
    seed.load(session, today=date(2026, 11, 23))
    sakura = principal(session, "sakura.yamamoto")
    text = mydata.export_json(session, actor=sakura)
    doc = json.loads(text)
    assert {c["certification"] for c in doc["credentials"]} == {"MS-900", "MS-102"}
    assert doc["person"]["email"].startswith("sakura.yamamoto@")
    assert "takuya" not in text
    assert doc["organisation"]["teams"] == [{"name": "Modern Work & Security", "role": "member"}]
    session.commit()
    (entry,) = session.exec(select(AuditEntry).where(AuditEntry.action == "mydata.export")).all()
    assert entry.actor_id == sakura.user_id


def test_the_import_command(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from certportal import manage

    seed.load(session, today=date(2026, 11, 23))
    doc = mydata.export(session, actor=principal(session, "james.wilson"), now=NOW)
    session.commit()
    doc["person"]["email"] = "james.moved@example.com"  # type: ignore[index]
    good = tmp_path / "james.json"
    good.write_text(json.dumps(doc), encoding="utf-8")
    assert manage.main(["import-my-data", str(good)]) == 0
    out = capsys.readouterr().out
    assert "imported james.moved@example.com" in out
    password = out.rsplit(": ", 1)[1].strip()
    session.expire_all()
    assert auth_service.sign_in(session, email="james.moved@example.com", password=password).token
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    assert manage.main(["import-my-data", str(bad)]) == 1
    assert "not a certportal my-data export" in capsys.readouterr().err
    assert manage.main(["import-my-data", str(tmp_path / "missing.json")]) == 1


def test_a_case_event_with_an_unknown_resolution_imports_nothing(
    session: Session, fresh: Engine
) -> None:
    seed.load(session, today=date(2026, 11, 23))
    session.commit()
    document = mydata.export(session, actor=principal(session, "hina.tanaka"), now=NOW)
    resolved = document["cases"][0]["events"][-1]  # type: ignore[index]
    assert resolved["kind"] == "resolved"
    resolved["resolution"] = "bribed"
    with Session(fresh) as other, pytest.raises(InvalidInput):
        mydata.import_document(
            other, content=json.dumps(document).encode(), password="a fresh start 2026"
        )


def test_values_the_database_cannot_hold_import_nothing(session: Session) -> None:
    """Found by fuzzing: each of these crashed the import (TypeError, OverflowError, or on
    PostgreSQL a DataError) instead of refusing the document."""
    seed.load(session, today=date(2026, 11, 23))
    takuya = principal(session, "takuya.nakamura")
    az104 = next(
        c
        for c in credentials.list_rows(session, actor=takuya)
        if c.data.certification_id == "AZ-104"
    )
    stored = credentials.get(session, actor=takuya, credential_id=az104.id)
    credentials.update(  # a renewal: a credential event
        session,
        actor=takuya,
        credential_id=az104.id,
        data=dataclasses.replace(az104.data, expires_on=date(2028, 1, 1)),
        version=stored.version,
    )
    session.commit()
    document = mydata.export(session, actor=takuya, now=NOW)
    document["person"]["email"] = "takuya.moved@example.com"  # type: ignore[index]
    document["learn_imports"] = [  # type: ignore[index]
        {"share_id": "abcdef", "user_name": "t", "added": 1, "matched": 0, "not_on_learn": 0}
    ]
    assert document["diagnoses"] and document["cases"] and document["credential_events"]
    changes = [
        ("diagnoses", "knowledge_version", [1]),
        ("diagnoses", "status", "done\x00"),
        ("diagnoses", "created_at", "0001-01-01T00:00:00+14:00"),
        ("cases", "outcome", "x\x00"),
        ("credentials", "source", "csv\x00"),
        ("credential_events", "kind", "renewed\x00"),
        ("learn_imports", "added", 2**63),
        ("learn_imports", "matched", float("inf")),
        ("learn_imports", "user_name", "t\x00"),
    ]
    users = session.exec(select(User)).all()
    for section, key, value in changes:
        changed = json.loads(json.dumps(document))
        changed[section][0][key] = value
        with pytest.raises(InvalidInput) as caught:
            mydata.import_document(
                session, content=json.dumps(changed).encode(), password="a fresh start 2026"
            )
        assert caught.value.key == "mydata.error.shape", (section, key)
        session.rollback()
        assert session.exec(select(User)).all() == users
