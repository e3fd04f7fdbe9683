"""Keyboards: Telegram's limits on inline and reply keyboards, enforced on every call."""

from __future__ import annotations

import json

import httpx
import pytest
from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest

from bot.sandbox.telegram import TelegramEmulator
from tests.sandbox_telegram.conftest import TOKEN


def one_button(**action: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Button", **action)]])


@pytest.mark.parametrize(
    ("data", "accepted"),
    [
        pytest.param("a" * 64, True, id="64-ascii"),
        pytest.param("a" * 65, False, id="65-ascii"),
        pytest.param("й" * 32, True, id="64-bytes-cyrillic"),
        pytest.param("й" * 33, False, id="66-bytes-cyrillic"),
        pytest.param("😀" * 16, True, id="64-bytes-emoji"),
        pytest.param("😀" * 16 + "a", False, id="65-bytes-emoji"),
    ],
)
async def test_callback_data_is_limited_in_bytes(
    bot: Bot, emulator: TelegramEmulator, data: str, accepted: bool
) -> None:
    ann = emulator.user()
    markup = one_button(callback_data=data)

    if accepted:
        await bot.send_message(ann.id, "x", reply_markup=markup)
    else:
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(ann.id, "x", reply_markup=markup)

    assert len(ann.transcript) == (1 if accepted else 0)


def grid(rows: int, per_row: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(f"{r}.{c}", callback_data=f"{r}.{c}") for c in range(per_row)]
            for r in range(rows)
        ]
    )


@pytest.mark.parametrize(
    ("markup", "accepted"),
    [
        pytest.param(grid(1, 8), True, id="8-in-a-row"),
        pytest.param(grid(1, 9), False, id="9-in-a-row"),
        pytest.param(grid(25, 4), True, id="100-buttons"),
        pytest.param(grid(13, 8), False, id="104-buttons"),
    ],
)
async def test_inline_keyboard_size_limits(
    bot: Bot, emulator: TelegramEmulator, markup: InlineKeyboardMarkup, accepted: bool
) -> None:
    ann = emulator.user()

    if accepted:
        await bot.send_message(ann.id, "x", reply_markup=markup)
        assert sum(len(row) for row in ann.last.buttons) == sum(
            len(row) for row in markup.inline_keyboard
        )
    else:
        with pytest.raises(BadRequest, match="Reply markup is too long"):
            await bot.send_message(ann.id, "x", reply_markup=markup)


@pytest.mark.parametrize(
    ("markup", "description"),
    [
        pytest.param(
            one_button(),
            "can't parse inline keyboard button: Text buttons are unallowed in the inline"
            " keyboard",
            id="no-action",
        ),
        pytest.param(
            one_button(url="https://example.com", callback_data="x"),
            "can't parse inline keyboard button: a button must have exactly one action, got"
            " url, callback_data",
            id="two-actions",
        ),
        pytest.param(one_button(url="not a url"), "BUTTON_URL_INVALID", id="bad-url"),
        pytest.param(one_button(url="javascript:alert(1)"), "BUTTON_URL_INVALID", id="scheme"),
    ],
)
async def test_inline_buttons_need_exactly_one_valid_action(
    bot: Bot, emulator: TelegramEmulator, markup: InlineKeyboardMarkup, description: str
) -> None:
    ann = emulator.user()

    with pytest.raises(BadRequest):
        await bot.send_message(ann.id, "x", reply_markup=markup)

    assert emulator.calls[-1].description == f"Bad Request: {description}"


async def test_url_buttons_are_kept(bot: Bot, emulator: TelegramEmulator) -> None:
    ann = emulator.user()

    await bot.send_message(ann.id, "Terms", reply_markup=one_button(url="https://example.com/t"))

    assert ann.last.inline_keyboard == [[{"text": "Button", "url": "https://example.com/t"}]]


@pytest.mark.parametrize(
    ("reply_markup", "description"),
    [
        pytest.param(
            {"inline_keyboard": [{"text": "x", "callback_data": "x"}]},
            'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays',
            id="inline-not-nested",
        ),
        pytest.param(
            {"keyboard": ["Yes", "No"]},
            'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays',
            id="reply-not-nested",
        ),
        pytest.param({"something": True}, "can't parse reply keyboard markup JSON object", id="?"),
        pytest.param("{not json", "can't parse reply keyboard markup JSON object", id="json"),
    ],
)
async def test_malformed_markup_is_refused(
    emulator: TelegramEmulator, reply_markup: object, description: str
) -> None:
    ann = emulator.user()
    raw = reply_markup if isinstance(reply_markup, str) else json.dumps(reply_markup)
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://t") as client:
        response = await client.post(
            f"/bot{TOKEN}/sendMessage",
            data={"chat_id": str(ann.id), "text": "x", "reply_markup": raw},
        )

    assert response.status_code == 400
    assert response.json()["description"] == f"Bad Request: {description}"


async def test_reply_keyboard_stays_until_removed(bot: Bot, emulator: TelegramEmulator) -> None:
    ann = emulator.user()
    markup = ReplyKeyboardMarkup(
        [[KeyboardButton("Share my number", request_contact=True)], ["Type it"]],
        resize_keyboard=True,
        input_field_placeholder="+61 4xx xxx xxx",
    )

    await bot.send_message(ann.id, "Your phone?", reply_markup=markup)
    await bot.send_message(ann.id, "Still waiting")
    shown_after_plain_message = ann.reply_keyboard
    await bot.send_message(ann.id, "Thanks", reply_markup=ReplyKeyboardRemove())

    assert shown_after_plain_message == [["Share my number"], ["Type it"]]
    assert ann.transcript[0].reply_keyboard == [["Share my number"], ["Type it"]]
    assert ann.transcript[1].reply_keyboard is None
    assert ann.reply_keyboard is None


async def test_force_reply_is_accepted_and_keeps_the_keyboard(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    ann = emulator.user()
    await bot.send_message(ann.id, "Pick", reply_markup=ReplyKeyboardMarkup([["A"]]))

    await bot.send_message(ann.id, "Why?", reply_markup=ForceReply(input_field_placeholder="…"))

    assert ann.reply_keyboard == [["A"]]


@pytest.mark.parametrize(
    ("placeholder", "accepted"),
    [pytest.param("x" * 64, True, id="64"), pytest.param("x" * 65, False, id="65")],
)
async def test_input_field_placeholder_is_1_to_64(
    bot: Bot, emulator: TelegramEmulator, placeholder: str, accepted: bool
) -> None:
    ann = emulator.user()
    markup = ReplyKeyboardMarkup([["A"]], input_field_placeholder=placeholder)

    if accepted:
        await bot.send_message(ann.id, "x", reply_markup=markup)
    else:
        with pytest.raises(BadRequest, match="Input_field_placeholder"):
            await bot.send_message(ann.id, "x", reply_markup=markup)

    assert (ann.reply_keyboard is not None) is accepted


async def test_edits_accept_only_inline_keyboards(bot: Bot, emulator: TelegramEmulator) -> None:
    ann = emulator.user()
    sent = await bot.send_message(ann.id, "x")

    with pytest.raises(BadRequest, match="Inline keyboard expected"):
        await bot.edit_message_text(
            "y",
            ann.id,
            sent.message_id,
            reply_markup=ReplyKeyboardMarkup([["A"]]),  # type: ignore[arg-type]
        )

    assert ann.last.text == "x"
