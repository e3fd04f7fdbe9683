"""Bot API methods through PTB's real client: results, state, and PTB's exceptions."""

from __future__ import annotations

import datetime as dtm
import json

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)
from telegram.constants import ChatAction
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from bot.sandbox.telegram import ERRORS, ManualClock, TelegramEmulator
from tests.sandbox_telegram.conftest import TOKEN, make_bot


def ptb_message(key: str) -> str:
    """Return how PTB presents the description of an error table entry."""
    description = ERRORS[key][1]
    stripped = description.removeprefix("Bad Request: ")
    return stripped.capitalize() if stripped != description else description


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=label)] for label in labels]
    )


async def test_get_me_returns_the_bot_with_its_username(bot: Bot) -> None:
    me = await bot.get_me()

    assert me.is_bot
    assert me.username == "clickbook_demo_bot"
    assert me.first_name == "ClickBook"
    assert me.id == 123456


async def test_wrong_token_raises_invalid_token(emulator: TelegramEmulator) -> None:
    bot = make_bot(emulator, token="123456:WRONG")

    with pytest.raises(InvalidToken):
        await bot.initialize()

    assert (emulator.calls[-1].status, emulator.calls[-1].description) == (401, "Unauthorized")
    await bot.shutdown()


async def test_unknown_method_is_404_not_found(bot: Bot, emulator: TelegramEmulator) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendRocket", api_kwargs={"chat_id": 1})

    assert (emulator.calls[-1].status, emulator.calls[-1].description) == (404, "Not Found")


async def test_file_downloads_are_404(emulator: TelegramEmulator) -> None:
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://t") as client:
        response = await client.get(f"/file/bot{TOKEN}/photos/file_1.jpg")

    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


@pytest.mark.parametrize("encoding", ["json", "multipart", "query", "form"])
async def test_parameters_are_read_from_any_encoding(
    emulator: TelegramEmulator, encoding: str
) -> None:
    ann = emulator.user()
    params = {"chat_id": ann.id, "text": "<i>hi</i>", "parse_mode": "HTML"}
    url = f"/bot{TOKEN}/sendmessage"
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://t") as client:
        if encoding == "json":
            response = await client.post(url, json=params)
        elif encoding == "multipart":
            files = {"document": ("a.txt", b"x")}
            response = await client.post(url, data=params, files=files)
        elif encoding == "query":
            response = await client.get(url, params=params)
        else:
            response = await client.post(url, data=params)

    assert response.status_code == 200
    assert response.json()["result"]["text"] == "hi"
    assert emulator.calls[-1].method == "sendMessage"
    assert ann.last.entities == [{"type": "italic", "offset": 0, "length": 2}]


