"""Sign-up when ClickBook cannot even be reached, and when it no longer knows the stub."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.config import Settings
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.conversations.test_signup_reliability import (
    CLIENT_ATTEMPTS,
    assert_no_stale_progress,
    at_summary,
    make_world,
    registration_of,
)


class Unreachable(httpx.AsyncBaseTransport):
    """The network to ClickBook; while ``refusing``, a SETUSERFIELDS never connects."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.refusing = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse the connection (nothing was sent) or pass the request on."""
        if self.refusing and b"<urn:SETUSERFIELDS>" in await request.aread():
            raise httpx.ConnectError("connection refused (test)", request=request)
        return await self.inner.handle_async_request(request)


@pytest.fixture
async def world(tmp_path: Path, settings: Settings, clock: ManualClock) -> AsyncIterator[World]:
    """The sign-up world behind a network that can refuse connections to ClickBook."""
    instance = await make_world(tmp_path, settings, clock, clickbook_network=Unreachable)
    try:
        yield instance
    finally:
        await instance.stop()


async def test_clickbook_unreachable_at_confirm_is_unavailable_not_uncertain(
    world: World,
) -> None:
    ann = await at_summary(world)
    network = world.clickbook_transport
    assert isinstance(network, Unreachable)
    network.refusing = True

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.unavailable")
    assert not ann.sees("submit.uncertain")
    assert_no_stale_progress(ann)
    assert await registration_of(world, ann) is None  # nothing can exist at ClickBook
    network.refusing = False
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")


async def test_a_stub_clickbook_no_longer_knows_is_reported_by_the_job(
    world: World, clock: ManualClock
) -> None:
    ann = await at_summary(world)
    await world.fail_clickbook("PROCESSREGSTUB", "http500", times=CLIENT_ATTEMPTS)
    await ann.tap("summary.confirm")
    await world.fail_clickbook("PROCESSREGSTUB", "code", code=404)  # 410: reliability tests

    clock.advance(timedelta(minutes=5))
    await world.run_jobs()

    ann.assert_sees("submit.expired")
    assert (await registration_of(world, ann)).state == "failed"
