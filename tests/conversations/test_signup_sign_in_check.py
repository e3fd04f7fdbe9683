"""Confirm is answered once the account is active; the sign-in check runs after the reply.

The customer needs SETUSERFIELDS and PROCESSREGSTUB to have an account; signing them in and
out only proves the password works. ClickBook's sign-in is held at the HTTP boundary until
the test lets it go, to show that the reply does not wait for it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.sandbox.world import World
from tests.support.chat import customer
from tests.support.network import HeldSignIn


@pytest.fixture
def world_options() -> dict[str, Any]:
    """The bot with ClickBook's sign-in held."""
    return {"clickbook_network": HeldSignIn}


async def test_confirm_is_answered_before_the_sign_in_check(world: World) -> None:
    transport = world.clickbook_transport
    assert isinstance(transport, HeldSignIn)
    world.settle = False  # as in production: the tap's processing ends with the reply
    transport.armed = True
    ann = customer(world)
    await ann.start()
    await ann.fill_to()

    # Held forever if the reply waited for the sign-in: fail instead of hanging.
    await asyncio.wait_for(ann.tap("summary.confirm"), 5)

    ann.assert_sees("submit.done", name="Ann Lee")
    await transport.holding.wait()
    assert world.store is not None
    registration = await world.store.get_registration(ann.actor.id)
    assert registration is not None
    assert registration.state == "processed"
    assert registration.user_notified_at is not None

    transport.release.set()
    await world.settled()

    registration = await world.store.get_registration(ann.actor.id)
    assert registration is not None
    assert registration.state == "active"
    assert (await world.clickbook_state())["sessions"] == []  # signed out again
