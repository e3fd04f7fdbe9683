"""deploy/healthcheck.py, the image's HEALTHCHECK, against the real bot over loopback."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import httpx

from bot.sandbox.telegram import TelegramEmulator
from tests.deploy.files import DEPLOY
from tests.test_observe import answered, running
from tests.test_runner import TOKEN, WAIT, free_port, settings_for, webhook_bot

SCRIPT = DEPLOY / "healthcheck.py"


async def _healthcheck(environ: dict[str, str]) -> tuple[int, str]:
    """Run the script as the image does: its own process, only the container's variables."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(SCRIPT),
        env=environ,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), WAIT)
    return await process.wait(), output.decode()


async def test_in_webhook_mode_it_passes_while_the_bot_serves_and_fails_after(
    tmp_path: Path,
) -> None:
    port = free_port()
    environ = {
        "CLICKBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
        "CLICKBOT_WEBHOOK_LISTEN": "0.0.0.0",  # noqa: S104 - the container's setting, not bound
        "CLICKBOT_WEBHOOK_PORT": str(port),
    }
    async with httpx.AsyncClient() as pusher, webhook_bot(tmp_path, pusher, port):
        code, said = await _healthcheck(environ)
        assert code == 0, said
        assert said.startswith(f"http://127.0.0.1:{port}/healthz: 200 ")
        assert '"status":"ok"' in said

    code, said = await _healthcheck(environ)

    assert code == 1
    assert "ConnectionRefused" in said or "Connection refused" in said


async def test_in_long_polling_without_a_status_server_it_says_there_is_nothing_to_ask() -> None:
    for environ in ({"CLICKBOT_TELEGRAM_TOKEN": TOKEN}, {"CLICKBOT_STATUS_PORT": "0"}):
        code, said = await _healthcheck(environ)

        assert (code, said) == (0, "long polling without a status server: no /healthz to ask\n")


async def test_a_status_port_is_asked_first() -> None:
    port = free_port()  # nothing listens there

    code, said = await _healthcheck(
        {"CLICKBOT_STATUS_PORT": str(port), "CLICKBOT_WEBHOOK_URL": "https://bot.example.com/t"}
    )

    assert code == 1
    assert said.startswith(f"http://127.0.0.1:{port}/healthz: ")


def _image_status_port() -> str:
    """Return the CLICKBOT_STATUS_PORT the Dockerfile's ENV sets for the container."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    [port] = re.findall(r"CLICKBOT_STATUS_PORT=(\d+)", text)
    return port


async def test_the_image_asks_its_status_server_in_long_polling(tmp_path: Path) -> None:
    port = _image_status_port()
    emulator = TelegramEmulator(token=TOKEN, long_poll_cap=0.2)
    async with running(settings_for(tmp_path, status_port=int(port)), emulator):
        await answered(emulator)  # the bot is up
        code, said = await _healthcheck({"CLICKBOT_STATUS_PORT": port})

    assert code == 0, said
    assert said.startswith(f"http://127.0.0.1:{port}/healthz: 200 ")
