"""Fixtures shared by the flow tests: the bot running between the two simulated outer worlds."""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")  # PTB's int time periods are deprecated (22.2)

from collections.abc import AsyncIterator  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.sandbox.clickbook import ManualClock  # noqa: E402
from bot.sandbox.world import World  # noqa: E402

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    """One clock for the bot and the ClickBook sandbox, moved by hand."""
    return ManualClock(START)


@pytest.fixture
def settings() -> Settings:
    """Settings of a business in Sydney; tests override what they need."""
    return Settings(business_timezone="Australia/Sydney", terms_url="https://example.com/terms")


@pytest.fixture
def world_options() -> dict[str, Any]:
    """Further ``World.create`` options; test modules override this fixture to change them."""
    return {}


@pytest.fixture
async def world(
    tmp_path: Path, settings: Settings, clock: ManualClock, world_options: dict[str, Any]
) -> AsyncIterator[World]:
    """The real bot on a fresh SQLite file, with Telegram and ClickBook simulated."""
    options: dict[str, Any] = {"settings": settings, "clock": clock, "sandbox_clock": clock}
    instance = await World.create(tmp_path / "bot.db", **(options | world_options))
    try:
        yield instance
    finally:
        await instance.stop()
