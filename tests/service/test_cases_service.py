"""Support cases on SQLite and PostgreSQL: ownership, what leads may read, concurrent edits,
attachments, reminders, the calendar feed, the timeline and the evidence pack."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from certportal.auth import service as auth_service
from certportal.auth.models import User
from certportal.auth.policy import Principal, Role
from certportal.cases import service
from certportal.cases.models import CaseAttachment, CaseCredential, CaseEvent, SupportCase
from certportal.cases.transitions import CaseFields, Channel, validate_case
from certportal.credentials import service as credentials
from certportal.credentials.rules import CredentialData
from certportal.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from certportal.i18n.formatting import local_today
from certportal.settings import get_settings
from certportal.teams import service as teams
from certportal.timeline import service as timeline
from certportal.wizard import service as wizard
from tests.conftest import make_user

from .helpers import audit_actions, count

TODAY = date(2026, 12, 1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def fields(**over: object) -> CaseFields:
    raw = {
        "channel": "partner_center",
        "reference": "SR-1001",
        "subject": "AZ-900 not counted",
        "message": "Please associate my AZ-900.",
        "follow_up_on": "",
        "credentials": "",
        "status": "open",
    }
    raw.update({k: str(v) for k, v in over.items()})
    parsed, problems = validate_case(raw, TODAY)
    assert parsed is not None, problems
    return parsed


def refresh(session: Session, actor: Principal) -> Principal:
    user = session.get(User, actor.user_id)
    assert user is not None
    return auth_service.principal_for(session, user)


@pytest.fixture
def other(session: Session) -> Principal:
    return make_user(session, "other@example.com", Role.MEMBER, "Other Person")


@pytest.fixture
def team(session: Session, admin: Principal, member: Principal) -> dict[str, Principal]:
    """A team with ``member`` in it and a lead; a second team with its own lead."""
    lead = make_user(session, "lead@example.com", Role.MEMBER, "Lead Person")
    stranger_lead = make_user(session, "lead2@example.com", Role.MEMBER, "Other Lead")
    one = teams.create_team(session, actor=admin, name="Azure")
    two = teams.create_team(session, actor=admin, name="Modern Work")
    assert one.id is not None and two.id is not None
    teams.assign(session, actor=admin, team_id=one.id, user_id=member.user_id, team_role="member")
    teams.assign(session, actor=admin, team_id=one.id, user_id=lead.user_id, team_role="lead")
    teams.assign(
        session, actor=admin, team_id=two.id, user_id=stranger_lead.user_id, team_role="lead"
    )
    session.commit()
    return {
        "lead": refresh(session, lead),
        "stranger_lead": refresh(session, stranger_lead),
        "admin": refresh(session, admin),
    }


def new_case(session: Session, actor: Principal, **over: object) -> SupportCase:
    row = service.create(session, actor=actor, fields=fields(**over), today=TODAY)
    session.commit()
    return row


# --- creating ----------------------------------------------------------------------------------


def test_an_opened_case_records_opening_and_message(session: Session, member: Principal) -> None:
    cred = credentials.create(
        session,
        actor=member,
        data=CredentialData(certification_id="AZ-900", earned_on=date(2024, 2, 10)),
    )
    row = new_case(session, member, credentials=str(cred.id), follow_up_on="2026-12-08")
    assert row.status == "open" and row.opened_on == TODAY
    kinds = [e.kind for e in service.events_of(session, row.id or 0)]
    assert kinds == ["opened", "message_sent", "follow_up_set"]
    assert service.credential_ids(session, row.id or 0) == [cred.id]


def test_a_draft_keeps_its_message_until_it_is_sent(session: Session, member: Principal) -> None:
    row = new_case(session, member, status="draft", message="Draft text")
    assert row.status == "draft" and row.draft_text == "Draft text" and row.opened_on is None
    row = service.change_status(
        session, actor=member, case_id=row.id or 0, version=row.version, target="open", today=TODAY
    )
    session.commit()
    events = service.events_of(session, row.id or 0)
    assert [e.kind for e in events] == ["created", "opened", "message_sent"]
    assert events[-1].text == "Draft text"
    assert row.draft_text == "" and row.opened_on == TODAY


def test_someone_elses_credentials_cannot_be_attached(
    session: Session, member: Principal, other: Principal
) -> None:
    theirs = credentials.create(
        session,
        actor=other,
        data=CredentialData(certification_id="AZ-104", earned_on=date(2026, 1, 5)),
    )
    with pytest.raises(InvalidInput) as exc:
        service.create(
            session, actor=member, fields=fields(credentials=str(theirs.id)), today=TODAY
        )
    assert exc.value.field == "credentials"
    session.rollback()
    assert count(session, SupportCase) == 0


# --- the ball moves ---------------------------------------------------------------------------


def test_reply_then_message_then_resolve(session: Session, member: Principal) -> None:
    row = new_case(session, member)
    cid = row.id or 0
    row = service.record_reply(
        session,
        actor=member,
        case_id=cid,
        version=row.version,
        summary="Send your transcript",
        received_on="2026-12-01",
        today=TODAY,
    )
    assert row.status == "waiting_me"
    row = service.send_message(
        session, actor=member, case_id=cid, version=row.version, text="Here it is", today=TODAY
    )
    assert row.status == "waiting_support"
    with pytest.raises(InvalidInput) as exc:
        service.change_status(
            session, actor=member, case_id=cid, version=row.version, target="resolved", today=TODAY
        )
    assert exc.value.key == "cases.refuse.resolution_needed"
    row = service.change_status(
        session,
        actor=member,
        case_id=cid,
        version=row.version,
        target="resolved",
        resolution="counted",
        today=TODAY,
    )
    session.commit()
    assert (row.status, row.resolution, row.ended_on) == ("resolved", "counted", TODAY)
    kinds = [e.kind for e in service.events_of(session, cid)]
    assert kinds == [
        "opened",
        "message_sent",
        "reply_received",
        "status_changed",  # open → waiting on me
        "message_sent",
        "status_changed",
        "resolved",
    ]
    # reopening clears the resolution
    row = service.change_status(
        session, actor=member, case_id=cid, version=row.version, target="open", today=TODAY
    )
    assert (row.status, row.resolution, row.ended_on) == ("open", "", None)


def test_bad_input_writes_nothing(session: Session, member: Principal) -> None:
    row = new_case(session, member)
    cid, version = row.id or 0, row.version
    before = count(session, CaseEvent)
    attempts = [
        lambda: service.set_follow_up(
            session, actor=member, case_id=cid, version=version, day="2026-11-01", today=TODAY
        ),
        lambda: service.record_reply(
            session,
            actor=member,
            case_id=cid,
            version=version,
            summary="x",
            received_on="2027-01-01",
            today=TODAY,
        ),
        lambda: service.record_reply(
            session, actor=member, case_id=cid, version=version, summary="  ", today=TODAY
        ),
        lambda: service.change_status(
            session, actor=member, case_id=cid, version=version, target="pending", today=TODAY
        ),
        lambda: service.change_status(
            session, actor=member, case_id=cid, version=version, target="draft", today=TODAY
        ),
        lambda: service.add_note(
            session, actor=member, case_id=cid, version=version, text="bell\x07", today=TODAY
        ),
        lambda: service.record_reply(  # before the case was opened
            session,
            actor=member,
            case_id=cid,
            version=version,
            summary="x",
            received_on="2026-11-30",
            today=TODAY,
        ),
    ]
    for attempt in attempts:
        with pytest.raises(InvalidInput):
            attempt()
        session.rollback()
    assert count(session, CaseEvent) == before
    fresh = session.get(SupportCase, cid)
    assert fresh is not None and fresh.version == version and fresh.status == "open"
    assert fresh.follow_up_on is None


def test_a_draft_takes_no_reply_and_an_ended_case_no_message(
    session: Session, member: Principal
) -> None:
    draft = new_case(session, member, status="draft")
    with pytest.raises(InvalidInput) as exc:
        service.record_reply(
            session,
            actor=member,
            case_id=draft.id or 0,
            version=draft.version,
            summary="?",
            today=TODAY,
        )
    assert exc.value.key == "cases.refuse.send_first"
    session.rollback()
    row = new_case(session, member)
    row = service.change_status(
        session,
        actor=member,
        case_id=row.id or 0,
        version=row.version,
        target="closed",
        resolution="withdrawn",
        today=TODAY,
    )
    session.commit()
    with pytest.raises(InvalidInput):
        service.send_message(
            session,
            actor=member,
            case_id=row.id or 0,
            version=row.version,
            text="hello?",
            today=TODAY,
        )
    with pytest.raises(InvalidInput) as exc:
        service.set_follow_up(
            session,
            actor=member,
            case_id=row.id or 0,
            version=row.version,
            day="2026-12-09",
            today=TODAY,
        )
    assert exc.value.key == "cases.error.follow_up_ended"


# --- who may see what -------------------------------------------------------------------------


def test_another_persons_case_is_not_found(
    session: Session, member: Principal, other: Principal
) -> None:
    row = new_case(session, member)
    cid = row.id or 0
    for attempt in (
        lambda: service.view(session, actor=other, case_id=cid),
        lambda: service.texts(session, actor=other, case_id=cid),
        lambda: service.add_note(session, actor=other, case_id=cid, version=row.version, text="x"),
        lambda: service.change_status(
            session,
            actor=other,
            case_id=cid,
            version=row.version,
            target="closed",
            resolution="withdrawn",
        ),
        lambda: service.delete(session, actor=other, case_id=cid, version=row.version),
        lambda: service.evidence(session, actor=other, case_id=cid),
        lambda: service.set_shared(
            session, actor=other, case_id=cid, version=row.version, shared=True
        ),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert service.list_mine(session, actor=other) == []


def test_a_lead_sees_status_but_not_texts_unless_shared(
    session: Session, member: Principal, team: dict[str, Principal]
) -> None:
    lead = team["lead"]
    row = new_case(session, member, reference="SR-77")
    service.add_note(
        session,
        actor=member,
        case_id=row.id or 0,
        version=row.version,
        text="private note",
        today=TODAY,
    )
    session.commit()
    cid = row.id or 0
    seen = service.view(session, actor=lead, case_id=cid)
    assert seen.access.owner is False and seen.access.texts is False
    assert seen.case.status == "open" and seen.case.channel == "partner_center"
    assert seen.case.subject == "" and seen.case.reference == ""  # not shared
    assert all(e.text == "" for e in seen.events)
    assert {e.kind for e in seen.events} >= {"opened", "message_sent", "note"}
    with pytest.raises(PermissionDenied):
        service.texts(session, actor=lead, case_id=cid)
    # the lead cannot change it
    with pytest.raises(NotFound):
        service.add_note(session, actor=lead, case_id=cid, version=seen.case.version, text="x")
    # the team's list shows it without texts
    listed = service.team_cases(session, actor=lead)
    assert [(c.id, c.owner_name, c.subject) for c in listed] == [(cid, "Member Person", "")]
    # shared: the texts are readable
    fresh = session.get(SupportCase, cid)
    assert fresh is not None
    service.set_shared(session, actor=member, case_id=cid, version=fresh.version, shared=True)
    session.commit()
    texts = [e.text for e in service.texts(session, actor=lead, case_id=cid)]
    assert "private note" in texts
    assert service.view(session, actor=lead, case_id=cid).case.subject == "AZ-900 not counted"
    assert "cases.lead_view" in audit_actions(session)


def test_a_lead_of_another_team_sees_nothing(
    session: Session, member: Principal, team: dict[str, Principal]
) -> None:
    row = new_case(session, member)
    with pytest.raises(NotFound):
        service.view(session, actor=team["stranger_lead"], case_id=row.id or 0)
    assert service.team_cases(session, actor=team["stranger_lead"]) == []


def test_an_admin_sees_every_case_without_texts(
    session: Session, member: Principal, team: dict[str, Principal]
) -> None:
    row = new_case(session, member)
    new_case(session, member, status="draft", subject="my draft")
    listed = service.team_cases(session, actor=team["admin"])
    assert [c.id for c in listed] == [row.id]  # drafts are the member's own business
    assert service.view(session, actor=team["admin"], case_id=row.id or 0).access.texts is False


# --- concurrent edits -------------------------------------------------------------------------


def test_a_stale_version_is_refused_and_nothing_is_written(
    session: Session, member: Principal
) -> None:
    row = new_case(session, member)
    cid, seen = row.id or 0, row.version
    service.add_note(session, actor=member, case_id=cid, version=seen, text="first", today=TODAY)
    session.commit()
    before = count(session, CaseEvent)
    with pytest.raises(Conflict) as exc:
        service.add_note(session, actor=member, case_id=cid, version=seen, text="second")
    assert exc.value.key == "cases.error.changed_meanwhile"
    session.rollback()
    assert count(session, CaseEvent) == before


def test_a_change_racing_past_the_version_check_is_refused(
    engine: Engine, member: Principal
) -> None:
    with Session(engine) as s:
        row = service.create(s, actor=member, fields=fields(), today=TODAY)
        s.commit()
        cid, version = row.id or 0, row.version
    with Session(engine) as slow, Session(engine) as fast:
        assert slow.get(SupportCase, cid) is not None  # read version 1, then...
        service.record_reply(
            fast, actor=member, case_id=cid, version=version, summary="fast", today=TODAY
        )
        fast.commit()
        with pytest.raises(Conflict):  # ...write over the version it read
            service.record_reply(
                slow, actor=member, case_id=cid, version=version, summary="slow", today=TODAY
            )
        slow.rollback()
    with Session(engine) as check:
        texts = [e.text for e in service.events_of(check, cid)]
        assert "fast" in texts and "slow" not in texts


# --- attachments ------------------------------------------------------------------------------


def test_attachments_are_stored_outside_the_web_root_and_served_to_the_allowed(
    session: Session, member: Principal, other: Principal, team: dict[str, Principal]
) -> None:
    row = new_case(session, member)
    stored = service.add_attachment(
        session,
        actor=member,
        case_id=row.id or 0,
        version=row.version,
        name="shot.png",
        content=PNG,
        today=TODAY,
    )
    session.commit()
    folder = Path(get_settings().attachments_dir)
    path = folder / stored.storage_key
    assert path.read_bytes() == PNG
    assert "assets" not in path.parts and ".web" not in path.parts
    assert (stored.mime, stored.size, stored.name) == ("image/png", len(PNG), "shot.png")
    got = service.attachment_file(session, actor=member, attachment_id=stored.id or 0)
    assert got.path == path
    with pytest.raises(NotFound):
        service.attachment_file(session, actor=other, attachment_id=stored.id or 0)
    with pytest.raises(PermissionDenied):
        service.attachment_file(session, actor=team["lead"], attachment_id=stored.id or 0)
    events = service.events_of(session, row.id or 0)
    assert events[-1].kind == "attachment_added" and events[-1].attachment_id == stored.id


@pytest.mark.parametrize(
    ("name", "content", "key"),
    [
        ("big.png", PNG + b"\x00" * (5 * 1024 * 1024), "cases.attachment.too_large"),
        ("shot.png", b"MZ" + b"\x00" * 100, "cases.attachment.type"),
        ("shot.pdf", PNG, "cases.attachment.disguised"),
    ],
)
def test_refused_attachments_leave_nothing(
    session: Session, member: Principal, name: str, content: bytes, key: str
) -> None:
    row = new_case(session, member)
    with pytest.raises(InvalidInput) as exc:
        service.add_attachment(
            session,
            actor=member,
            case_id=row.id or 0,
            version=row.version,
            name=name,
            content=content,
        )
    assert exc.value.key == key
    session.rollback()
    assert count(session, CaseAttachment) == 0
    folder = Path(get_settings().attachments_dir)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_an_attachment_refused_by_the_database_leaves_no_file(
    session: Session, member: Principal
) -> None:
    row = new_case(session, member)
    with pytest.raises(Conflict):
        service.add_attachment(
            session,
            actor=member,
            case_id=row.id or 0,
            version=row.version + 5,
            name="shot.png",
            content=PNG,
        )
    folder = Path(get_settings().attachments_dir)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_deleting_a_case_removes_its_events_links_and_files(
    session: Session, member: Principal
) -> None:
    cred = credentials.create(
        session,
        actor=member,
        data=CredentialData(certification_id="AZ-900", earned_on=date(2024, 2, 10)),
    )
    row = new_case(session, member, credentials=str(cred.id))
    service.add_attachment(
        session,
        actor=member,
        case_id=row.id or 0,
        version=row.version,
        name="shot.png",
        content=PNG,
    )
    session.commit()
    folder = Path(get_settings().attachments_dir)
    # a stale version deletes nothing
    with pytest.raises(Conflict):
        service.delete(session, actor=member, case_id=row.id or 0, version=row.version - 1)
    session.rollback()
    # a deletion that is rolled back keeps the files
    service.delete(session, actor=member, case_id=row.id or 0, version=row.version)
    session.rollback()
    assert len(list(folder.iterdir())) == 1 and count(session, SupportCase) == 1
    fresh = session.get(SupportCase, row.id)
    assert fresh is not None
    service.delete(session, actor=member, case_id=row.id or 0, version=fresh.version)
    assert len(list(folder.iterdir())) == 1  # not before the commit
    session.commit()
    for model in (SupportCase, CaseEvent, CaseAttachment, CaseCredential):
        assert count(session, model) == 0
    assert list(Path(get_settings().attachments_dir).iterdir()) == []
    assert "cases.delete" in audit_actions(session)


def test_deleting_a_credential_or_a_diagnosis_keeps_the_case(
    session: Session, member: Principal
) -> None:
    cred = credentials.create(
        session,
        actor=member,
        data=CredentialData(certification_id="AZ-900", earned_on=date(2024, 2, 10)),
    )
    run = wizard.start(session, actor=member, credential_id=cred.id)
    row = service.create(
        session,
        actor=member,
        fields=fields(credentials=str(cred.id)),
        wizard_run_id=run.id,
        today=TODAY,
    )
    session.commit()
    credentials.delete(session, actor=member, credential_id=cred.id or 0)
    wizard.delete(session, actor=member, run_id=run.id or 0)
    session.commit()
    kept = session.get(SupportCase, row.id)
    assert kept is not None and kept.wizard_run_id is None
    assert service.credential_ids(session, row.id or 0) == []


# --- from a diagnosis -------------------------------------------------------------------------


def test_prefill_from_a_finished_diagnosis(session: Session, member: Principal) -> None:
    cred = credentials.create(
        session,
        actor=member,
        data=CredentialData(
            certification_id="AZ-900",
            earned_on=date(2024, 2, 10),
            provider="certiport",
            certification_number="H999-0001",
        ),
    )
    run = wizard.start(session, actor=member, credential_id=cred.id)
    for question, value in {"on_learn": "no"}.items():
        wizard.answer(session, actor=member, run_id=run.id or 0, question_id=question, value=value)
    wizard.finish(session, actor=member, run_id=run.id or 0)
    session.commit()
    filled = service.prefill_from_run(session, actor=member, run_id=run.id or 0, locale="en")
    assert filled.channel == Channel.PARTNER_CENTER.value
    assert filled.credential_ids == (cred.id,)
    assert "H999-0001" in filled.message and "Certiport" in filled.message
    assert filled.outcome_title["en"]
    ja = service.prefill_from_run(session, actor=member, run_id=run.id or 0, locale="ja")
    assert ja.message != filled.message


def test_prefill_refuses_an_unfinished_or_foreign_run(
    session: Session, member: Principal, other: Principal
) -> None:
    run = wizard.start(session, actor=member, certification_id="AZ-104")
    session.commit()
    with pytest.raises(InvalidInput):
        service.prefill_from_run(session, actor=member, run_id=run.id or 0, locale="en")
    with pytest.raises(NotFound):
        service.prefill_from_run(session, actor=other, run_id=run.id or 0, locale="en")
    with pytest.raises(NotFound):
        service.create(session, actor=other, fields=fields(), wizard_run_id=run.id, today=TODAY)


# --- reminders, calendar, timeline, evidence --------------------------------------------------


def test_follow_ups_due_and_in_the_calendar_feed(session: Session, member: Principal) -> None:
    soon = new_case(session, member, subject="due today", follow_up_on="2026-12-01")
    later = new_case(session, member, subject="later", follow_up_on="2026-12-20")
    over = new_case(session, member, subject="overdue", follow_up_on="2026-12-05")
    ended = new_case(session, member, subject="ended", follow_up_on="2026-12-02")
    service.change_status(
        session,
        actor=member,
        case_id=ended.id or 0,
        version=ended.version,
        target="closed",
        resolution="withdrawn",
        today=TODAY,
    )
    session.commit()
    closed = session.get(SupportCase, ended.id)
    assert closed is not None and closed.follow_up_on is None  # nothing left to chase
    day = date(2026, 12, 6)
    due = service.due(session, user_id=member.user_id, today=day)
    assert [c.subject for c in due] == ["due today", "overdue"]
    assert later.id and soon.id and over.id
    token = credentials.create_feed(session, actor=member)
    session.commit()
    body = credentials.calendar_for_token(session, token, now=datetime(2026, 12, 1, tzinfo=UTC))
    assert body is not None
    cal = icalendar.Calendar.from_ical(body)
    summaries = {str(e.get("summary")): e for e in cal.walk("VEVENT")}
    assert "サポート ケースのフォローアップ: later" in summaries  # the member's language
    assert not any("ended" in s for s in summaries)
    assert summaries["サポート ケースのフォローアップ: later"].decoded("dtstart") == date(
        2026, 12, 20
    )


def test_the_timeline_merges_credentials_diagnoses_and_cases(
    session: Session, member: Principal
) -> None:
    cred = credentials.create(
        session,
        actor=member,
        data=CredentialData(
            certification_id="AZ-104", earned_on=date(2025, 1, 10), expires_on=date(2026, 1, 10)
        ),
    )
    run = wizard.start(session, actor=member, credential_id=cred.id)
    wizard.finish(session, actor=member, run_id=run.id or 0)
    row = service.create(
        session, actor=member, fields=fields(credentials=str(cred.id)), today=date(2026, 11, 25)
    )
    service.record_reply(
        session,
        actor=member,
        case_id=row.id or 0,
        version=row.version,
        summary="Answered",
        received_on="2026-11-28",
        today=TODAY,
    )
    # a renewal recorded by hand
    data = credentials.to_data(credentials.get(session, actor=member, credential_id=cred.id or 0))
    credentials.update(
        session,
        actor=member,
        credential_id=cred.id or 0,
        data=CredentialData(**{**data.__dict__, "expires_on": date(2027, 1, 10)}),
        version=cred.version,
    )
    session.commit()
    # what was recorded "now" (the credential, the diagnosis, the renewal) is dated by the clock,
    # where the member is (Japan): look from a day that has them all
    today = max(TODAY, local_today("ja"))
    events = timeline.for_person(session, actor=member, today=today)
    kinds = [e.kind for e in events]
    for expected in (
        "credential.added",
        "credential.renewal_opened",
        "credential.renewed",
        "case.opened",
        "case.reply_received",
        "case.status_changed",
    ):
        assert expected in kinds, expected
    days = [e.day for e in events]
    assert days == sorted(days, reverse=True)
    renewal = next(e for e in events if e.kind == "credential.renewal_opened")
    assert renewal.day == date(2026, 7, 10)  # six months before the renewed expiry
    only_case = timeline.for_person(session, actor=member, today=today, case_id=row.id)
    assert {e.source for e in only_case} == {"case"}
    only_cred = timeline.for_person(session, actor=member, today=today, credential_id=cred.id)
    assert {e.source for e in only_cred} >= {"credential", "case"}


def test_expired_credentials_show_in_the_timeline_the_day_after(
    session: Session, member: Principal
) -> None:
    credentials.create(
        session,
        actor=member,
        data=CredentialData(
            certification_id="AZ-104", earned_on=date(2024, 1, 10), expires_on=date(2025, 1, 10)
        ),
    )
    session.commit()
    events = timeline.for_person(session, actor=member, today=TODAY)
    expired = [e for e in events if e.kind == "credential.expired"]
    assert [e.day for e in expired] == [date(2025, 1, 11)]


def test_the_evidence_pack_has_numbers_identities_and_history(
    session: Session, member: Principal
) -> None:
    from certportal.identity import service as identity

    cred = credentials.create(
        session,
        actor=member,
        data=CredentialData(
            certification_id="AZ-900",
            earned_on=date(2024, 2, 10),
            provider="certiport",
            certification_number="H123-4567",
        ),
    )
    identity.save(
        session,
        actor=member,
        form={
            "mcid": "991234567",
            "certiport_username": "secret",
            "private": ["certiport_username"],
        },
        version=0,
    )
    row = new_case(session, member, credentials=str(cred.id), reference="SR-555")
    session.commit()
    pack = service.evidence(session, actor=member, case_id=row.id or 0)
    assert pack.reference == "SR-555"
    assert [(c.code, c.number, c.earned_on) for c in pack.credentials] == [
        ("AZ-900", "H123-4567", date(2024, 2, 10))
    ]
    assert ("identity.mcid", "991234567") in pack.identities
    assert not any(v == "secret" for _, v in pack.identities)  # kept private by the person
    assert [e.kind for e in pack.events] == ["opened", "message_sent"]
    html = service.evidence_download(session, actor=member, case_id=row.id or 0, locale="en")
    assert "H123-4567" in html and "SR-555" in html
    assert "cases.evidence_download" in audit_actions(session)


def test_too_many_cases_are_refused(
    session: Session, member: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "MAX_CASES", 2)
    new_case(session, member)
    new_case(session, member)
    with pytest.raises(InvalidInput):
        service.create(session, actor=member, fields=fields(), today=TODAY)


def test_an_attachment_whose_transaction_is_rolled_back_leaves_no_file(
    session: Session, member: Principal
) -> None:
    row = new_case(session, member)
    service.add_attachment(
        session,
        actor=member,
        case_id=row.id or 0,
        version=row.version,
        name="shot.png",
        content=PNG,
    )
    folder = Path(get_settings().attachments_dir)
    assert len(list(folder.iterdir())) == 1
    session.rollback()  # e.g. the commit failed
    assert list(folder.iterdir()) == []
    assert count(session, CaseAttachment) == 0


def test_a_closed_draft_reopened_is_opened_and_its_text_sent(
    session: Session, member: Principal
) -> None:
    row = new_case(session, member, status="draft", message="Kept draft")
    row = service.change_status(
        session,
        actor=member,
        case_id=row.id or 0,
        version=row.version,
        target="closed",
        resolution="withdrawn",
        today=TODAY,
    )
    assert row.draft_text == "Kept draft" and row.opened_on is None
    row = service.change_status(
        session, actor=member, case_id=row.id or 0, version=row.version, target="open", today=TODAY
    )
    session.commit()
    assert row.opened_on == TODAY and row.draft_text == ""
    kinds = [e.kind for e in service.events_of(session, row.id or 0)]
    assert kinds == ["created", "status_changed", "opened", "message_sent"]


def test_an_ended_case_takes_no_reply(session: Session, member: Principal) -> None:
    row = new_case(session, member)
    row = service.change_status(
        session,
        actor=member,
        case_id=row.id or 0,
        version=row.version,
        target="resolved",
        resolution="linked",
        today=TODAY,
    )
    session.commit()
    with pytest.raises(InvalidInput) as exc:
        service.record_reply(
            session,
            actor=member,
            case_id=row.id or 0,
            version=row.version,
            summary="late answer",
            today=TODAY,
        )
    assert exc.value.key == "cases.refuse.reopen_first"


def test_leads_see_no_drafts_outcomes_or_credentials(
    session: Session, member: Principal, team: dict[str, Principal]
) -> None:
    cred = credentials.create(
        session,
        actor=member,
        data=CredentialData(certification_id="AZ-900", earned_on=date(2024, 2, 10)),
    )
    run = wizard.start(session, actor=member, credential_id=cred.id)
    wizard.answer(
        session, actor=member, run_id=run.id or 0, question_id="provider", value="certiport"
    )
    wizard.answer(session, actor=member, run_id=run.id or 0, question_id="on_learn", value="no")
    wizard.finish(session, actor=member, run_id=run.id or 0)
    draft = new_case(session, member, status="draft")
    sent = service.create(
        session,
        actor=member,
        fields=fields(credentials=str(cred.id)),
        wizard_run_id=run.id,
        today=TODAY,
    )
    session.commit()
    for overseer in (team["lead"], team["admin"]):
        with pytest.raises(NotFound):
            service.view(session, actor=overseer, case_id=draft.id or 0)
        seen = service.view(session, actor=overseer, case_id=sent.id or 0)
        assert seen.case.outcome_id == "" and seen.case.wizard_run_id is None
        assert seen.credential_ids == []
    mine = service.view(session, actor=member, case_id=sent.id or 0)
    assert mine.credential_ids == [cred.id] and mine.case.outcome_id
    with pytest.raises(NotFound):
        service.own_view(session, actor=team["lead"], case_id=sent.id or 0)


def test_a_change_losing_a_race_is_a_conflict_for_every_action(
    engine: Engine, member: Principal
) -> None:
    with Session(engine) as s:
        row = service.create(s, actor=member, fields=fields(), today=TODAY)
        s.commit()
        cid, version = row.id or 0, row.version
    actions = {
        "follow_up": lambda s: service.set_follow_up(
            s, actor=member, case_id=cid, version=version, day="2026-12-09", today=TODAY
        ),
        "status": lambda s: service.change_status(
            s, actor=member, case_id=cid, version=version, target="waiting_me", today=TODAY
        ),
        "message": lambda s: service.send_message(
            s, actor=member, case_id=cid, version=version, text="x", today=TODAY
        ),
        "note": lambda s: service.add_note(
            s, actor=member, case_id=cid, version=version, text="x", today=TODAY
        ),
    }
    with Session(engine) as fast:
        service.add_note(
            fast, actor=member, case_id=cid, version=version, text="first", today=TODAY
        )
        # every slow session read the case at ``version`` before the fast one committed
        slow_sessions = {name: Session(engine) for name in actions}
        for slow in slow_sessions.values():
            assert slow.get(SupportCase, cid) is not None
        fast.commit()
    for name, action in actions.items():
        slow = slow_sessions[name]
        with pytest.raises(Conflict):
            action(slow)
        slow.rollback()
        slow.close()
    with Session(engine) as check:
        assert [e.text for e in service.events_of(check, cid) if e.kind == "note"] == ["first"]
