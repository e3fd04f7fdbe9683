"""The emulator's sense of time: the wall clock, or a manual clock tests move by hand."""

from __future__ import annotations

import datetime as dtm
import time
from collections.abc import Callable

#: Anything that returns "now": epoch seconds, or an aware datetime.
Clock = Callable[[], float | dtm.datetime]


def read_clock(clock: Clock) -> float:
    """Return the clock's reading as epoch seconds."""
    now = clock()
    if isinstance(now, dtm.datetime):
        if now.tzinfo is None:
            raise ValueError("the emulator clock must return an aware datetime")
        return now.timestamp()
    return float(now)


def system_clock() -> float:
    """Return the real time in epoch seconds."""
    return time.time()


class ManualClock:
    """A clock that stands still until `advance` moves it; for the 48 h and 15 s rules."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:
        self._now = float(start)

    def __call__(self) -> float:
        return self._now

    def advance(self, delta: float | dtm.timedelta) -> None:
        """Move the clock forward by seconds or a timedelta."""
        seconds = delta.total_seconds() if isinstance(delta, dtm.timedelta) else float(delta)
        if seconds < 0:
            raise ValueError("a clock only moves forward")
        self._now += seconds
