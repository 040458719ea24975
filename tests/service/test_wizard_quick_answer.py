"""The wizard's one-statement answer (``wizard.quick_answer``), on every database.

It must save exactly what the long way (``wizard.answer``) saves, in a single statement that is its
own transaction, and do nothing at all — leaving the long way to say why — whenever anything it
relies on is not so: the session, the person, the run as the page saw it, the answer itself."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, select

from certportal.auth import service as auth_service
from certportal.auth.models import LoginSession, User
from certportal.auth.policy import Principal
from certportal.db import session_scope, statement_scope
from certportal.demo.seed import SEED_STORY as SEED
from certportal.settings import get_settings
from certportal.wizard import service as wizard
from certportal.wizard.models import DONE, WizardRun
from tests.conftest import POSTGRES_ONLY, make_user

# 2026-11-23 10:00 in Japan: the day is the same where the person is and in UTC
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
SOON = NOW + timedelta(seconds=30)  # within the minute after the session was last seen


@pytest.fixture
def person(session: Session) -> Principal:
    return make_user(session, "person@example.com")


@pytest.fixture
def token(session: Session, person: Principal) -> str:
    user = session.get(User, person.user_id)
    assert user is not None
    signed = auth_service._start_session(session, user, NOW)
    session.commit()
    return signed.token


def page_seen(session: Session, actor: Principal, run_id: int) -> wizard.Seen:
    """What a question page is built from (it also parses the knowledge version)."""
    ctx = wizard.context(session, actor=actor, run_id=run_id, today=NOW.date())
    session.commit()
    return wizard.seen(ctx, actor)


def quick(
    engine: Engine, token: str, seen: wizard.Seen, question: str, value: str, now: datetime = SOON
) -> wizard.Quick | None:
    with statement_scope(engine) as s:
        return wizard.quick_answer(
            s, token=token, seen=seen, question_id=question, value=value, now=now
        )


def stored(session: Session, run_id: int) -> WizardRun:
    session.expire_all()
    row = session.get(WizardRun, run_id)
    assert row is not None
    return row


def test_the_seed_story_answered_quickly_saves_what_the_long_way_saves(
    engine: Engine, session: Session, person: Principal, token: str
) -> None:
    quick_run = wizard.start(session, actor=person)
    long_run = wizard.start(session, actor=person)
    session.commit()
    assert quick_run.id is not None and long_run.id is not None
    for question, value in SEED.items():
        seen = page_seen(session, person, quick_run.id)
        done = quick(engine, token, seen, question, value)
        assert done is not None, question
        long = wizard.answer(
            session,
            actor=person,
            run_id=long_run.id,
            question_id=question,
            value=value,
            today=NOW.date(),
        )
        session.commit()
        assert done.walk == long.walk
        assert json.loads(done.answers) == long.answers
        row = stored(session, quick_run.id)
        assert row.answers == done.answers
        assert row.certification_id == stored(session, long_run.id).certification_id
    assert done.walk.complete


def test_it_is_one_statement_without_begin_or_commit(
    engine: Engine,
    session: Session,
    person: Principal,
    token: str,
    statements: list[tuple[str, bool]],
) -> None:
    run = wizard.start(session, actor=person)
    session.commit()
    assert run.id is not None
    seen = page_seen(session, person, run.id)
    statements.clear()
    assert quick(engine, token, seen, "certification", "AZ-104") is not None
    assert statements == [("UPDATE", True)]
    # and it is committed: another connection sees it
    assert json.loads(stored(session, run.id).answers) == {"certification": "AZ-104"}


def _synchronous_commit(connection: Connection) -> str:
    return str(connection.exec_driver_sql("SHOW synchronous_commit").scalar())


@pytest.mark.parametrize("db_url", POSTGRES_ONLY, indirect=True)
def test_answers_do_not_wait_for_the_disk_and_nothing_else_changes(engine: Engine) -> None:
    """PostgreSQL: the one-statement answer commits asynchronously (a crash of the server may
    lose its last moment, never corrupt anything); every other write still waits for the disk."""
    with statement_scope(engine) as connection:
        assert _synchronous_commit(connection) == "off"
    with session_scope(engine) as session:
        assert _synchronous_commit(session.connection()) == "on"
    with engine.connect() as connection:
        assert _synchronous_commit(connection) == "on"


@pytest.mark.parametrize("db_url", POSTGRES_ONLY, indirect=True)
def test_answers_wait_for_the_disk_when_the_operator_says_so(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from certportal.db import make_engine

    monkeypatch.setenv("WIZARD_ASYNC_COMMIT", "false")
    get_settings.cache_clear()
    engine = make_engine(db_url)
    try:
        with statement_scope(engine) as connection:
            assert _synchronous_commit(connection) == "on"
    finally:
        engine.dispose()
        get_settings.cache_clear()


def test_the_same_page_may_answer_again_with_what_it_saved(
    engine: Engine, session: Session, person: Principal, token: str
) -> None:
    run = wizard.start(session, actor=person)
    session.commit()
    assert run.id is not None
    seen = page_seen(session, person, run.id)
    first = quick(engine, token, seen, "certification", "AZ-104")
    assert first is not None
    # a double click: the page now holds what it saved
    again = quick(engine, token, replace(seen, answers=first.answers), "certification", "AZ-900")
    assert again is not None
    assert json.loads(stored(session, run.id).answers) == {"certification": "AZ-900"}


REFUSALS = (
    "revoked",
    "absolute",
    "touch_due",
    "deactivated",
    "someone_else",
    "changed_elsewhere",
    "finished",
    "not_parsed",
    "invalid_answer",
    "not_on_path",
    "language_changed",
    "no_run",
)


@pytest.mark.parametrize("case", REFUSALS)
def test_anything_not_as_the_page_saw_it_changes_nothing(
    case: str, engine: Engine, session: Session, person: Principal, token: str
) -> None:
    run = wizard.start(session, actor=person, certification_id="AZ-104")
    session.commit()
    assert run.id is not None
    seen = page_seen(session, person, run.id)
    question, value, now = "earned_on", "2024-02-10", SOON
    login = session.exec(select(LoginSession)).one()
    user = session.get(User, person.user_id)
    assert user is not None
    if case == "revoked":
        login.revoked_at = NOW
    elif case == "absolute":
        login.created_at = SOON - auth_service.session_policy().absolute
    elif case == "touch_due":
        now = NOW + timedelta(minutes=1)
    elif case == "deactivated":
        user.is_active = False
    elif case == "someone_else":
        other = make_user(session, "other@example.com")
        theirs = wizard.start(session, actor=other, certification_id="AZ-104")
        session.commit()
        assert theirs.id is not None
        seen = replace(page_seen(session, other, theirs.id), locale=person.locale)
        run = theirs
    elif case == "changed_elsewhere":
        wizard.answer(
            session, actor=person, run_id=run.id, question_id="earned_on", value="2024-01-05"
        )
    elif case == "finished":
        row = session.get(WizardRun, run.id)
        assert row is not None
        row.status = DONE
    elif case == "not_parsed":
        seen = replace(seen, digest="0" * 64)
    elif case == "invalid_answer":
        value = "2024-02-31"
    elif case == "not_on_path":
        question = "pc_associated"  # a question further down, not yet on the path
    elif case == "language_changed":
        user.locale = "en"
    elif case == "no_run":
        seen = replace(seen, run_id=0)
    session.add(login)
    session.add(user)
    session.commit()
    before = stored(session, run.id or 0)
    answers, updated = before.answers, before.updated_at
    assert quick(engine, token, seen, question, value, now) is None
    after = stored(session, run.id or 0)
    assert (after.answers, after.updated_at) == (answers, updated)


# --- a wizard page's context in one read (quick_context) -------------------------------------


def _read(engine: Engine, person: Principal, run_id: int) -> wizard.RunContext | None:
    with statement_scope(engine) as connection:
        return wizard.quick_context(connection, actor=person, run_id=run_id, today=NOW.date())


def test_a_pages_context_in_one_read_is_the_long_ways_at_every_step(
    engine: Engine, session: Session, person: Principal, statements: list[tuple[str, bool]]
) -> None:
    from certportal.credentials import service as credentials
    from certportal.credentials.rules import CredentialData
    from certportal.identity import service as identity

    identity.save(
        session,
        actor=person,
        form={"work_account": "person@example.com", "mcid": "987654321"},
        version=0,
    )
    held = credentials.create(
        session,
        actor=person,
        data=CredentialData(
            certification_id="AZ-900",
            earned_on=datetime(2024, 2, 10).date(),
            certification_number="H-1",
        ),
    )
    run = wizard.start(session, actor=person, credential_id=held.id)
    session.commit()
    assert run.id is not None
    for question, value in [(None, None), *SEED.items()]:
        if question is not None:
            wizard.answer(session, actor=person, run_id=run.id, question_id=question, value=value)
            session.commit()
        long = wizard.context(session, actor=person, run_id=run.id, today=NOW.date())
        session.commit()
        statements.clear()
        quick = _read(engine, person, run.id)
        assert statements == [("SELECT", True)]  # one read, no BEGIN or COMMIT
        assert quick is not None
        assert (quick.walk, quick.answers, quick.identity, quick.suggestions) == (
            long.walk,
            long.answers,
            long.identity,
            long.suggestions,
        )
        assert quick.certification_number == long.certification_number == "H-1"
        assert (quick.version.number, quick.version.content_digest) == (
            long.version.number,
            long.version.content_digest,
        )
        assert quick.run.id == run.id and quick.bundle is long.bundle
        assert wizard.seen(quick, person) == wizard.seen(long, person)


def test_a_pages_context_in_one_read_leaves_the_rest_to_the_long_way(
    engine: Engine, session: Session, person: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    from certportal.knowledge import service as knowledge

    other = make_user(session, "other@example.com")
    mine = wizard.start(session, actor=person)
    theirs = wizard.start(session, actor=other)
    session.commit()
    assert mine.id is not None and theirs.id is not None
    wizard.context(session, actor=person, run_id=mine.id)  # parses the version here
    session.commit()
    assert _read(engine, person, mine.id) is not None
    assert _read(engine, person, theirs.id) is None  # someone else's: "not found" the long way
    assert _read(engine, person, 999_999) is None
    # a version this process has not parsed: the long way reads the documents
    monkeypatch.setattr(knowledge, "cached_bundle", lambda digest: None)
    assert _read(engine, person, mine.id) is None


# --- a new diagnosis, not saved until its first answer (draft, quick_draft, begin) ------------


def _draft(
    engine: Engine, person: Principal, cert: str | None = None, credential: int | None = None
) -> wizard.RunContext | None:
    with statement_scope(engine) as connection:
        return wizard.quick_draft(
            connection,
            actor=person,
            certification_id=cert,
            credential_id=credential,
            today=NOW.date(),
        )


def _runs(session: Session) -> int:
    return len(session.exec(select(WizardRun)).all())


def test_a_new_diagnosis_in_one_read_is_the_long_ways_and_writes_nothing(
    engine: Engine, session: Session, person: Principal, statements: list[tuple[str, bool]]
) -> None:
    from certportal.credentials import service as credentials
    from certportal.credentials.rules import CredentialData
    from certportal.identity import service as identity

    identity.save(
        session,
        actor=person,
        form={"work_account": "person@example.com", "mcid": "987654321"},
        version=0,
    )
    held = credentials.create(
        session,
        actor=person,
        data=CredentialData(
            certification_id="AZ-900",
            earned_on=datetime(2024, 2, 10).date(),
            provider="certiport",
            certification_number="H-1",
        ),
    )
    session.commit()
    for cert, credential in [(None, None), ("AZ-104", None), (None, held.id)]:
        long = wizard.draft(
            session, actor=person, certification_id=cert, credential_id=credential, today=NOW.date()
        )
        session.commit()
        statements.clear()
        quick = _draft(engine, person, cert, credential)
        assert statements == [("SELECT", True)]  # one read, no BEGIN or COMMIT
        assert quick is not None and quick.run.id is None and long.run.id is None
        assert (quick.walk, quick.answers, quick.identity, quick.suggestions) == (
            long.walk,
            long.answers,
            long.identity,
            long.suggestions,
        )
        assert quick.version.id == long.version.id and quick.bundle is long.bundle
        assert quick.certification_number == long.certification_number
        assert (quick.run.credential_id, quick.run.certification_id) == (
            long.run.credential_id,
            long.run.certification_id,
        )
    assert quick.answers["provider"] == "certiport" and quick.certification_number == "H-1"
    assert _runs(session) == 0


def test_a_new_diagnosis_in_one_read_leaves_the_rest_to_the_long_way(
    engine: Engine, session: Session, person: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    from certportal.credentials import service as credentials
    from certportal.credentials.rules import CredentialData
    from certportal.errors import InvalidInput, NotFound
    from certportal.knowledge import service as knowledge

    other = make_user(session, "other@example.com")
    theirs = credentials.create(
        session,
        actor=other,
        data=CredentialData(certification_id="AZ-900", earned_on=datetime(2024, 2, 10).date()),
    )
    wizard.draft(session, actor=person)  # parses the active version here
    session.commit()
    assert _draft(engine, person) is not None
    # not a certification, someone else's credential: the long way says so
    assert _draft(engine, person, cert="NOPE-1") is None
    with pytest.raises(InvalidInput):
        wizard.draft(session, actor=person, certification_id="NOPE-1")
    assert _draft(engine, person, credential=theirs.id) is None
    with pytest.raises(NotFound):
        wizard.draft(session, actor=person, credential_id=theirs.id)
    monkeypatch.setattr(knowledge, "cached_bundle", lambda digest: None)
    assert _draft(engine, person) is None
    assert _runs(session) == 0


def test_the_first_answer_saves_the_run_and_a_refused_one_saves_nothing(
    session: Session, person: Principal
) -> None:
    from certportal.errors import InvalidInput

    version = wizard.draft(session, actor=person).version.id
    session.commit()  # (the first version is created on first use)
    for question, value in [("certification", "NOPE-1"), ("earned_on", "2024-02-10")]:
        with pytest.raises(InvalidInput):  # not a certification; not a question asked yet
            wizard.begin(
                session, actor=person, version_id=version, question_id=question, value=value
            )
        session.rollback()
    assert _runs(session) == 0
    ctx = wizard.begin(
        session,
        actor=person,
        version_id=version,
        question_id="earned_on",
        value="2024-02-10",
        certification_id="AZ-104",
    )
    session.commit()
    assert ctx.run.id is not None and ctx.run.knowledge_version_id == version
    assert ctx.walk.current == "expires_on"
    saved = wizard.context(session, actor=person, run_id=ctx.run.id)
    assert saved.answers == {"certification": "AZ-104", "earned_on": "2024-02-10"}
    assert saved.run.certification_id == "AZ-104" and _runs(session) == 1


def _begin_quick(
    engine: Engine,
    token: str,
    draft: wizard.Draft,
    question: str,
    value: str,
    now: datetime = SOON,
) -> wizard.Begun | None:
    with statement_scope(engine) as connection:
        return wizard.quick_begin(
            connection, token=token, draft=draft, question_id=question, value=value, now=now
        )


def test_the_first_answer_in_one_statement_saves_what_the_long_way_saves(
    engine: Engine,
    session: Session,
    person: Principal,
    token: str,
    statements: list[tuple[str, bool]],
) -> None:
    for cert, credential, question, value in [
        (None, None, "certification", "AZ-104"),
        ("AZ-104", None, "earned_on", "2024-02-10"),
    ]:
        ctx = wizard.draft(
            session, actor=person, certification_id=cert, credential_id=credential, today=NOW.date()
        )
        session.commit()
        statements.clear()
        begun = _begin_quick(engine, token, wizard.drafted(ctx, person), question, value)
        assert statements == [("INSERT", True)]  # one statement, its own transaction
        assert begun is not None
        long = wizard.begin(
            session,
            actor=person,
            version_id=ctx.version.id,
            certification_id=cert,
            credential_id=credential,
            question_id=question,
            value=value,
            today=NOW.date(),
        )
        session.commit()
        quick = wizard.context(session, actor=person, run_id=begun.run_id, today=NOW.date())
        assert begun.walk == long.walk == quick.walk
        assert (quick.answers, quick.run.certification_id, quick.run.credential_id) == (
            long.answers,
            long.run.certification_id,
            long.run.credential_id,
        )
        assert (
            quick.run.knowledge_version_id == ctx.version.id and quick.run.status == "in_progress"
        )
        assert quick.run.user_id == person.user_id


def test_the_first_answer_in_one_statement_leaves_the_rest_to_the_long_way(
    engine: Engine, session: Session, person: Principal, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused answer, a question not asked yet, someone else's draft, a session ended or due
    a touch, a language changed since, a version not parsed here, a diagnosis of a credential
    (read again the long way: it may have changed or gone): nothing saved."""
    from certportal.knowledge import service as knowledge

    other = make_user(session, "other@example.com")
    ctx = wizard.draft(session, actor=person, today=NOW.date())
    session.commit()
    draft = wizard.drafted(ctx, person)
    assert _begin_quick(engine, token, draft, "certification", "NOPE-1") is None
    assert _begin_quick(engine, token, draft, "earned_on", "2024-02-10") is None
    theirs = replace(draft, user_id=other.user_id)
    assert _begin_quick(engine, token, theirs, "certification", "AZ-104") is None
    assert _begin_quick(engine, "not-a-token", draft, "certification", "AZ-104") is None
    later = SOON + timedelta(days=1)  # the session is due a touch by then
    assert _begin_quick(engine, token, draft, "certification", "AZ-104", later) is None
    assert (
        _begin_quick(engine, token, replace(draft, locale="en"), "certification", "AZ-104") is None
    )
    monkeypatch.setattr(knowledge, "cached_bundle", lambda digest: None)
    assert _begin_quick(engine, token, draft, "certification", "AZ-104") is None
    session.expire_all()
    assert _runs(session) == 0


