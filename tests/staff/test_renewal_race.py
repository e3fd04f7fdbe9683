"""A renewal that fails while the staff member signs in again must not delete the new sign-in.

The acceptance job renews an expired ClickBook session with the stored (now outdated)
password; while ClickBook takes its time to refuse, the staff member signs in again with the
new one. The refusal concerns the old session only. ClickBook's slowness is played at the HTTP
boundary: a transport that holds the job's sign-in request until the test lets it go.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pytest

from bot.config import Settings
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.staff.conftest import behind
from tests.staff.people import Person
from tests.staff.test_invite import NEW_PASSWORD, change_staff_password
from tests.support.network import HeldSignIn


@pytest.fixture
def world_options(staff_settings: Settings) -> dict[str, Any]:
    """The staff world with a sign-in request that can be held."""
    return behind(staff_settings, HeldSignIn)  # the HTTP boundary, not our code


async def test_a_renewal_refused_meanwhile_keeps_the_new_sign_in(
    world: World, bob: Person, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.staff_sessions")
    transport = world.clickbook_transport
    assert isinstance(transport, HeldSignIn)
    await bob.sign_in()
    await bob.invite()
    change_staff_password(world)
    clock.advance(timedelta(hours=1))  # the session expired; the job will renew it

    transport.armed = True
    job = asyncio.create_task(world.run_jobs())
    await asyncio.wait_for(transport.holding.wait(), 5)
    await bob.sign_in(password=NEW_PASSWORD)
    bob.assert_sees("signin.done", name="Sam Staff")
    transport.release.set()
    await asyncio.wait_for(job, 5)

    assert world.store is not None
    assert await world.store.get_staff_credentials(bob.actor.id) is not None
    assert not bob.received("notice.sign_in_again", count=1)
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.staff_sessions"]
    assert f"staff {bob.id}: an old session's renewal failed; the new one stays" in logged
    await world.restart()
    await bob.send("/pending")
    await bob.tap("pending.check", number=1)
    bob.assert_sees("pending.checked.pending", name="Ann Lee")
