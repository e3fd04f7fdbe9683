"""The password is typed twice, each message deleted at once; ClickBook gets the confirmed one."""

from __future__ import annotations

import pytest

from bot.bench.calls import is_chat_bound
from bot.bench.customers import perform_on_bot, signup_actions
from bot.bench.report import CHAT_CALLS_PER_ACTION
from bot.clickbook import ClickBookAuthError
from bot.sandbox.world import World
from tests.support.chat import SIGN_UP_ACTIONS, Customer, customer


def shows(ann: Customer, secret: str) -> bool:
    """Tell whether ``secret`` is visible anywhere in the chat."""
    return any(secret in (m.text or "") for m in ann.actor.transcript)


async def at_the_password_question(world: World) -> tuple[Customer, int]:
    """Play a customer up to the password question; return them and the question's message."""
    ann = customer(world)
    await ann.start()
    await ann.fill_to("password")
    return ann, ann.actor.last.message_id


async def test_both_entries_are_deleted_and_clickbook_gets_the_confirmed_password(
    world: World,
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("password")
    question = ann.actor.last
    ann.assert_sees("password.prompt")

    await ann.send(ann.password)

    assert not shows(ann, ann.password)
    assert ann.actor.last == question  # nothing new: the question already asked for both

    await ann.send(ann.password)

    assert not shows(ann, ann.password)
    ann.assert_sees("password.saved")
    ann.assert_asks("terms")
    await ann.tap("terms.agree")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")
    assert world.client is not None
    await world.client.login(ann.email, ann.password)


async def test_a_mismatch_is_said_politely_and_the_password_is_asked_again_from_the_first_entry(
    world: World,
) -> None:
    ann = customer(world, password="Typo12345")
    await ann.start()
    await ann.fill_to("password")

    await ann.type_password(again="Tpyo12345")

    assert not shows(ann, "Typo12345")
    assert not shows(ann, "Tpyo12345")
    ann.assert_sees("password.mismatch")
    ann.assert_sees("password.prompt")
    ann.password = "Right4567"
    await ann.type_password()
    ann.assert_asks("terms")
    await ann.tap("terms.agree")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")
    assert world.client is not None
    await world.client.login(ann.email, "Right4567")
    for earlier in ("Typo12345", "Tpyo12345"):
        with pytest.raises(ClickBookAuthError):
            await world.client.login(ann.email, earlier)


async def test_the_answer_to_the_second_entry_replaces_the_question_in_place(
    world: World,
) -> None:
    ann, question = await at_the_password_question(world)
    calls = len(world.emulator.calls)

    await ann.type_password()

    made = [(call.method, call.params.get("message_id")) for call in world.emulator.calls[calls:]]
    assert [method for method, _ in made] == ["deleteMessage", "deleteMessage", "editMessageText"]
    assert made[-1][1] == str(question)
    assert ann.actor.last.message_id == question
    ann.assert_asks("terms")


async def test_something_posted_below_the_question_makes_the_next_step_a_new_message(
    world: World,
) -> None:
    ann, question = await at_the_password_question(world)
    await ann.send("/help")  # the answer comes below the question

    await ann.type_password()

    ann.assert_asks("terms")
    assert ann.actor.last.message_id > question
    assert ann.actor.is_visible(question)


async def test_a_first_entry_lost_in_a_restart_is_asked_for_again(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("password")
    await ann.send(ann.password)
    await world.restart(crash=True)

    await ann.send(ann.password)

    assert not shows(ann, ann.password)
    ann.assert_sees("password.again")
    ann.assert_sees("password.prompt")
    await ann.type_password()
    ann.assert_asks("terms")


async def test_back_forgets_a_first_entry(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("password")
    await ann.send(ann.password)

    await ann.choose("form.back")
    await ann.choose("form.keep")
    await ann.send("Other4567")  # a first entry again, not a second one
    await ann.send("Other4567")

    ann.assert_asks("terms")
    await ann.tap("terms.agree")
    await ann.tap("summary.confirm")
    assert world.client is not None
    await world.client.login(ann.email, "Other4567")


async def test_a_sign_up_with_both_entries_stays_within_the_bot_api_budget(world: World) -> None:
    ann = customer(world)
    actions = signup_actions(ann.t, email=ann.email, password=ann.password)
    calls = len(world.emulator.calls)

    for action in actions:
        await perform_on_bot(ann.actor, action)

    ann.assert_sees("submit.done", name="Ann Lee")
    assert [action.step for action in actions].count("password") == 1
    assert len(actions) == SIGN_UP_ACTIONS
    chat_bound = [call for call in world.emulator.calls[calls:] if is_chat_bound(call)]
    assert len(chat_bound) <= CHAT_CALLS_PER_ACTION * len(actions)


async def test_the_end_screen_says_how_to_sign_in_and_reset_the_password(world: World) -> None:
    ann = customer(world)

    await ann.sign_up()

    ann.assert_sees("home.sign_in")
    ann.assert_sees("home.reset_on_sign_in")
    [sign_in] = [
        button
        for row in ann.actor.last.inline_keyboard
        for button in row
        if button["text"] == ann.label("home.sign_in_button")
    ]
    assert sign_in["url"] == world.settings.sign_in_url
