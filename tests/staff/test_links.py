"""Staff links: an owner makes one, the first person to open it becomes staff, once."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta

import pytest

from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.staff.people import Person, person

CUSTOMER_MENU = ["start", "cancel", "language", "privacy", "help"]
STAFF_MENU = ["invite", "pending", "signin", "signout", "start", "language", "help", "privacy"]


async def test_opening_a_link_makes_the_opener_staff(world: World, owner: Person) -> None:
    payload = await owner.make_link()
    carol = person(world, "Carol", "Cook")
    assert carol.menu() == CUSTOMER_MENU

    await carol.open_link(payload)

    carol.assert_sees("staff.link.joined")
    assert carol.menu() == STAFF_MENU
    owner.assert_sees("staff.link.joined_owner", name="Carol Cook")
    assert world.store is not None
    assert await world.store.is_staff(carol.id)


async def test_the_link_message_says_it_is_single_use_and_when_it_expires(
    world: World, owner: Person
) -> None:
    payload = await owner.make_link()

    assert re.fullmatch("staff_[A-Za-z0-9_-]{32}", payload)  # 24 random bytes, url-safe
    assert "https://t.me/clickbook_demo_bot?start=staff_" in owner.last_text
    assert "15 minutes" in owner.last_text
    assert "once" in owner.last_text


async def test_a_link_works_only_once(world: World, owner: Person) -> None:
    payload = await owner.make_link()
    carol = person(world, "Carol", "Cook")
    dave = person(world, "Dave", "Diaz")
    await carol.open_link(payload)

    await dave.open_link(payload)

    dave.assert_sees("staff.link.used")
    assert dave.menu() == CUSTOMER_MENU
    assert world.store is not None
    assert not await world.store.is_staff(dave.id)
    await dave.send("/invite")
    dave.assert_sees("unknown.command")


async def test_a_link_expires_after_the_configured_minutes(
    world: World, owner: Person, clock: ManualClock
) -> None:
    early = await owner.make_link()
    late = await owner.make_link()
    carol = person(world, "Carol", "Cook")
    dave = person(world, "Dave", "Diaz")

    clock.advance(timedelta(minutes=14, seconds=59))
    await carol.open_link(early)
    clock.advance(timedelta(seconds=2))
    await dave.open_link(late)

    carol.assert_sees("staff.link.joined")
    dave.assert_sees("staff.link.expired")
    assert world.store is not None
    assert not await world.store.is_staff(dave.id)


async def test_only_the_hash_of_the_token_is_stored(world: World, owner: Person) -> None:
    payload = await owner.make_link()
    token = payload.removeprefix("staff_")
    assert world.application is not None
    await world.application.update_persistence()

    contents = b"".join(path.read_bytes() for path in world.database.parent.iterdir())

    assert token.encode() not in contents
    assert hashlib.sha256(token.encode()).hexdigest().encode() in contents


async def test_a_made_up_link_is_refused(world: World, owner: Person) -> None:
    await owner.make_link()
    mallory = person(world, "Mallory", "Mole")

    await mallory.open_link("staff_" + "A" * 32)

    mallory.assert_sees("staff.link.unknown")
    assert world.store is not None
    assert not await world.store.is_staff(mallory.id)


async def test_a_made_up_link_opened_by_staff_is_refused_too(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.open_link("staff_" + "A" * 32)

    bob.assert_sees("staff.link.unknown")


@pytest.mark.parametrize("opener", ["owner", "bob"])
async def test_staff_opening_a_link_leaves_it_for_someone_else(
    world: World, owner: Person, bob: Person, opener: str
) -> None:
    payload = await owner.make_link()
    staff_member = owner if opener == "owner" else bob
    await staff_member.open_link(payload)
    staff_member.assert_sees("staff.link.already_staff")

    carol = person(world, "Carol", "Cook")
    await carol.open_link(payload)

    carol.assert_sees("staff.link.joined")


async def test_only_owners_make_links(world: World, owner: Person, bob: Person) -> None:
    cathy = person(world, "Cathy", "Customer")

    await cathy.send("/staff_link")
    cathy.assert_sees("unknown.command")
    await bob.send("/staff_link")
    bob.assert_sees("unknown.command")

    assert "staff_" not in cathy.last_text + bob.last_text


async def test_the_owner_menu_appears_at_first_contact(world: World, owner: Person) -> None:
    assert owner.menu() == CUSTOMER_MENU

    await owner.send("/help")

    assert owner.menu() == [
        *["invite", "pending", "signin", "signout", "staff_link", "staff", "stats"],
        *["start", "language", "help", "privacy"],
    ]


async def test_a_link_made_by_someone_no_longer_owner_grants_nothing(
    world: World, owner: Person
) -> None:
    payload = await owner.make_link()
    world.settings = world.settings.model_copy(update={"owner_ids": frozenset({1})})
    await world.restart()
    carol = person(world, "Carol", "Cook")

    await carol.open_link(payload)

    carol.assert_sees("staff.link.unknown")
    assert world.store is not None
    assert not await world.store.is_staff(carol.id)


async def test_the_token_is_never_logged(
    world: World, owner: Person, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    payload = await owner.make_link()
    carol = person(world, "Carol", "Cook")

    await carol.open_link(payload)

    carol.assert_sees("staff.link.joined")
    assert payload.removeprefix("staff_") not in caplog.text
    # What the operator's log says instead: who made a link, until when, and who used it.
    expires = world.clock() + timedelta(minutes=15)
    assert [r.getMessage() for r in caplog.records if r.name == "bot.staff"] == [
        f"owner {owner.id} created a staff link valid until {expires}",
        f"user {carol.id} became staff through a link of {owner.id}",
    ]
