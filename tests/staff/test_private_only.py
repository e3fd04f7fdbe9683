"""Staff flows run in private chats only: what staff write in a group is not read or answered."""

from __future__ import annotations

from bot.sandbox.world import World
from tests.staff.people import STAFF_EMAIL, STAFF_PASSWORD, Person


async def test_a_sign_in_answer_written_in_a_group_is_not_taken(world: World, bob: Person) -> None:
    await bob.send("/signin")
    team = world.emulator.group("Staff room", bot_is_admin=True)
    in_team = team.member(bob.actor)

    await in_team.send(STAFF_EMAIL)
    await in_team.send("/signin")
    await in_team.send("/pending")

    assert team.bot_messages == []
    bob.assert_sees("signin.email_prompt")
    await bob.send(STAFF_EMAIL)
    await bob.send(STAFF_PASSWORD)
    assert bob.received_any("signin.done")
