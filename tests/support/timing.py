"""Time helpers for tests that must not wait in real time."""

from __future__ import annotations


async def no_sleep(seconds: float) -> None:
    """Stand in for ``asyncio.sleep`` in the ClickBook client: skip its backoff waits."""
