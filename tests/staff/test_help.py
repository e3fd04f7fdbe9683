"""/help lists what the member can do, by role, in their language."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES
from bot.sandbox.world import World
from tests.staff.people import Person, person
from tests.support.chat import visible

STAFF = ["/invite", "/pending", "/signin", "/signout"]
OWNER = ["/staff_link", "/staff", "/stats"]


def commands(text: str) -> list[str]:
    """Return the commands a help text lists, one per line, in order."""
    return [line.split(":")[0] for line in text.splitlines() if line.startswith("/")]


async def test_a_customer_sees_the_customer_commands_only(world: World, owner: Person) -> None:
    ann = person(world, "Ann", "Lee")

    await ann.send("/help")

    ann.assert_sees("help.text")
    assert {"/start", "/language", "/privacy", "/help"} <= set(commands(ann.last_text))
    assert not set(STAFF + OWNER) & set(commands(ann.last_text))
    assert visible(ann.t("help.staff_title")) not in ann.last_text


async def test_staff_see_their_commands_too(world: World, owner: Person, bob: Person) -> None:
    await bob.send("/help")

    bob.assert_sees("help.text")
    bob.assert_sees("help.staff_title")
    assert commands(bob.last_text)[-len(STAFF) :] == STAFF
    assert not set(OWNER) & set(commands(bob.last_text))
    assert f"/invite: {bob.label('command.invite')}" in bob.last_text
    assert visible(bob.t("help.owner_title")) not in bob.last_text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_owners_also_see_the_owner_commands_in_their_language(
    world: World, language: str
) -> None:
    olga = person(world, "Olga", "Owner", language=language)

    await olga.send("/help")

    olga.assert_sees("help.text")
    olga.assert_sees("help.staff_title")
    olga.assert_sees("help.owner_title")
    assert commands(olga.last_text)[-len(STAFF + OWNER) :] == STAFF + OWNER
    assert f"/staff_link: {olga.label('command.staff_link')}" in olga.last_text
