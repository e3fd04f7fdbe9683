"""Invitations that can no longer be accepted leave /pending and are no longer checked."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import httpx
import pytest

from bot.config import Settings
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.staff.conftest import behind
from tests.staff.people import Person, accept, outbox_id
from tests.staff.test_acceptance import ONE_POLL_LATER
from tests.staff.test_pending import invite_two

CONTEXT_ID = re.compile(rb"<CONTEXTID>([^<]*)</CONTEXTID>")


class StatusChecks(httpx.AsyncBaseTransport):
    """The network to ClickBook, counting the status checks (GETUSERFIELDS) per client file."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.checks: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Count a GETUSERFIELDS by its CONTEXTID; pass everything on."""
        body = await request.aread()
        if b"GETUSERFIELDS" in body:
            for client_file_id in CONTEXT_ID.findall(body):
                self.checks[client_file_id.decode()] += 1
        return await self.inner.handle_async_request(request)


@pytest.fixture
def world_options(staff_settings: Settings) -> dict[str, Any]:
    """The staff world behind a network that counts status checks."""
    return behind(staff_settings, StatusChecks)  # the HTTP boundary, not our code


def checks(world: World) -> Counter[str]:
    """Return how often each client file's status was asked for."""
    assert isinstance(world.clickbook_transport, StatusChecks)
    return world.clickbook_transport.checks


async def polls(world: World, clock: ManualClock, times: int) -> None:
    """Let the poll interval pass ``times`` times, running the jobs each time."""
    for _ in range(times):
        clock.advance(ONE_POLL_LATER)
        await world.run_jobs()


async def test_accepting_one_of_two_invitations_closes_the_other(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await bob.sign_in()
    await bob.invite()
    bobs = await outbox_id(world, "ann@example.com")
    await owner.sign_in()
    await owner.fill_invite()
    await owner.tap("invite.summary.confirm")
    owner.assert_sees(
        "invite.duplicate",
        name="Ann Lee",
        email="ann@example.com",
        inviter="Bob Baker",
        age="1 second ago",
    )
    await owner.tap("invite.duplicate_send")
    await polls(world, clock, 1)
    assert checks(world)[bobs] == 1

    await accept(world, "ann@example.com")  # the newest email: Olga's
    await polls(world, clock, 1)

    age = "12 minutes ago"
    assert len(owner.received("notice.accepted", name="Ann Lee", age=age)) == 1
    assert len(bob.received("notice.accepted", name="Ann Lee", age=age)) == 1
    await bob.send("/pending")
    bob.assert_sees("pending.empty")
    checked = checks(world)[bobs]
    await polls(world, clock, 3)
    assert checks(world)[bobs] == checked
    assert len(bob.received("notice.accepted", name="Ann Lee", age=age)) == 1


async def test_a_forgotten_invitation_is_no_longer_checked(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await invite_two(bob, clock)
    cids = await outbox_id(world, "cid@example.com")
    anns = await outbox_id(world, "ann@example.com")
    await bob.send("/pending")
    await bob.tap("pending.forget", number=1)
    bob.assert_sees("pending.forget_confirm", name="Cid Cruz")

    await bob.tap("pending.forget_yes")

    bob.assert_sees("pending.forgotten", name="Cid Cruz")
    assert "email ClickBook sent stays valid" in bob.last_text
    before = checks(world)[cids]
    await polls(world, clock, 3)
    assert checks(world)[cids] == before
    assert checks(world)[anns] >= 3
