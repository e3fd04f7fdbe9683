"""Fixtures for the Telegram emulator tests: an emulator on a manual clock and PTB clients."""

from __future__ import annotations

import os

# PTB reads this at import time of its time-period helpers; without it, int periods warn.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from collections.abc import AsyncIterator, Callable  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from telegram import Bot, Update  # noqa: E402
from telegram.ext import Application, ApplicationBuilder  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.sandbox.telegram import ManualClock, TelegramEmulator  # noqa: E402

TOKEN = "123456:TEST"
BASE_URL = "http://telegram.test/bot"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def emulator(clock: ManualClock) -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(TOKEN, clock=clock) as emulator:
        yield emulator


def ptb_request(emulator: TelegramEmulator) -> HTTPXRequest:
    """Return PTB's real HTTP client wired to the emulator."""
    return HTTPXRequest(httpx_kwargs={"transport": emulator.transport()})


def make_bot(emulator: TelegramEmulator, token: str = TOKEN) -> Bot:
    """Return a plain PTB Bot talking to the emulator."""
    return Bot(
        token,
        request=ptb_request(emulator),
        get_updates_request=ptb_request(emulator),
        base_url=BASE_URL,
    )


@pytest.fixture
async def bot(emulator: TelegramEmulator) -> AsyncIterator[Bot]:
    async with make_bot(emulator) as bot:
        yield bot


def application_builder(emulator: TelegramEmulator) -> ApplicationBuilder:
    """Return an ApplicationBuilder whose bot talks to the emulator."""
    return (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(BASE_URL)
        .request(ptb_request(emulator))
        .get_updates_request(ptb_request(emulator))
    )


@pytest.fixture
def build_app(emulator: TelegramEmulator) -> Callable[..., Application]:
    """Return a factory for a tiny real Application (echo, /start with buttons, taps)."""
    from tests.sandbox_telegram.tiny_bot import add_handlers

    def build(*, updater: bool = True) -> Application:
        builder = application_builder(emulator)
        if not updater:
            builder = builder.updater(None)
        app = builder.build()
        add_handlers(app)
        return app

    return build


@pytest.fixture
def received(bot: Bot, emulator: TelegramEmulator) -> list[Update]:
    """Collect every update the users produce, parsed by PTB."""
    updates: list[Update] = []

    async def collect(update: dict[str, Any]) -> None:
        updates.append(Update.de_json(update, bot))

    emulator.deliver_to(collect)
    return updates
