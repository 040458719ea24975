"""View models for the team pages (pure): texts in both languages, numbers formatted."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from certportal.i18n.formatting import format_date, format_datetime
from certportal.knowledge.schema import Bundle
from certportal.skilling.models_view import Snapshot
from certportal.skilling.scoring import Breakdown, WhatIf
from certportal.team.rows import MemberCredential, MemberRow

L = dict[str, str]
LOCALES = ("ja", "en")


def both(text: str) -> L:
    return {k: text for k in LOCALES}


def points(value: float) -> str:
    return f"{value:g}"


def outcome_title(bundle: Bundle, outcome_id: str) -> L:
    outcome = bundle.linkage.outcomes_by_id().get(outcome_id)
    if outcome is None:
        return both(outcome_id)
    return {k: outcome.title.get(k) for k in LOCALES}


def designation_names(bundle: Bundle) -> dict[str, L]:
    return {d.id: {k: d.name.get(k) for k in LOCALES} for d in bundle.designations.designations}


@dataclasses.dataclass
class RowItem:
    user_id: int = 0
    name: str = ""
    email: str = ""
    teams: str = ""
    counted: int = 0
    blocked: int = 0
    unlinked: int = 0
    renewals: int = 0
    open_cases: int = 0
    next_party: str = ""
    blocked_reason: L = dataclasses.field(default_factory=dict)
    last_activity: L = dataclasses.field(default_factory=dict)
    href: str = ""


def row_item(r: MemberRow, bundle: Bundle) -> RowItem:
    last: datetime | None = r.last_activity
    return RowItem(
        user_id=r.user_id,
        name=r.name,
        email=r.email,
        teams=", ".join(r.teams),
        counted=r.counted,
        blocked=r.blocked,
        unlinked=r.unlinked,
        renewals=r.renewals,
        open_cases=r.open_cases,
        next_party=r.next_party,
        blocked_reason=outcome_title(bundle, r.blocked_reason) if r.blocked_reason else both(""),
        last_activity={k: format_datetime(last, k) if last else "—" for k in LOCALES},
        href=f"/team/members/{r.user_id}",
    )


@dataclasses.dataclass
class DesignationItem:
    id: str = ""
    name: L = dataclasses.field(default_factory=dict)
    track: str = "enterprise"
    now: str = "0"
    possible: str = "0"
    max: str = "0"
    target: str = ""
    now_pct: int = 0
    possible_pct: int = 0
    target_pct: int = 0
    gated: bool = False  # a gate is not met in some metric
    capped: bool = False  # some metric is at its cap
    metrics: list[MetricItem] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class MetricItem:
    name: L = dataclasses.field(default_factory=dict)
    now: str = "0"
    possible: str = "0"
    max: str = "0"
    gates: str = ""  # "AZ-104 1/2 · AZ-305 0/2"
    gate_open: bool = True
    people: int = 0


def _pct(value: float, top: float) -> int:
    return max(0, min(100, round(100 * value / top))) if top else 0


def designation_items(
    bundle: Bundle, now: Breakdown, possible: Breakdown, targets: dict[str, float]
) -> list[DesignationItem]:
    names = designation_names(bundle)
    metric_names = {
        (d.id, m.id): {k: m.name.get(k) for k in LOCALES}
        for d in bundle.designations.designations
        for m in d.metrics
    }
    later = possible.by_id()
    items = []
    for d in now.designations:
        p = later[d.designation_id]
        target = targets.get(d.designation_id)
        metrics = [
            MetricItem(
                name=metric_names[(d.designation_id, m.metric_id)],
                now=points(m.points),
                possible=points(pm.points),
                max=points(m.max_points),
                gates=" · ".join(
                    f"{'/'.join(g.certifications)} {len(g.holders)}/{g.min_people}" for g in m.gates
                ),
                gate_open=m.gated,
                people=len(m.contributors),
            )
            for m, pm in zip(d.metrics, p.metrics, strict=True)
        ]
        items.append(
            DesignationItem(
                id=d.designation_id,
                name=names[d.designation_id],
                track=d.track,
                now=points(d.points),
                possible=points(p.points),
                max=points(d.max_points),
                target=points(target) if target else "",
                now_pct=_pct(d.points, d.max_points),
                possible_pct=_pct(p.points, d.max_points),
                target_pct=_pct(target or 0, d.max_points),
                gated=not all(m.gated for m in d.metrics),
                capped=any(m.capped for m in d.metrics),
                metrics=metrics,
            )
        )
    return items


@dataclasses.dataclass
class WhatIfItem:
    person: str = ""
    person_href: str = ""
    certification: str = ""
    action: str = "link"
    gain: str = "0"
    designations: L = dataclasses.field(default_factory=dict)


def what_if_item(item: WhatIf, bundle: Bundle) -> WhatIfItem:
    names = designation_names(bundle)
    return WhatIfItem(
        person=item.person,
        person_href=f"/team/members/{item.person_id}",
        certification=item.certification_id,
        action=item.action,
        gain=points(item.gain),
        designations={
            k: ", ".join(names[d][k] for d in item.designations if d in names) for k in LOCALES
        },
    )


@dataclasses.dataclass
class HistoryRow:
    designation: L = dataclasses.field(default_factory=dict)
    cells: list[str] = dataclasses.field(default_factory=list)  # "counted / possible" per month


@dataclasses.dataclass
class History:
    months: list[str] = dataclasses.field(default_factory=list)
    rows: list[HistoryRow] = dataclasses.field(default_factory=list)


def _cell(snapshot: Snapshot) -> str:
    return f"{points(snapshot.counted)} / {points(snapshot.possible)}"


def history(bundle: Bundle, snapshots: Sequence[Snapshot], months: int = 6) -> History:
    """The last ``months`` months, one row per designation that had points or could have."""
    names = designation_names(bundle)
    recent = sorted({s.month for s in snapshots})[-months:]
    table: dict[str, dict[str, Snapshot]] = {}
    for s in snapshots:
        if s.month in recent:
            table.setdefault(s.designation_id, {})[s.month] = s
    rows = []
    for designation_id, name in names.items():
        cells = table.get(designation_id, {})
        if not any(c.counted or c.possible for c in cells.values()):
            continue
        rows.append(
            HistoryRow(
                designation=name,
                cells=[_cell(cells[m]) if m in cells else "—" for m in recent],
            )
        )
    return History(months=recent, rows=rows)


@dataclasses.dataclass
class MemberCredItem:
    id: int = 0
    code: str = ""
    name: L = dataclasses.field(default_factory=dict)
    status: str = "active"
    expires: L = dataclasses.field(default_factory=dict)
    counted: str = "unknown"
    on_learn: str = "unknown"
    number: str = ""
    reason: L = dataclasses.field(default_factory=dict)
    scores: bool = False


def member_cred_item(c: MemberCredential, bundle: Bundle) -> MemberCredItem:
    expires = c.expires_on
    reason = c.blocked_reason
    return MemberCredItem(
        id=c.credential_id,
        code=c.certification_id,
        name=c.name,
        status=c.status,
        expires={k: format_date(expires, k) if expires else "—" for k in LOCALES},
        counted=c.counted,
        on_learn=c.on_learn,
        number=c.certification_number,
        reason=outcome_title(bundle, reason) if reason else both(""),
        scores=c.scores,
    )


@dataclasses.dataclass
class Option:
    value: str = ""
    label: L = dataclasses.field(default_factory=dict)
