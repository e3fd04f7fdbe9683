"""Only staff see and use staff commands; removal takes effect at once; no key, no sign-in."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.staff.people import Person, person
from tests.support.timing import no_sleep

STAFF_COMMANDS = ["/invite", "/pending", "/signin", "/signout", "/staff_link", "/staff"]
CUSTOMER_MENU = ["start", "cancel", "language", "privacy", "help"]


async def test_a_customer_sees_and_uses_no_staff_command(world: World, owner: Person) -> None:
    cathy = person(world, "Cathy", "Customer")
    await cathy.send("/nonsense")
    unknown_answer = cathy.last_text

    for command in STAFF_COMMANDS:
        await cathy.send(command)
        assert cathy.last_text == unknown_answer, command

    cathy.assert_sees("unknown.command")
    assert cathy.menu() == CUSTOMER_MENU
    assert world.store is not None
    assert await world.store.get_draft(cathy.id, "iv") is None
    assert await world.store.get_draft(cathy.id, "si") is None


async def test_a_customer_inside_the_sign_up_gets_the_same_answer(
    world: World, owner: Person
) -> None:
    cathy = person(world, "Cathy", "Customer")
    await cathy.send("/start")
    await cathy.actor.use(cathy.label("start.begin"))

    await cathy.send("/invite")

    cathy.assert_sees("unknown.command")
    await cathy.send("Cathy")
    cathy.assert_sees("name.last_prompt")


async def test_an_owner_lists_and_removes_staff(world: World, owner: Person, bob: Person) -> None:
    await bob.sign_in()
    await owner.send("/staff")
    owner.assert_sees("staff.list.owners", names="Olga Owner")
    assert "Bob Baker" in owner.last_text
    assert "signed in to ClickBook" in owner.last_text
    # Olga added Bob herself: "by you", as /pending says of one's own invitations.
    owner.assert_sees("staff.list.member_yours", number=1, name="Bob Baker", added="1 second ago")
    assert "by Olga Owner" not in owner.last_text

    await owner.tap("staff.list.remove", name="Bob Baker")
    owner.assert_sees("staff.remove.confirm", name="Bob Baker")
    await owner.tap("staff.remove.yes")

    owner.assert_sees("staff.remove.done", name="Bob Baker")
    owner.assert_sees("staff.list.empty")
    assert bob.received("staff.remove.told")
    assert bob.menu() == CUSTOMER_MENU
    assert world.store is not None
    assert await world.store.get_staff_credentials(bob.id) is None
    await bob.send("/invite")
    bob.assert_sees("unknown.command")


async def test_removing_a_member_who_never_signed_in_completes(
    world: World, owner: Person, bob: Person, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.staff")
    await owner.send("/staff")
    await owner.tap("staff.list.remove", name="Bob Baker")

    await owner.tap("staff.remove.yes")

    owner.assert_sees("staff.remove.done", name="Bob Baker")
    assert len(bob.received("staff.remove.told")) == 1
    assert bob.menu() == CUSTOMER_MENU
    # Who removed whom stays in the operator's log.
    assert [r.getMessage() for r in caplog.records if r.name == "bot.staff"][-1] == (
        f"staff member {bob.id} removed"
    )


async def test_removal_takes_effect_in_the_middle_of_a_form(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in()
    await bob.send("/invite")
    await bob.send("Ann")
    await owner.send("/staff")
    await owner.tap("staff.list.remove", name="Bob Baker")
    await owner.tap("staff.remove.yes")

    await bob.send("Lee")

    bob.assert_sees("unknown.command")
    await bob.send("Lee")
    assert not bob.sees("invite.last_prompt")


async def test_old_staff_buttons_do_nothing_after_removal(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in()
    await bob.invite()
    await bob.send("/pending")
    listing = bob.actor.last
    await owner.send("/staff")
    await owner.tap("staff.list.remove", name="Bob Baker")
    await owner.tap("staff.remove.yes")

    await bob.tap("pending.check", number=1)

    [tap] = bob.actor.callbacks[-1:]
    assert tap.answered
    assert tap.answer_text == bob.label("unknown.button")
    assert bob.actor.message(listing.message_id).text == listing.text


async def test_staff_cannot_manage_staff(world: World, owner: Person, bob: Person) -> None:
    await bob.send("/staff")

    bob.assert_sees("unknown.command")


@asynccontextmanager
async def world_with(
    tmp_path: Path, settings: Settings, clock: ManualClock
) -> AsyncIterator[World]:
    """Start a world with particular settings."""
    instance = await World.create(
        tmp_path / "bot.db",
        settings=settings,
        clock=clock,
        sandbox_clock=clock,
        clickbook_sleep=no_sleep,
    )
    try:
        yield instance
    finally:
        await instance.stop()


@pytest.mark.parametrize(
    ("secret_key", "reason", "log_text"),
    [
        pytest.param(None, "staff.off.missing", "CLICKBOT_SECRET_KEY is not set", id="missing"),
        pytest.param(
            "not-a-fernet-key",
            "staff.off.invalid",
            "CLICKBOT_SECRET_KEY is not a valid key",
            id="not-a-key",
        ),
    ],
)
async def test_without_a_usable_key_staff_are_told_why_sign_in_is_off(
    tmp_path: Path,
    settings: Settings,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    secret_key: str | None,
    reason: str,
    log_text: str,
) -> None:
    caplog.set_level(logging.WARNING)
    configured = settings.model_copy(
        update={
            "owner_ids": frozenset({10_000_001}),
            "secret_key": SecretStr(secret_key) if secret_key else None,
        }
    )
    async with world_with(tmp_path, configured, clock) as world:
        olga = person(world, "Olga", "Owner")
        cathy = person(world, "Cathy", "Customer")

        for command in ("/signin", "/invite"):
            await olga.send(command)
            olga.assert_sees(reason)
        await cathy.send("/signin")
        cathy.assert_sees("unknown.command")
        await olga.send("/staff_link")
        assert "start=staff_" in olga.last_text

    assert log_text in caplog.text
    if secret_key:
        assert secret_key not in caplog.text


async def test_a_valid_key_logs_nothing_about_the_key(
    tmp_path: Path,
    staff_settings: Settings,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.staff_services")

    async with world_with(tmp_path, staff_settings, clock):
        pass

    assert [r.getMessage() for r in caplog.records if r.name == "bot.staff_services"] == []
