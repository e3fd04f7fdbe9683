"""Only the newest screen has buttons: a screen that replaces another takes the old one's away.

The customer walks the sign-up (typed answers, taps, a shared contact, the deleted password,
an edit from the summary, a wrong password) and after every action at most one message in the
chat has inline buttons: the newest. The sign-up stays within its Bot API call budget.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.bench.calls import is_chat_bound
from bot.bench.report import CHAT_CALLS_PER_ACTION
from bot.sandbox.world import World
from tests.support.chat import SIGN_UP_ACTIONS, Customer, bot_problems, customer


@pytest.fixture(autouse=True)
async def _nothing_failed(world: World) -> AsyncIterator[None]:
    yield
    assert bot_problems(world) == []


def with_buttons(ann: Customer) -> list[str]:
    """Return the start of every message in the chat that still has inline buttons."""
    return [(message.text or "")[:40] for message in ann.actor.transcript if message.buttons]


def assert_only_the_newest_has_buttons(ann: Customer) -> None:
    """Fail if any message but the newest one has inline buttons."""
    older = [message for message in ann.actor.transcript[:-1] if message.buttons]
    assert older == [], f"old keyboards still live: {with_buttons(ann)}"


async def test_after_the_whole_sign_up_no_old_screen_keeps_its_buttons(world: World) -> None:
    ann = customer(world)
    first_call = len(world.emulator.calls)
    await ann.start()
    assert_only_the_newest_has_buttons(ann)
    await ann.fill_to()
    ann.assert_asks("summary")

    assert len(with_buttons(ann)) == 1
    assert_only_the_newest_has_buttons(ann)
    await ann.tap("summary.confirm")
    assert len(with_buttons(ann)) <= 1
    assert_only_the_newest_has_buttons(ann)
    chat_calls = [call for call in world.emulator.calls[first_call:] if is_chat_bound(call)]
    assert len(chat_calls) <= SIGN_UP_ACTIONS * CHAT_CALLS_PER_ACTION


@pytest.mark.parametrize(
    "step", ["first_name", "last_name", "email", "phone", "country", "password", "terms"]
)
async def test_every_step_leaves_one_live_keyboard(world: World, step: str) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to(step)
    ann.assert_asks(step)

    assert_only_the_newest_has_buttons(ann)
    await ann.tap("form.cancel")
    assert with_buttons(ann) == []


async def test_an_answer_typed_after_an_edit_from_the_summary_retires_the_question(
    world: World,
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to()
    await ann.tap("form.edit_field", field=ann.t.plain("field.first_name"))
    ann.assert_asks("first_name")

    await ann.send("Anna")

    ann.assert_asks("summary")
    assert len(with_buttons(ann)) == 1
    assert_only_the_newest_has_buttons(ann)


async def test_a_refused_password_is_asked_again_in_place(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("password")
    question = ann.actor.last.message_id

    await ann.send("short")

    ann.assert_sees("password.prompt")
    assert ann.actor.last.message_id == question
    assert_only_the_newest_has_buttons(ann)
    await ann.type_password()
    ann.assert_asks("terms")
    assert ann.actor.last.message_id == question
    assert_only_the_newest_has_buttons(ann)


async def test_typed_words_on_a_screen_with_inline_buttons_retire_it(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("country")

    await ann.send("Back")
    ann.assert_asks("phone")
    assert with_buttons(ann) == []
    await ann.actor.press(ann.label("phone.share"))
    await ann.send("hello")

    assert_only_the_newest_has_buttons(ann)
