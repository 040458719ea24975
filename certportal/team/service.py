"""The team lead's view: members' progress (counted in SQL, page by page), a member's read-only
detail, the company's skilling points with what-if, the organisation's skilling settings, and the
CSV exports.

Who sees whom: a lead sees the members of the teams they lead, an admin everyone; a member sees
nobody else (``PermissionDenied``) but may see what their leads see of them. Nothing a member
marked private reaches a lead or admin: a credential whose entry is private is left out of every
count and list, its number and notes are blanked when only they are private. Each time a lead or
admin opens a member's detail, the audit log records it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from certportal.audit import service as audit
from certportal.auth.models import User
from certportal.auth.policy import Principal, require_admin
from certportal.auth.rules import fold, like_contains, without_controls
from certportal.cases import transitions
from certportal.cases.models import SupportCase
from certportal.clock import utcnow
from certportal.credentials import rules as credential_rules
from certportal.credentials import service as credentials
from certportal.credentials.models import Credential
from certportal.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from certportal.knowledge import service as knowledge
from certportal.knowledge.schema import Bundle
from certportal.skilling import scoring
from certportal.skilling import settings as skilling_settings
from certportal.skilling.models import SkillingSetting, SkillingSnapshot
from certportal.team.rows import MemberCredential, MemberRow
from certportal.teams.models import Team, TeamMembership
from certportal.wizard.models import DONE, WizardRun

PAGE_SIZE = 25
RENEWAL_DAYS = 90
STATUSES = ("counted", "blocked", "unlinked", "renewals", "cases")
SORTS = ("name", "counted", "blocked", "unlinked", "renewals", "cases")
ALREADY_COUNTED = "already_counted"
_PRIVATE_ENTRY = '%"entry"%'


# --- who may see whom -------------------------------------------------------------------------


def _require_overseer(actor: Principal) -> None:
    if not (actor.is_admin or actor.led_team_ids):
        raise PermissionDenied("team.error.leads_only")


def _visible_ids(session: Session, actor: Principal) -> Select[Any] | None:
    """The people the actor may see, as a subquery of user ids (None: everyone, for admins)."""
    _require_overseer(actor)
    if actor.is_admin:
        return None
    return (
        select(TeamMembership.user_id)
        .where(col(TeamMembership.team_id).in_(sorted(actor.led_team_ids)))
        .distinct()
    )


def can_see(session: Session, actor: Principal, user_id: int) -> bool:
    if actor.is_admin:
        return True
    if not actor.led_team_ids:
        return False
    found = session.exec(
        select(TeamMembership.id).where(
            TeamMembership.user_id == user_id,
            col(TeamMembership.team_id).in_(sorted(actor.led_team_ids)),
        )
    ).first()
    return found is not None


# --- the team table (counted in SQL) ----------------------------------------------------------


@dataclass(frozen=True)
class TeamQuery:
    search: str = ""
    status: str = ""
    designation: str = ""
    sort: str = "name"
    page: int = 1
    page_size: int = PAGE_SIZE


@dataclass(frozen=True)
class TeamPage:
    rows: list[MemberRow]
    total: int
    page: int
    pages: int


def _valid(today: date) -> Any:
    return or_(
        col(Credential.expires_effective).is_(None), col(Credential.expires_effective) >= today
    )


def _shared() -> Any:
    return col(Credential.private_fields).not_like(_PRIVATE_ENTRY)


def _diagnosed_ids() -> Any:
    """Credentials with a finished diagnosis that did not find them counted (joined, not a
    correlated subquery: PostgreSQL then estimates the cost well and skips JIT compilation)."""
    return (
        sa_select(col(WizardRun.credential_id).label("credential_id"))
        .where(
            col(WizardRun.credential_id).is_not(None),
            col(WizardRun.status) == DONE,
            col(WizardRun.outcome_id) != ALREADY_COUNTED,
        )
        .distinct()
        .subquery("diagnosed")
    )


def designation_certifications(bundle: Bundle, designation_id: str, today: date) -> set[str]:
    for d in bundle.designations.designations:
        if d.id != designation_id:
            continue
        ids: set[str] = set()
        for m in d.metrics:
            ids |= {e.certification for e in m.earning}
            for rule in m.tracks.values():
                for gate in rule.gates:
                    ids |= set(gate.certifications)
        return ids
    return set()


def _member_counts(today: date) -> Any:
    """Per person: counted, blocked, unlinked and renewal-due credentials (shared entries only)."""
    pending = and_(col(Credential.counted) != "yes", _valid(today))
    soon = today + timedelta(days=RENEWAL_DAYS)
    diagnosed = _diagnosed_ids()
    blocked = diagnosed.c.credential_id.is_not(None)
    return (
        sa_select(
            col(Credential.user_id).label("user_id"),
            func.sum(
                case((and_(col(Credential.counted) == "yes", _valid(today)), 1), else_=0)
            ).label("counted"),
            func.sum(case((and_(pending, blocked), 1), else_=0)).label("blocked"),
            func.sum(case((and_(pending, ~blocked), 1), else_=0)).label("unlinked"),
            func.sum(
                case(
                    (
                        and_(
                            col(Credential.expires_effective) >= today,
                            col(Credential.expires_effective) <= soon,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("renewals"),
            func.max(Credential.updated_at).label("last_credential"),
        )
        .select_from(Credential)
        .outerjoin(diagnosed, diagnosed.c.credential_id == col(Credential.id))
        .where(_shared())
        .group_by(col(Credential.user_id))
        .subquery("creds")
    )


def _case_counts() -> Any:
    active = [s.value for s in transitions.ACTIVE]
    return (
        sa_select(
            col(SupportCase.user_id).label("user_id"),
            func.sum(case((col(SupportCase.status).in_(active), 1), else_=0)).label("open_cases"),
            func.max(SupportCase.updated_at).label("last_case"),
        )
        .where(col(SupportCase.status) != transitions.Status.DRAFT.value)
        .group_by(col(SupportCase.user_id))
        .subquery("cases")
    )


def _run_activity() -> Any:
    return (
        sa_select(
            col(WizardRun.user_id).label("user_id"),
            func.max(WizardRun.updated_at).label("last_run"),
        )
        .group_by(col(WizardRun.user_id))
        .subquery("runs")
    )


def _team_select(session: Session, actor: Principal, query: TeamQuery, today: date) -> Any:
    creds, cases, runs = _member_counts(today), _case_counts(), _run_activity()
    counted = func.coalesce(creds.c.counted, 0)
    blocked = func.coalesce(creds.c.blocked, 0)
    unlinked = func.coalesce(creds.c.unlinked, 0)
    renewals = func.coalesce(creds.c.renewals, 0)
    open_cases = func.coalesce(cases.c.open_cases, 0)
    stmt = (
        sa_select(
            col(User.id),
            col(User.display_name),
            col(User.email),
            counted.label("counted"),
            blocked.label("blocked"),
            unlinked.label("unlinked"),
            renewals.label("renewals"),
            open_cases.label("open_cases"),
            creds.c.last_credential,
            cases.c.last_case,
            runs.c.last_run,
        )
        .select_from(User)
        .outerjoin(creds, creds.c.user_id == User.id)
        .outerjoin(cases, cases.c.user_id == User.id)
        .outerjoin(runs, runs.c.user_id == User.id)
        .where(col(User.is_active).is_(True))
    )
    stmt = _people_filters(session, actor, query, today, stmt)
    by_status = {
        "counted": counted > 0,
        "blocked": blocked > 0,
        "unlinked": unlinked > 0,
        "renewals": renewals > 0,
        "cases": open_cases > 0,
    }
    if query.status in by_status:
        stmt = stmt.where(by_status[query.status])
    orders: dict[str, list[Any]] = {
        "name": [col(User.display_name), col(User.id)],
        "counted": [counted.desc(), col(User.display_name), col(User.id)],
        "blocked": [blocked.desc(), col(User.display_name), col(User.id)],
        "unlinked": [unlinked.desc(), col(User.display_name), col(User.id)],
        "renewals": [renewals.desc(), col(User.display_name), col(User.id)],
        "cases": [open_cases.desc(), col(User.display_name), col(User.id)],
    }
    return stmt.order_by(*orders[query.sort if query.sort in SORTS else "name"])


def _people_filters(
    session: Session, actor: Principal, query: TeamQuery, today: date, stmt: Any
) -> Any:
    """Who may be listed: visible to the actor, matching the search and the designation."""
    visible = _visible_ids(session, actor)
    if visible is not None:
        stmt = stmt.where(col(User.id).in_(visible))
    term = without_controls(fold(query.search.strip()))[:100]
    if term:
        stmt = stmt.where(col(User.search_key).like(like_contains(term), escape="\\"))
    if query.designation:
        _, bundle = knowledge.active(session)
        ids = designation_certifications(bundle, query.designation, today)
        stmt = stmt.where(
            exists().where(
                col(Credential.user_id) == col(User.id),
                col(Credential.certification_id).in_(sorted(ids) or [""]),
                _shared(),
                _valid(today),
            )
        )
    return stmt


def _check_query(query: TeamQuery) -> TeamQuery:
    if query.status and query.status not in STATUSES:
        raise InvalidInput("team.error.status", field="status")
    if query.sort not in SORTS:
        raise InvalidInput("team.error.sort", field="sort")
    return TeamQuery(
        search=query.search[:100],
        status=query.status,
        designation=query.designation[:64],
        sort=query.sort,
        page=max(1, min(query.page, 100_000)),
        page_size=max(1, min(query.page_size, 200)),
    )


def team_page(session: Session, *, actor: Principal, query: TeamQuery, today: date) -> TeamPage:
    """One page of the members the actor may see, with their counts (SQL does the counting)."""
    query = _check_query(query)
    stmt = _team_select(session, actor, query, today)
    if query.status:
        # the filter needs the counts: count the filtered aggregate
        counting = sa_select(func.count()).select_from(stmt.subquery())
    else:
        # no count decides who is listed: counting people is enough
        people = _people_filters(
            session,
            actor,
            query,
            today,
            sa_select(col(User.id)).where(col(User.is_active).is_(True)),
        )
        counting = sa_select(func.count()).select_from(people.subquery())
    total: int = session.execute(counting).scalar_one()
    pages = max(1, -(-int(total) // query.page_size))
    page = min(query.page, pages)
    result = session.execute(stmt.limit(query.page_size).offset((page - 1) * query.page_size)).all()
    rows = [_row(r) for r in result]
    return TeamPage(rows=_decorate(session, rows, today), total=int(total), page=page, pages=pages)


def _row(r: Any) -> MemberRow:
    moments = [m for m in (r.last_credential, r.last_case, r.last_run) if m is not None]
    return MemberRow(
        user_id=r.id,
        name=r.display_name,
        email=r.email,
        counted=int(r.counted),
        blocked=int(r.blocked),
        unlinked=int(r.unlinked),
        renewals=int(r.renewals),
        open_cases=int(r.open_cases),
        last_activity=max(moments) if moments else None,
    )


def _decorate(session: Session, rows: list[MemberRow], today: date) -> list[MemberRow]:
    """Teams, the latest blocking diagnosis and the next move on the latest case — for one page."""
    if not rows:
        return rows
    ids = [r.user_id for r in rows]
    teams: dict[int, list[str]] = {}
    for user_id, name in session.exec(
        select(TeamMembership.user_id, Team.name)
        .join(Team, col(Team.id) == col(TeamMembership.team_id))
        .where(col(TeamMembership.user_id).in_(ids))
        .order_by(col(Team.name))
    ).all():
        teams.setdefault(user_id, []).append(name)
    reasons: dict[int, str] = {}
    for user_id, outcome in session.exec(
        select(WizardRun.user_id, WizardRun.outcome_id)
        .join(Credential, col(Credential.id) == col(WizardRun.credential_id))
        .where(
            col(WizardRun.user_id).in_(ids),
            WizardRun.status == DONE,
            col(WizardRun.outcome_id) != ALREADY_COUNTED,
            col(Credential.counted) != "yes",
            _shared(),
            _valid(today),
        )
        .order_by(col(WizardRun.finished_at).desc(), col(WizardRun.id).desc())
    ).all():
        reasons.setdefault(user_id, outcome or "")
    parties: dict[int, str] = {}
    active = [s.value for s in transitions.ACTIVE]
    for user_id, status, channel in session.exec(
        select(SupportCase.user_id, SupportCase.status, SupportCase.channel)
        .where(col(SupportCase.user_id).in_(ids), col(SupportCase.status).in_(active))
        .order_by(col(SupportCase.updated_at).desc(), col(SupportCase.id).desc())
    ).all():
        if user_id not in parties:
            parties[user_id] = transitions.next_party(
                transitions.Status(status), transitions.Channel(channel)
            ).value
    return [
        MemberRow(
            **{
                **r.__dict__,
                "teams": tuple(teams.get(r.user_id, ())),
                "blocked_reason": reasons.get(r.user_id, ""),
                "next_party": parties.get(r.user_id, ""),
            }
        )
        for r in rows
    ]


# --- a member's detail ------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberDetail:
    user_id: int
    name: str
    email: str
    teams: tuple[str, ...]
    credentials: list[MemberCredential]
    cases: list[Any] = field(default_factory=list)  # cases.service.CaseSummary, without texts
    hidden: int = 0  # credentials the member keeps private (a count only)


def member_detail(session: Session, *, actor: Principal, user_id: int, today: date) -> MemberDetail:
    """A member's progress, read-only, as their lead sees it. Opening it is audited."""
    if not can_see(session, actor, user_id):
        raise NotFound("team.error.not_found")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("team.error.not_found")
    detail = _detail(session, user, today)
    if actor.user_id != user_id:
        audit.record_by(session, actor, "team.member_view", target_type="user", target_id=user_id)
    return detail


