"""Time helpers for tests that must not wait in real time."""

from __future__ import annotations

import asyncio
from typing import Any


async def no_sleep(seconds: float) -> None:
    """Stand in for ``asyncio.sleep`` in the ClickBook client: skip its backoff waits."""


class SkippedTime:
    """A monotonic clock that moves only when someone sleeps: each wait passes at once.

    Given to the rate limiter, Telegram's pacing costs a test no real seconds, and ``slept``
    tells how long it was asked to wait, in order.
    """

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        """Return the current (virtual) time in seconds."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Jump ``seconds`` ahead, letting other tasks run once, as a real wait would."""
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)

    def for_the_limiter(self) -> dict[str, Any]:
        """Return the ``World.create`` options that give the rate limiter this time."""
        return {"limiter_clock": self.clock, "limiter_sleep": self.sleep}
