"""Confirm re-checks the whole draft locally: a stored answer the model refuses is asked again."""

from __future__ import annotations

import pytest

from bot.sandbox.world import World
from tests.conversations.test_signup_reliability import FLOW, at_summary, signup_log
from tests.support.chat import visible


async def test_a_stored_answer_the_bot_no_longer_takes_is_asked_again(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    ann = await at_summary(world)
    assert world.store is not None
    # A draft written by an older version, or edited by hand: not an address any more.
    await world.store.set_draft_field(ann.actor.id, FLOW, "email", "ann.lee@", world.clock())

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.fix_named", fields="Email")
    ann.assert_asks("email")
    local = f"draft of user {ann.actor.id} failed local validation: ValidationError"
    assert signup_log(caplog) == [local]
    assert "email" not in await ann.draft_answers()
    assert (await world.clickbook_state())["stubs"] == []
    await ann.fill_to(start_at="email", stop_before="phone")
    ann.assert_sees("summary.title")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")


@pytest.mark.parametrize(
    ("key", "stored", "step", "title", "detail"),
    [
        ("first_name", "", "first_name", "First name", "must be 1 to 100 characters long"),
        ("last_name", "<b>", "last_name", "Last name", "may hold only letters, digits, spaces,"),
        ("terms", "", "terms", "Terms", "the terms must be agreed to"),
        ("timezone", "Mars/Base", "timezone", "Time zone", "time zone value 'Mars/Base' has"),
        ("phone", None, "phone", "Phone", "Input should be a valid string"),
    ],
)
async def test_a_refused_stored_answer_is_asked_again_with_the_reason(
    world: World, key: str, stored: str | None, step: str, title: str, detail: str
) -> None:
    ann = await at_summary(world)
    assert world.store is not None
    await world.store.set_draft_field(ann.actor.id, FLOW, key, stored, world.clock())

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.fix_named", fields=title)
    ann.assert_asks(step)
    [note] = [line for line in ann.actor.last.text.splitlines() if line.startswith("⚠️")]
    assert note.startswith("⚠️ " + visible(ann.t("submit.field_error", detail=detail)))
    assert "Value error" not in ann.actor.last.text
    assert (await world.clickbook_state())["stubs"] == []