def what_my_lead_sees(session: Session, *, actor: Principal, today: date) -> MemberDetail:
    """My own detail exactly as a lead sees it (private entries left out)."""
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("team.error.not_found")
    return _detail(session, user, today)


def _detail(session: Session, user: User, today: date) -> MemberDetail:
    from certportal.cases import service as cases_service

    assert user.id is not None
    _, bundle = knowledge.active(session)
    cat = credentials.catalog(session)
    relevant = scoring.scoring_ids(bundle, today)
    rows = session.exec(
        select(Credential).where(Credential.user_id == user.id).order_by(col(Credential.id))
    ).all()
    reasons: dict[int, str] = {}
    for credential_id, outcome in session.exec(
        select(WizardRun.credential_id, WizardRun.outcome_id)
        .where(WizardRun.user_id == user.id, WizardRun.status == DONE)
        .order_by(col(WizardRun.finished_at).desc(), col(WizardRun.id).desc())
    ).all():
        if credential_id is not None:
            reasons.setdefault(credential_id, outcome or "")
    shown: list[MemberCredential] = []
    hidden = 0
    for row in rows:
        data = credentials.to_data(row)
        if "entry" in data.private:
            hidden += 1
            continue
        entry = cat.get(data.certification_id)
        expiry = credential_rules.status_of(data, entry, today)
        reason = reasons.get(row.id or 0, "")
        shown.append(
            MemberCredential(
                credential_id=row.id or 0,
                certification_id=data.certification_id,
                name={k: credentials.display_name(data, entry, k) for k in ("ja", "en")},
                status=expiry.status.value,
                expires_on=expiry.expires_on,
                counted=data.counted.value,
                on_learn=data.on_learn.value,
                certification_number=""
                if "certification_number" in data.private
                else data.certification_number,
                blocked_reason="" if reason == ALREADY_COUNTED else reason,
                scores=data.certification_id in relevant,
            )
        )
    member_cases = cases_service.member_cases(session, user_id=user.id)
    teams = tuple(
        session.exec(
            select(Team.name)
            .join(TeamMembership, col(TeamMembership.team_id) == col(Team.id))
            .where(TeamMembership.user_id == user.id)
            .order_by(col(Team.name))
        ).all()
    )
    return MemberDetail(
        user_id=user.id,
        name=user.display_name,
        email=user.email,
        teams=teams,
        credentials=shown,
        cases=member_cases,
        hidden=hidden,
    )


