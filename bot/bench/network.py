"""Networks that only add latency: the field run's distance between the bot and the world.

Each wrapper is an httpx transport that waits a fixed time per request and then passes the
request on unchanged, so a call costs its round trip plus whatever the far side does. It sits
at the boundary (between the bot's HTTP client and the emulator or the sandbox), where a real
network would be; nothing inside the bot is slowed down or changed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx

from bot.sandbox.world import TransportWrapper

Sleep = Callable[[float], Awaitable[object]]


class LatencyTransport(httpx.AsyncBaseTransport):
    """Wait ``delay`` seconds (one round trip) before each request, then pass it on."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, delay: float, *, sleep: Sleep = asyncio.sleep
    ) -> None:
        self._inner = inner
        self._delay = delay
        self._sleep = sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Spend the round trip, then let the far side answer."""
        await self._sleep(self._delay)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._inner.aclose()


def latency(milliseconds: float, *, sleep: Sleep = asyncio.sleep) -> TransportWrapper | None:
    """Return a wrapper adding ``milliseconds`` per call, or None for no latency at all."""
    if milliseconds <= 0:
        return None
    delay = milliseconds / 1000

    def wrap(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        return LatencyTransport(inner, delay, sleep=sleep)

    return wrap
