"""Fixtures for the ClickBook client tests: valid forms and the seeded sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.clickbook import ClickBookClient, Session
from bot.sandbox.clickbook import (
    ManualClock,
    SandboxConfig,
    SandboxTransport,
    create_app,
    sandbox_urls,
)

AEST = "Z=-10$DO=1$DL=10 1 1 4 1 1$ZX=66$ZN=AUS Eastern"
"""A time zone value the sandbox serves (and ClickBook's documentation shows)."""

PASSWORD = "Secr3t-horse-battery"
"""A customer password; tests check it never shows up anywhere it should not."""


@pytest.fixture
def registration_data() -> dict[str, Any]:
    """Return keyword arguments for a valid Registration."""
    return {
        "first_name": "Ann",
        "last_name": "Lee",
        "phone": "61298765432",
        "mobile": "61412345678",
        "email": "ann.lee@example.com",
        "password": PASSWORD,
        "agree_terms": True,
        "timezone": AEST,
        "country": "Australia",
    }


@pytest.fixture
def client_file_data() -> dict[str, Any]:
    """Return keyword arguments for a valid ClientFile."""
    return {
        "first_name": "Bo",
        "last_name": "Chan",
        "phone": "442071234567",
        "email": "bo.chan@example.com",
    }


STAFF_EMAIL = "staff@sandbox.example"
STAFF_PASSWORD = "sandbox-staff-1"
API_KEY = "sandbox-api-key"
ORIGIN = "http://sandbox.test"
CLIENT_TIMEOUT = 0.25
"""Seconds: short, because SandboxTransport enforces read timeouts in real time; long enough
that a busy machine never times out a call that no fault delays."""


def staff_session(cookie: str) -> Session:
    """Return a session of the seeded staff member that the client never signed in."""
    return Session(
        user="CN=Sam Staff/O=ClickBook",
        usercn="Sam Staff",
        cookie=cookie,
        email=STAFF_EMAIL,
        password=STAFF_PASSWORD,
    )


class RecordedSleep:
    """The client's injected sleep: records each delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class CountingTransport(httpx.AsyncBaseTransport):
    """Pass requests on to another transport, counting them by URL path; optionally refuse
    the first ``connect_failures`` with ``httpx.ConnectError`` (never delivered)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, connect_failures: int = 0) -> None:
        self.inner = inner
        self.connect_failures = connect_failures
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        if self.connect_failures > 0:
            self.connect_failures -= 1
            raise httpx.ConnectError("connection refused (test)", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def count(self, suffix: str) -> int:
        return sum(1 for path in self.paths if path.endswith(suffix))


class Sandbox:
    """Drive the sandbox through its documented ``/_sandbox/`` controls."""

    def __init__(self, app: Starlette, clock: ManualClock) -> None:
        self.app = app
        self.clock = clock
        self.http = httpx.AsyncClient(transport=SandboxTransport(app), base_url=ORIGIN)

    async def fault(self, operation: str, kind: str, **rule: Any) -> None:
        response = await self.http.post(
            "/_sandbox/faults", json={"operation": operation, "kind": kind, **rule}
        )
        assert response.status_code == 201, response.text

    async def state(self) -> dict[str, Any]:
        response = await self.http.get("/_sandbox/state")
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    async def outbox(self) -> list[dict[str, Any]]:
        response = await self.http.get("/_sandbox/outbox")
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    async def accept(self, client_file_id: str, password: str) -> None:
        response = await self.http.post(
            f"/_sandbox/invitations/{client_file_id}/accept", json={"password": password}
        )
        assert response.status_code == 200, response.text

    async def faults_pending(self) -> list[dict[str, Any]]:
        response = await self.http.get("/_sandbox/faults")
        return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def clock() -> ManualClock:
    """Return the sandbox's (and the client's) manual clock."""
    return ManualClock(datetime(2025, 3, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def sandbox_app(clock: ManualClock) -> Starlette:
    """Return a fresh seeded sandbox app whose ``delay`` fault never ends by itself."""

    async def stalled(seconds: float) -> None:
        await asyncio.Event().wait()

    return create_app(SandboxConfig(), clock=clock, sleep=stalled)


@pytest.fixture
async def sandbox(sandbox_app: Starlette, clock: ManualClock) -> AsyncIterator[Sandbox]:
    """Return the controls of the sandbox app."""
    controls = Sandbox(sandbox_app, clock)
    yield controls
    await controls.http.aclose()


@pytest.fixture
def transport(sandbox_app: Starlette) -> CountingTransport:
    """Return the client's transport: the sandbox in process, requests counted."""
    return CountingTransport(SandboxTransport(sandbox_app))


@pytest.fixture
def sleep() -> RecordedSleep:
    """Return the client's recorded sleep."""
    return RecordedSleep()


@pytest.fixture
def make_client(
    transport: CountingTransport, sleep: RecordedSleep, clock: ManualClock
) -> Callable[..., ClickBookClient]:
    """Return a factory of clients on the sandbox (keyword arguments override defaults)."""

    def make(**overrides: Any) -> ClickBookClient:
        urls = sandbox_urls(ORIGIN)
        options: dict[str, Any] = {
            "api_url": urls.api_url,
            "auth_url": urls.auth_url,
            "logout_url": urls.logout_url,
            "api_key": API_KEY,
            "transport": transport,
            "timeout": CLIENT_TIMEOUT,
            "clock": clock,
            "sleep": sleep,
            "random": lambda: 1.0,
        }
        options.update(overrides)
        return ClickBookClient(**options)

    return make


@pytest.fixture
async def client(make_client: Callable[..., ClickBookClient]) -> AsyncIterator[ClickBookClient]:
    """Return an open client on the in-process sandbox."""
    async with make_client() as opened:
        yield opened


@pytest.fixture
async def staff(client: ClickBookClient) -> Session:
    """Return a signed-in session of the seeded staff member."""
    return await client.login(STAFF_EMAIL, STAFF_PASSWORD)
