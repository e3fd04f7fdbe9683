"""deploy/Caddyfile: Caddy's own validation, and the real Caddy in front of the real bot.

The end-to-end run serves the same site block on plain HTTP over loopback (Telegram's HTTPS
is Caddy's automatic certificate, which needs a public name), with the admin API off.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from bot.webhook import MAX_BODY_BYTES
from tests.deploy.files import DEPLOY, run_tool, tool
from tests.test_runner import SECRET, WAIT, free_port, webhook_bot

CADDYFILE = DEPLOY / "Caddyfile"
SITE = "bot.example.com"
BOT_UPSTREAM = "127.0.0.1:8443"
"""The bot's webhook defaults (CLICKBOT_WEBHOOK_LISTEN, CLICKBOT_WEBHOOK_PORT)."""


def _caddy_environment(tmp_path: Path) -> dict[str, str]:
    """Keep Caddy's storage and autosaved config in the test's directory."""
    return {
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
    }


def test_caddy_validates_the_file_and_finds_it_formatted(tmp_path: Path) -> None:
    code, said = run_tool(
        "caddy", "adapt", "--config", str(CADDYFILE), "--validate",
        environ=_caddy_environment(tmp_path),
    )  # fmt: skip

    assert code == 0, said
    warnings = [line for line in said.splitlines() if '"level":"warn"' in line]
    assert warnings == []


def test_the_site_is_https_with_a_body_limit_in_front_of_the_bots_default_port(
    tmp_path: Path,
) -> None:
    code, said = run_tool(
        "caddy", "adapt", "--config", str(CADDYFILE), environ=_caddy_environment(tmp_path)
    )
    assert code == 0, said
    config = json.loads(said[said.index('{"apps"') :].splitlines()[0])
    (server,) = config["apps"]["http"]["servers"].values()
    assert server["listen"] == [":443"], "HTTPS only: Caddy redirects plain HTTP to it"
    text = json.dumps(server)
    assert re.search(rf'"host": \["{re.escape(SITE)}"\]', text)
    (limit,) = re.findall(r'"max_size": (\d+)', text)
    assert int(limit) <= MAX_BODY_BYTES
    assert re.findall(r'"dial": "([^"]+)"', text) == [BOT_UPSTREAM]


@contextlib.asynccontextmanager
async def _caddy(tmp_path: Path, port: int, bot_port: int) -> AsyncIterator[str]:
    """Serve the Caddyfile's site on ``http://127.0.0.1:port`` in front of ``bot_port``."""
    text = CADDYFILE.read_text(encoding="utf-8")
    text = text.replace("{\n", "{\n\tadmin off\n\tauto_https off\n", 1)
    text = text.replace(f"{SITE} {{", f"http://127.0.0.1:{port} {{")
    text = text.replace(f"reverse_proxy {BOT_UPSTREAM}", f"reverse_proxy 127.0.0.1:{bot_port}")
    config = tmp_path / "Caddyfile"
    config.write_text(text, encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        tool("caddy"), "run", "--config", str(config), "--adapter", "caddyfile",
        env=_caddy_environment(tmp_path), stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    try:
        while b"serving initial configuration" not in (
            line := await asyncio.wait_for(process.stderr.readline(), WAIT)
        ):
            assert line, "caddy stopped before serving"
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        await asyncio.wait_for(process.communicate(), WAIT)


async def test_through_caddy_telegram_reaches_the_bot_and_nothing_else_does(
    tmp_path: Path,
) -> None:
    caddy_port, bot_port = free_port(), free_port()
    async with (
        _caddy(tmp_path, caddy_port, bot_port) as proxy,
        httpx.AsyncClient() as pusher,
        webhook_bot(tmp_path, pusher, bot_port, url=f"{proxy}/telegram") as emulator,
    ):
        ann = emulator.user(first_name="Ann", last_name="Lee", language_code="en")
        await ann.send("/start")
        await asyncio.wait_for(emulator.wait_until(lambda: bool(ann.bot_messages)), WAIT)
        assert "ClickBook" in ann.last.text

        secret = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        # Past Caddy's 1 MB but within the bot's 1 MiB: the bot alone would say 400.
        huge = await pusher.post(f"{proxy}/telegram", content=b" " * 1_000_001, headers=secret)
        assert huge.status_code == 413
        assert "too large" not in huge.text, "Caddy refused it, not the bot"
        health = await pusher.get(f"{proxy}/healthz")
        assert health.status_code == 404
        direct = await pusher.get(f"http://127.0.0.1:{bot_port}/healthz")
        assert direct.status_code == 200
        elsewhere = await pusher.post(f"{proxy}/other", json={"update_id": 1}, headers=secret)
        assert elsewhere.status_code == 404
