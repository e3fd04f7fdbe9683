"""Confirm re-checks the whole draft locally: a stored answer the model refuses is asked again."""

from __future__ import annotations

from bot.sandbox.world import World
from tests.conversations.test_signup_reliability import FLOW, at_summary


async def test_a_stored_answer_the_bot_no_longer_takes_is_asked_again(world: World) -> None:
    ann = await at_summary(world)
    assert world.store is not None
    # A draft written by an older version, or edited by hand: not an address any more.
    await world.store.set_draft_field(ann.actor.id, FLOW, "email", "ann.lee@", world.clock())

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.fix_named", fields="Email")
    ann.assert_asks("email")
    assert "email" not in await ann.draft_answers()
    assert (await world.clickbook_state())["stubs"] == []
    await ann.fill_to(start_at="email", stop_before="phone")
    ann.assert_sees("summary.title")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")
