"""/language gives a staff member the staff menu (and notices) in the new language, set once."""

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
    # Background messages follow the new language once the member used a staff command.
    await member.send("/pending")
    await owner.send("/staff")
    await owner.tap("staff.list.remove", name="Bea Brown")
    await owner.tap("staff.remove.yes")
    member.language = "es"
    assert len(member.received("staff.remove.told")) == 1  # in Spanish


async def test_the_staff_menu_is_not_set_again_on_every_command(
    world: World, owner: Person
) -> None:
    member = person(world, "Bea", "Brown", language="en")
    await member.open_link(await owner.make_link())
    menus_set = len(world.emulator.calls_to("setMyCommands"))

    await member.send("/help")
    await member.send("/pending")

    # Name and language are unchanged: the menu stays, no Bot API call is spent on it.
    assert len(world.emulator.calls_to("setMyCommands")) == menus_set
