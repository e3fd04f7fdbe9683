"""/invite never traps staff in an old draft: finish it, start a new one, or drop it."""

from __future__ import annotations

from datetime import timedelta

from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.staff.people import Person


async def warned_about_a_duplicate(bob: Person, clock: ManualClock) -> None:
    """Bob invited Ann Lee; two days later he fills in Annie Lee, same email: the warning."""
    await bob.sign_in()
    await bob.invite()
    clock.advance(timedelta(days=2))
    await bob.sign_in()
    await bob.fill_invite(first="Annie")
    await bob.tap("invite.summary.confirm")
    bob.assert_sees(
        "invite.duplicate",
        name="Ann Lee",
        email="ann@example.com",
        inviter="you",
        age="2 days ago",
    )


async def test_invite_after_the_duplicate_warning_offers_a_new_invitation(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await warned_about_a_duplicate(bob, clock)

    await bob.send("/invite")

    bob.assert_sees("invite.unfinished", draft="Annie Lee · ann@example.com")
    await bob.choose("invite.unfinished_new")
    bob.assert_sees("invite.intro")
    bob.assert_sees("invite.first_prompt")
    await bob.send("Cid")
    bob.assert_sees("invite.last_prompt")
    await bob.send("Cruz")
    await bob.send("+61 2 9876 5433")
    await bob.tap("form.skip")
    await bob.send("cid@example.com")
    await bob.choose("email.yes")
    bob.assert_sees("invite.summary.title")
    assert "Annie" not in bob.last_text
    await bob.tap("invite.summary.confirm")
    bob.assert_sees("invite.sent", email="cid@example.com", name="Cid Cruz")
    outbox = await world.control("GET", "/_sandbox/outbox")
    assert [mail["to"] for mail in outbox] == ["ann@example.com", "cid@example.com"]


async def test_finishing_the_kept_draft_brings_back_its_summary(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await warned_about_a_duplicate(bob, clock)
    await bob.send("/invite")

    await bob.choose("invite.unfinished_finish")

    bob.assert_sees("invite.summary.title")
    assert "Annie" in bob.last_text


async def test_the_duplicate_warning_can_drop_the_draft(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await warned_about_a_duplicate(bob, clock)

    await bob.tap("invite.duplicate_drop")

    bob.assert_sees("invite.dropped")
    await bob.send("/invite")
    bob.assert_sees("invite.intro")
    bob.assert_sees("invite.first_prompt")
    assert len(await world.control("GET", "/_sandbox/outbox")) == 1


async def test_typing_over_the_choice_neither_answers_the_old_draft_nor_loses_it(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await warned_about_a_duplicate(bob, clock)
    await bob.send("/invite")

    await bob.send("Cid")

    bob.assert_sees("invite.unfinished_tap")
    bob.assert_sees("invite.unfinished", draft="Annie Lee · ann@example.com")
    await bob.send("new invitation")  # the button's words, typed
    bob.assert_sees("invite.first_prompt")
    await bob.send("Cid")
    bob.assert_sees("invite.last_prompt")
