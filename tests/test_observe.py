"""Observing ``clickbot run`` (issue 10, item 2): ``/metrics`` and ``/healthz`` over loopback,
on the status server in polling mode and on the webhook's port, and the metrics moving as a
customer uses the bot; they never carry a user's id."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.runner import StartupError, serve_bot
from bot.sandbox.telegram import TelegramEmulator
from tests.test_runner import SECRET, TOKEN, WAIT, free_port, settings_for


def samples(exposition: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Read the Prometheus text format into {(name, labels): value}."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


@asynccontextmanager
async def running(
    settings: Settings, emulator: TelegramEmulator, *, polling: bool = True
) -> AsyncIterator[None]:
    """Run ``clickbot run``'s ``serve_bot`` against the emulator until the block ends."""
    stop = asyncio.Event()
    run = asyncio.create_task(
        serve_bot(
            settings,
            stop,
            request=HTTPXRequest(httpx_kwargs={"transport": emulator.transport()}),
            updates_request=HTTPXRequest(httpx_kwargs={"transport": emulator.transport()})
            if polling
            else None,
        )
    )
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(run, WAIT)


async def test_polling_serves_metrics_and_health_on_the_status_port(tmp_path: Path) -> None:
    port = free_port()
    emulator = TelegramEmulator(token=TOKEN, long_poll_cap=0.2)
    settings = settings_for(tmp_path, status_port=port)
    async with running(settings, emulator), httpx.AsyncClient() as http:
        user_id = await answered(emulator)
        health = await http.get(f"http://127.0.0.1:{port}/healthz")
        metrics = await http.get(f"http://127.0.0.1:{port}/metrics")

    assert (health.status_code, health.json()) == (
        200,
        {"status": "ok", "store": "ok", "clickbook": "ok"},
    )
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    found = samples(metrics.text)
    assert found[("clickbot_updates_total", (("outcome", "processed"),))] >= 1
    assert found[("clickbot_telegram_calls_total", (("endpoint", "sendMessage"),))] >= 1
    assert found[("clickbot_pending_registrations", ())] == 0
    assert str(user_id) not in metrics.text


async def answered(emulator: TelegramEmulator) -> int:
    """Have a user send /start and wait for the answer (the bot is up, servers and all);
    return the user's id."""
    ann = emulator.user(first_name="Ann", last_name="Lee", language_code="en")
    await ann.send("/start")
    await asyncio.wait_for(emulator.wait_until(lambda: bool(ann.bot_messages)), WAIT)
    return int(ann.id)


def listening_addresses(port: int) -> set[str]:
    """Return the IPv4 addresses a socket listens on at ``port`` (Linux's /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, _, hex_port = local.partition(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


async def test_the_status_server_listens_on_loopback_only(tmp_path: Path) -> None:
    port = free_port()
    emulator = TelegramEmulator(token=TOKEN, long_poll_cap=0.2)
    async with running(settings_for(tmp_path, status_port=port), emulator):
        await answered(emulator)
        addresses = listening_addresses(port)

    assert addresses == {"127.0.0.1"}


async def test_no_status_port_means_nothing_listens(tmp_path: Path) -> None:
    port = free_port()
    emulator = TelegramEmulator(token=TOKEN, long_poll_cap=0.2)
    async with running(settings_for(tmp_path), emulator), httpx.AsyncClient() as http:
        await answered(emulator)
        with pytest.raises(httpx.ConnectError):
            await http.get(f"http://127.0.0.1:{port}/metrics")


async def test_a_status_port_in_use_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    emulator = TelegramEmulator(token=TOKEN, long_poll_cap=0.2)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(StartupError) as refused:
            async with running(settings_for(tmp_path, status_port=port), emulator):
                pass

    assert str(refused.value).startswith(
        f"CLICKBOT_STATUS_PORT: cannot listen on 127.0.0.1:{port}"
    )


async def test_the_webhook_port_serves_metrics(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    async with httpx.AsyncClient() as pusher:
        emulator = TelegramEmulator(token=TOKEN, webhook_client=pusher)
        ann = emulator.user(first_name="Ann", last_name="Lee", language_code="en")
        settings = settings_for(
            tmp_path, webhook_url=url, webhook_port=port, webhook_secret=SECRET
        )
        async with running(settings, emulator, polling=False):
            await asyncio.wait_for(
                emulator.wait_until(lambda: emulator.webhook_info()["url"] == url), WAIT
            )
            await ann.send("/start")
            await asyncio.wait_for(emulator.wait_until(lambda: bool(ann.bot_messages)), WAIT)
            metrics = await pusher.get(f"http://127.0.0.1:{port}/metrics")

    assert metrics.status_code == 200
    found = samples(metrics.text)
    assert found[("clickbot_updates_total", (("outcome", "processed"),))] >= 1
    assert SECRET not in metrics.text
    assert TOKEN.split(":")[1] not in metrics.text
