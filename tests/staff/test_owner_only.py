"""Only owners manage staff, owners cannot be removed, a removal ends the member's session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from bot.staff import StaffDirectory
from bot.storage import Store
from tests.staff.people import Person, accept, person
from tests.staff.test_acceptance import ONE_POLL_LATER
from tests.support.chat import tap_with_data

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


async def test_a_staff_members_forged_remove_tap_removes_nobody(
    world: World, owner: Person, bob: Person
) -> None:
    carol = person(world, "Carol", "Cook")
    await carol.open_link(await owner.make_link())

    # The confirmation's Yes, as only an owner's staff list carries it.
    await tap_with_data(bob.actor, bob.actor.last.message_id, f"sf:0:rc.{carol.id}")

    [tap] = bob.actor.callbacks[-1:]
    assert tap.answer_text == bob.label("unknown.button")
    assert not carol.received("staff.remove.told")
    await carol.send("/signin")
    carol.assert_sees("signin.email_prompt")
    await owner.send("/staff")
    assert "Carol Cook" in owner.last_text


async def test_an_owner_who_is_also_listed_as_staff_cannot_be_removed(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "owner.db")
    try:
        await store.add_staff(7, added_by=1, now=NOW)
        await store.save_staff_credentials(7, b"sealed session", NOW)
        directory = StaffDirectory(
            store=store,
            clock=ManualClock(NOW),
            owner_ids=frozenset({7}),
            link_lifetime=timedelta(minutes=15),
        )

        assert await directory.remove(7) is False

        assert await store.is_staff(7)
        assert await store.get_staff_credentials(7) == b"sealed session"
    finally:
        await store.close()


async def test_a_removed_members_session_is_not_used_for_their_invites(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await bob.sign_in()
    await bob.invite()
    await owner.send("/staff")
    await owner.tap("staff.list.remove", name="Bob Baker")
    await owner.tap("staff.remove.yes")

    await accept(world, "ann@example.com")
    clock.advance(ONE_POLL_LATER)
    await world.run_jobs()

    assert not bob.received_any("notice.accepted")
    assert world.store is not None
    [invite] = await world.store.pending_invites()
    assert invite.email == "ann@example.com"
