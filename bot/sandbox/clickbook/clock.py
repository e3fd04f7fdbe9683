"""Time for the sandbox: the system clock, or a manual clock that tests move by hand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]
"""Return the current time as an aware UTC datetime."""

Sleep = Callable[[float], Awaitable[None]]
"""Wait the given number of seconds (the ``delay`` fault uses it)."""


def system_clock() -> datetime:
    """Return the real current time in UTC."""
    return datetime.now(UTC)


class ManualClock:
    """A clock that stands still until a test advances it."""

    def __init__(self, start: datetime | None = None) -> None:
        """Start at ``start`` (aware), or at 2025-01-01 00:00 UTC."""
        start = start if start is not None else datetime(2025, 1, 1, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the clock's current time."""
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta``."""
        if delta < timedelta(0):
            raise ValueError("ManualClock cannot go backwards")
        self._now += delta

    def __call__(self) -> datetime:
        """Return the clock's current time, so the clock itself is a ``Clock``."""
        return self._now

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()})"
