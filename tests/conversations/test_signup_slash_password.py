"""A password that starts with "/" looks like a command to Telegram; it is still a password."""

from __future__ import annotations

import pytest

from bot.sandbox.world import World
from tests.support.chat import customer

PASSWORD = "/Secret1234"  # noqa: S105 - the test user's


@pytest.mark.parametrize(
    "restart", [pytest.param(False, id="same-process"), pytest.param(True, id="state-lost")]
)
async def test_password_starting_with_a_slash_is_deleted_and_taken(
    world: World, restart: bool
) -> None:
    ann = customer(world, password=PASSWORD)
    await ann.start()
    await ann.fill_to("password")
    if restart:
        await world.restart(crash=True)

    await ann.type_password()

    assert not [m for m in ann.actor.transcript if PASSWORD in (m.text or "")]
    ann.assert_sees("terms.prompt")
    await ann.tap("terms.agree")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")


async def test_known_commands_still_work_at_the_password_step(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("password")

    await ann.send("/cancel")

    ann.assert_sees("form.cancelled")


async def test_a_password_asked_again_after_a_restart_may_start_with_a_slash(
    world: World,
) -> None:
    ann = customer(world, password=PASSWORD)
    await ann.start()
    await ann.fill_to()
    await world.restart(crash=True)
    await ann.tap("summary.confirm")
    ann.assert_sees("password.again")

    await ann.type_password()

    assert not [m for m in ann.actor.transcript if PASSWORD in (m.text or "")]
    ann.assert_sees("summary.title")


async def test_an_unknown_command_outside_the_password_step_is_answered_as_one(
    world: World,
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("terms")

    await ann.send("/nonsense")

    ann.assert_sees("unknown.command")
    assert ann.actor.is_visible(ann.actor.transcript[-2].message_id)
