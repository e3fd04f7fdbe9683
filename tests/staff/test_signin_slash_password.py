"""A staff password that starts with "/" looks like a command to Telegram; it is a password."""

from __future__ import annotations

from bot.sandbox.world import World
from tests.staff.people import STAFF_EMAIL, Person

PASSWORD = "/NotTheRightOne1"  # noqa: S105 - a wrong password, on purpose


async def test_password_starting_with_a_slash_is_deleted_and_checked(bob: Person) -> None:
    await bob.send("/signin")
    await bob.send(STAFF_EMAIL)

    await bob.send(PASSWORD)

    assert not [m for m in bob.actor.transcript if PASSWORD in (m.text or "")]
    assert bob.received("signin.wrong", attempts=2)


async def test_a_password_starting_with_a_slash_after_a_restart_is_deleted_and_checked(
    world: World, bob: Person
) -> None:
    await bob.send("/signin")
    await bob.send(STAFF_EMAIL)
    await world.restart(crash=True)

    await bob.send(PASSWORD)

    assert not [m for m in bob.actor.transcript if PASSWORD in (m.text or "")]
    assert bob.received("signin.wrong", attempts=2)


async def test_an_unknown_command_of_staff_outside_a_sign_in_is_answered_as_one(
    bob: Person,
) -> None:
    await bob.send("/nonsense")

    bob.assert_sees("unknown.command")
