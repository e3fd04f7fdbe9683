"""Fixtures for the ClickBook sandbox tests: an app on a manual clock and a client to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from bot.sandbox.clickbook import ManualClock, SandboxConfig, SandboxTransport, create_app
from bot.sandbox.clickbook.state import SandboxState


class RecordingSleep:
    """A sleep that returns at once and remembers how long it was asked to wait."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def app(clock: ManualClock, sleep: RecordingSleep) -> Starlette:
    return create_app(SandboxConfig(), clock=clock, sleep=sleep)


@pytest.fixture
def state(app: Starlette) -> SandboxState:
    return app.state.sandbox


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = SandboxTransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test") as client:
        yield client