# --- skilling ---------------------------------------------------------------------------------


def read_settings(session: Session) -> tuple[skilling_settings.Settings, int]:
    row = session.exec(select(SkillingSetting).order_by(col(SkillingSetting.id))).first()
    if row is None:
        return skilling_settings.Settings(), 0
    return skilling_settings.parse(row.document), row.version


def save_settings(
    session: Session,
    *,
    actor: Principal,
    tracks: dict[str, str],
    targets: dict[str, str],
    version: int,
) -> skilling_settings.Settings:
    require_admin(actor)
    _, bundle = knowledge.active(session)
    clean = skilling_settings.validate(bundle, tracks, targets)
    row = session.exec(select(SkillingSetting).order_by(col(SkillingSetting.id))).first()
    current = row.version if row is not None else 0
    if version != current:
        raise Conflict("skilling.error.changed_meanwhile")
    if row is None:
        row = SkillingSetting(version=0)
    row.document = skilling_settings.dump(clean)
    row.version = current + 1
    row.updated_at = utcnow()
    session.add(row)
    audit.record_by(
        session,
        actor,
        "skilling.settings",
        detail={"tracks": clean.tracks, "targets": clean.targets},
    )
    session.flush()
    return clean


def _people(session: Session, today: date, only: set[int] | None = None) -> list[scoring.Person]:
    """Everyone's shared, held credentials as scoring reads them."""
    query = (
        sa_select(
            col(Credential.id),
            col(Credential.user_id),
            col(Credential.certification_id),
            col(Credential.counted),
            col(Credential.expires_effective),
            col(User.display_name),
        )
        .join(User, col(User.id) == col(Credential.user_id))
        .where(col(User.is_active).is_(True), _shared(), col(Credential.certification_id) != "")
        .order_by(col(Credential.user_id), col(Credential.id))
    )
    people: dict[int, tuple[str, list[scoring.Held]]] = {}
    rows: Sequence[Any] = session.execute(query).all()
    for cid, uid, cert, counted, expires, name in rows:
        if only is not None and uid not in only:
            continue
        people.setdefault(uid, (name, []))[1].append(
            scoring.Held(cert, counted == "yes", expires, credential_id=cid)
        )
    return [scoring.Person(uid, name, tuple(held)) for uid, (name, held) in people.items()]


