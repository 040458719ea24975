"""Credential inventory service on SQLite and PostgreSQL: ownership, concurrent edits, imports,
CSV and the calendar feed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import icalendar
import pytest
from sqlalchemy import update as sql_update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from certportal.auth.policy import Principal, Role
from certportal.credentials import service
from certportal.credentials.models import Credential, LearnImport
from certportal.credentials.rules import CredentialData, ExamPass, Tri
from certportal.errors import Conflict, InvalidInput, NotFound
from certportal.learn.transcript import LearnCertification, LearnExam, Transcript
from certportal.wizard import service as wizard
from certportal.wizard.models import WizardRun
from tests.conftest import make_user

from .helpers import count

TODAY = date(2026, 11, 23)


def cred(cert: str = "AZ-104", earned: date = date(2026, 3, 1), **over: object) -> CredentialData:
    return CredentialData(certification_id=cert, earned_on=earned, **over)  # type: ignore[arg-type]


@pytest.fixture
def other(session: Session) -> Principal:
    return make_user(session, "other@example.com", Role.MEMBER, "Other Person")


def test_create_and_list_my_credentials(session: Session, member: Principal) -> None:
    service.create(session, actor=member, data=cred("AZ-104", provider="pearson_vue"))
    service.create(session, actor=member, data=cred("AZ-900", date(2024, 2, 10)))
    session.commit()
    rows = service.list_rows(session, actor=member, today=TODAY)
    assert sorted(r.data.certification_id for r in rows) == ["AZ-104", "AZ-900"]
    az104 = next(r for r in rows if r.data.certification_id == "AZ-104")
    assert az104.expiry.expires_on == date(2027, 3, 1)
    assert az104.level == "associate"
    assert az104.name == "Microsoft 認定: Azure Administrator Associate"  # member's locale: ja


def test_someone_elses_credential_is_not_found(
    session: Session, member: Principal, other: Principal
) -> None:
    mine = service.create(session, actor=member, data=cred())
    session.commit()
    assert mine.id is not None
    with pytest.raises(NotFound):
        service.get(session, actor=other, credential_id=mine.id)
    with pytest.raises(NotFound):
        service.get_row(session, actor=other, credential_id=mine.id)
    with pytest.raises(NotFound):
        service.update(session, actor=other, credential_id=mine.id, data=cred(notes="x"), version=1)
    with pytest.raises(NotFound):
        service.delete(session, actor=other, credential_id=mine.id)
    with pytest.raises(NotFound):
        wizard.start(session, actor=other, credential_id=mine.id)
    session.rollback()
    assert service.list_rows(session, actor=other) == []
    stored = session.get(Credential, mine.id)
    assert stored is not None and stored.notes == "" and stored.user_id == member.user_id


def test_unknown_catalog_id_is_refused(session: Session, member: Principal) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.create(session, actor=member, data=cred("XX-999"))
    assert caught.value.field == "certification"


def test_second_save_over_the_same_version_is_refused(engine: Engine, member: Principal) -> None:
    with Session(engine) as s:
        row = service.create(s, actor=member, data=cred())
        s.commit()
        cid = row.id
    assert cid is not None
    # two people (or tabs) opened version 1; the first save wins
    with Session(engine) as first:
        service.update(first, actor=member, credential_id=cid, data=cred(notes="first"), version=1)
        first.commit()
    with Session(engine) as second, pytest.raises(Conflict) as caught:
        service.update(
            second, actor=member, credential_id=cid, data=cred(notes="second"), version=1
        )
    assert caught.value.key == "credentials.error.changed_meanwhile"
    with Session(engine) as check:
        stored = check.get(Credential, cid)
        assert stored is not None and (stored.notes, stored.version) == ("first", 2)
    with Session(engine) as third:  # with the current version it saves
        service.update(third, actor=member, credential_id=cid, data=cred(notes="third"), version=2)
        third.commit()


def test_a_save_racing_past_the_version_check_is_refused(engine: Engine, member: Principal) -> None:
    """Both saves read version 1 and pass the check; the UPDATE itself refuses the later one."""
    with Session(engine) as s:
        row = service.create(s, actor=member, data=cred())
        s.commit()
        cid = row.id
    assert cid is not None
    with Session(engine) as slow, Session(engine) as fast:
        assert service.get(slow, actor=member, credential_id=cid).version == 1  # read, then...
        service.update(fast, actor=member, credential_id=cid, data=cred(notes="fast"), version=1)
        fast.commit()
        with pytest.raises(Conflict):  # ...write over the version it read
            service.update(
                slow, actor=member, credential_id=cid, data=cred(notes="slow"), version=1
            )
        slow.rollback()
    with Session(engine) as check:
        stored = check.get(Credential, cid)
        assert stored is not None and (stored.notes, stored.version) == ("fast", 2)


def test_delete_keeps_diagnoses_but_unlinks_them(session: Session, member: Principal) -> None:
    row = service.create(session, actor=member, data=cred("AZ-900", date(2024, 2, 10)))
    session.commit()
    assert row.id is not None
    run = wizard.start(session, actor=member, credential_id=row.id)
    session.commit()
    service.delete(session, actor=member, credential_id=row.id)
    session.commit()
    assert session.get(Credential, row.id) is None
    kept = session.get(WizardRun, run.id)
    assert kept is not None and kept.credential_id is None


def test_wizard_started_from_a_credential_is_pre_answered(
    session: Session, member: Principal
) -> None:
    row = service.create(
        session,
        actor=member,
        data=cred("AZ-900", date(2024, 2, 10), provider="certiport", on_learn=Tri.NO),
    )
    session.commit()
    assert row.id is not None
    run = wizard.start(session, actor=member, credential_id=row.id, today=TODAY)
    ctx = wizard.context(session, actor=member, run_id=run.id or 0, today=TODAY)
    assert run.credential_id == row.id and run.certification_id == "AZ-900"
    assert ctx.answers["earned_on"] == "2024-02-10"
    assert ctx.answers["provider"] == "certiport"
    assert ctx.answers["on_learn"] == "no"
    # the Certiport-since-June-2023 case is reached without asking any of those again
    assert ctx.walk.current not in ("certification", "earned_on", "provider", "on_learn")


def test_unknown_provider_is_asked_not_pre_answered(session: Session, member: Principal) -> None:
    row = service.create(session, actor=member, data=cred("AZ-104", provider="unknown"))
    session.commit()
    run = wizard.start(session, actor=member, credential_id=row.id, today=TODAY)
    ctx = wizard.context(session, actor=member, run_id=run.id or 0, today=TODAY)
    assert "provider" not in ctx.answers


# --- Learn transcript ----------------------------------------------------------------------


def learn(
    name: str,
    earned: date,
    *,
    number: str = "",
    expires: date | None = None,
    historical: bool = False,
) -> LearnCertification:
    return LearnCertification(
        name=name,
        certification_number=number,
        status="expired" if historical else "active",
        earned_on=earned,
        expires_on=expires,
        historical=historical,
    )


def transcript(*certs: LearnCertification) -> Transcript:
    return Transcript(
        user_name="jane-doe",
        legal_name="Jane Doe",
        mcid="987654321",
        contact_email="jane@example.com",
        certifications=certs,
        exams=(LearnExam("AZ-104", "Microsoft Azure Administrator", date(2026, 2, 27)),),
        applied_skills=(),
        warnings=(),
    )


AZ104 = "Microsoft Certified: Azure Administrator Associate"
AZ305 = "Microsoft Certified: Azure Solutions Architect Expert"
AZ500 = "Microsoft Certified: Azure Security Engineer Associate"


def test_transcript_preview_sorts_into_four_groups(session: Session, member: Principal) -> None:
    service.create(session, actor=member, data=cred("AZ-104", date(2026, 3, 1)))
    service.create(session, actor=member, data=cred("AZ-900", date(2024, 2, 10)))  # Certiport
    session.commit()
    preview = service.preview_transcript(
        session,
        actor=member,
        transcript=transcript(
            learn(AZ104, date(2026, 3, 1), number="AB-1", expires=date(2027, 3, 1)),
            learn("Microsoft 認定: Azure Solutions Architect Expert", date(2026, 5, 2)),
            learn(AZ500, date(2023, 1, 5), historical=True, expires=date(2024, 1, 5)),
            learn("Some Partner Badge", date(2025, 1, 1)),
        ),
        today=TODAY,
    )
    assert [(n.data.certification_id, n.in_catalog) for n in preview.new] == [
        ("AZ-305", True),
        ("", False),
    ]
    assert preview.new[1].data.other_name == "Some Partner Badge"
    assert [m.existing.data.certification_id for m in preview.matched] == ["AZ-104"]
    assert "certification_number" in preview.matched[0].changes
    assert [h.data.certification_id for h in preview.history] == ["AZ-500"]
    assert [e.data.certification_id for e in preview.not_on_learn] == ["AZ-900"]
    assert count(session, Credential) == 2  # a preview writes nothing


def test_apply_saves_in_one_go_and_marks_learn_visibility(
    session: Session, member: Principal
) -> None:
    az104 = service.create(session, actor=member, data=cred("AZ-104", date(2026, 3, 1)))
    az900 = service.create(session, actor=member, data=cred("AZ-900", date(2024, 2, 10)))
    session.commit()
    t = transcript(
        learn(AZ104, date(2026, 3, 1), number="AB-1", expires=date(2027, 3, 1)),
        learn(AZ305, date(2026, 5, 2), expires=date(2027, 5, 2)),
        learn(AZ500, date(2023, 1, 5), historical=True),
    )
    preview = service.preview_transcript(session, actor=member, transcript=t, today=TODAY)
    result = service.apply_transcript(
        session,
        actor=member,
        transcript=t,
        share_id="dlmxbcnw2mzn7kp",
        fingerprint=preview.fingerprint,
        today=TODAY,
    )
    session.commit()
    assert (result.added, result.matched, result.not_on_learn) == (1, 1, 1)
    rows = {
        r.data.certification_id: r.data
        for r in service.list_rows(session, actor=member, today=TODAY)
    }
    assert set(rows) == {"AZ-104", "AZ-900", "AZ-305"}  # history not added unless asked
    assert rows["AZ-104"].on_learn is Tri.YES and rows["AZ-104"].on_learn_seen_on == TODAY
    assert rows["AZ-104"].certification_number == "AB-1"
    assert rows["AZ-305"].on_learn is Tri.YES and rows["AZ-305"].expires_on is None  # rule agrees
    assert rows["AZ-305"].exams == (ExamPass("AZ-305", None),)
    assert rows["AZ-900"].on_learn is Tri.NO
    stored = session.get(Credential, az900.id)
    assert stored is not None and stored.version == 2
    imported = session.exec(select(LearnImport)).one()
    assert (imported.share_id, imported.added, imported.matched, imported.not_on_learn) == (
        "dlmxbcnw2mzn7kp",
        1,
        1,
        1,
    )
    # personal data is not kept without the person's consent
    assert (imported.legal_name, imported.mcid, imported.contact_email) == ("", "", "")
    assert session.get(Credential, az104.id) is not None


def test_an_import_reads_the_catalog_once_however_many_it_matches(
    session: Session, member: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Importing again matches every credential: the knowledge base is read once for all of
    them, not once per credential (it was 165 reads for a 200-certification transcript)."""
    from certportal.knowledge import service as knowledge

    for code, day in (("AZ-104", date(2026, 3, 1)), ("AZ-305", date(2026, 5, 2))):
        service.create(session, actor=member, data=cred(code, day))
    session.commit()
    t = transcript(
        learn(AZ104, date(2026, 3, 1), expires=date(2027, 3, 1)),
        learn(AZ305, date(2026, 5, 2), expires=date(2028, 5, 2)),
    )
    reads: list[str] = []
    real = knowledge.active

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append("active")
        return real(*args, **kwargs)

    monkeypatch.setattr(knowledge, "active", counted)
    preview = service.preview_transcript(session, actor=member, transcript=t, today=TODAY)
    assert len(preview.matched) == 2
    reads.clear()
    service.apply_transcript(
        session,
        actor=member,
        transcript=t,
        share_id="again",
        fingerprint=preview.fingerprint,
        today=TODAY,
    )
    session.commit()
    assert len(reads) <= 2  # the preview it repeats, and the rows it writes: not per credential


