"""Time as a dependency: everything asks an injected clock, so tests can move time at will."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""Returns the current time as an aware UTC datetime."""


def utc_now() -> datetime:
    """Return the real current time in UTC."""
    return datetime.now(UTC)
