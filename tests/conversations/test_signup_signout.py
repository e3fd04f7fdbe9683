"""The sign-out that ends a sign-up is a courtesy: its failure must not undo the user's success.

ClickBook's sign-out (``names.nsf?Logout``) cannot be faulted through the sandbox's controls,
so it fails here at the HTTP boundary (``SignOutDown``: a 503 for it, every other request
passed to the sandbox).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.conversations.test_signup_reliability import signup_log
from tests.support.chat import Customer, customer, visible
from tests.support.network import SignOutDown
from tests.support.timing import no_sleep

FLOW = "su"
CLIENT_ATTEMPTS = 4
"""The ClickBook client's attempts for a request that is safe to repeat."""


@pytest.fixture
def world_options() -> dict[str, Any]:
    """The bot with ClickBook's sign-out failing."""
    return {"clickbook_sleep": no_sleep, "clickbook_network": SignOutDown}  # the HTTP boundary


def error_shown(ann: Customer) -> bool:
    texts = [message.text or "" for message in ann.actor.bot_messages]
    apologies = [
        visible(ann.t(key)) for key in ("errors.unexpected", "errors.clickbook_unavailable")
    ]
    return any(apology in text for text in texts for apology in apologies)


async def test_failed_sign_out_after_the_sign_up_still_says_registered(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.signup")
    ann = customer(world)

    await ann.sign_up()

    assert isinstance(world.clickbook_transport, SignOutDown)
    assert world.clickbook_transport.refused > 0
    ann.assert_sees("submit.done", name="Ann Lee")
    assert signup_log(caplog) == [
        f"sign-out of user {ann.actor.id} failed: ClickBookResponseError"
    ]
    assert not error_shown(ann)
    assert world.store is not None
    assert await world.store.get_draft(ann.actor.id, FLOW) is None
    assert world.vault.get(FLOW, ann.actor.id) is None


async def test_failed_sign_out_does_not_stop_the_job_finishing_the_others(
    world: World, clock: ManualClock
) -> None:
    ann = customer(world)
    bea = customer(world, first_name="Bea", last_name="Ng", phone="+61412345679")
    bea.email = "bea.ng@example.com"
    bea.answers = {"first_name": "Bea", "last_name": "Ng"}
    for person in (ann, bea):
        await person.start()
        await person.fill_to()
        await world.fail_clickbook("PROCESSREGSTUB", "http500", times=CLIENT_ATTEMPTS)
        await person.tap("summary.confirm")
        person.assert_sees("submit.pending")

    clock.advance(timedelta(minutes=5))
    await world.run_jobs()

    ann.assert_sees("submit.done", name="Ann Lee")
    bea.assert_sees("submit.done", name="Bea Ng")
    assert not error_shown(ann)
    assert not error_shown(bea)
