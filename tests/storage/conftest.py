"""Fixtures for the store tests: a real store on a file under tmp_path, and fixed times."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.storage import Store

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
"""The tests' "now"; the store never reads the clock, so every test passes times in."""


def at(minutes: float) -> datetime:
    """Return T0 plus ``minutes``."""
    return T0 + timedelta(minutes=minutes)


class ReadInFlight:
    """Mark the store's next single-row read (or ``seam`` call): ``sent`` once it has begun.

    With ``hold``, the read is also held after SQLite answered (``answered``) until
    ``release``. A race test then writes while that read is certainly in flight, instead of
    hoping that ``sleep(0)`` lets it get that far.
    """

    def __init__(self, store: Store, *, hold: bool = False, seam: str = "_fetch_one") -> None:
        self.sent = asyncio.Event()
        self.answered = asyncio.Event()
        self.release = asyncio.Event()
        self._hold = hold
        self._store = store
        self._seam = seam
        self._original = getattr(store, seam)  # the seam between the store and SQLite
        setattr(store, seam, self._read)

    async def _read(self, *args: Any, **kwargs: Any) -> Any:
        setattr(self._store, self._seam, self._original)
        self.sent.set()  # the read runs on to its statement before the setter's task resumes
        row = await self._original(*args, **kwargs)
        if self._hold:
            self.answered.set()
            await self.release.wait()
        return row


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
