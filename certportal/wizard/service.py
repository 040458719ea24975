"""Wizard runs: start, answer, finish, list, delete. A run belongs to its person only; it keeps the
knowledge version it started with, and a finished run is shown as of the day it was finished."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Insert, Table, Update, bindparam, insert, outerjoin, update
from sqlmodel import Session, col, select

from certportal.audit import service as audit
from certportal.auth import service as auth_service
from certportal.auth.policy import Principal
from certportal.clock import utcnow
from certportal.errors import InvalidInput, NotFound
from certportal.i18n.formatting import local_today
from certportal.identity import service as identity_service
from certportal.identity.rules import Identity, suggestions
from certportal.knowledge import service as knowledge
from certportal.knowledge.models import KnowledgeVersion
from certportal.knowledge.schema import Bundle
from certportal.wizard import engine
from certportal.wizard.models import DONE, IN_PROGRESS, WizardRun

MAX_RUNS_LISTED = 200


@dataclass(frozen=True)
class RunContext:
    run: WizardRun
    version: KnowledgeVersion
    bundle: Bundle
    answers: dict[str, str]
    walk: engine.Walk
    identity: Identity
    suggestions: dict[str, str]
    today: date
    certification_number: str = ""  # from the inventory credential the run is about


def _own(session: Session, actor: Principal, run_id: int) -> WizardRun:
    run = session.get(WizardRun, run_id)
    if run is None or run.user_id != actor.user_id:
        # someone else's run is "not found", not "forbidden": ids reveal nothing
        raise NotFound("wizard.error.no_run")
    return run


def _certification_number(session: Session, run: WizardRun) -> str:
    from certportal.credentials.models import Credential

    if run.credential_id is None:
        return ""
    row = session.get(Credential, run.credential_id)
    return row.certification_number if row is not None and row.user_id == run.user_id else ""


def _answers_text(text: str) -> dict[str, str] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else None


def _answers(run: WizardRun) -> dict[str, str]:
    return _answers_text(run.answers) or {}


def _today(run: WizardRun, today: date, locale: str) -> date:
    """A finished run is evaluated as of the day it was finished, where the person is (the day
    its answers were checked against): its outcome stays as given."""
    if run.status == DONE and run.finished_at is not None:
        return local_today(locale, run.finished_at)
    return today


def context(
    session: Session, *, actor: Principal, run_id: int, today: date | None = None
) -> RunContext:
    run = _own(session, actor, run_id)
    version, bundle = knowledge.version_bundle(session, run.knowledge_version_id)
    identity, _ = identity_service.get(session, actor=actor)
    return _run_context(
        run, version, bundle, actor, identity, _certification_number(session, run), today
    )


def _run_context(
    run: WizardRun,
    version: KnowledgeVersion,
    bundle: Bundle,
    actor: Principal,
    identity: Identity,
    certification_number: str,
    today: date | None,
) -> RunContext:
    """The run as read, walked as of its day (a finished run: the day it was finished)."""
    answers = _answers(run)
    locale = actor.locale or "ja"
    when = _today(run, today or local_today(locale), locale)
    return RunContext(
        run=run,
        version=version,
        bundle=bundle,
        answers=answers,
        walk=engine.walk(bundle, answers, today=when),
        identity=identity,
        certification_number=certification_number,
        suggestions=suggestions(identity),
        today=when,
    )


def quick_context(
    connection: Connection, *, actor: Principal, run_id: int, today: date | None = None
) -> RunContext | None:
    """What :func:`context` gives, in one read on a connection of its own (meant for
    :func:`db.statement_scope`: no ping, no BEGIN or COMMIT) — the run, its knowledge version,
    my identity map and the credential the run is about, joined — when the version's documents
    are parsed in this process already. Otherwise (not my run, no such run, a version not parsed
    here) None: :func:`context` then says why, or reads and parses the documents."""
    with Session(connection) as session:
        found = session.exec(
            _page_read(), params={"run_id": run_id, "user_id": actor.user_id}
        ).first()
    if found is None:
        return None
    run, version, identity_row, credential = found
    bundle = knowledge.cached_bundle(version.content_digest)
    if bundle is None:
        return None
    number = credential.certification_number if credential is not None else ""
    identity = identity_service.identity_of(identity_row, actor)
    return _run_context(run, version, bundle, actor, identity, number, today)


@cache
def _page_read() -> Any:
    """The one SELECT of :func:`quick_context` (bound parameters ``run_id`` and ``user_id``),
    built once: every wizard page load runs it."""
    from certportal.credentials.models import Credential
    from certportal.identity.models import IdentityMap

    return (
        select(WizardRun, KnowledgeVersion, IdentityMap, Credential)
        .join(KnowledgeVersion, col(KnowledgeVersion.id) == col(WizardRun.knowledge_version_id))
        .outerjoin(IdentityMap, col(IdentityMap.user_id) == col(WizardRun.user_id))
        .outerjoin(
            Credential,
            (col(Credential.id) == col(WizardRun.credential_id))
            & (col(Credential.user_id) == col(WizardRun.user_id)),
        )
        .where(
            col(WizardRun.id) == bindparam("run_id"),
            col(WizardRun.user_id) == bindparam("user_id"),
        )
        .options(*knowledge.LIGHT)
    )


def _credential_answers(data: Any) -> tuple[str, dict[str, str]]:
    """What one of my credentials (its ``CredentialData``) already answers: certification,
    dates, provider, Learn."""
    given = {
        "earned_on": data.earned_on.isoformat(),
        "provider": data.provider,
        "on_learn": data.on_learn.value,
    }
    if data.expires_on is not None:
        given["expires_on"] = data.expires_on.isoformat()
    return data.certification_id, given


def _given_answers(
    bundle: Bundle, day: date, certification_id: str | None, given: dict[str, str]
) -> dict[str, str]:
    """The answers a new diagnosis starts with: the certification passed in (refused if it is
    not one), and what a credential knows where it is a valid answer (else the wizard asks)."""
    answers: dict[str, str] = {}
    linkage = bundle.linkage
    if certification_id:
        question = linkage.certification_question
        try:
            answers[question] = engine.validate_answer(
                bundle, question, certification_id, today=day
            )
        except engine.AnswerError as exc:
            raise InvalidInput(exc.key, **exc.params) from None
    ids: dict[str, str | None] = {
        "earned_on": linkage.earned_on_question,
        "provider": linkage.provider_question,
        "expires_on": linkage.expires_on_question,
        "on_learn": "on_learn",
    }
    known = {q.id for q in linkage.questions}
    for name, value in given.items():
        qid = ids[name]
        if qid is None or qid not in known or value in ("unknown", "other"):
            continue  # not known yet: the wizard asks
        try:
            answers[qid] = engine.validate_answer(bundle, qid, value, today=day)
        except engine.AnswerError:
            continue  # "unknown" provider, an unusual date: the wizard asks instead
    return answers


def _draft_context(
    version: KnowledgeVersion,
    bundle: Bundle,
    actor: Principal,
    identity: Identity,
    certification_id: str | None,
    credential: Any,
    today: date | None,
) -> RunContext:
    """A diagnosis not saved yet (its run has no id), with what it starts knowing."""
    day = today or local_today(actor.locale or "ja")
    given: dict[str, str] = {}
    number = ""
    if credential is not None:
        from certportal.credentials import service as credentials

        certification_id, given = _credential_answers(credentials.to_data(credential))
        certification_id = certification_id or None
        number = credential.certification_number
    answers = _given_answers(bundle, day, certification_id, given)
    assert version.id is not None
    run = WizardRun(
        user_id=actor.user_id,
        knowledge_version_id=version.id,
        certification_id=answers.get(bundle.linkage.certification_question, ""),
        credential_id=credential.id if credential is not None else None,
        answers=json.dumps(answers),
    )
    return _run_context(run, version, bundle, actor, identity, number, today)


def draft(
    session: Session,
    *,
    actor: Principal,
    certification_id: str | None = None,
    credential_id: int | None = None,
    version_id: int | None = None,
    today: date | None = None,
) -> RunContext:
    """A new diagnosis, not saved: nothing is written until its first answer (:func:`begin`),
    so opening one and leaving leaves no empty run behind. It uses the active knowledge version
    (or ``version_id``: the one its first question was shown with). A certification can be
    passed in, which answers the first question; or one of my credentials, which also answers
    what it knows (earned date, provider, whether Learn shows it). Someone else's credential is
    "not found"; a certification that is not one is refused."""
    from certportal.credentials import service as credentials

    if version_id is None:
        version, bundle = knowledge.active(session)
    else:
        version, bundle = knowledge.version_bundle(session, version_id)
    credential = None
    if credential_id is not None:
        credential = credentials.get(session, actor=actor, credential_id=credential_id)
    identity, _ = identity_service.get(session, actor=actor)
    return _draft_context(version, bundle, actor, identity, certification_id, credential, today)


def quick_draft(
    connection: Connection,
    *,
    actor: Principal,
    certification_id: str | None = None,
    credential_id: int | None = None,
    today: date | None = None,
) -> RunContext | None:
    """What :func:`draft` gives, in one read on a connection of its own (the active version, my
    identity map and the credential, joined) when the version's documents are parsed in this
    process already and nothing is wrong. Otherwise None: :func:`draft` then says why."""
    with Session(connection) as session:
        found = session.exec(
            _draft_read(),
            params={"user_id": actor.user_id, "credential_id": credential_id or 0},
        ).first()
    if found is None:
        return None
    version, identity_row, credential = found
    bundle = knowledge.cached_bundle(version.content_digest)
    if bundle is None or (credential_id is not None and credential is None):
        return None
    identity = identity_service.identity_of(identity_row, actor)
    try:
        return _draft_context(version, bundle, actor, identity, certification_id, credential, today)
    except InvalidInput:
        return None


@cache
def _draft_read() -> Any:
    """The one SELECT of :func:`quick_draft` (bound ``user_id`` and ``credential_id``)."""
    from certportal.credentials.models import Credential
    from certportal.identity.models import IdentityMap

    # the two joins do not name the version: the left side is given explicitly
    joined = outerjoin(
        outerjoin(
            KnowledgeVersion,
            IdentityMap,
            col(IdentityMap.user_id) == bindparam("user_id"),
        ),
        Credential,
        (col(Credential.id) == bindparam("credential_id"))
        & (col(Credential.user_id) == bindparam("user_id")),
    )
    return (
        select(KnowledgeVersion, IdentityMap, Credential)
        .select_from(joined)
        .where(col(KnowledgeVersion.is_active))
        .options(*knowledge.LIGHT)
    )


def start(
    session: Session,
    *,
    actor: Principal,
    certification_id: str | None = None,
    credential_id: int | None = None,
    today: date | None = None,
) -> WizardRun:
    """A new run saved at once (:func:`draft`, stored): for a diagnosis that has nothing left
    to ask, and for tests and scripts."""
    run = draft(
        session,
        actor=actor,
        certification_id=certification_id,
        credential_id=credential_id,
        today=today,
    ).run
    session.add(run)
    session.flush()
    return run


def begin(
    session: Session,
    *,
    actor: Principal,
    version_id: int | None,
    question_id: str,
    value: str,
    certification_id: str | None = None,
    credential_id: int | None = None,
    today: date | None = None,
) -> RunContext:
    """The first answer of a diagnosis not saved yet (:func:`draft`, on the version its question
    was shown with; None: the active one): the run is saved with it. A refused answer saves
    nothing."""
    ctx = draft(
        session,
        actor=actor,
        certification_id=certification_id,
        credential_id=credential_id,
        version_id=version_id,
        today=today,
    )
    ctx = _record(ctx, actor, question_id, value, today)
    session.add(ctx.run)
    session.flush()
    return ctx


def answer(
    session: Session,
    *,
    actor: Principal,
    run_id: int,
    question_id: str,
    value: str,
    today: date | None = None,
) -> RunContext:
    """Record one answer. Only a question on the current path can be answered; changing an
    answer of a finished run reopens it (its result is given again on confirmation)."""
    ctx = _record(
        context(session, actor=actor, run_id=run_id, today=today), actor, question_id, value, today
    )
    session.add(ctx.run)
    session.flush()
    return ctx


def _record(
    ctx: RunContext, actor: Principal, question_id: str, value: str, today: date | None
) -> RunContext:
    """The run with one more answer (checked: on the path, a valid value), walked again."""
    if question_id not in ctx.walk.path:
        raise InvalidInput("wizard.error.not_on_path")
    try:
        clean = engine.validate_answer(ctx.bundle, question_id, value, today=ctx.today)
    except engine.AnswerError as exc:
        error = InvalidInput(exc.key, field="answer")
        error.params.update(exc.params)
        raise error from None
    run = ctx.run
    answers = {**ctx.answers, question_id: clean}
    if answers != ctx.answers and run.status == DONE:
        run.status = IN_PROGRESS
        run.outcome_id = None
        run.finished_at = None
    run.answers = json.dumps(answers)
    run.certification_id = answers.get(ctx.bundle.linkage.certification_question, "")
    run.updated_at = utcnow()
    # the same context with the new answers: nothing else it was built from has changed
    locale = actor.locale or "ja"
    when = _today(run, today or local_today(locale), locale)
    return replace(
        ctx, answers=answers, walk=engine.walk(ctx.bundle, answers, today=when), today=when
    )


@dataclass(frozen=True)
class Seen:
    """What a question page was built from: enough to record its answer in one statement."""

    run_id: int
    answers: str  # the run's answers as read (its JSON text)
    digest: str  # its knowledge version's content digest
    locale: str | None  # the person's stored language (their "today" follows it)


def seen(ctx: RunContext, actor: Principal) -> Seen:
    return Seen(
        run_id=ctx.run.id or 0,
        answers=ctx.run.answers,
        digest=ctx.version.content_digest or "",
        locale=actor.locale,
    )


@dataclass(frozen=True)
class Quick:
    walk: engine.Walk
    answers: str  # the answers as now saved


def _checked_answer(
    digest: str,
    answers_text: str,
    locale: str | None,
    question_id: str,
    value: str,
    moment: datetime,
) -> tuple[Bundle, date, dict[str, str]] | None:
    """For the one-statement ways: the answers as a page saw them with one more, checked (the
    version parsed in this process, the question on the path, the value valid) — with the
    bundle and the person's day; None when any of it is not so."""
    bundle = knowledge.cached_bundle(digest)
    before = _answers_text(answers_text)
    if bundle is None or before is None:
        return None
    today = local_today(locale or "ja", moment)
    if question_id not in engine.walk(bundle, before, today=today).path:
        return None
    try:
        clean = engine.validate_answer(bundle, question_id, value, today=today)
    except engine.AnswerError:
        return None
    return bundle, today, {**before, question_id: clean}


