"""/pending: this business's open invitations with age and inviter; check now; forget."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.staff.people import Person, accept
from tests.staff.test_invite import change_staff_password
from tests.support.chat import visible


async def invite_two(bob: Person, clock: ManualClock) -> None:
    """Bob invites Ann, and a day later Cid."""
    await bob.sign_in()
    await bob.invite()
    clock.advance(timedelta(days=1))
    await bob.sign_in()
    await bob.invite(first="Cid", last="Cruz", email="cid@example.com")


async def test_pending_lists_newest_first_with_age_and_inviter(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await invite_two(bob, clock)
    clock.advance(timedelta(hours=3))

    await owner.send("/pending")

    text = owner.last_text
    owner.assert_sees("pending.title", count=2)
    assert text.index("Cid Cruz") < text.index("Ann Lee")
    assert "1. Cid Cruz · cid@example.com" in text
    assert owner.t("pending.invited", age="3 hours ago", inviter="Bob Baker") in text
    assert owner.t("pending.invited", age="1 day ago", inviter="Bob Baker") in text
    await bob.send("/pending")
    assert bob.t("pending.invited", age="3 hours ago", inviter="you") in bob.last_text


async def test_check_now_tells_whether_the_client_accepted(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await invite_two(bob, clock)
    await bob.send("/pending")
    listing = bob.actor.last.message_id

    await bob.tap("pending.check", number=2)
    bob.assert_sees("pending.checked.pending", name="Ann Lee")
    toast = bob.label("pending.toast.pending", name="Ann Lee")
    assert bob.actor.callbacks[-1].answer_text == toast

    await accept(world, "ann@example.com")
    await bob.tap("pending.check", number=2)

    assert len(bob.received("notice.accepted", name="Ann Lee", age="1 day ago")) == 1
    edited = bob.actor.message(listing).text or ""
    assert visible(bob.t("pending.checked.registered", name="Ann Lee")) in edited
    assert visible(bob.t("pending.title", count=1)) in edited
    clock.advance(timedelta(minutes=10))
    await world.run_jobs()
    assert len(bob.received("notice.accepted", name="Ann Lee", age="1 day ago")) == 1


async def test_another_staff_member_can_check_with_their_own_sign_in(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await invite_two(bob, clock)
    await bob.send("/signout")
    await accept(world, "cid@example.com")
    await owner.sign_in()
    await owner.send("/pending")

    await owner.tap("pending.check", number=1)

    owner.assert_sees("pending.checked.registered", name="Cid Cruz")
    assert not owner.received("notice.accepted", name="Cid Cruz", age="1 second ago")
    assert len(bob.received("notice.accepted", name="Cid Cruz", age="1 second ago")) == 1


async def test_a_staff_member_without_a_sign_in_checks_with_the_inviters(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await invite_two(bob, clock)
    await accept(world, "cid@example.com")
    await owner.send("/pending")

    await owner.tap("pending.check", number=1)

    owner.assert_sees("pending.checked.registered", name="Cid Cruz")
    await owner.send("/pending")
    await owner.tap("pending.check", number=1)
    owner.assert_sees("pending.checked.pending", name="Ann Lee")


async def test_checking_an_invite_accepted_meanwhile_says_it_is_no_longer_pending(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await invite_two(bob, clock)
    await bob.send("/pending")
    listing = bob.actor.last.message_id
    await accept(world, "cid@example.com")
    clock.advance(timedelta(minutes=10))
    await world.run_jobs()  # the poller notices first
    assert len(bob.received("notice.accepted", name="Cid Cruz", age="10 minutes ago")) == 1

    await bob.tap("pending.check", number=1)  # on the listing shown before

    assert bob.actor.callbacks[-1].answer_text == bob.label("pending.toast.gone", name="Cid Cruz")
    edited = bob.actor.message(listing).text or ""
    assert visible(bob.t("pending.checked.gone")) in edited
    assert len(bob.received("notice.accepted", name="Cid Cruz", age="10 minutes ago")) == 1


async def test_checking_after_the_password_changed_asks_to_sign_in_again(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await invite_two(bob, clock)
    await bob.send("/pending")
    listing = bob.actor.last.message_id
    change_staff_password(world)
    clock.advance(timedelta(minutes=45))  # the session expires; renewing it is refused

    await bob.tap("pending.check", number=1)

    edited = bob.actor.message(listing).text or ""
    assert visible(bob.t("pending.checked.signed_out")) in edited
    assert world.store is not None
    assert await world.store.get_staff_credentials(bob.id) is None


async def test_checking_while_clickbook_is_down_says_so_and_logs_why(
    world: World, owner: Person, bob: Person, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.invites")
    await invite_two(bob, clock)
    await bob.send("/pending")
    listing = bob.actor.last.message_id
    await world.fail_clickbook("GETUSERFIELDS", "http500", times=10)

    await bob.tap("pending.check", number=1)

    edited = bob.actor.message(listing).text or ""
    assert visible(bob.t("pending.checked.unavailable")) in edited
    assert world.store is not None
    [cid, _] = await world.store.pending_invites()
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.invites"]
    assert f"checking invite {cid.id} failed: ClickBookFaultError" in logged


async def test_checking_without_a_sign_in_says_so(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await invite_two(bob, clock)
    await bob.send("/signout")
    await bob.send("/pending")

    await bob.tap("pending.check", number=1)

    bob.assert_sees("pending.checked.not_signed_in", name="Cid Cruz")


async def test_forget_stops_following_an_invite_after_confirmation(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await invite_two(bob, clock)
    await bob.send("/pending")

    await bob.tap("pending.forget", number=1)
    bob.assert_sees("pending.forget_confirm", name="Cid Cruz")
    await bob.tap("pending.forget_no")
    bob.assert_sees("pending.title", count=2)
    await bob.tap("pending.forget", number=1)
    await bob.tap("pending.forget_yes")

    bob.assert_sees("pending.forgotten", name="Cid Cruz")
    bob.assert_sees("pending.title", count=1)
    assert world.store is not None
    assert [i.full_name for i in await world.store.pending_invites()] == ["Ann Lee"]
    await accept(world, "cid@example.com")
    clock.advance(timedelta(hours=1))
    await world.run_jobs()
    assert not bob.received("notice.accepted", name="Cid Cruz", age="1 hour ago")


async def test_many_invites_are_paged(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await bob.sign_in()
    for number in range(7):
        await bob.invite(first=f"Client{chr(65 + number)}", email=f"c{number}@example.com")

    await bob.send("/pending")
    bob.assert_sees("pending.page", page=1, pages=2)
    assert "ClientG" in bob.last_text
    assert "ClientA" not in bob.last_text
    await bob.tap("picker.next")

    bob.assert_sees("pending.page", page=2, pages=2)
    assert "6. ClientB" in bob.last_text
    assert "7. ClientA" in bob.last_text
    await bob.tap("pending.check", number=7)
    bob.assert_sees("pending.checked.pending", name="ClientA Lee")
    bob.assert_sees("pending.page", page=2, pages=2)


async def test_nothing_pending(world: World, owner: Person, bob: Person) -> None:
    await bob.send("/pending")

    bob.assert_sees("pending.empty")
