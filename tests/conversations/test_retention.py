"""Every per-user record has a retention, enforced by a job (issue 8, item 12).

Passwords leave memory after 30 minutes without use, on Cancel, and through the housekeeping
job; drafts, rate-limit records and the per-user caches are pruned by the same job. Time is
the shared manual clock: nothing sleeps.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.housekeeping import DRAFT_RETENTION, RATE_LIMIT_RETENTION
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from bot.vault import IDLE_LIMIT
from tests.support.chat import Customer, customer

FLOW = "su"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


async def at_summary(world: World, **kwargs: str) -> Customer:
    person = customer(world, **kwargs)
    await person.start()
    await person.fill_to()
    person.assert_sees("summary.title")
    return person


async def test_a_password_idle_for_30_minutes_is_asked_again_not_submitted(
    world: World, clock: ManualClock
) -> None:
    ann = await at_summary(world)

    clock.advance(IDLE_LIMIT + timedelta(minutes=1))
    await ann.tap("summary.confirm")

    ann.assert_asks("password")
    assert (await world.clickbook_state())["stubs"] == []
    await ann.type_password()
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")


async def test_the_job_sweeps_idle_passwords_and_keeps_recent_ones(
    world: World, clock: ManualClock
) -> None:
    ann = await at_summary(world)
    clock.advance(timedelta(minutes=20))
    ben = await at_summary(world, first_name="Ben", phone="+61412345679")
    assert len(world.vault) == 2

    clock.advance(timedelta(minutes=11))
    await world.run_jobs()

    assert len(world.vault) == 1
    assert world.vault.get(FLOW, ann.actor.id) is None
    assert world.vault.get(FLOW, ben.actor.id) is not None


async def test_cancel_takes_the_password_out_of_memory(world: World) -> None:
    ann = await at_summary(world)
    bea = await at_summary(world, first_name="Bea", phone="+61412345670")
    assert world.vault.get(FLOW, ann.actor.id) is not None

    await ann.tap("form.cancel")
    await bea.send("/cancel")

    ann.assert_sees("form.cancelled")
    assert len(world.vault) == 0


async def test_the_job_prunes_old_drafts_old_rate_limit_records_and_the_caches(
    world: World, clock: ManualClock
) -> None:
    assert world.store is not None
    ann = customer(world)
    await ann.start()
    await ann.fill_to("phone")
    done = await at_summary(world, first_name="Dan", phone="+61412345671")
    await done.tap("summary.confirm")
    done.assert_sees("submit.done", name="Ann Lee")  # the default answers
    assert await world.store.count_signup_attempts(done.actor.id, EPOCH) == 1

    clock.advance(RATE_LIMIT_RETENTION + timedelta(minutes=1))
    await world.run_jobs()

    assert await world.store.count_signup_attempts(done.actor.id, EPOCH) == 0
    assert await world.store.get_draft(ann.actor.id, FLOW) is not None
    store = world.store
    assert not store._languages  # noqa: SLF001 - the caches have no public view
    assert not store._unregistered  # noqa: SLF001

    clock.advance(DRAFT_RETENTION)
    await world.run_jobs()

    assert await world.store.get_draft(ann.actor.id, FLOW) is None
    await ann.send("/start")
    ann.assert_sees("start.welcome", business="ClickBook", name="Ann")