def _unchanged_run_update(*, locale_set: bool) -> Update:
    """An UPDATE of my run only if it is in progress and unchanged since its page was built,
    for a session that is active and needs no touch (bound ``run_id``, ``seen_answers`` and
    those of ``auth_service.quiet_session_user``): the one-statement ways' shared WHERE."""
    run: Table = WizardRun.__table__  # type: ignore[attr-defined]
    return update(run).where(
        run.c.id == bindparam("run_id"),
        run.c.status == IN_PROGRESS,
        run.c.answers == bindparam("seen_answers"),
        run.c.user_id == auth_service.quiet_session_user(locale_set=locale_set),
    )


@cache
def _quick_update(*, locale_set: bool) -> Update:
    """The one statement of :func:`quick_answer`, built once (bound parameters only)."""
    run: Table = WizardRun.__table__  # type: ignore[attr-defined]
    return (
        _unchanged_run_update(locale_set=locale_set)
        .values(
            answers=bindparam("new_answers"),
            certification_id=bindparam("certification_id"),
            updated_at=bindparam("updated_at"),
        )
        .returning(run.c.id)
    )


def quick_answer(
    connection: Connection,
    *,
    token: str,
    seen: Seen,
    question_id: str,
    value: str,
    now: datetime | None = None,
) -> Quick | None:
    """Record one answer in a single statement that also authenticates, or None.

    The common case — my run, still in progress and unchanged since its page was built, a
    session that is active and needs no touch, a valid answer to a question on the path — is
    one UPDATE whose WHERE checks all of it (meant for :func:`db.statement_scope`: no BEGIN, no
    COMMIT). Anything else (the run changed elsewhere or finished, the session expired or due a
    touch, an answer to refuse, the knowledge version not parsed in this process) changes nothing
    and returns None: :func:`answer` then does the same the long way and says what is wrong."""
    moment = now or utcnow()
    checked = _checked_answer(seen.digest, seen.answers, seen.locale, question_id, value, moment)
    if checked is None or not seen.run_id:
        return None
    bundle, today, answers = checked
    text = json.dumps(answers)
    # a Core statement, built once (its cache key is computed once)
    saved = connection.execute(
        _quick_update(locale_set=seen.locale is not None),
        {
            "run_id": seen.run_id,
            "seen_answers": seen.answers,
            "new_answers": text,
            "certification_id": answers.get(bundle.linkage.certification_question, ""),
            "updated_at": moment,
            **auth_service.quiet_session_params(token, locale=seen.locale, now=moment),
        },
    ).first()
    if saved is None:
        return None
    return Quick(walk=engine.walk(bundle, answers, today=today), answers=text)


