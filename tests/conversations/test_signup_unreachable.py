"""Sign-up when ClickBook cannot even be reached, when it no longer knows the stub, and while
the stub it created is being activated."""

from __future__ import annotations

import asyncio
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
    attempts_counted,
    make_world,
    registration_of,
)
from tests.support.chat import customer


class Unreachable(httpx.AsyncBaseTransport):
    """The network to ClickBook; while ``refusing``, a SETUSERFIELDS never connects.

    While ``holding``, a PROCESSREGSTUB waits for ``release`` (``held`` is set meanwhile).
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.refusing = False
        self.holding = False
        self.held = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse the connection (nothing was sent), hold the request, or pass it on."""
        body = await request.aread()
        if self.refusing and b"<urn:SETUSERFIELDS>" in body:
            raise httpx.ConnectError("connection refused (test)", request=request)
        if self.holding and b"<urn:PROCESSREGSTUB>" in body:
            self.held.set()
            await self.release.wait()
        return await self.inner.handle_async_request(request)


def network(world: World) -> Unreachable:
    assert isinstance(world.clickbook_transport, Unreachable)
    return world.clickbook_transport


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
    network(world).refusing = True

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.unavailable")
    assert not ann.sees("submit.uncertain")
    assert_no_stale_progress(ann)
    assert await registration_of(world, ann) is None  # nothing can exist at ClickBook
    assert await attempts_counted(world, ann) == 0  # and an outage does not use up the cap
    network(world).refusing = False
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


async def test_a_stub_being_activated_is_not_due_for_the_job(world: World) -> None:
    ann = await at_summary(world)
    network(world).holding = True

    confirming = asyncio.create_task(ann.tap("summary.confirm"))
    await asyncio.wait_for(network(world).held.wait(), 5)
    assert world.store is not None
    # The StubID is stored; the job must leave it to the submission for a retry delay.
    assert (await registration_of(world, ann)).stub_id is not None
    due = await world.store.due_registrations(world.clock())
    network(world).release.set()
    await asyncio.wait_for(confirming, 5)

    assert due == []
    ann.assert_sees("submit.done", name="Ann Lee")


async def test_the_job_finishes_the_others_while_one_submission_is_being_activated(
    world: World, clock: ManualClock
) -> None:
    ann = customer(world)  # the first due (same retry time, lower id): left to her submission
    bea = customer(world, first_name="Bea", last_name="Ng", phone="+61412345679")
    bea.email = "bea.ng@example.com"
    bea.answers = {"first_name": "Bea", "last_name": "Ng"}
    await bea.start()
    await bea.fill_to()
    await world.fail_clickbook("PROCESSREGSTUB", "http500", times=CLIENT_ATTEMPTS)
    await bea.tap("summary.confirm")
    bea.assert_sees("submit.pending")
    await ann.start()
    await ann.fill_to()
    network(world).holding = True

    confirming = asyncio.create_task(ann.tap("summary.confirm"))
    await asyncio.wait_for(network(world).held.wait(), 5)
    network(world).holding = False  # only Ann's activation is held
    clock.advance(world.settings.registration_retry)
    await world.run_jobs()

    bea.assert_sees("submit.done", name="Bea Ng")
    network(world).release.set()
    await asyncio.wait_for(confirming, 5)
    ann.assert_sees("submit.done", name="Ann Lee")
    assert len((await world.clickbook_state())["users"]) == 2
