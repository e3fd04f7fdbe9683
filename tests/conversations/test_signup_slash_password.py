"""A password that starts with "/" looks like a command to Telegram; it is still a password."""

from __future__ import annotations

from bot.sandbox.world import World
from tests.support.chat import customer

PASSWORD = "/Secret1234"  # noqa: S105 - the test user's


async def test_password_starting_with_a_slash_is_deleted_and_taken(world: World) -> None:
    ann = customer(world, password=PASSWORD)
    await ann.start()
    await ann.fill_to("password")

    await ann.send(PASSWORD)

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