@dataclass(frozen=True)
class Draft:
    """What a new diagnosis' first question was built from: enough to save its first answer in
    one statement."""

    user_id: int
    version_id: int
    digest: str  # the version's content digest
    answers: str  # the answers it starts with (JSON text)
    credential_id: int | None
    locale: str | None  # the person's stored language (their "today" follows it)


def drafted(ctx: RunContext, actor: Principal) -> Draft:
    return Draft(
        user_id=actor.user_id,
        version_id=ctx.version.id or 0,
        digest=ctx.version.content_digest or "",
        answers=ctx.run.answers,
        credential_id=ctx.run.credential_id,
        locale=actor.locale,
    )


@dataclass(frozen=True)
class Begun:
    run_id: int
    walk: engine.Walk


@cache
def _quick_insert(*, locale_set: bool) -> Insert:
    """The one statement of :func:`quick_begin`, built once (bound parameters only): the run,
    inserted only if the session is the drafting person's, active and needing no touch."""
    run: Table = WizardRun.__table__  # type: ignore[attr-defined]
    names = (
        "user_id",
        "knowledge_version_id",
        "certification_id",
        "credential_id",
        "answers",
        "status",
        "created_at",
        "updated_at",
    )
    values = select(*(bindparam(n, type_=run.c[n].type) for n in names)).where(
        auth_service.quiet_session_user(locale_set=locale_set) == bindparam("user_id")
    )
    return insert(run).from_select([run.c[n] for n in names], values).returning(run.c.id)


