"""Group chats: what the bot receives from a group, what it may do there, and taps in groups."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.sandbox.telegram import TelegramEmulator


async def test_a_group_message_names_the_group_and_its_sender(
    emulator: TelegramEmulator, received: list[Update]
) -> None:
    team = emulator.group("Team", bot_is_admin=True)
    ann = emulator.user("Ann")

    await team.member(ann).send("hello all")

    [update] = received
    assert update.effective_chat.id == team.id < 0
    assert update.effective_chat.type == "group"
    assert update.effective_chat.title == "Team"
    assert update.effective_user.id == ann.id
    assert [m.text for m in team.transcript] == ["hello all"]
    assert not [m for m in ann.transcript if m.text == "hello all"]


async def test_privacy_mode_lets_through_commands_mentions_and_replies_only(
    bot: Bot, emulator: TelegramEmulator, received: list[Update]
) -> None:
    team = emulator.group("Team")
    ann = team.member(emulator.user("Ann"))
    posted = await bot.send_message(team.id, "Hi, I'm the bot")

    await ann.send("just chatting")
    await ann.send("/start")
    await ann.send("hey @clickbook_demo_bot")
    await ann.send("a reply", reply_to=posted.message_id)

    assert [u.message.text for u in received] == ["/start", "hey @clickbook_demo_bot", "a reply"]
    assert len(team.transcript) == 5


async def test_the_bot_deletes_members_messages_only_as_an_admin(
    bot: Bot, emulator: TelegramEmulator, received: list[Update]
) -> None:
    plain = emulator.group("Plain")
    admin = emulator.group("Admin", bot_is_admin=True)
    ann = emulator.user("Ann")
    in_plain = await plain.member(ann).send("/secret")
    in_admin = await admin.member(ann).send("/secret")

    with pytest.raises(BadRequest, match="can't be deleted"):
        await bot.delete_message(plain.id, in_plain["message_id"])
    assert await bot.delete_message(admin.id, in_admin["message_id"])

    assert plain.is_visible(in_plain["message_id"])
    assert not admin.is_visible(in_admin["message_id"])


async def test_a_tap_in_a_group_carries_the_group_message(
    bot: Bot, emulator: TelegramEmulator, received: list[Update]
) -> None:
    team = emulator.group("Team")
    ann = emulator.user("Ann")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    await bot.send_message(team.id, "Menu", reply_markup=markup)

    await team.member(ann).tap("Go")

    [update] = received
    query = update.callback_query
    assert query.data == "go"
    assert query.from_user.id == ann.id
    assert query.message.chat.id == team.id
    assert query.message.chat.type == "group"
