"""The one source of "now": services take a clock so tests can move time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """Current time, timezone-aware in UTC (the database stores UTC)."""
    return datetime.now(UTC)