def quick_begin(
    connection: Connection,
    *,
    token: str,
    draft: Draft,
    question_id: str,
    value: str,
    now: datetime | None = None,
) -> Begun | None:
    """The first answer of a new diagnosis (:func:`begin`) in a single statement that also
    authenticates, or None: the INSERT happens only for the drafting person's session, active
    and needing no touch, with a valid answer to a question on the path and the knowledge
    version parsed in this process (meant for :func:`db.statement_scope`). Anything else — and
    a diagnosis of a credential — saves nothing: :func:`begin` then does it the long way and
    says what is wrong."""
    if not draft.version_id or draft.credential_id is not None:
        # (a diagnosis of a credential reads it again: it may have changed or gone meanwhile)
        return None
    moment = now or utcnow()
    checked = _checked_answer(draft.digest, draft.answers, draft.locale, question_id, value, moment)
    if checked is None:
        return None
    bundle, today, answers = checked
    saved = connection.execute(
        _quick_insert(locale_set=draft.locale is not None),
        {
            "user_id": draft.user_id,
            "knowledge_version_id": draft.version_id,
            "certification_id": answers.get(bundle.linkage.certification_question, ""),
            "credential_id": draft.credential_id,
            "answers": json.dumps(answers),
            "status": IN_PROGRESS,
            "created_at": moment,
            "updated_at": moment,
            **auth_service.quiet_session_params(token, locale=draft.locale, now=moment),
        },
    ).first()
    if saved is None:
        return None
    return Begun(run_id=int(saved[0]), walk=engine.walk(bundle, answers, today=today))


