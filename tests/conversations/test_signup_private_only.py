"""Sign-up and staff flows run in private chats only: in a group the bot takes and says nothing."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.sandbox.world import World
from tests.support.chat import bot_problems, customer


async def test_a_registered_customer_writing_in_a_group_gets_nothing(world: World) -> None:
    ann = customer(world)
    await ann.sign_up()
    ann.assert_sees("submit.done", name="Ann Lee")
    seen_privately = len(ann.actor.transcript)
    team = world.emulator.group("Team", bot_is_admin=True)
    in_team = team.member(ann.actor)

    await in_team.send("/start")
    await in_team.send("/start@clickbook_demo_bot")
    await in_team.send("hello")
    await in_team.send("/help")
    await in_team.send("/language")

    assert team.bot_messages == []
    assert len(ann.actor.transcript) == seen_privately
    assert bot_problems(world) == []


async def test_a_customer_mid_sign_up_writing_in_a_group_changes_nothing(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("terms")
    draft = await ann.draft_answers()
    team = world.emulator.group("Team", bot_is_admin=True)
    in_team = team.member(ann.actor)

    await in_team.send("Bob")
    await in_team.send("/start")
    await in_team.send("I agree")
    await in_team.send("/cancel")

    assert team.bot_messages == []
    assert await ann.draft_answers() == draft
    ann.assert_asks("terms")
    await ann.tap("terms.agree")
    ann.assert_asks("summary")


async def test_a_tap_on_a_sign_up_button_in_a_group_is_not_taken(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("terms")
    draft = await ann.draft_answers()
    agree = ann.actor.last.callback_data(ann.label("terms.agree"))
    assert agree is not None
    team = world.emulator.group("Team", bot_is_admin=True)
    # A keyboard the bot posted in the group before sign-up screens were kept out of groups.
    application = world.application
    assert application is not None
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Agree", callback_data=agree)]])
    await application.bot.send_message(team.id, "Terms", reply_markup=markup)

    await team.member(ann.actor).tap("Agree")

    assert [m.text for m in team.bot_messages] == ["Terms"]
    assert await ann.draft_answers() == draft
    assert world.emulator.unanswered_callbacks == []
    ann.assert_asks("terms")
