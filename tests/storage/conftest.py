"""Fixtures for the store tests: a real store on a file under tmp_path, and fixed times."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage import Store

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
"""The tests' "now"; the store never reads the clock, so every test passes times in."""


def at(minutes: float) -> datetime:
    """Return T0 plus ``minutes``."""
    return T0 + timedelta(minutes=minutes)


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns (an error here) when time periods are read as ints without this opt-in.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test's database file lives."""
    return tmp_path / "bot.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    """An open store on a fresh file, closed after the test."""
    opened = await Store.open(db_path)
    try:
        yield opened
    finally:
        await opened.close()