def test_personal_data_kept_only_on_opt_in_and_can_be_forgotten(
    session: Session, member: Principal
) -> None:
    t = transcript(learn(AZ104, date(2026, 3, 1)))
    preview = service.preview_transcript(session, actor=member, transcript=t, today=TODAY)
    service.apply_transcript(
        session,
        actor=member,
        transcript=t,
        share_id="abcdef",
        fingerprint=preview.fingerprint,
        keep_personal=True,
        today=TODAY,
    )
    session.commit()
    kept = service.last_import(session, actor=member)
    assert kept is not None
    assert (kept.legal_name, kept.mcid, kept.contact_email) == (
        "Jane Doe",
        "987654321",
        "jane@example.com",
    )
    assert service.forget_personal_data(session, actor=member) == 1
    session.commit()
    assert (kept.legal_name, kept.mcid, kept.contact_email) == ("", "", "")


def test_history_is_added_when_asked(session: Session, member: Principal) -> None:
    t = transcript(learn(AZ500, date(2023, 1, 5), historical=True))
    preview = service.preview_transcript(session, actor=member, transcript=t, today=TODAY)
    service.apply_transcript(
        session,
        actor=member,
        transcript=t,
        share_id="abcdef",
        fingerprint=preview.fingerprint,
        include_history=True,
        today=TODAY,
    )
    session.commit()
    (row,) = service.list_rows(session, actor=member, today=TODAY)
    assert row.data.certification_id == "AZ-500" and row.expiry.status.value == "expired"