async def test_send_message_keeps_per_chat_ids_and_reply_target(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    ann, bob = emulator.user("Ann"), emulator.user("Bob")
    question = await ann.send("question?")

    first = await bot.send_message(
        ann.id, "answer", reply_parameters=ReplyParameters(question["message_id"])
    )
    to_bob = await bot.send_message(bob.id, "hello Bob")

    assert (question["message_id"], first.message_id, to_bob.message_id) == (1, 2, 1)
    assert first.reply_to_message is not None
    assert first.reply_to_message.text == "question?"
    assert ann.id != bob.id


async def test_reply_to_a_missing_message_is_refused(bot: Bot, emulator: TelegramEmulator) -> None:
    ann = emulator.user()

    with pytest.raises(BadRequest) as caught:
        await bot.send_message(ann.id, "x", reply_parameters=ReplyParameters(99))
    sent = await bot.send_message(
        ann.id, "y", reply_parameters=ReplyParameters(99, allow_sending_without_reply=True)
    )

    assert caught.value.message == ptb_message("reply_not_found")
    assert sent.reply_to_message is None


async def test_unknown_chat_is_chat_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(42, "hello")

    assert caught.value.message == "Chat not found"


async def test_blocked_user_gives_forbidden_until_unblocked(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    ann = emulator.user()
    ann.block()

    with pytest.raises(Forbidden) as caught:
        await bot.send_message(ann.id, "are you there?")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(ann.id, ChatAction.TYPING)
    ann.unblock()
    await bot.send_message(ann.id, "welcome back")

    assert caught.value.message == "Forbidden: bot was blocked by the user"
    assert emulator.calls_to("sendMessage")[0].status == 403
    assert [m.text for m in ann.transcript] == ["welcome back"]


async def test_edit_message_text_changes_text_and_drops_unrepeated_keyboard(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    ann = emulator.user()
    sent = await bot.send_message(ann.id, "Pick one", reply_markup=keyboard("A", "B"))

    edited = await bot.edit_message_text("<b>Done</b>", ann.id, sent.message_id, parse_mode="HTML")

    assert edited.edit_date is not None
    assert ann.last.message_id == sent.message_id
    assert ann.last.text == "Done"
    assert ann.last.buttons == []
    assert ann.last.edited


async def test_identical_edit_is_not_modified(bot: Bot, emulator: TelegramEmulator) -> None:
    ann = emulator.user()
    sent = await bot.send_message(ann.id, "Same", reply_markup=keyboard("A"))

    with pytest.raises(BadRequest) as caught:
        await bot.edit_message_text("Same", ann.id, sent.message_id, reply_markup=keyboard("A"))
    with pytest.raises(BadRequest):
        await bot.edit_message_reply_markup(ann.id, sent.message_id, reply_markup=keyboard("A"))
    await bot.edit_message_text("<b>Same</b>", ann.id, sent.message_id, parse_mode="HTML")

    assert caught.value.message == ptb_message("message_not_modified")
    assert emulator.calls_to("editMessageText")[0].description == (
        "Bad Request: message is not modified: specified new message content and reply markup"
        " are exactly the same as a current content and reply markup of the message"
    )
    assert ann.last.entities == [{"type": "bold", "offset": 0, "length": 4}]


async def test_edit_reply_markup_replaces_then_removes_keyboard(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    ann = emulator.user()
    sent = await bot.send_message(ann.id, "Pick", reply_markup=keyboard("A"))

    await bot.edit_message_reply_markup(ann.id, sent.message_id, reply_markup=keyboard("B", "C"))
    assert ann.last.buttons == [["B"], ["C"]]
    await bot.edit_message_reply_markup(ann.id, sent.message_id)

    assert ann.last.buttons == []
    assert ann.last.text == "Pick"


async def test_edit_refusals(bot: Bot, emulator: TelegramEmulator) -> None:
    ann = emulator.user()
    own = await ann.send("typed by Ann")

    with pytest.raises(BadRequest) as not_found:
        await bot.edit_message_text("x", ann.id, 77)
    with pytest.raises(BadRequest) as not_bots:
        await bot.edit_message_text("x", ann.id, own["message_id"])

    assert not_found.value.message == "Message to edit not found"
    assert not_bots.value.message == "Message can't be edited"


async def test_edited_text_too_long_uses_the_edit_wording(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    ann = emulator.user()
    sent = await bot.send_message(ann.id, "short")

    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.edit_message_text("x" * 4097, ann.id, sent.message_id)

    assert emulator.calls[-1].description == "Bad Request: MESSAGE_TOO_LONG"


async def test_delete_message_own_and_users_within_48_hours(
    bot: Bot, emulator: TelegramEmulator, clock: ManualClock
) -> None:
    ann = emulator.user()
    password = await ann.send("s3cret-Passw0rd")
    old = await bot.send_message(ann.id, "old news")
    clock.advance(dtm.timedelta(hours=47))

    assert await bot.delete_message(ann.id, password["message_id"])
    with pytest.raises(BadRequest) as twice:
        await bot.delete_message(ann.id, password["message_id"])
    clock.advance(dtm.timedelta(hours=2))
    with pytest.raises(BadRequest) as too_old:
        await bot.delete_message(ann.id, old.message_id)

    assert twice.value.message == "Message to delete not found"
    assert too_old.value.message == "Message can't be deleted for everyone"
    assert [m.text for m in ann.transcript] == ["old news"]


async def test_answer_callback_query_once_within_the_window(
    bot: Bot, emulator: TelegramEmulator, clock: ManualClock
) -> None:
    ann = emulator.user()
    await bot.send_message(ann.id, "Pick", reply_markup=keyboard("A", "B"))
    first = await ann.tap("A")
    late = await ann.tap("B")

    assert await bot.answer_callback_query(first["id"], text="Noted")
    with pytest.raises(BadRequest) as twice:
        await bot.answer_callback_query(first["id"])
    clock.advance(16)
    with pytest.raises(BadRequest) as too_late:
        await bot.answer_callback_query(late["id"])

    expected = "Query is too old and response timeout expired or query id is invalid"
    assert twice.value.message == too_late.value.message == expected
    assert emulator.calls[-1].description == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )
    assert [(q.data, q.answered, q.answer_text) for q in ann.callbacks] == [
        ("A", True, "Noted"),
        ("B", False, None),
    ]
    assert [q.data for q in ann.unanswered_callbacks] == ["B"]


async def test_callback_answer_text_is_limited_to_200_characters(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    ann = emulator.user()
    await bot.send_message(ann.id, "Pick", reply_markup=keyboard("A"))
    query = await ann.tap("A")

    with pytest.raises(BadRequest):
        await bot.answer_callback_query(query["id"], text="x" * 201)
    assert await bot.answer_callback_query(query["id"], text="x" * 200, show_alert=True)

    assert ann.callbacks[0].show_alert


async def test_chat_actions_are_recorded_and_validated(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    ann = emulator.user()

    await bot.send_chat_action(ann.id, ChatAction.TYPING)
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(ann.id, "dancing")

    assert ann.chat_actions == ["typing"]


async def test_retry_after_fault_is_raised_once(bot: Bot, emulator: TelegramEmulator) -> None:
    ann = emulator.user()
    emulator.fail_next("sendMessage", status=429, retry_after=3)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ann.id, "hi")
    await bot.send_message(ann.id, "hi again")

    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    assert emulator.calls_to("sendMessage")[0].description == "Too Many Requests: retry after 3"
    assert [m.text for m in ann.transcript] == ["hi again"]


@pytest.mark.parametrize(
    ("status", "error"),
    [
        pytest.param(500, NetworkError, id="500"),
        pytest.param(502, NetworkError, id="502"),
        pytest.param(400, BadRequest, id="400"),
        pytest.param(403, Forbidden, id="403"),
    ],
)
async def test_injected_faults_map_to_ptb_exceptions(
    bot: Bot, emulator: TelegramEmulator, status: int, error: type[Exception]
) -> None:
    ann = emulator.user()
    emulator.fail_next("sendMessage", status=status, description="Bad Request: boom", times=2)

    for _ in range(2):
        with pytest.raises(error):
            await bot.send_message(ann.id, "hi")
    await bot.send_message(ann.id, "third time lucky")

    assert [call.status for call in emulator.calls_to("sendMessage")] == [status, status, 200]


async def test_command_menus_per_scope_and_language(bot: Bot, emulator: TelegramEmulator) -> None:
    ann = emulator.user(language_code="ru")
    bob = emulator.user("Bob", language_code="en-GB")
    staff = emulator.user("Sam", language_code="en")
    await bot.set_my_commands([BotCommand("start", "Begin")])
    await bot.set_my_commands([BotCommand("start", "Начать")], language_code="ru")
    await bot.set_my_commands(
        [BotCommand("invite", "Invite a client")], scope=BotCommandScopeChat(staff.id)
    )
    await bot.set_my_commands(
        [BotCommand("language", "Language")], scope=BotCommandScopeAllPrivateChats()
    )

    assert await bot.get_my_commands(language_code="ru") == (BotCommand("start", "Начать"),)
    assert emulator.commands() == [("start", "Begin")]
    assert emulator.commands(BotCommandScopeChat(staff.id)) == [("invite", "Invite a client")]
    assert ann.command_menu == [("language", "Language")]
    assert staff.command_menu == [("invite", "Invite a client")]
    await bot.delete_my_commands(scope=BotCommandScopeAllPrivateChats())
    assert ann.command_menu == [("start", "Начать")]
    assert bob.command_menu == [("start", "Begin")]


@pytest.mark.parametrize(
    ("commands", "description"),
    [
        pytest.param([{"command": "Start", "description": "x"}], "BOT_COMMAND_INVALID", id="case"),
        pytest.param(
            [{"command": "/start", "description": "x"}], "BOT_COMMAND_INVALID", id="slash"
        ),
        pytest.param(
            [{"command": "a" * 33, "description": "x"}], "BOT_COMMAND_INVALID", id="long"
        ),
        pytest.param(
            [{"command": "start", "description": " "}],
            "command description must be non-empty",
            id="blank-description",
        ),
        pytest.param(
            [{"command": "start"}],
            "can't parse BotCommand: Can't find field \"description\"",
            id="missing-field",
        ),
        pytest.param(
            [{"command": f"c{i}", "description": "x"} for i in range(101)],
            "too many commands specified",
            id="too-many",
        ),
    ],
)
async def test_invalid_commands_are_refused(
    emulator: TelegramEmulator, commands: list[dict[str, str]], description: str
) -> None:
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://t") as client:
        response = await client.post(
            f"/bot{TOKEN}/setMyCommands", data={"commands": json.dumps(commands)}
        )

    assert response.status_code == 400
    assert response.json()["description"] == f"Bad Request: {description}"
    assert emulator.commands() == []


async def test_invalid_command_raises_bad_request_in_ptb(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "Begin")])


async def test_close_and_log_out_answer_true(bot: Bot) -> None:
    assert await bot.log_out()
    assert await bot.close()


async def test_secret_token_is_not_recorded(bot: Bot, emulator: TelegramEmulator) -> None:
    await bot.set_webhook("https://bot.example/hook", secret_token="s3cr3t-value")

    assert emulator.calls[-1].params["secret_token"] == "***"
    assert "s3cr3t-value" not in repr(emulator.calls)


async def test_clock_may_return_aware_datetimes() -> None:
    moment = dtm.datetime(2026, 3, 1, 9, 30, tzinfo=dtm.UTC)
    emulator = TelegramEmulator(TOKEN, clock=lambda: moment)
    ann = emulator.user()

    async with make_bot(emulator) as bot:
        sent = await bot.send_message(ann.id, "hi")

    assert sent.date == moment
    with pytest.raises(ValueError, match="only moves forward"):
        ManualClock().advance(-1)


async def test_descriptions_per_language_within_telegrams_limits(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    await bot.set_my_description("A bot")
    await bot.set_my_description("Ein Bot", language_code="de")
    await bot.set_my_short_description("Short", language_code="de")

    assert (await bot.get_my_description(language_code="de")).description == "Ein Bot"
    assert (await bot.get_my_description()).description == "A bot"
    assert (await bot.get_my_short_description(language_code="de")).short_description == "Short"
    assert (await bot.get_my_short_description()).short_description == ""
    assert emulator.description("de") == "Ein Bot"
    with pytest.raises(BadRequest, match=ptb_message("description_too_long")):
        await bot.set_my_description("x" * 513)
    with pytest.raises(BadRequest, match=ptb_message("short_description_too_long")):
        await bot.set_my_short_description("x" * 121)
    await bot.set_my_description("x" * 512)
    await bot.set_my_short_description("x" * 120)
    await bot.set_my_description("", language_code="de")
    assert emulator.description("de") == ""
