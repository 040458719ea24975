""" "Does it score?": which Solutions Partner designations a certification counts for. Pure.

A certification counts for a metric when it earns points there, or when it is one of the metric's
gates (needed before points count; on the SMB track a gate holder may earn points too). Points
eligibility ends on ``points_until`` when the rules announce one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from certportal.knowledge.schema import Bundle, Localized

Role = Literal["points", "gate"]


@dataclass(frozen=True)
class Contribution:
    designation_id: str
    designation: Localized
    metric_id: str
    metric: Localized
    role: Role
    enterprise_points: float  # points per person on the enterprise track (0 for a gate)
    smb_points: float
    max_points: float
    points_until: date | None
    checked_on: date
    source_url: str | None


def contributions(bundle: Bundle, certification_id: str, today: date) -> list[Contribution]:
    """Every metric this certification counts for today, points first."""
    found: list[Contribution] = []
    for d in bundle.designations.designations:
        for m in d.metrics:
            ent, smb = m.tracks["enterprise"], m.tracks["smb"]
            for earning in m.earning:
                if earning.certification != certification_id:
                    continue
                if earning.points_until is not None and earning.points_until < today:
                    continue
                found.append(
                    Contribution(
                        d.id,
                        d.name,
                        m.id,
                        m.name,
                        "points",
                        ent.points_per_person,
                        smb.points_per_person,
                        max(ent.max_points, smb.max_points),
                        earning.points_until,
                        m.checked_on(),
                        m.sources[0].url,
                    )
                )
            gate_ent = [g for g in ent.gates if certification_id in g.certifications]
            gate_smb = [g for g in smb.gates if certification_id in g.certifications]
            earns = any(f.designation_id == d.id and f.metric_id == m.id for f in found)
            if (gate_ent or gate_smb) and not earns:
                found.append(
                    Contribution(
                        d.id,
                        d.name,
                        m.id,
                        m.name,
                        "gate",
                        max((g.points_per_person for g in gate_ent), default=0.0),
                        max((g.points_per_person for g in gate_smb), default=0.0),
                        max(ent.max_points, smb.max_points),
                        None,
                        m.checked_on(),
                        m.sources[0].url,
                    )
                )
    found.sort(key=lambda c: (c.role != "points", c.designation_id, c.metric_id))
    return found


def scores(bundle: Bundle, certification_id: str, today: date) -> bool:
    return bool(contributions(bundle, certification_id, today))
