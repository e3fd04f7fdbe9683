"""``clickbot run`` as a black box: the real entrypoint (polling and webhook) with the emulator,
and ``python -m bot run`` failing to start: one line naming the setting, never the token."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest
from telegram import BotCommandScopeAllPrivateChats
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.runner import serve_bot
from bot.sandbox.telegram import TelegramEmulator
from bot.webhook import MAX_BODY_BYTES, AppServer

TOKEN = "4242:RUNNER-TEST"  # noqa: S105 - the emulator's
WAIT = 10.0
SECRET = "s3cret-token_1-long-enough-for-the-rule"  # noqa: S105


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


async def test_polling_answers_start_and_stops_cleanly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
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
        private_chats = BotCommandScopeAllPrivateChats()
        assert emulator.commands(private_chats, "de"), "the German command menu was set"
    finally:
        stop.set()
        await asyncio.wait_for(run, WAIT)
    assert f"clickbot {version('clickbot')} starting (long polling)" in caplog.text


@contextlib.asynccontextmanager
async def webhook_bot(
    tmp_path: Path, pusher: httpx.AsyncClient, port: int, url: str | None = None
) -> AsyncIterator[TelegramEmulator]:
    """Run ``clickbot run``'s webhook mode on loopback ``port`` until the block ends.

    Telegram pushes to ``url``: the bot's own port unless a proxy in front is given.
    """
    url = url or f"http://127.0.0.1:{port}/telegram"
    emulator = TelegramEmulator(token=TOKEN, webhook_client=pusher)
    stop = asyncio.Event()
    settings = settings_for(tmp_path, webhook_url=url, webhook_port=port, webhook_secret=SECRET)
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
        yield emulator
    finally:
        stop.set()
        await asyncio.wait_for(run, WAIT)


async def test_webhook_receives_updates_with_the_secret(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    async with httpx.AsyncClient() as pusher, webhook_bot(tmp_path, pusher, port) as emulator:
        ann = emulator.user(first_name="Ann", last_name="Lee", language_code="en")
        await ann.send("/start")
        await asyncio.wait_for(emulator.wait_until(lambda: bool(ann.bot_messages)), WAIT)
        assert "ClickBook" in ann.last.text
        refused = await pusher.post(url, json={"update_id": 1}, headers={})
        assert refused.status_code == 403
        secret = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        too_big = await pusher.post(url, content=b" " * (MAX_BODY_BYTES + 1), headers=secret)
        assert too_big.status_code == 413
        health = await pusher.get(f"http://127.0.0.1:{port}/healthz")
        assert (health.status_code, health.json()["status"]) == (200, "ok")


async def _run_clickbot(tmp_path: Path, **settings: str) -> tuple[int, str]:
    """Run ``python -m bot run`` with only these settings; return its exit code and stderr."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("CLICKBOT_")}
    env |= {f"CLICKBOT_{name.upper()}": value for name, value in settings.items()}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--env-file", str(tmp_path / "none.env"),
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


def _assert_one_line_naming(stderr: str, setting: str, token: str) -> str:
    last = stderr.strip().splitlines()[-1]
    assert last.startswith(f"clickbot: {setting}: "), stderr
    assert "Traceback" not in stderr
    assert token not in stderr
    assert token.split(":")[1] not in stderr
    return last


async def test_a_token_telegram_refuses_ends_in_one_line(tmp_path: Path) -> None:
    emulator = TelegramEmulator(token=TOKEN)
    server = AppServer(emulator.app, host="127.0.0.1", port=0)
    await server.start()
    try:
        code, stderr = await _run_clickbot(
            tmp_path,
            telegram_token="4242:WRONG-TOKEN-SECRET-PART",
            telegram_api_url=f"http://127.0.0.1:{server.port}",
            clickbook_sandbox="true",
            database=str(tmp_path / "bot.db"),
        )
    finally:
        await server.stop()
    assert code == 1
    _assert_one_line_naming(stderr, "CLICKBOT_TELEGRAM_TOKEN", "4242:WRONG-TOKEN-SECRET-PART")
    assert emulator.calls_to("getMe"), "Telegram was asked"


@pytest.mark.parametrize(
    ("directory", "setting"),
    [(".", "CLICKBOT_TELEGRAM_API_URL"), ("no-such-directory", "CLICKBOT_DATABASE")],
    ids=["telegram-unreachable", "database-unopenable"],
)
async def test_a_failure_to_start_ends_in_one_line(
    tmp_path: Path, directory: str, setting: str
) -> None:
    code, stderr = await _run_clickbot(
        tmp_path,
        telegram_token=TOKEN,
        telegram_api_url=f"http://127.0.0.1:{free_port()}",  # nothing listens there
        clickbook_sandbox="true",
        database=str(tmp_path / directory / "bot.db"),
    )
    assert code == 1
    line = _assert_one_line_naming(stderr, setting, TOKEN)
    assert directory in line or setting != "CLICKBOT_DATABASE"


async def test_without_a_clickbook_url_the_sandbox_must_be_asked_for(tmp_path: Path) -> None:
    code, stderr = await _run_clickbot(
        tmp_path, telegram_token=TOKEN, database=str(tmp_path / "bot.db")
    )
    assert code == 2
    line = _assert_one_line_naming(stderr, "CLICKBOT_CLICKBOOK_URL", TOKEN)
    assert "CLICKBOT_CLICKBOOK_SANDBOX=true" in line
    assert "--sandbox" in line
    assert not (tmp_path / "bot.db").exists(), "refused before anything started"


@pytest.mark.parametrize(
    ("setting", "url"),
    [
        ("clickbook_url", "http://clickbook.example/wsapi/latest/"),
        ("clickbook_auth_url", "http://www.clickbook.example/auth/auth.nsf/LoginOK"),
        ("clickbook_logout_url", "http://127.0.0.1.example/names.nsf"),
    ],
)
async def test_plain_http_to_clickbook_is_refused_off_loopback(
    tmp_path: Path, setting: str, url: str
) -> None:
    urls = {"clickbook_url": "https://clickbook.example/wsapi/latest/", setting: url}
    code, stderr = await _run_clickbot(tmp_path, telegram_token=TOKEN, **urls)
    assert code == 2
    line = _assert_one_line_naming(stderr, f"CLICKBOT_{setting.upper()}", TOKEN)
    assert "http://" in line
    assert "loopback" in line
