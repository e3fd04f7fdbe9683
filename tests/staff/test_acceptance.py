"""Acceptance notices: polled in the background, delivered to the inviter exactly once."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.crypto import new_secret_key
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from bot.storage import InviteStatus
from tests.staff.conftest import OWNER_ID
from tests.staff.people import STAFF_EMAIL, Person, accept, person
from tests.staff.test_invite import NEW_PASSWORD, change_staff_password
from tests.support.timing import no_sleep

POLL = timedelta(minutes=5)
ONE_POLL_LATER = POLL * 1.2
"""Past the poll interval with its jitter (±10%)."""


async def test_the_whole_loop_tells_the_inviter_exactly_once(
    world: World, owner: Person, clock: ManualClock
) -> None:
    payload = await owner.make_link()
    bea = person(world, "Bea", "Brown")
    await bea.open_link(payload)
    await bea.sign_in()
    await bea.invite()
    clock.advance(ONE_POLL_LATER)
    await world.run_jobs()
    assert not bea.received("notice.accepted", name="Ann Lee", age="6 minutes ago")
    assert world.store is not None
    [waiting] = await world.store.pending_invites()
    # Still invited: checked again one poll interval (±10%) later, no failure counted.
    assert waiting.check_failures == 0
    assert POLL * 0.9 <= waiting.next_check_at - clock() <= POLL * 1.1

    await accept(world, "ann@example.com")
    clock.advance(ONE_POLL_LATER)
    await world.run_jobs()

    assert len(bea.received("notice.accepted", name="Ann Lee", age="12 minutes ago")) == 1
    for _ in range(3):
        clock.advance(ONE_POLL_LATER)
        await world.run_jobs()
    assert len(bea.received("notice.accepted", name="Ann Lee", age="12 minutes ago")) == 1
    assert world.store is not None
    [invite] = await world.store.undelivered_acceptances() or [None]
    assert invite is None
    assert await world.store.pending_invites() == []
    assert not owner.received("notice.accepted", name="Ann Lee", age="12 minutes ago")


async def test_a_restart_between_invite_and_acceptance(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await bob.sign_in()
    await bob.invite()

    await world.restart()
    await accept(world, "ann@example.com")
    clock.advance(timedelta(days=2))
    await world.run_jobs()

    assert len(bob.received("notice.accepted", name="Ann Lee", age="2 days ago")) == 1


async def test_a_failed_renewal_asks_once_to_sign_in_and_keeps_the_invite(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await bob.sign_in()
    await bob.invite()
    change_staff_password(world)
    await accept(world, "ann@example.com")

    for _ in range(4):
        clock.advance(timedelta(hours=1))
        await world.run_jobs()

    assert len(bob.received("notice.sign_in_again", count=1)) == 1
    assert not bob.received("notice.accepted", name="Ann Lee", age="4 hours ago")
    assert world.store is not None
    assert await world.store.signin_notice_sent(bob.id), "the once-only claim is Bob's"
    [invite] = await world.store.pending_invites()
    assert invite.status is InviteStatus.PENDING
    attempts = world.sandbox.state.sandbox.attempts
    assert [a.failures for email, a in attempts.items() if email == STAFF_EMAIL] == [1]

    await bob.sign_in(password=NEW_PASSWORD)
    await world.run_jobs()

    assert len(bob.received("notice.accepted", name="Ann Lee", age="4 hours ago")) == 1


async def test_each_failed_renewal_after_a_new_sign_in_is_told_again(
    world: World, owner: Person, bob: Person, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.staff_sessions")
    await bob.sign_in()
    await bob.invite()
    change_staff_password(world)
    clock.advance(timedelta(hours=1))
    await world.run_jobs()
    assert len(bob.received("notice.sign_in_again", count=1)) == 1
    await bob.sign_in(password=NEW_PASSWORD)

    change_staff_password(world, "Another-passw0rd")
    clock.advance(timedelta(hours=1))
    await world.run_jobs()

    assert len(bob.received("notice.sign_in_again", count=1)) == 2
    deleted = f"staff {bob.id}: renewing the ClickBook session failed; sign-in deleted"
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.staff_sessions"]
    assert logged.count(deleted) == 2


async def test_a_member_who_signed_out_is_not_asked_to_sign_in_again(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await bob.sign_in()
    await bob.invite()
    await bob.send("/signout")
    await accept(world, "ann@example.com")

    clock.advance(ONE_POLL_LATER)
    await world.run_jobs()

    assert bob.received_any("notice.sign_in_again") == []
    assert bob.received_any("notice.accepted") == []
    await bob.sign_in()
    await world.run_jobs()
    assert len(bob.received("notice.accepted", name="Ann Lee", age="6 minutes ago")) == 1


async def test_clickbook_down_while_polling_backs_off_and_recovers(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await bob.sign_in()
    await bob.invite()
    await accept(world, "ann@example.com")
    await world.fail_clickbook("GETUSERFIELDS", "http500", times=4)
    clock.advance(ONE_POLL_LATER)

    await world.run_jobs()

    assert not bob.received("notice.accepted", name="Ann Lee", age="6 minutes ago")
    assert world.store is not None
    [invite] = await world.store.pending_invites()
    assert invite.check_failures == 1
    assert invite.next_check_at - clock() >= POLL * 2 * 0.9
    clock.advance(POLL)
    await world.run_jobs()
    assert not bob.received("notice.accepted", name="Ann Lee", age="11 minutes ago")

    clock.advance(POLL + timedelta(minutes=2))
    await world.run_jobs()

    assert len(bob.received("notice.accepted", name="Ann Lee", age="18 minutes ago")) == 1


async def test_a_failed_check_does_not_hold_up_the_other_invites(
    world: World, owner: Person, bob: Person, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.invites")
    await bob.sign_in()
    await bob.invite(email="ann@example.com")
    await bob.invite(first="Cid", last="Cruz", email="cid@example.com")
    await accept(world, "ann@example.com")
    await accept(world, "cid@example.com")
    await world.fail_clickbook("GETUSERFIELDS", "http500", times=4)  # one check's attempts
    clock.advance(ONE_POLL_LATER)

    await world.run_jobs()

    assert len(bob.received_any("notice.accepted")) == 1
    assert world.store is not None
    [failed] = await world.store.pending_invites()
    assert failed.check_failures == 1
    failure = f"invite {failed.id}: status check failed (ClickBookFaultError); backing off"
    assert [r.getMessage() for r in caplog.records if r.name == "bot.invites"][-1] == failure


async def test_each_inviter_hears_about_their_own_invites(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    carol = person(world, "Carol", "Cook")
    await carol.open_link(await owner.make_link())
    await bob.sign_in()
    await carol.sign_in()
    await bob.invite(email="ann@example.com")
    await carol.invite(first="Cid", last="Cruz", email="cid@example.com")

    await accept(world, "cid@example.com")
    clock.advance(ONE_POLL_LATER)
    await world.run_jobs()

    assert len(carol.received("notice.accepted", name="Cid Cruz", age="6 minutes ago")) == 1
    assert bob.received_any("notice.accepted") == []

    await accept(world, "ann@example.com")
    clock.advance(ONE_POLL_LATER)
    await world.run_jobs()

    assert len(bob.received("notice.accepted", name="Ann Lee", age="12 minutes ago")) == 1
    accepted = [
        m for m in carol.actor.bot_messages if "accepted your invitation" in (m.text or "")
    ]
    assert len(accepted) == 1


async def test_a_crash_between_noticing_and_telling_loses_nothing(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await bob.sign_in()
    await bob.invite()
    await accept(world, "ann@example.com")
    clock.advance(ONE_POLL_LATER)
    world.emulator.fail_next("sendMessage", status=502, retry_after=None)

    await world.run_jobs()

    assert world.store is not None
    [noticed] = await world.store.undelivered_acceptances()
    assert noticed.status is InviteStatus.REGISTERED
    assert not bob.received("notice.accepted", name="Ann Lee", age="6 minutes ago")

    await world.restart(crash=True)
    await world.run_jobs()
    await world.run_jobs()

    assert len(bob.received("notice.accepted", name="Ann Lee", age="6 minutes ago")) == 1
    assert await world.store.undelivered_acceptances() == []


STAFF_ROOM_ID = OWNER_ID + 2
"""The third simulated user stands in for the staff group chat."""


@pytest.fixture
async def world_with_staff_chat(
    tmp_path: Path, staff_settings: Settings, clock: ManualClock
) -> AsyncIterator[World]:
    """A world whose settings name a staff chat."""
    settings = staff_settings.model_copy(update={"staff_chat_id": STAFF_ROOM_ID})
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


async def test_the_staff_chat_gets_a_short_notice_without_contact_details(
    world_with_staff_chat: World, clock: ManualClock
) -> None:
    world = world_with_staff_chat
    olga = person(world, "Olga", "Owner")
    bob = person(world, "Bob", "Baker")
    room = person(world, "Staff", "Room")
    assert room.id == STAFF_ROOM_ID
    await bob.open_link(await olga.make_link())
    await bob.sign_in()
    await bob.invite(mobile="0412 345 678")
    await accept(world, "ann@example.com")
    clock.advance(ONE_POLL_LATER)

    await world.run_jobs()

    [notice] = room.received("notice.accepted_staff_chat", name="Ann Lee", inviter="Bob Baker")
    assert "ann@example.com" not in notice
    assert "9876" not in notice
    assert "412" not in notice
    assert len(bob.received("notice.accepted", name="Ann Lee", age="6 minutes ago")) == 1


async def test_a_replaced_secret_key_asks_once_to_sign_in_again(
    world: World, owner: Person, bob: Person, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    await bob.sign_in()
    await bob.invite()
    world.settings = world.settings.model_copy(update={"secret_key": SecretStr(new_secret_key())})
    await world.restart()
    await accept(world, "ann@example.com")

    for _ in range(3):
        clock.advance(timedelta(hours=1))
        await world.run_jobs()

    assert len(bob.received("notice.sign_in_again", count=1)) == 1
    assert bob.received_any("notice.accepted") == []
    assert world.store is not None
    assert await world.store.get_staff_credentials(bob.id) is None  # unreadable: deleted
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.staff_sessions"]
    assert logged == [f"staff {bob.id}: the stored sign-in cannot be decrypted; deleting it"]
    await bob.sign_in()
    await world.run_jobs()
    assert len(bob.received("notice.accepted", name="Ann Lee", age="3 hours ago")) == 1