def test_apply_after_the_inventory_changed_writes_nothing(
    session: Session, member: Principal
) -> None:
    t = transcript(learn(AZ104, date(2026, 3, 1)))
    preview = service.preview_transcript(session, actor=member, transcript=t, today=TODAY)
    service.create(session, actor=member, data=cred("AZ-900", date(2024, 2, 10)))  # another tab
    session.commit()
    with pytest.raises(Conflict):
        service.apply_transcript(
            session,
            actor=member,
            transcript=t,
            share_id="abcdef",
            fingerprint=preview.fingerprint,
            today=TODAY,
        )
    session.rollback()
    assert [r.data.certification_id for r in service.list_rows(session, actor=member)] == ["AZ-900"]
    assert count(session, LearnImport) == 0


def test_a_renewal_on_learn_updates_the_expiry(session: Session, member: Principal) -> None:
    service.create(session, actor=member, data=cred("AZ-104", date(2025, 3, 1)))
    session.commit()
    t = transcript(learn(AZ104, date(2025, 3, 1), expires=date(2027, 8, 1)))
    preview = service.preview_transcript(session, actor=member, transcript=t, today=TODAY)
    assert preview.matched[0].changes == ("on_learn", "expires_on")
    service.apply_transcript(
        session,
        actor=member,
        transcript=t,
        share_id="abcdef",
        fingerprint=preview.fingerprint,
        today=TODAY,
    )
    (row,) = service.list_rows(session, actor=member, today=TODAY)
    assert row.data.expires_on == date(2027, 8, 1) and row.expiry.status.value == "active"


