"""Staff screens and background notices come in each staff member's own language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from babel.dates import format_timedelta

from bot.i18n import LANGUAGES
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.staff.people import Person, accept, person

SIX_MINUTES = timedelta(minutes=6)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_staff_loop_speaks_the_members_language(
    world: World, owner: Person, clock: ManualClock, language: str
) -> None:
    member = person(world, "Bea", "Brown", language=language)
    await member.open_link(await owner.make_link())
    member.assert_sees("staff.link.joined")
    menu = {command.command: command.description for command in member.actor.command_menu}
    assert menu["invite"] == member.t.plain("command.invite")

    await member.sign_in()
    member.assert_sees("signin.done", name="Sam Staff")
    await member.invite()
    member.assert_sees("invite.sent", email="ann@example.com", name="Ann Lee")
    await accept(world, "ann@example.com")
    clock.advance(SIX_MINUTES)
    await world.run_jobs()

    age = format_timedelta(-SIX_MINUTES, locale=language, add_direction=True)
    assert len(member.received("notice.accepted", name="Ann Lee", age=age)) == 1
