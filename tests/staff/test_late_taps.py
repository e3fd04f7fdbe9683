"""Staff buttons tapped longer ago than Telegram still takes an answer to: the tap still works.

Telegram refuses to answer a callback query after about 15 seconds (the bot was busy, or
ClickBook slow). The answer only stops the button's spinner, so its refusal must not turn the
tap into an apology.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.config import Settings
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.staff.people import Person
from tests.support.timing import no_sleep


@pytest.fixture
async def world(
    tmp_path: Path, staff_settings: Settings, clock: ManualClock
) -> AsyncIterator[World]:
    """The staff world, with the emulator's answer window on the test's clock."""
    instance = await World.create(
        tmp_path / "bot.db",
        settings=staff_settings,
        clock=clock,
        sandbox_clock=clock,
        telegram_clock=clock,
        clickbook_sleep=no_sleep,
    )
    try:
        yield instance
    finally:
        await instance.stop()


def deliver_late(world: World, clock: ManualClock) -> None:
    """Deliver every update from now on 20 seconds after it was made."""

    async def late(payload: dict[str, Any]) -> None:
        clock.advance(timedelta(seconds=20))
        application = world.application
        assert application is not None
        await application.process_update(Update.de_json(payload, application.bot))

    world.emulator.deliver_to(late)


def apologised(person: Person) -> bool:
    return bool(person.received("errors.unexpected"))


async def test_late_check_now_still_checks(world: World, bob: Person, clock: ManualClock) -> None:
    await bob.sign_in()
    await bob.invite()
    await bob.send("/pending")
    deliver_late(world, clock)

    await bob.tap("pending.check", number=1)

    assert not apologised(bob)
    bob.assert_sees("pending.checked.pending", name="Ann Lee")


async def test_late_forget_still_asks_to_confirm(
    world: World, bob: Person, clock: ManualClock
) -> None:
    await bob.sign_in()
    await bob.invite()
    await bob.send("/pending")
    deliver_late(world, clock)

    await bob.tap("pending.forget", number=1)

    assert not apologised(bob)
    bob.assert_sees("pending.forget_confirm", name="Ann Lee")


async def test_late_cancel_of_the_sign_in_still_cancels(
    world: World, bob: Person, clock: ManualClock
) -> None:
    await bob.send("/signin")
    deliver_late(world, clock)

    await bob.tap("form.cancel")

    assert not apologised(bob)
    bob.assert_sees("signin.cancelled")
