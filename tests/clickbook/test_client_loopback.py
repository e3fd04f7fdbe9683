"""The client over real HTTP: the sandbox served by uvicorn on a free 127.0.0.1 port."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import uvicorn

from bot.clickbook import (
    ClickBookClient,
    ClickBookConnectError,
    ClickBookTimeoutError,
    ClickBookTransportError,
    ClientFile,
    Registration,
    RegStatus,
)
from bot.sandbox.clickbook import (
    ManualClock,
    SandboxConfig,
    create_app,
    sandbox_urls,
    serve,
)
from tests.clickbook.conftest import (
    API_KEY,
    PASSWORD,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    RecordedSleep,
    staff_session,
)

LOOPBACK_TIMEOUT = 5.0
"""Seconds: generous, so a busy machine does not fail the happy paths."""


class HeldSleep:
    """The sandbox's ``delay`` fault: holds each request until the test releases it."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.started.set()
        await self.release.wait()


class Loopback:
    """A sandbox served over HTTP at ``origin``, and its controls."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.controls = httpx.AsyncClient(base_url=origin, timeout=LOOPBACK_TIMEOUT)

    def client(self, sleep: RecordedSleep, **overrides: Any) -> ClickBookClient:
        urls = sandbox_urls(self.origin)
        options: dict[str, Any] = {
            "api_url": urls.api_url,
            "auth_url": urls.auth_url,
            "logout_url": urls.logout_url,
            "api_key": API_KEY,
            "timeout": LOOPBACK_TIMEOUT,
            "sleep": sleep,
            "random": lambda: 1.0,
        }
        return ClickBookClient(**{**options, **overrides})

    async def state(self) -> dict[str, Any]:
        response = await self.controls.get("/_sandbox/state")
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    async def fault(self, **rule: Any) -> None:
        response = await self.controls.post("/_sandbox/faults", json=rule)
        assert response.status_code == 201, response.text

    async def accept(self, client_file_id: str, password: str) -> None:
        response = await self.controls.post(
            f"/_sandbox/invitations/{client_file_id}/accept", json={"password": password}
        )
        assert response.status_code == 200, response.text


@pytest.fixture
def held_sleep() -> HeldSleep:
    return HeldSleep()


@pytest.fixture
async def loopback(held_sleep: HeldSleep) -> AsyncIterator[Loopback]:
    """Serve a fresh sandbox with uvicorn on a free loopback port for one test."""
    app = create_app(SandboxConfig(), clock=ManualClock(), sleep=held_sleep)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, lifespan="off", ws="none", log_level="critical"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.01)
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    served = Loopback(f"http://{host}:{port}")
    try:
        yield served
    finally:
        held_sleep.release.set()
        await served.controls.aclose()
        server.should_exit = True
        await task


async def test_self_registration_over_http(
    loopback: Loopback, sleep: RecordedSleep, registration_data: dict[str, Any]
) -> None:
    async with loopback.client(sleep) as client:
        zones = await client.get_timezones()
        zone = next(zone for zone in zones if zone.name == "GMT")
        registration = Registration(**{**registration_data, "timezone": zone.value})
        stub_id = await client.register_user(registration)
        await client.process_registration(stub_id)
        session = await client.login(registration.email, PASSWORD)
        await client.logout(session)
    assert session.usercn == "Ann Lee"
    [user] = (await loopback.state())["users"]
    assert user["details"]["inp-timezone"] == zone.value
    assert sleep.delays == []


async def test_invite_over_http_with_the_sandbox_serve_function(
    sleep: RecordedSleep, client_file_data: dict[str, Any]
) -> None:
    ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    server = asyncio.create_task(serve(SandboxConfig(), port=0, ready=ready.set_result))
    try:
        origin = await asyncio.wait_for(ready, LOOPBACK_TIMEOUT)
        assert origin.startswith("http://127.0.0.1:")
        loopback = Loopback(origin)
        async with loopback.client(sleep) as client:
            staff = await client.login(STAFF_EMAIL, STAFF_PASSWORD)
            client_file_id = await client.create_client_file(staff, ClientFile(**client_file_data))
            assert await client.get_client_file_status(staff, client_file_id) is RegStatus.INVITED
            await loopback.accept(client_file_id, "bo-chosen-password")
            status = await client.get_client_file_status(staff, client_file_id)
            assert status is RegStatus.REGISTERED
        await loopback.controls.aclose()
    finally:
        server.cancel()
        with pytest.raises(asyncio.CancelledError):
            await server


async def _eventually(check: Callable[[], Any]) -> Any:
    """Poll an async check until it returns something truthy (the server finishing up)."""
    for _ in range(200):
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.01)
    raise AssertionError("the sandbox never got there")


async def test_a_timed_out_registration_is_not_resent_and_is_saved_once(
    loopback: Loopback,
    held_sleep: HeldSleep,
    sleep: RecordedSleep,
    registration_data: dict[str, Any],
) -> None:
    async with loopback.client(sleep) as client:
        await client.get_timezones()
    await loopback.fault(operation="SETUSERFIELDS", kind="delay", seconds=30, service="Public")
    async with loopback.client(sleep, timeout=0.2) as client:
        with pytest.raises(ClickBookTimeoutError) as caught:
            await client.register_user(Registration(**registration_data))
    assert caught.value.may_have_been_processed
    assert held_sleep.started.is_set()
    held_sleep.release.set()

    async def stubs() -> list[Any]:
        return (await loopback.state())["stubs"]  # type: ignore[no-any-return]

    assert len(await _eventually(stubs)) == 1
    assert sleep.delays == []


async def test_a_dropped_invitation_is_not_resent(
    loopback: Loopback, sleep: RecordedSleep, client_file_data: dict[str, Any]
) -> None:
    await loopback.fault(operation="SETUSERFIELDS", kind="drop", service="Private")
    async with loopback.client(sleep) as client:
        staff = await client.login(STAFF_EMAIL, STAFF_PASSWORD)
        with pytest.raises(ClickBookTransportError) as caught:
            await client.create_client_file(staff, ClientFile(**client_file_data))
    assert type(caught.value) is ClickBookTransportError
    assert len((await loopback.state())["client_files"]) == 1
    assert sleep.delays == []


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_closed_port_is_a_connect_error_and_writes_are_retried(
    sleep: RecordedSleep, client_file_data: dict[str, Any]
) -> None:
    staff = staff_session("C00KIE")
    loopback = Loopback(f"http://127.0.0.1:{_closed_port()}")
    async with loopback.client(sleep) as client:
        with pytest.raises(ClickBookConnectError) as caught:
            await client.create_client_file(staff, ClientFile(**client_file_data))
    await loopback.controls.aclose()
    assert not caught.value.may_have_been_processed
    assert sleep.delays == [0.5, 1.0, 2.0]
