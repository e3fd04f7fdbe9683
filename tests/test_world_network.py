"""The world's network to Telegram: every Bot API call of the bot passes through it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.sandbox.world import World


class Counting(httpx.AsyncBaseTransport):
    """A network to the Telegram emulator that counts the Bot API methods through it."""

    seen: list[str] = []

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Count the method, pass the request on."""
        Counting.seen.append(request.url.path.rsplit("/", 1)[-1])
        return await self.inner.handle_async_request(request)


@pytest.fixture
def world_options() -> dict[str, Any]:
    """The bot behind a counting network to Telegram."""
    Counting.seen = []
    return {"telegram_network": Counting}


async def test_the_bots_bot_api_calls_go_through_the_telegram_network(world: World) -> None:
    before = len(world.emulator.calls)
    seen_before = len(Counting.seen)

    await world.emulator.user().send("/start")

    made = [call.method for call in world.emulator.calls[before:]]
    assert made, "the bot answered nothing"
    assert Counting.seen[seen_before:] == made