def test_a_transcript_date_in_year_9999_imports(session: Session, member: Principal) -> None:
    # found by fuzzing: computing the catalog expiry of such a date crashed the preview
    t = transcript(learn(AZ104, date(9999, 12, 31)), learn(AZ305, date(9999, 6, 30)))
    preview = service.preview_transcript(session, actor=member, transcript=t, today=TODAY)
    assert [n.data.earned_on for n in preview.new] == [date(9999, 12, 31), date(9999, 6, 30)]
    service.apply_transcript(
        session,
        actor=member,
        transcript=t,
        share_id="abcdef",
        fingerprint=preview.fingerprint,
        today=TODAY,
    )
    rows = service.list_rows(session, actor=member, today=TODAY)
    assert {r.expiry.expires_on for r in rows} == {date.max}


# --- CSV -----------------------------------------------------------------------------------


def test_csv_round_trip_through_the_service(
    session: Session, member: Principal, other: Principal
) -> None:
    service.create(
        session,
        actor=member,
        data=cred(
            "AZ-800-AZ-801",
            date(2025, 6, 1),
            exams=(ExamPass("AZ-800", date(2025, 5, 1)), ExamPass("AZ-801", date(2025, 6, 1))),
            provider="pearson_vue",
            notes='社内メモ, "引用"\n2行目',
            private=frozenset({"notes"}),
        ),
    )
    service.create(
        session, actor=member, data=CredentialData(other_name="LPIC-1", earned_on=date(2020, 1, 1))
    )
    session.commit()
    text = service.export_csv(session, actor=member, today=TODAY)
    assert text.startswith("\ufeff")
    preview = service.preview_csv(session, actor=other, content=text.encode("utf-8"), today=TODAY)
    assert preview.errors == () and len(preview.rows) == 2
    assert service.import_csv(session, actor=other, rows=[r.data for r in preview.rows]) == 2
    session.commit()
    mine = sorted((r.data for r in service.list_rows(session, actor=member)), key=repr)
    theirs = sorted((r.data for r in service.list_rows(session, actor=other)), key=repr)
    assert mine == theirs


