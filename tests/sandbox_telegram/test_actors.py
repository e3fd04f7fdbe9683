"""User actors: what users send and tap, and the transcript they see."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MessageEntity,
    ReplyKeyboardMarkup,
    Update,
)

from bot.sandbox.telegram import ActorError, TelegramEmulator, render_message


def buttons(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def test_commands_get_a_bot_command_entity(
    emulator: TelegramEmulator, received: list[Update]
) -> None:
    ann = emulator.user()

    await ann.send("/start invite-AbC_123")
    await ann.send("/help@clickbook_demo_bot")
    await ann.send("not /a command")

    entities = [update.message.entities for update in received]
    assert entities[0] == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 6),)
    assert entities[1] == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 24),)
    assert entities[2] == ()


async def test_ids_are_unique_and_counters_per_chat(
    emulator: TelegramEmulator, received: list[Update]
) -> None:
    ann, bob = emulator.user("Ann"), emulator.user("Bob")

    await ann.send("a1")
    await bob.send("b1")
    await ann.send("a2")

    assert [u.message.message_id for u in received] == [1, 1, 2]
    assert [u.update_id for u in received] == sorted({u.update_id for u in received})
    assert [u.effective_user.id for u in received] == [ann.id, bob.id, ann.id]
    assert ann.id != bob.id


async def test_transcript_shows_both_sides_after_edits_and_deletes(
    bot: Bot, emulator: TelegramEmulator, received: list[Update]
) -> None:
    ann = emulator.user()
    await ann.send("/start")
    menu = await bot.send_message(ann.id, "Menu", reply_markup=buttons([("Go", "go")]))
    notice = await bot.send_message(ann.id, "Temporary")
    password = await ann.send("hunter2-Secret")

    await bot.edit_message_text("Menu, updated", ann.id, menu.message_id)
    await bot.delete_message(ann.id, notice.message_id)
    await bot.delete_message(ann.id, password["message_id"])

    assert [(m.from_bot, m.text, m.edited) for m in ann.transcript] == [
        (False, "/start", False),
        (True, "Menu, updated", True),
    ]
    assert [m.text for m in ann.bot_messages] == ["Menu, updated"]
    assert not ann.is_visible(password["message_id"])
    assert ann.last.buttons == []


async def test_tap_prefers_exact_label_then_contains(
    bot: Bot, emulator: TelegramEmulator, received: list[Update]
) -> None:
    ann = emulator.user()
    await bot.send_message(
        ann.id,
        "Sure?",
        reply_markup=buttons([("Yes", "y"), ("Yes, and more", "y+")], [("No", "n")]),
    )

    await ann.tap("Yes")
    await ann.tap("yes")
    await ann.tap("more")
    with pytest.raises(ActorError, match=r"ambiguous: it matches \['Yes', 'Yes, and more'\]"):
        await ann.tap("ye")
    with pytest.raises(ActorError, match=r"available: \['Yes', 'Yes, and more', 'No'\]"):
        await ann.tap("Maybe")

    assert [u.callback_query.data for u in received] == ["y", "y", "y+"]


async def test_tap_prefers_the_exact_case_of_a_label(
    bot: Bot, emulator: TelegramEmulator, received: list[Update]
) -> None:
    ann = emulator.user()
    await bot.send_message(
        ann.id, "Case", reply_markup=buttons([("OK", "upper"), ("ok", "lower")])
    )

    await ann.tap("ok")
    await ann.tap("OK")

    assert [u.callback_query.data for u in received] == ["lower", "upper"]


async def test_tap_uses_the_newest_keyboard_or_a_given_stale_one(
    bot: Bot, emulator: TelegramEmulator, received: list[Update]
) -> None:
    ann = emulator.user()
    old = await bot.send_message(ann.id, "Step 1", reply_markup=buttons([("Next", "v1:next")]))
    await bot.send_message(ann.id, "Step 2", reply_markup=buttons([("Next", "v2:next")]))
    await bot.send_message(ann.id, "Just text")

    await ann.tap("Next")
    await ann.tap("Next", message_id=old.message_id)

    first, stale = (u.callback_query for u in received)
    assert (first.data, stale.data) == ("v2:next", "v1:next")
    assert stale.message.message_id == old.message_id
    assert stale.message.text == "Step 1"
    assert stale.message.reply_markup == buttons([("Next", "v1:next")])
    assert len(ann.unanswered_callbacks) == 2


async def test_tap_sees_the_message_as_currently_stored(
    bot: Bot, emulator: TelegramEmulator, received: list[Update]
) -> None:
    ann = emulator.user()
    sent = await bot.send_message(ann.id, "Before", reply_markup=buttons([("Go", "go")]))
    await bot.edit_message_text(
        "After", ann.id, sent.message_id, reply_markup=buttons([("Go", "go2")])
    )

    await ann.tap("Go")

    assert received[0].callback_query.message.text == "After"
    assert received[0].callback_query.data == "go2"


async def test_impossible_taps_fail_clearly(bot: Bot, emulator: TelegramEmulator) -> None:
    ann = emulator.user()
    with pytest.raises(ActorError, match="no bot message with an inline keyboard"):
        await ann.tap("Go")
    link = InlineKeyboardMarkup([[InlineKeyboardButton("Terms", url="https://example.com")]])
    sent = await bot.send_message(ann.id, "Read", reply_markup=link)
    with pytest.raises(ActorError, match="opens url, not a callback"):
        await ann.tap("Terms")
    await bot.delete_message(ann.id, sent.message_id)
    with pytest.raises(ActorError, match="is not in Ann's chat"):
        await ann.tap("Terms", message_id=sent.message_id)


async def test_press_contact_button_shares_own_contact_once(
    bot: Bot, emulator: TelegramEmulator, received: list[Update]
) -> None:
    ann = emulator.user(phone="+61412345678")
    markup = ReplyKeyboardMarkup(
        [[KeyboardButton("📱 Share my number", request_contact=True)], ["Type it instead"]],
        one_time_keyboard=True,
    )
    await bot.send_message(ann.id, "Your phone?", reply_markup=markup)

    await ann.press("share my number")

    contact = received[0].message.contact
    assert (contact.phone_number, contact.user_id, contact.first_name, contact.last_name) == (
        "+61412345678",
        ann.id,
        "Ann",
        "Lee",
    )
    assert ann.reply_keyboard is None
    with pytest.raises(ActorError, match="no reply keyboard is shown"):
        await ann.press("Type it instead")


async def test_press_text_button_sends_its_text_and_keyboard_stays(
    bot: Bot, emulator: TelegramEmulator, received: list[Update]
) -> None:
    ann = emulator.user()
    await bot.send_message(ann.id, "Country?", reply_markup=ReplyKeyboardMarkup([["Australia"]]))

    await ann.press("austr")

    assert received[0].message.text == "Australia"
    assert ann.reply_keyboard == [["Australia"]]


async def test_share_someone_elses_contact_card(
    emulator: TelegramEmulator, received: list[Update]
) -> None:
    ann, bob = emulator.user("Ann"), emulator.user("Bob", phone="+61400000000")

    await ann.share_contact(phone="+61498765432", first_name="Carol", last_name="Ng")
    await ann.share_contact(phone=bob.phone, user_id=bob.id, first_name="Bob")

    carol, bob_card = (u.message.contact for u in received)
    assert (carol.first_name, carol.last_name, carol.user_id) == ("Carol", "Ng", None)
    assert (bob_card.phone_number, bob_card.user_id) == ("+61400000000", bob.id)
    with pytest.raises(ActorError, match="has no phone"):
        await ann.share_contact()


async def test_non_text_messages_parse_in_ptb(
    emulator: TelegramEmulator, received: list[Update]
) -> None:
    ann = emulator.user()

    await ann.send_sticker("🎉")
    await ann.send_photo(caption="me")
    await ann.send_document("cv.pdf")

    sticker, photo, document = (u.message for u in received)
    assert sticker.sticker.emoji == "🎉"
    assert photo.photo[-1].width == 800
    assert photo.caption == "me"
    assert document.document.file_name == "cv.pdf"
    assert [render_message(m) for m in ann.transcript] == [
        "[sticker 🎉]",
        "[photo] me",
        "[document: cv.pdf]",
    ]


async def test_user_edit_produces_an_edited_message(
    emulator: TelegramEmulator, received: list[Update]
) -> None:
    ann = emulator.user()
    sent = await ann.send("ann@exmaple.com")

    await ann.edit(sent["message_id"], "ann@example.com")

    edited = received[1].edited_message
    assert edited.message_id == sent["message_id"]
    assert edited.text == "ann@example.com"
    assert edited.edit_date is not None
    assert ann.transcript[0].text == "ann@example.com"
    assert ann.transcript[0].edited


async def test_blocked_user_cannot_act_until_unblocking(
    emulator: TelegramEmulator, received: list[Update]
) -> None:
    ann = emulator.user()
    ann.block()

    with pytest.raises(ActorError, match="has blocked the bot"):
        await ann.send("hi")
    ann.unblock()
    await ann.send("hi")

    assert [u.message.text for u in received] == ["hi"]


async def test_language_can_change_between_updates(bot: Bot, emulator: TelegramEmulator) -> None:
    ann = emulator.user(language_code="en")

    await ann.send("one")
    ann.set_language("de")
    await ann.send("two")
    updates = await bot.get_updates()

    assert [u.effective_user.language_code for u in updates] == ["en", "de"]


async def test_last_without_bot_messages_is_a_clear_assertion(emulator: TelegramEmulator) -> None:
    ann = emulator.user()

    with pytest.raises(AssertionError, match="the bot has sent no visible message to Ann"):
        _ = ann.last


async def test_render_message_draws_buttons_and_reply_keyboard(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    ann = emulator.user()
    await bot.send_message(
        ann.id,
        "<b>Confirm?</b>",
        parse_mode="HTML",
        reply_markup=buttons([("Yes", "y"), ("No", "n")]),
    )
    await bot.send_message(ann.id, "Phone?", reply_markup=ReplyKeyboardMarkup([["Share", "Type"]]))

    first, second = (render_message(m) for m in ann.transcript)

    assert first == "Confirm?\n[ Yes ] [ No ]"
    assert second == "Phone?\n( Share ) ( Type )"
