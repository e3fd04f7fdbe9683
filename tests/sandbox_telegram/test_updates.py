"""Getting updates to the bot: getUpdates, long polling, webhook pushes and deliver_to."""

from __future__ import annotations

import asyncio
import datetime as dtm
import hmac
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict
from telegram.ext import Application

from bot.sandbox.telegram import TelegramEmulator
from tests.sandbox_telegram.conftest import TOKEN, application_builder, make_bot
from tests.sandbox_telegram.tiny_bot import add_handlers

WAIT = 5.0
SECRET = "hook-secret_1"
HOOK_URL = "https://bot.example/telegram"
GO_BUTTON = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])


async def test_get_updates_confirms_by_offset(bot: Bot, emulator: TelegramEmulator) -> None:
    ann = emulator.user()
    for text in ("one", "two", "three"):
        await ann.send(text)

    first = await bot.get_updates(limit=2)
    again = await bot.get_updates()
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    empty = await bot.get_updates(offset=rest[-1].update_id + 1)

    assert [u.message.text for u in first] == ["one", "two"]
    assert [u.message.text for u in again] == ["one", "two", "three"]
    assert [u.message.text for u in rest] == ["three"]
    assert empty == ()
    assert [u.update_id for u in again] == sorted({u.update_id for u in again})


async def test_negative_offset_keeps_only_the_newest(bot: Bot, emulator: TelegramEmulator) -> None:
    ann = emulator.user()
    for text in ("one", "two", "three"):
        await ann.send(text)

    newest = await bot.get_updates(offset=-1)
    after = await bot.get_updates()

    assert [u.message.text for u in newest] == ["three"]
    assert [u.message.text for u in after] == ["three"]


async def test_long_poll_is_woken_by_a_new_update(bot: Bot, emulator: TelegramEmulator) -> None:
    ann = emulator.user()
    poll = asyncio.create_task(bot.get_updates(timeout=dtm.timedelta(seconds=30)))
    await asyncio.wait_for(emulator.wait_until(lambda: emulator.polling), WAIT)

    await ann.send("wake up")
    updates = await asyncio.wait_for(poll, WAIT)

    assert [u.message.text for u in updates] == ["wake up"]


async def test_long_poll_timeout_is_capped() -> None:
    capped = TelegramEmulator(TOKEN, long_poll_cap=0.0)
    async with make_bot(capped) as bot:
        updates = await asyncio.wait_for(bot.get_updates(timeout=dtm.timedelta(hours=1)), WAIT)

    assert updates == ()


async def test_second_poller_terminates_the_first(bot: Bot, emulator: TelegramEmulator) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=dtm.timedelta(seconds=30)))
    await asyncio.wait_for(emulator.wait_until(lambda: emulator.polling), WAIT)

    second = await bot.get_updates()

    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, WAIT)
    assert second == ()
    assert emulator.calls[-1].status == 409


async def test_allowed_updates_are_remembered(bot: Bot, emulator: TelegramEmulator) -> None:
    ann = emulator.user()
    await bot.get_updates(allowed_updates=["callback_query"])
    await ann.send("ignored")
    await bot.send_message(ann.id, "Pick", reply_markup=GO_BUTTON)
    await ann.tap("Go")

    updates = await bot.get_updates()

    assert [u.callback_query.data for u in updates] == ["go"]
    assert [u["message"]["text"] for u in emulator.dropped_updates] == ["ignored"]


async def test_polling_application_replies(
    emulator: TelegramEmulator, build_app: Callable[..., Application]
) -> None:
    ann = emulator.user()
    app = build_app()
    async with app:
        await app.updater.start_polling(timeout=dtm.timedelta(seconds=10))
        await app.start()
        sent = await ann.send("hello")
        reply = await asyncio.wait_for(ann.wait_for_bot_message(), WAIT)
        await ann.send("/start")
        question = await asyncio.wait_for(ann.wait_for_bot_message(), WAIT)
        await ann.tap("yes")
        await asyncio.wait_for(emulator.wait_until(lambda: ann.last.text == "You chose yes"), WAIT)
        await app.updater.stop()
        await app.stop()

    assert reply.text == "hello"
    assert reply.message_id == sent["message_id"] + 1
    assert question.buttons == [["Yes", "No"]]
    assert ann.last.message_id == question.message_id
    assert ann.unanswered_callbacks == []
    assert emulator.pending_updates == []
    assert emulator.calls_to("deleteWebhook")