def test_inventory_size_is_capped(
    session: Session, member: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "MAX_CREDENTIALS", 2)
    service.create(session, actor=member, data=cred())
    with pytest.raises(InvalidInput):
        service.import_csv(session, actor=member, rows=[cred("AZ-900"), cred("AI-900")])
    session.rollback()
    assert count(session, Credential) == 0


# --- calendar feed -------------------------------------------------------------------------


def test_calendar_feed_lifecycle(session: Session, member: Principal) -> None:
    service.create(session, actor=member, data=cred("AZ-104", date(2026, 3, 1)))
    token = service.create_feed(session, actor=member)
    session.commit()
    assert service.feed_url(token).endswith(f"/api/calendar/{token}.ics")
    stored = service.feed(session, actor=member)
    assert stored is not None and token not in stored.token_hash  # only a keyed hash is kept

    body = service.calendar_for_token(session, token, now=datetime(2026, 11, 23, 1, tzinfo=UTC))
    assert body is not None
    cal = icalendar.Calendar.from_ical(body)
    summaries = sorted(str(e.get("SUMMARY")) for e in cal.walk("VEVENT"))
    assert len(summaries) == 2 and all("AZ-104" in s for s in summaries)
    assert any(s.startswith("有効期限") for s in summaries)  # the member's language: Japanese

    fresh = service.create_feed(session, actor=member)  # regenerate: the old address dies
    session.commit()
    assert service.calendar_for_token(session, token) is None
    assert service.calendar_for_token(session, fresh) is not None
    service.revoke_feed(session, actor=member)
    session.commit()
    assert service.calendar_for_token(session, fresh) is None
    assert service.calendar_for_token(session, "") is None
    assert service.calendar_for_token(session, "x" * 500) is None


def test_calendar_of_a_deactivated_person_is_gone(
    session: Session, member: Principal, admin: Principal
) -> None:
    from certportal.teams import service as teams

    token = service.create_feed(session, actor=member)
    session.commit()
    teams.set_active(session, actor=admin, user_id=member.user_id, active=False)
    session.commit()
    assert service.calendar_for_token(session, token) is None


def test_support_text_carries_the_credentials_number(session: Session, member: Principal) -> None:
    from certportal.wizard import present

    row = service.create(
        session,
        actor=member,
        data=cred(
            "AZ-900",
            date(2024, 2, 10),
            provider="certiport",
            on_learn=Tri.NO,
            certification_number="CP-2024-77",
        ),
    )
    session.commit()
    run = wizard.start(session, actor=member, credential_id=row.id, today=TODAY)
    ctx = wizard.context(session, actor=member, run_id=run.id or 0, today=TODAY)
    assert ctx.walk.complete and ctx.certification_number == "CP-2024-77"
    view = present.outcome_view(
        ctx.bundle,
        ctx.walk,
        identity=ctx.identity,
        name="Member Person",
        today=TODAY,
        certification_number=ctx.certification_number,
    )
    assert view.has_support and "CP-2024-77" in view.support.body["en"]


def test_effective_expiry_follows_the_catalog(session: Session, member: Principal) -> None:
    """Kept for counting in SQL: set on every write, recomputed when the catalog changes."""
    row = service.create(session, actor=member, data=cred("AZ-104", date(2026, 3, 1)))
    legacy = service.create(session, actor=member, data=cred("AZ-500", date(2021, 2, 15)))
    forever = service.create(session, actor=member, data=cred("AZ-900", date(2024, 2, 10)))
    session.commit()
    assert row.expires_effective == date(2027, 3, 1)
    assert legacy.expires_effective == date(2023, 2, 15)  # legacy two-year rule
    assert forever.expires_effective is None
    own = service.update(
        session,
        actor=member,
        credential_id=row.id or 0,
        data=cred("AZ-104", date(2026, 3, 1), expires_on=date(2027, 9, 1)),
        version=row.version,
    )
    assert own.expires_effective == date(2027, 9, 1)
    # a stale value (as after a catalog change) is put right, without bumping versions
    session.execute(
        sql_update(Credential)
        .where(col(Credential.id) == forever.id)
        .values(expires_effective=date(2025, 1, 1))
    )
    version = forever.version
    assert service.refresh_effective_expiry(session) == 1
    session.commit()
    session.refresh(forever)
    assert forever.expires_effective is None and forever.version == version