@dataclass(frozen=True)
class Panel:
    now: scoring.Breakdown
    possible: scoring.Breakdown
    settings: skilling_settings.Settings
    tracks: dict[str, scoring.Track]
    what_if: list[scoring.WhatIf]
    not_scoring: list[tuple[str, int]]  # certification id, holders (among those I may see)
    history: list[SkillingSnapshot]
    bundle: Bundle


def panel(session: Session, *, actor: Principal, today: date) -> Panel:
    """The company's skilling points now and possible, per designation; the what-if list and the
    certifications that count for nothing among the people the actor may see. Records this
    month's snapshot for the history chart."""
    _require_overseer(actor)
    _, bundle = knowledge.active(session)
    settings, _ = read_settings(session)
    tracks = skilling_settings.tracks_by_designation(bundle, settings)
    everyone = _people(session, today)
    now = scoring.score(bundle, everyone, tracks=tracks, today=today)
    possible = scoring.score(bundle, everyone, tracks=tracks, today=today, assume_counted=True)
    visible = _visible_user_ids(session, actor)
    mine = [p for p in everyone if visible is None or p.id in visible]
    actions = _actions(session)
    ranked = scoring.what_if(
        bundle, everyone, tracks=tracks, today=today, actions=actions, limit=200
    )
    ranked = [w for w in ranked if visible is None or w.person_id in visible][:50]
    relevant = scoring.scoring_ids(bundle, today)
    counts: dict[str, int] = {}
    for person in mine:
        for cert in {h.certification_id for h in person.held} - relevant:
            counts[cert] = counts.get(cert, 0) + 1
    _snapshot(session, now, possible, today)
    history = list(
        session.exec(
            select(SkillingSnapshot).order_by(
                col(SkillingSnapshot.month), col(SkillingSnapshot.designation_id)
            )
        ).all()
    )
    return Panel(
        now=now,
        possible=possible,
        settings=settings,
        tracks=tracks,
        what_if=ranked,
        not_scoring=sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
        history=history,
        bundle=bundle,
    )


