"""What the history chart needs of a snapshot (pure; the table row satisfies it)."""

from __future__ import annotations

from typing import Protocol


class Snapshot(Protocol):
    month: str
    designation_id: str
    counted: float
    possible: float