# --- confirming the answers in one statement (quick_finish) ------------------------------------


def _answered(session: Session, person: Principal) -> int:
    """A run with the seed story's answers, complete, not confirmed."""
    run = wizard.start(session, actor=person)
    session.commit()
    assert run.id is not None
    for question, value in SEED.items():
        wizard.answer(session, actor=person, run_id=run.id, question_id=question, value=value)
    session.commit()
    return run.id


def _finish_quick(engine: Engine, token: str, seen: wizard.Seen, now: datetime = SOON) -> bool:
    with statement_scope(engine) as connection:
        return wizard.quick_finish(connection, token=token, seen=seen, now=now)


def test_confirming_in_one_statement_saves_what_the_long_way_saves(
    engine: Engine,
    session: Session,
    person: Principal,
    token: str,
    statements: list[tuple[str, bool]],
) -> None:
    quick_id, long_id = _answered(session, person), _answered(session, person)
    seen = page_seen(session, person, quick_id)
    statements.clear()
    assert _finish_quick(engine, token, seen) is True
    assert statements == [("UPDATE", True)]  # one statement, its own transaction
    long = wizard.finish(session, actor=person, run_id=long_id, today=NOW.date())
    session.commit()
    quick = stored(session, quick_id)
    assert (quick.status, quick.outcome_id) == (DONE, long.run.outcome_id)
    assert quick.outcome_id and quick.finished_at is not None
    assert quick.updated_at == quick.finished_at


def test_confirming_in_one_statement_leaves_the_rest_to_the_long_way(
    engine: Engine, session: Session, person: Principal, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not complete, changed since the summary was built, already confirmed, a session that is
    not this person's or is due a touch, a version not parsed here: nothing changed."""
    from certportal.knowledge import service as knowledge

    incomplete = wizard.start(session, actor=person)
    session.commit()
    assert incomplete.id is not None
    assert _finish_quick(engine, token, page_seen(session, person, incomplete.id)) is False
    run_id = _answered(session, person)
    seen = page_seen(session, person, run_id)
    assert _finish_quick(engine, "not-a-token", seen) is False
    assert _finish_quick(engine, token, seen, SOON + timedelta(days=1)) is False
    assert (
        _finish_quick(engine, token, replace(seen, answers='{"certification": "AZ-104"}')) is False
    )
    monkeypatch.setattr(knowledge, "cached_bundle", lambda digest: None)
    assert _finish_quick(engine, token, seen) is False
    monkeypatch.undo()
    assert stored(session, run_id).status != DONE
    assert _finish_quick(engine, token, seen) is True
    assert _finish_quick(engine, token, seen) is False  # confirmed already
