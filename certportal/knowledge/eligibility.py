""" "Does it score?": which Solutions Partner designations a certification counts for. Pure.

A certification counts for a metric when it earns points there, or when it is one of the metric's
gates (needed before points count; on the SMB track a gate holder may earn points too). Points
eligibility ends on ``points_until`` when the rules announce one, and a year after retirement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from certportal.credentials.expiry import add_years
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


def _until(*days: date | None) -> date | None:
    known = [d for d in days if d is not None]
    return min(known) if known else None


def contributions(bundle: Bundle, certification_id: str, today: date) -> list[Contribution]:
    """Every metric this certification counts for today, points first.

    Points end on the earliest of: the designation's end date for it, the catalog's end of points
    eligibility, and one year after the certification's retirement.
    """
    found: list[Contribution] = []
    cert = bundle.catalog.by_id().get(certification_id)
    retired_grace = add_years(cert.retired_on, 1) if cert and cert.retired_on else None
    cert_until = _until(cert.points_until if cert else None, retired_grace)
    if cert_until is not None and cert_until < today:
        return found
    for d, m in bundle.designations.naming(certification_id):
        ent, smb = m.tracks["enterprise"], m.tracks["smb"]
        top = max(ent.max_points, smb.max_points)
        for earning in m.earning:
            if earning.certification != certification_id:
                continue
            until = _until(earning.points_until, cert_until)
            if until is not None and until < today:
                continue
            found.append(
                Contribution(
                    designation_id=d.id,
                    designation=d.name,
                    metric_id=m.id,
                    metric=m.name,
                    role="points",
                    enterprise_points=ent.points_per_person,
                    smb_points=smb.points_per_person,
                    max_points=top,
                    points_until=until,
                    checked_on=m.checked_on(),
                    source_url=m.sources[0].url,
                )
            )
        gate_ent = [g for g in ent.gates if certification_id in g.certifications]
        gate_smb = [g for g in smb.gates if certification_id in g.certifications]
        earns = any(f.designation_id == d.id and f.metric_id == m.id for f in found)
        if (gate_ent or gate_smb) and not earns:
            found.append(
                Contribution(
                    designation_id=d.id,
                    designation=d.name,
                    metric_id=m.id,
                    metric=m.name,
                    role="gate",
                    enterprise_points=max((g.points_per_person for g in gate_ent), default=0.0),
                    smb_points=max((g.points_per_person for g in gate_smb), default=0.0),
                    max_points=top,
                    points_until=cert_until,
                    checked_on=m.checked_on(),
                    source_url=m.sources[0].url,
                )
            )
    found.sort(key=lambda c: (c.role != "points", c.designation_id, c.metric_id))
    return found


def scores(bundle: Bundle, certification_id: str, today: date) -> bool:
    return bool(contributions(bundle, certification_id, today))