async def test_deliver_to_hands_each_update_to_the_callback(
    emulator: TelegramEmulator, build_app: Callable[..., Application]
) -> None:
    ann = emulator.user()
    app = build_app(updater=False)
    async with app:

        async def process(update: dict[str, Any]) -> None:
            await app.process_update(Update.de_json(update, app.bot))

        emulator.deliver_to(process)
        await ann.send("/start")
        question = ann.last
        await ann.tap("No")
        after_tap = ann.last
        await ann.send("echo me")

    assert question.text == "Continue?"
    assert question.entities == [{"type": "bold", "offset": 0, "length": 9}]
    assert after_tap.message_id == question.message_id
    assert after_tap.text == "You chose no"
    assert ann.last.text == "echo me"
    assert emulator.pending_updates == []
    assert not emulator.calls_to("getUpdates")


class Receiver:
    """The bot's own webhook endpoint (Starlette): check the secret, queue the update."""

    def __init__(self, failures: int = 0) -> None:
        self.app: Application | None = None
        self.hits: list[str] = []
        self.failures = failures
        self.asgi = Starlette(routes=[Route("/telegram", self.telegram, methods=["POST"])])

    async def telegram(self, request: Request) -> Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(secret, SECRET):
            self.hits.append("forbidden")
            return Response(status_code=403)
        if self.hits.count("failed") < self.failures:
            self.hits.append("failed")
            return Response(status_code=500)
        assert self.app is not None
        self.hits.append("ok")
        await self.app.update_queue.put(Update.de_json(await request.json(), self.app.bot))
        return Response()


@dataclass
class Hooked:
    emulator: TelegramEmulator
    receiver: Receiver
    app: Application
    sleeps: list[float]


@pytest.fixture
async def hooked() -> AsyncIterator[Hooked]:
    receiver = Receiver(failures=2)
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    transport = httpx.ASGITransport(app=receiver.asgi)
    async with httpx.AsyncClient(transport=transport) as client:
        emulator = TelegramEmulator(
            TOKEN, webhook_client=client, webhook_retry_delay=1.5, sleep=fake_sleep
        )
        app = application_builder(emulator).updater(None).build()
        add_handlers(app)
        receiver.app = app
        async with emulator, app:
            await app.start()
            yield Hooked(emulator, receiver, app, sleeps)
            await app.stop()


async def test_webhook_pushes_with_the_secret_header_and_retries(hooked: Hooked) -> None:
    emulator, bot = hooked.emulator, hooked.app.bot
    ann = emulator.user()
    await ann.send("queued before the webhook")

    await bot.set_webhook(HOOK_URL, secret_token=SECRET)
    first = await asyncio.wait_for(ann.wait_for_bot_message(), WAIT)
    await ann.send("via webhook")
    second = await asyncio.wait_for(ann.wait_for_bot_message(), WAIT)
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    info = await bot.get_webhook_info()

    assert (first.text, second.text) == ("queued before the webhook", "via webhook")
    assert hooked.receiver.hits == ["failed", "failed", "ok", "ok"]
    assert hooked.sleeps == [1.5, 1.5]
    assert info.url == HOOK_URL
    assert info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"


async def test_webhook_gives_up_after_bounded_retries(hooked: Hooked) -> None:
    emulator, bot = hooked.emulator, hooked.app.bot
    ann = emulator.user()
    await bot.set_webhook(HOOK_URL, secret_token="not-the-bots-secret")

    await ann.send("lost")
    await asyncio.wait_for(emulator.wait_delivered(), WAIT)

    assert hooked.receiver.hits == ["forbidden"] * 3
    assert [f.error for f in emulator.webhook_failures] == [
        "Wrong response from the webhook: 403 Forbidden"
    ]
    assert emulator.webhook_info()["pending_update_count"] == 0
    assert ann.bot_messages == []


async def test_webhook_url_and_secret_are_validated(bot: Bot, emulator: TelegramEmulator) -> None:
    with pytest.raises(BadRequest, match="Secret token contains unallowed characters"):
        await bot.set_webhook(HOOK_URL, secret_token="no spaces!")
    with pytest.raises(BadRequest, match="Bad webhook: https url must be provided"):
        await bot.set_webhook("ftp://bot.example/hook")

    assert (await bot.get_webhook_info()).url == ""


async def test_delete_webhook_can_drop_pending_updates(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    ann = emulator.user()
    await ann.send("old")

    await bot.delete_webhook(drop_pending_updates=True)
    await ann.send("new")

    assert [u.message.text for u in await bot.get_updates()] == ["new"]