def _visible_user_ids(session: Session, actor: Principal) -> set[int] | None:
    visible = _visible_ids(session, actor)
    if visible is None:
        return None
    return set(session.execute(visible).scalars().all())


def _actions(session: Session) -> dict[int, scoring.Action]:
    """Per credential that does not count: link the profiles first if Learn does not show it,
    else associate it in Partner Center. (One pass over the pending ones: no id list.)"""
    found: dict[int, scoring.Action] = {}
    for cid, on_learn in session.exec(
        select(Credential.id, Credential.on_learn).where(
            col(Credential.counted) != "yes", _shared()
        )
    ).all():
        if cid is not None:
            found[cid] = "associate" if on_learn == "yes" else "link"
    return found


def _snapshot(
    session: Session, now: scoring.Breakdown, possible: scoring.Breakdown, today: date
) -> None:
    month = today.strftime("%Y-%m")
    existing = {
        s.designation_id: s
        for s in session.exec(select(SkillingSnapshot).where(SkillingSnapshot.month == month)).all()
    }
    later = possible.by_id()
    for result in now.designations:
        row = existing.get(result.designation_id) or SkillingSnapshot(
            month=month, designation_id=result.designation_id
        )
        row.counted = result.points
        row.possible = later[result.designation_id].points
        row.taken_at = utcnow()
        session.add(row)
    session.flush()


