"""/language gives a staff member the staff menu in the new language, not the customers' one."""

from __future__ import annotations

from bot.sandbox.world import World
from tests.staff.people import Person, person


async def test_a_staff_member_keeps_the_staff_menu_in_the_new_language(
    world: World, owner: Person
) -> None:
    member = person(world, "Bea", "Brown", language="en")
    await member.open_link(await owner.make_link())

    await member.send("/language")
    await member.actor.tap("Español")

    spanish = world.catalogs.translator("es")
    menu = {command.command: command.description for command in member.actor.command_menu}
    assert menu["invite"] == spanish.plain("command.invite")
    assert "staff" not in menu
