"""The background job and a slow submission never finish the same registration twice.

A submission stores its StubID and then activates it; when ClickBook is slow to answer the
activation, the retry time of the stored record can pass while the submission still waits.
The job must leave that record to the submission. ClickBook's slowness is played at the HTTP
boundary: a transport that holds the first PROCESSREGSTUB until the test lets it go.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.support.chat import Customer, customer, visible
from tests.support.timing import no_sleep


class HeldActivation(httpx.AsyncBaseTransport):
    """ClickBook, with the first PROCESSREGSTUB held until ``release`` is set."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.holding = asyncio.Event()
        self.release = asyncio.Event()
        self.activations = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Hold the first activation; pass everything on."""
        body = request.content if request.stream is not None else b""
        if b"PROCESSREGSTUB" in body:
            self.activations += 1
            if self.activations == 1:
                self.holding.set()
                await self.release.wait()
        return await self.inner.handle_async_request(request)


@pytest.fixture
def world_options() -> dict[str, Any]:
    """The bot with ClickBook's first activation held."""
    return {"clickbook_sleep": no_sleep, "clickbook_network": HeldActivation}  # the boundary


def count_seen(ann: Customer, key: str, **params: object) -> int:
    expected = visible(ann.t(key, **params))
    return sum(expected in (message.text or "") for message in ann.actor.bot_messages)


async def test_job_leaves_a_submission_in_progress_alone(world: World, clock: ManualClock) -> None:
    transport = world.clickbook_transport
    assert isinstance(transport, HeldActivation)
    ann = customer(world)
    await ann.start()
    await ann.fill_to()

    confirm = asyncio.create_task(ann.tap("summary.confirm"))
    await asyncio.wait_for(transport.holding.wait(), 5)
    clock.advance(world.settings.registration_retry + timedelta(seconds=1))
    await world.run_jobs()
    transport.release.set()
    await asyncio.wait_for(confirm, 5)
    await world.run_jobs()

    ann.assert_sees("submit.done", name="Ann Lee")
    assert count_seen(ann, "submit.done", name="Ann Lee") == 1
    assert transport.activations == 1