def finish(
    session: Session,
    *,
    actor: Principal,
    run_id: int,
    today: date | None = None,
    now: datetime | None = None,
) -> RunContext:
    """Confirm the answers: the outcome is recorded with the knowledge version used."""
    ctx = context(session, actor=actor, run_id=run_id, today=today)
    if not ctx.walk.complete:
        raise InvalidInput("wizard.error.incomplete")
    run = ctx.run
    if run.status != DONE:
        run.status = DONE
        run.outcome_id = ctx.walk.outcome_id
        run.finished_at = now or utcnow()
        run.updated_at = run.finished_at
        session.add(run)
        session.flush()
    return context(session, actor=actor, run_id=run_id, today=today)


@cache
def _quick_finish(*, locale_set: bool) -> Update:
    """The one statement of :func:`quick_finish`, built once (bound parameters only)."""
    run: Table = WizardRun.__table__  # type: ignore[attr-defined]
    return (
        _unchanged_run_update(locale_set=locale_set)
        .values(
            status=DONE,
            outcome_id=bindparam("outcome_id"),
            finished_at=bindparam("finished_at"),
            updated_at=bindparam("finished_at"),
        )
        .returning(run.c.id)
    )


def quick_finish(
    connection: Connection, *, token: str, seen: Seen, now: datetime | None = None
) -> bool:
    """Confirm the answers (:func:`finish`) in a single statement that also authenticates: my
    run, in progress and unchanged since its summary was built, complete, with a session that is
    active and needing no touch (meant for :func:`db.statement_scope`). False otherwise, having
    changed nothing: :func:`finish` then does it the long way and says what is wrong."""
    bundle = knowledge.cached_bundle(seen.digest)
    answers = _answers_text(seen.answers)
    if bundle is None or not seen.run_id or answers is None:
        return False
    moment = now or utcnow()
    walk = engine.walk(bundle, answers, today=local_today(seen.locale or "ja", moment))
    if not walk.complete:
        return False
    saved = connection.execute(
        _quick_finish(locale_set=seen.locale is not None),
        {
            "run_id": seen.run_id,
            "seen_answers": seen.answers,
            "outcome_id": walk.outcome_id,
            "finished_at": moment,
            **auth_service.quiet_session_params(token, locale=seen.locale, now=moment),
        },
    ).first()
    return saved is not None


