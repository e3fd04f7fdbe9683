"""A staff member removed in the middle of /signin gets no further: every step checks the role."""

from __future__ import annotations

from bot.sandbox.world import World
from tests.staff.people import STAFF_EMAIL, STAFF_PASSWORD, Person


async def remove_bob(owner: Person) -> None:
    """As the owner: remove Bob through the staff list."""
    await owner.send("/staff")
    await owner.tap("staff.list.remove", name="Bob Baker")
    await owner.tap("staff.remove.yes")


async def test_the_email_of_a_removed_member_is_not_taken(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.send("/signin")
    await remove_bob(owner)

    await bob.send(STAFF_EMAIL)

    bob.assert_sees("unknown.command")
    assert not bob.received_any("signin.password_prompt")


async def test_the_password_of_a_removed_member_never_reaches_clickbook(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.send("/signin")
    await bob.send(STAFF_EMAIL)
    await remove_bob(owner)

    await bob.send(STAFF_PASSWORD)

    bob.assert_sees("unknown.command")
    assert (await world.clickbook_state())["sessions"] == []
    assert world.store is not None
    assert await world.store.get_staff_credentials(bob.id) is None
    assert not [m for m in bob.actor.transcript if STAFF_PASSWORD in (m.text or "")]


async def test_the_sign_in_buttons_of_a_removed_member_do_nothing(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.send("/signin")
    await bob.send(STAFF_EMAIL)
    prompt = bob.actor.last
    await remove_bob(owner)

    await bob.tap("signin.change_email")

    [tap] = bob.actor.callbacks[-1:]
    assert tap.answer_text == bob.label("unknown.button")
    assert bob.actor.message(prompt.message_id).text == prompt.text
