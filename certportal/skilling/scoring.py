"""Skilling points per designation and track (pure), from the designation rules in the knowledge
base (``designations.json``), never from constants here.

For each metric of a designation, on the organisation's track (enterprise or SMB):

- **Gates** are steps taken in order: step *i* is met when at least ``min_people`` people hold one
  of its certifications. Until every gate is met the metric earns nothing from its earning
  certifications. On the SMB track a gate may itself earn ``points_per_person`` for each holder
  (counted once per step), as long as it and every earlier step are met.
- **Earning**: once the gates are met, each person holding at least one earning certification
  earns ``points_per_person`` — a person counts once per metric, however many they hold.
- The metric's points are capped at ``max_points``.

A credential qualifies on a day when it is counted (associated in Partner Center — or assumed so
for "what if"), not expired, and still eligible: before the rule's ``points_until`` for that
certification, the catalog's end of points eligibility, and one year after retirement.

Where the official pages' worked examples contradict their own rules (Data & AI example 1, the
Security SMB cap), the rules as written are followed; the knowledge base notes each case.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from certportal.credentials.expiry import add_years
from certportal.knowledge.schema import Bundle, Metric, TrackRule

Track = Literal["enterprise", "smb"]
TRACKS: tuple[Track, ...] = ("enterprise", "smb")


@dataclass(frozen=True)
class Held:
    """One certification a person holds, as scoring needs it."""

    certification_id: str
    counted: bool  # shows in Partner Center for the company (linked and associated)
    expires_on: date | None = None  # last valid day; None = never expires
    credential_id: int = 0


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    held: tuple[Held, ...] = ()


@dataclass(frozen=True)
class GateResult:
    certifications: tuple[str, ...]
    min_people: int
    holders: tuple[int, ...]  # person ids
    met: bool  # this step and every earlier one
    points: float  # earned by this step (SMB gate points), before the cap


@dataclass(frozen=True)
class MetricResult:
    designation_id: str
    metric_id: str
    track: Track
    gates: tuple[GateResult, ...]
    earners: tuple[int, ...]  # people holding an earning certification (counted once)
    points: float  # after the cap
    max_points: float
    points_per_person: float

    @property
    def gated(self) -> bool:
        """Every gate met (or none): earning certifications count."""
        return all(g.met for g in self.gates)

    @property
    def capped(self) -> bool:
        return self.points >= self.max_points

    @property
    def contributors(self) -> tuple[int, ...]:
        """Everyone who brought points: gate holders of met steps with gate points, earners."""
        found: dict[int, None] = {}
        for gate in self.gates:
            if gate.met and gate.points > 0:
                found.update(dict.fromkeys(gate.holders))
        if self.gated and self.points_per_person > 0:
            found.update(dict.fromkeys(self.earners))
        return tuple(found)


@dataclass(frozen=True)
class DesignationResult:
    designation_id: str
    track: Track
    metrics: tuple[MetricResult, ...]

    @property
    def points(self) -> float:
        return round(sum(m.points for m in self.metrics), 2)

    @property
    def max_points(self) -> float:
        return round(sum(m.max_points for m in self.metrics), 2)


@dataclass(frozen=True)
class Breakdown:
    day: date
    designations: tuple[DesignationResult, ...]

    def by_id(self) -> dict[str, DesignationResult]:
        return {d.designation_id: d for d in self.designations}

    @property
    def points(self) -> float:
        return round(sum(d.points for d in self.designations), 2)


# --- which credentials qualify ---------------------------------------------------------------


def _end_of_eligibility(bundle: Bundle) -> dict[str, date | None]:
    """Per certification: the last day it may earn points by the catalog (None: no end)."""
    ends: dict[str, date | None] = {}
    for cert in bundle.catalog.certifications:
        known = [
            d
            for d in (cert.points_until, add_years(cert.retired_on, 1) if cert.retired_on else None)
            if d
        ]
        ends[cert.id] = min(known) if known else None
    return ends


def qualifying(
    person: Person,
    today: date,
    ends: Mapping[str, date | None],
    *,
    assume_counted: bool = False,
) -> set[str]:
    """The certification ids this person holds that may earn points today."""
    found: set[str] = set()
    for held in person.held:
        if not (held.counted or assume_counted):
            continue
        if held.expires_on is not None and held.expires_on < today:
            continue
        end = ends.get(held.certification_id)
        if end is not None and end < today:
            continue
        found.add(held.certification_id)
    return found


# --- scoring ---------------------------------------------------------------------------------


def _earning_ids(metric: Metric, today: date) -> set[str]:
    return {
        e.certification for e in metric.earning if e.points_until is None or e.points_until >= today
    }


def score_metric(
    designation_id: str,
    metric: Metric,
    track: Track,
    holdings: Mapping[int, set[str]],
    today: date,
) -> MetricResult:
    rule = metric.tracks[track]
    gates: list[GateResult] = []
    all_met = True
    for gate in rule.gates:
        wanted = set(gate.certifications)
        holders = tuple(sorted(p for p, certs in holdings.items() if certs & wanted))
        all_met = all_met and len(holders) >= gate.min_people
        gates.append(
            GateResult(
                certifications=tuple(gate.certifications),
                min_people=gate.min_people,
                holders=holders,
                met=all_met,
                points=len(holders) * gate.points_per_person if all_met else 0.0,
            )
        )
    earning = _earning_ids(metric, today)
    earners = tuple(sorted(p for p, certs in holdings.items() if certs & earning))
    raw = sum(g.points for g in gates)
    if all_met:
        raw += len(earners) * rule.points_per_person
    return MetricResult(
        designation_id=designation_id,
        metric_id=metric.id,
        track=track,
        gates=tuple(gates),
        earners=earners,
        points=round(min(rule.max_points, raw), 2),
        max_points=rule.max_points,
        points_per_person=rule.points_per_person,
    )


def score(
    bundle: Bundle,
    people: Iterable[Person],
    *,
    tracks: Mapping[str, Track],
    today: date,
    assume_counted: bool = False,
) -> Breakdown:
    """Points per designation and metric. ``tracks`` gives each designation's track (enterprise
    when missing). With ``assume_counted`` every held, valid credential counts: the points
    possible if every blocked or unlinked certification were linked and associated."""
    ends = _end_of_eligibility(bundle)
    holdings = {p.id: qualifying(p, today, ends, assume_counted=assume_counted) for p in people}
    holdings = {k: v for k, v in holdings.items() if v}
    results = []
    for d in bundle.designations.designations:
        track = tracks.get(d.id, "enterprise")
        results.append(
            DesignationResult(
                designation_id=d.id,
                track=track,
                metrics=tuple(score_metric(d.id, m, track, holdings, today) for m in d.metrics),
            )
        )
    return Breakdown(day=today, designations=tuple(results))


def scoring_ids(bundle: Bundle, today: date) -> set[str]:
    """Certifications that count for some designation today (as a gate or for points)."""
    ends = _end_of_eligibility(bundle)
    ids: set[str] = set()
    for d in bundle.designations.designations:
        for m in d.metrics:
            ids |= _earning_ids(m, today)
            for rule in m.tracks.values():
                for gate in rule.gates:
                    ids |= set(gate.certifications)
    return {i for i in ids if (ends.get(i) is None or ends[i] >= today)}  # type: ignore[operator]


# --- what if ---------------------------------------------------------------------------------

Action = Literal["link", "associate", "renew"]


@dataclass(frozen=True)
class WhatIf:
    person_id: int
    person: str
    credential_id: int
    certification_id: str
    action: Action
    gain: float  # points the organisation gains (or keeps, for a renewal)
    designations: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class _MetricSets:
    """One metric on its track, as sets: who holds each gate, who earns — so a change for one
    person is scored by counting, without scoring everyone again."""

    designation_id: str
    gate_certs: tuple[frozenset[str], ...]
    gate_holders: tuple[frozenset[int], ...]
    earning: frozenset[str]
    earners: frozenset[int]
    rule: TrackRule

    def points(self, gate_counts: Sequence[int], earner_count: int) -> float:
        raw, all_met = 0.0, True
        for gate, count in zip(self.rule.gates, gate_counts, strict=True):
            all_met = all_met and count >= gate.min_people
            raw += count * gate.points_per_person if all_met else 0.0
        if all_met:
            raw += earner_count * self.rule.points_per_person
        return round(min(self.rule.max_points, raw), 2)

    def now(self) -> float:
        return self.points([len(h) for h in self.gate_holders], len(self.earners))

    def with_person(self, person: int, before: set[str], after: set[str]) -> float:
        """The points if ``person`` held ``after`` instead of ``before``."""
        counts = [
            len(holders) - bool(before & certs) + bool(after & certs)
            for certs, holders in zip(self.gate_certs, self.gate_holders, strict=True)
        ]
        earners = len(self.earners) - bool(before & self.earning) + bool(after & self.earning)
        return self.points(counts, earners)

    def touches(self, cert: str) -> bool:
        return cert in self.earning or any(cert in certs for certs in self.gate_certs)


def _metric_sets(
    bundle: Bundle, holdings: Mapping[int, set[str]], tracks: Mapping[str, Track], today: date
) -> list[_MetricSets]:
    found = []
    for d in bundle.designations.designations:
        for m in d.metrics:
            rule = m.tracks[tracks.get(d.id, "enterprise")]
            gates = tuple(frozenset(g.certifications) for g in rule.gates)
            earning = frozenset(_earning_ids(m, today))
            found.append(
                _MetricSets(
                    designation_id=d.id,
                    gate_certs=gates,
                    gate_holders=tuple(
                        frozenset(p for p, held in holdings.items() if held & certs)
                        for certs in gates
                    ),
                    earning=earning,
                    earners=frozenset(p for p, held in holdings.items() if held & earning),
                    rule=rule,
                )
            )
    return found


def what_if(
    bundle: Bundle,
    people: Sequence[Person],
    *,
    tracks: Mapping[str, Track],
    today: date,
    actions: Mapping[int, Action],
    renew_within_days: int = 90,
    limit: int = 50,
) -> list[WhatIf]:
    """Which person's which action unlocks most points, best first.

    A held credential that does not count yet gains what counting it would add (its action —
    link the profiles, or associate in Partner Center — comes from ``actions`` by credential id,
    "link" when unknown). A counted credential expiring within ``renew_within_days`` gains what
    the organisation would lose at expiry if it were not renewed. Each candidate is scored by
    counting on the metrics its certification touches."""
    ends = _end_of_eligibility(bundle)
    relevant = scoring_ids(bundle, today)
    base = {p.id: qualifying(p, today, ends) for p in people}
    metrics = _metric_sets(bundle, base, tracks, today)
    now = [m.now() for m in metrics]
    found: list[WhatIf] = []
    for person in people:
        before = base[person.id]
        for held in person.held:
            cert = held.certification_id
            if cert not in relevant:
                continue
            if held.expires_on is not None and held.expires_on < today:
                continue
            end = ends.get(cert)
            if end is not None and end < today:
                continue
            if not held.counted:
                if cert in before:
                    continue  # already counts through another credential of the same cert
                after = before | {cert}
                action = actions.get(held.credential_id, "link")
            elif (
                held.expires_on is not None and (held.expires_on - today).days <= renew_within_days
            ):
                # what is lost when it expires unrenewed (unless another credential covers it)
                after = qualifying(replace_person(person, held), today, ends)
                action = "renew"
            else:
                continue
            gain = 0.0
            changed: list[str] = []
            for index, metric in enumerate(metrics):
                if not metric.touches(cert):
                    continue
                delta = metric.with_person(person.id, before, after) - now[index]
                if delta:
                    gain += abs(delta)
                    if metric.designation_id not in changed:
                        changed.append(metric.designation_id)
            gain = round(gain, 2)
            if gain > 0:
                found.append(
                    WhatIf(
                        person.id,
                        person.name,
                        held.credential_id,
                        cert,
                        action,
                        gain,
                        tuple(changed),
                    )
                )
    found.sort(key=lambda w: (-w.gain, w.person, w.certification_id, w.credential_id))
    return found[:limit]


def replace_person(person: Person, expired: Held) -> Person:
    """The person without one credential (it expired)."""
    return replace(person, held=tuple(h for h in person.held if h is not expired))