def list_runs(
    session: Session, *, actor: Principal, credential_id: int | None = None
) -> Sequence[WizardRun]:
    """My diagnoses, newest first; only those about one of my credentials when it is given."""
    query = select(WizardRun).where(WizardRun.user_id == actor.user_id)
    if credential_id is not None:
        query = query.where(WizardRun.credential_id == credential_id)
    return session.exec(
        query.order_by(col(WizardRun.updated_at).desc(), col(WizardRun.id).desc()).limit(
            MAX_RUNS_LISTED
        )
    ).all()


def latest_unfinished(session: Session, *, actor: Principal) -> WizardRun | None:
    return session.exec(
        select(WizardRun)
        .where(WizardRun.user_id == actor.user_id, WizardRun.status == IN_PROGRESS)
        .order_by(col(WizardRun.updated_at).desc(), col(WizardRun.id).desc())
    ).first()


def delete(session: Session, *, actor: Principal, run_id: int) -> None:
    run = _own(session, actor, run_id)
    audit.record_by(
        session,
        actor,
        "wizard.delete",
        target_type="wizard_run",
        target_id=run_id,
        detail={"certification": run.certification_id},
    )
    # cases started from it stay; they no longer point at it
    from certportal.cases.models import SupportCase

    for case in session.exec(select(SupportCase).where(SupportCase.wizard_run_id == run_id)).all():
        case.wizard_run_id = None
        session.add(case)
    session.delete(run)
    session.flush()
