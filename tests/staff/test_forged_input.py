"""Forged callback data and edited messages never crash a staff handler."""

from __future__ import annotations

import pytest

from bot.sandbox.world import World
from tests.staff.people import STAFF_EMAIL, STAFF_PASSWORD, Person
from tests.support.chat import bot_problems, forged_tap


def problems(world: World) -> list[str]:
    """Return the crashes (the error handler's apology) and the unanswered taps.

    Refused Bot API calls are left out: re-showing an unchanged list is refused as "not
    modified", and at start-up the owner's menu is refused before their chat exists.
    """
    return [p for p in bot_problems(world) if p.startswith(("unanswered", "error message"))]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("sf:0:r.²", id="superscript-member"),
        pytest.param("sf:0:rc.²", id="superscript-removal"),
        pytest.param("sf:0:r.99999999999999999999999", id="member-id-past-sqlite"),
        pytest.param("sf:0:rc.0", id="member-zero"),
    ],
)
async def test_a_forged_staff_list_tap_removes_nobody(
    world: World, owner: Person, bob: Person, data: str
) -> None:
    await owner.send("/staff")

    await forged_tap(owner.actor, data)

    assert problems(world) == []
    await owner.send("/staff")
    assert "Bob Baker" in owner.last_text


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("pd:0:c.².0", id="superscript-invite"),
        pytest.param("pd:0:p.0.²", id="superscript-page"),
        pytest.param("pd:0:fc.99999999999999999999999.0", id="invite-id-past-sqlite"),
    ],
)
async def test_a_forged_pending_tap_forgets_nothing(world: World, bob: Person, data: str) -> None:
    await bob.sign_in()
    await bob.invite()
    await bob.send("/pending")

    await forged_tap(bob.actor, data)

    assert problems(world) == []
    await bob.send("/pending")
    assert "Ann Lee" in bob.last_text


async def test_editing_a_message_at_the_email_step_is_ignored(world: World, bob: Person) -> None:
    sent = await bob.actor.send("/signin")
    await bob.actor.edit(sent["message_id"], "hello")

    assert problems(world) == []
    bob.assert_sees("signin.email_prompt")
    await bob.send(STAFF_EMAIL)
    await bob.send(STAFF_PASSWORD)
    assert bob.received_any("signin.done")


async def test_editing_the_email_at_the_password_step_is_ignored(
    world: World, bob: Person
) -> None:
    await bob.send("/signin")
    sent = await bob.actor.send(STAFF_EMAIL)
    await bob.actor.edit(sent["message_id"], "someone.else@example.com")

    assert problems(world) == []
    await bob.send(STAFF_PASSWORD)
    assert bob.received_any("signin.done")
