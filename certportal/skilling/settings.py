"""The organisation's skilling settings (pure): the track per solution area and the target
designations with the points aimed at. Stored as one JSON document; read defensively."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from certportal.errors import InvalidInput
from certportal.knowledge.schema import Bundle
from certportal.skilling.scoring import TRACKS, Track


@dataclass(frozen=True)
class Settings:
    tracks: dict[str, Track] = field(default_factory=dict)  # solution area key → track
    targets: dict[str, float] = field(default_factory=dict)  # designation id → points aimed at


def area_key(bundle: Bundle, designation_id: str) -> str:
    for d in bundle.designations.designations:
        if d.id == designation_id:
            return d.solution_area.en
    return ""


def areas(bundle: Bundle) -> list[str]:
    """The solution areas, in the rules' order, once each."""
    return list(dict.fromkeys(d.solution_area.en for d in bundle.designations.designations))


def tracks_by_designation(bundle: Bundle, settings: Settings) -> dict[str, Track]:
    return {
        d.id: settings.tracks.get(d.solution_area.en, "enterprise")
        for d in bundle.designations.designations
    }


def parse(text: str) -> Settings:
    try:
        raw: Any = json.loads(text or "{}")
    except ValueError:
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    stored_tracks, stored_targets = raw.get("tracks"), raw.get("targets")
    if not isinstance(stored_tracks, dict):
        stored_tracks = {}
    if not isinstance(stored_targets, dict):
        stored_targets = {}
    tracks = {str(k): v for k, v in stored_tracks.items() if v in TRACKS}
    targets: dict[str, float] = {}
    for k, v in stored_targets.items():
        if isinstance(v, int | float) and 0 <= v <= 100:
            targets[str(k)] = float(v)
    return Settings(tracks=tracks, targets=targets)


def dump(settings: Settings) -> str:
    return json.dumps(
        {"tracks": settings.tracks, "targets": settings.targets}, sort_keys=True, ensure_ascii=False
    )


def validate(bundle: Bundle, tracks: Mapping[str, str], targets: Mapping[str, str]) -> Settings:
    """The admin's form: a known track for known areas; a target from 1 to 100 points for known
    designations (empty: not a target)."""
    known_areas = set(areas(bundle))
    known = {d.id: d for d in bundle.designations.designations}
    clean_tracks: dict[str, Track] = {}
    for area, track in tracks.items():
        if area not in known_areas:
            raise InvalidInput("skilling.error.area", field="tracks")
        if track not in TRACKS:
            raise InvalidInput("skilling.error.track", field=f"track_{area}")
        clean_tracks[area] = track
    clean_targets: dict[str, float] = {}
    for designation_id, raw in targets.items():
        if designation_id not in known:
            raise InvalidInput("skilling.error.designation", field="targets")
        text = (raw or "").strip()
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            raise InvalidInput("skilling.error.target", field=f"target_{designation_id}") from None
        if not 1 <= value <= 100:
            raise InvalidInput("skilling.error.target", field=f"target_{designation_id}")
        clean_targets[designation_id] = value
    return Settings(tracks=clean_tracks, targets=clean_targets)
