"""A person's timeline: events gathered from the inventory, the wizard and support cases.

Owner only: the timeline is one person's own history (leads see cases through the cases service,
without texts). The merge itself is :mod:`certportal.timeline.merge` (pure).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from certportal.auth.policy import Principal
from certportal.cases import service as cases_service
from certportal.cases.models import CaseEvent, SupportCase
from certportal.credentials import service as credentials
from certportal.credentials.models import Credential
from certportal.credentials.rules import Row
from certportal.i18n.formatting import format_date, local_today
from certportal.knowledge import service as knowledge
from certportal.knowledge.schema import KnowledgeError
from certportal.timeline.merge import Event, merge
from certportal.wizard.models import DONE, WizardRun

LOCALES = ("ja", "en")
TEXT_PREVIEW = 280


def _local_day(at: datetime, locale: str) -> date:
    return local_today(locale, at if at.tzinfo else at.replace(tzinfo=UTC))


def _name(row: Row) -> dict[str, str]:
    code = row.data.certification_id
    return {k: f"{code} {row.name}".strip() if code else row.name for k in LOCALES}


def _credential_events(session: Session, actor: Principal, today: date) -> list[Event]:
    locale = actor.locale or "ja"
    cat = credentials.catalog(session)
    rows = credentials.list_rows(session, actor=actor, today=today)
    by_id = {r.id: r for r in rows}
    stored = {
        r.id: r
        for r in session.exec(select(Credential).where(Credential.user_id == actor.user_id)).all()
    }
    events: list[Event] = []
    for row in rows:
        entry = cat.get(row.data.certification_id)
        name = {k: f"{entry.id} {entry.name(k)}" for k in LOCALES} if entry else _name(row)
        href = f"/credentials/{row.id}"
        ids = frozenset({row.id})
        created = stored[row.id].created_at
        source = stored[row.id].source
        kind = {"learn": "credential.imported_learn", "csv": "credential.imported_csv"}.get(
            source, "credential.added"
        )
        events.append(
            Event(
                key=f"credential-{row.id}-added",
                source="credential",
                kind=kind,
                day=_local_day(created, locale),
                at=created,
                title=name,
                href=href,
                credential_ids=ids,
            )
        )
        if row.data.on_learn_seen_on is not None:
            events.append(
                Event(
                    key=f"credential-{row.id}-seen",
                    source="credential",
                    kind="credential.seen_on_learn",
                    day=row.data.on_learn_seen_on,
                    title=name,
                    href=href,
                    credential_ids=ids,
                )
            )
        opens = row.expiry.renewal_opens_on
        if opens is not None and opens <= today:
            events.append(
                Event(
                    key=f"credential-{row.id}-renewal",
                    source="credential",
                    kind="credential.renewal_opened",
                    day=opens,
                    title=name,
                    href=href,
                    credential_ids=ids,
                )
            )
        ends = row.expiry.expires_on
        if ends is not None and ends < today:
            events.append(
                Event(
                    key=f"credential-{row.id}-expired",
                    source="credential",
                    kind="credential.expired",
                    day=ends + timedelta(days=1),
                    title=name,
                    href=href,
                    credential_ids=ids,
                )
            )
    for stored_event in credentials.events(session, actor=actor):
        held = by_id.get(stored_event.credential_id)
        if held is None:
            continue
        entry = cat.get(held.data.certification_id)
        name = {k: f"{entry.id} {entry.name(k)}" for k in LOCALES} if entry else _name(held)
        events.append(
            Event(
                key=f"credential-event-{stored_event.id}",
                source="credential",
                kind="credential.renewed",
                day=stored_event.occurred_on,
                at=stored_event.created_at,
                title=name,
                detail={k: format_date(stored_event.new_expiry, k) for k in LOCALES},
                href=f"/credentials/{held.id}",
                credential_ids=frozenset({held.id}),
            )
        )
    return events


def _diagnosis_events(session: Session, actor: Principal) -> list[Event]:
    locale = actor.locale or "ja"
    runs = session.exec(
        select(WizardRun)
        .where(WizardRun.user_id == actor.user_id)
        .where(WizardRun.status == DONE)
        .order_by(col(WizardRun.id))
    ).all()
    bundles: dict[int, object] = {}
    events: list[Event] = []
    for run in runs:
        if run.finished_at is None:
            continue
        if run.knowledge_version_id not in bundles:
            try:
                bundles[run.knowledge_version_id] = knowledge.version_bundle(
                    session, run.knowledge_version_id
                )[1]
            except KnowledgeError:
                bundles[run.knowledge_version_id] = None
        bundle = bundles[run.knowledge_version_id]
        title = {k: run.outcome_id or "" for k in LOCALES}
        cert = {k: run.certification_id for k in LOCALES}
        if bundle is not None:
            outcome = bundle.linkage.outcomes_by_id().get(run.outcome_id or "")  # type: ignore[attr-defined]
            if outcome is not None:
                title = {k: outcome.title.get(k) for k in LOCALES}
            entry = bundle.catalog.by_id().get(run.certification_id)  # type: ignore[attr-defined]
            if entry is not None:
                cert = {k: f"{entry.id} {entry.name.get(k)}" for k in LOCALES}
        events.append(
            Event(
                key=f"diagnosis-{run.id}",
                source="diagnosis",
                kind="diagnosis.done",
                day=_local_day(run.finished_at, locale),
                at=run.finished_at,
                title=title,
                detail=cert,
                href=f"/wizard/{run.id}/result",
                credential_ids=frozenset({run.credential_id}) if run.credential_id else frozenset(),
            )
        )
    return events


def _case_events(session: Session, actor: Principal) -> list[Event]:
    locale = actor.locale or "ja"
    cases = {
        c.id: c
        for c in session.exec(select(SupportCase).where(SupportCase.user_id == actor.user_id)).all()
    }
    if not cases:
        return []
    links: dict[int, set[int]] = {}
    for case_id in cases:
        assert case_id is not None
        links[case_id] = set(cases_service.credential_ids(session, case_id))
    rows = session.exec(
        select(CaseEvent).where(col(CaseEvent.case_id).in_(sorted(k for k in cases if k)))
    ).all()
    events: list[Event] = []
    for event in rows:
        case = cases[event.case_id]
        detail = event.text[:TEXT_PREVIEW] + ("…" if len(event.text) > TEXT_PREVIEW else "")
        events.append(
            Event(
                key=f"case-event-{event.id}",
                source="case",
                kind=f"case.{event.kind}",
                day=event.occurred_on,
                # the moment counts only when the event is dated the day it was recorded
                at=event.created_at
                if event.occurred_on == _local_day(event.created_at, locale)
                else None,
                title={k: case.subject for k in LOCALES},
                detail={k: detail for k in LOCALES},
                href=f"/cases/{case.id}",
                credential_ids=frozenset(links.get(event.case_id, set())),
                case_id=event.case_id,
            )
        )
    return events


def for_person(
    session: Session,
    *,
    actor: Principal,
    today: date | None = None,
    credential_id: int | None = None,
    case_id: int | None = None,
) -> list[Event]:
    """My timeline, newest first; only one credential's or one case's events when given."""
    day = today or local_today(actor.locale or "ja")
    return merge(
        [
            _credential_events(session, actor, day),
            _diagnosis_events(session, actor),
            _case_events(session, actor),
        ],
        today=day,
        credential_id=credential_id,
        case_id=case_id,
    )
