"""``clickbot run`` as a black box: the real entrypoint (polling and webhook) with the emulator."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.runner import serve_bot
from bot.sandbox.telegram import TelegramEmulator

TOKEN = "4242:RUNNER-TEST"  # noqa: S105 - the emulator's
WAIT = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def settings_for(tmp_path: Path, **extra: object) -> Settings:
    return Settings(
        telegram_token=TOKEN,
        telegram_api_url="http://telegram.test",
        database=tmp_path / "bot.db",
        **extra,  # type: ignore[arg-type]
    )


async def test_polling_answers_start_and_stops_cleanly(tmp_path: Path) -> None:
    emulator = TelegramEmulator(token=TOKEN, long_poll_cap=0.2)
    ann = emulator.user(first_name="Ann", last_name="Lee", language_code="en")
    stop = asyncio.Event()
    run = asyncio.create_task(
        serve_bot(
            settings_for(tmp_path),
            stop,
            request=HTTPXRequest(httpx_kwargs={"transport": emulator.transport()}),
            updates_request=HTTPXRequest(httpx_kwargs={"transport": emulator.transport()}),
        )
    )
    try:
        await ann.send("/start")
        await asyncio.wait_for(emulator.wait_until(lambda: bool(ann.bot_messages)), WAIT)
        assert "ClickBook" in ann.last.text
        assert emulator.commands(language_code="de"), "the German command menu was set"
    finally:
        stop.set()
        await asyncio.wait_for(run, WAIT)


async def test_webhook_receives_updates_with_the_secret(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    async with httpx.AsyncClient() as pusher:
        emulator = TelegramEmulator(token=TOKEN, webhook_client=pusher)
        ann = emulator.user(first_name="Ann", last_name="Lee", language_code="en")
        stop = asyncio.Event()
        settings = settings_for(
            tmp_path, webhook_url=url, webhook_port=port, webhook_secret="s3cret-token_1"
        )
        run = asyncio.create_task(
            serve_bot(
                settings,
                stop,
                request=HTTPXRequest(httpx_kwargs={"transport": emulator.transport()}),
            )
        )
        try:
            await asyncio.wait_for(
                emulator.wait_until(lambda: emulator.webhook_info()["url"] == url), WAIT
            )
            await ann.send("/start")
            await asyncio.wait_for(emulator.wait_until(lambda: bool(ann.bot_messages)), WAIT)
            assert "ClickBook" in ann.last.text
            refused = await pusher.post(url, json={"update_id": 1}, headers={})
            assert refused.status_code == 403
        finally:
            stop.set()
            await asyncio.wait_for(run, WAIT)