# --- exports ----------------------------------------------------------------------------------

TEAM_COLUMNS = (
    "name",
    "email",
    "teams",
    "counted",
    "blocked",
    "unlinked",
    "renewals_90_days",
    "open_cases",
    "next_move",
    "blocked_reason",
    "last_activity",
)
SKILLING_COLUMNS = (
    "designation",
    "metric",
    "track",
    "points_now",
    "points_possible",
    "max_points",
    "target",
    "gates_met",
    "people_counted",
)


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_defuse(v) for v in row])
    return out.getvalue()


def _defuse(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_team_csv(session: Session, *, actor: Principal, query: TeamQuery, today: date) -> str:
    """Every member matching the filters (not only one page), UTF-8 with BOM."""
    query = _check_query(query)
    rows = [_row(r) for r in session.execute(_team_select(session, actor, query, today)).all()]
    rows = _decorate(session, rows, today)
    audit.record_by(session, actor, "team.export", detail={"rows": len(rows)})
    return _csv(
        TEAM_COLUMNS,
        [
            (
                r.name,
                r.email,
                "; ".join(r.teams),
                r.counted,
                r.blocked,
                r.unlinked,
                r.renewals,
                r.open_cases,
                r.next_party,
                r.blocked_reason,
                r.last_activity.isoformat() if r.last_activity else "",
            )
            for r in rows
        ],
    )


def export_skilling_csv(session: Session, *, actor: Principal, today: date) -> str:
    found = panel(session, actor=actor, today=today)
    later = found.possible.by_id()
    rows = []
    for d in found.now.designations:
        for m, p in zip(d.metrics, later[d.designation_id].metrics, strict=True):
            rows.append(
                (
                    d.designation_id,
                    m.metric_id,
                    m.track,
                    f"{m.points:g}",
                    f"{p.points:g}",
                    f"{m.max_points:g}",
                    f"{target:g}"
                    if (target := found.settings.targets.get(d.designation_id))
                    else "",
                    "yes" if m.gated else "no",
                    len(m.contributors),
                )
            )
    audit.record_by(session, actor, "skilling.export", detail={"rows": len(rows)})
    return _csv(SKILLING_COLUMNS, rows)
