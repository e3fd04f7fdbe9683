"""Inviting: ClickBook's 403 is told as such, and a contact card never overwrites typed answers."""

from __future__ import annotations

from bot.sandbox.world import World
from tests.staff.people import Person


async def test_clickbook_refusing_the_staff_account_is_told_as_forbidden(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in()
    await bob.fill_invite()
    await world.fail_clickbook("SETUSERFIELDS", "code", code=403)

    await bob.tap("invite.summary.confirm")

    bob.assert_sees("invite.forbidden")
    assert not bob.sees("invite.unavailable")
    bob.assert_sees("invite.summary.title")
    assert await world.control("GET", "/_sandbox/outbox") == []
    assert world.store is not None
    assert await world.store.pending_invites() == []


async def test_a_contact_card_keeps_the_names_already_typed(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in()
    await bob.send("/invite")
    await bob.send("Annabel")

    await bob.actor.share_contact(phone="+61298765432", first_name="Ann", last_name="Lee")

    assert bob.received("invite.contact.used", card="Ann Lee · +61 2 9876 5432")
    await bob.tap("form.skip")
    await bob.send("ann@example.com")
    await bob.choose("email.yes")
    bob.assert_sees("invite.summary.title")
    assert "Annabel" in bob.last_text
    await bob.tap("invite.summary.confirm")
    bob.assert_sees("invite.sent", email="ann@example.com", name="Annabel Lee")
