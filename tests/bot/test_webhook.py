"""The webhook app, driven with httpx over ASGITransport: the secret before the body, the
body cap, updates onto the application's queue, and ``/healthz`` with a real store and the
ClickBook answer clock over a transport at the ClickBook boundary."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Bot, Update

from bot.clickbook.health import AnswerClock
from bot.runner import CLICKBOOK_HEALTHY_WITHIN, health_check
from bot.storage import Store
from bot.webhook import MAX_BODY_BYTES, SECRET_HEADER, HealthCheck, webhook_app

SECRET = "A" * 16 + "b-_9" * 5
URL = "http://bot.test/telegram"
UPDATE = {
    "update_id": 7,
    "message": {
        "message_id": 1,
        "date": 1_767_225_600,
        "chat": {"id": 42, "type": "private"},
        "from": {"id": 42, "is_bot": False, "first_name": "Ann"},
        "text": "/start",
    },
}


async def _healthy() -> dict[str, bool]:
    return {"store": True, "clickbook": True}


@pytest.fixture
def updates() -> asyncio.Queue[Any]:
    return asyncio.Queue()


@pytest.fixture
def make_pusher(updates: asyncio.Queue[Any]) -> Iterator[Any]:
    """Return a factory of httpx clients posting into the webhook app in process."""
    clients: list[httpx.AsyncClient] = []

    def make(health: HealthCheck = _healthy) -> httpx.AsyncClient:
        app = webhook_app(
            path="/telegram",
            secret=SECRET,
            bot=Bot("4242:WEBHOOK-TEST"),
            updates=updates,
            health=health,
        )
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
        clients.append(client)
        return client

    yield make
    assert all(client.is_closed for client in clients), "close each pusher (async with)"


class Recorder:
    """A request body of ``chunks`` chunks of 64 kB that records how many were read."""

    def __init__(self, chunks: int) -> None:
        self.chunks = chunks
        self.read = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            self.read += 1
            yield b"x" * 65536


async def test_an_update_with_the_secret_is_queued(
    make_pusher: Any, updates: asyncio.Queue[Any]
) -> None:
    async with make_pusher() as pusher:
        answer = await pusher.post(URL, json=UPDATE, headers={SECRET_HEADER: SECRET})
    assert answer.status_code == 200
    update = updates.get_nowait()
    assert isinstance(update, Update)
    assert update.update_id == 7
    assert update.message is not None
    assert update.message.text == "/start"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {SECRET_HEADER: SECRET[:-1]},
        {SECRET_HEADER: SECRET + "x"},
        {SECRET_HEADER: "é".encode()},
    ],
    ids=["missing", "short", "long", "not-ascii"],
)
async def test_a_huge_body_with_a_wrong_secret_is_refused_unread(
    make_pusher: Any, updates: asyncio.Queue[Any], headers: dict[str, Any]
) -> None:
    body = Recorder(chunks=1600)  # 100 MiB if it were read
    async with make_pusher() as pusher:
        answer = await pusher.post(URL, content=body, headers=headers)
    assert answer.status_code == 403
    assert body.read <= 1, f"{body.read} chunks of 64 kB were read"
    assert updates.empty()


async def test_a_declared_oversized_body_is_refused_unread(
    make_pusher: Any, updates: asyncio.Queue[Any]
) -> None:
    body = Recorder(chunks=17)
    headers = {SECRET_HEADER: SECRET, "Content-Length": str(17 * 65536)}
    async with make_pusher() as pusher:
        answer = await pusher.post(URL, content=body, headers=headers)
    assert answer.status_code == 413
    assert body.read <= 1
    assert updates.empty()


async def test_a_streamed_body_is_cut_off_past_one_mebibyte(
    make_pusher: Any, updates: asyncio.Queue[Any]
) -> None:
    body = Recorder(chunks=1600)  # sent chunked: no Content-Length to refuse up front
    async with make_pusher() as pusher:
        answer = await pusher.post(URL, content=body, headers={SECRET_HEADER: SECRET})
    assert answer.status_code == 413
    assert body.read <= MAX_BODY_BYTES // 65536 + 2
    assert updates.empty()


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", json.dumps({"message": {}}).encode(), b'{"update_id": "7"}'],
    ids=["not-json", "a-list", "no-update-id", "update-id-text"],
)
async def test_a_body_that_is_no_update_is_refused(
    make_pusher: Any, updates: asyncio.Queue[Any], content: bytes
) -> None:
    async with make_pusher() as pusher:
        answer = await pusher.post(URL, content=content, headers={SECRET_HEADER: SECRET})
    assert answer.status_code == 400
    assert updates.empty()


async def test_only_post_is_served_on_the_path(make_pusher: Any) -> None:
    async with make_pusher() as pusher:
        assert (await pusher.get(URL, headers={SECRET_HEADER: SECRET})).status_code == 405
        assert (await pusher.post("http://bot.test/other", json=UPDATE)).status_code == 404


class ClickBookSwitch:
    """The ClickBook boundary: answers while ``up``, refuses connections while down."""

    def __init__(self) -> None:
        self.up = True

    def handle(self, request: httpx.Request) -> httpx.Response:
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, text="<ok/>")


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _healthz(pusher: httpx.AsyncClient) -> tuple[int, dict[str, str]]:
    answer = await pusher.get("http://bot.test/healthz")
    return answer.status_code, answer.json()


async def test_healthz_follows_the_store_and_clickbook(make_pusher: Any, tmp_path: Path) -> None:
    switch = ClickBookSwitch()
    clock = ManualClock()
    answers = AnswerClock(httpx.MockTransport(switch.handle), clock=clock)
    store = await Store.open(tmp_path / "health.db")
    async with (
        httpx.AsyncClient(transport=answers) as clickbook,
        make_pusher(health_check(store, answers)) as pusher,
    ):
        assert await _healthz(pusher) == (
            200,
            {"status": "ok", "store": "ok", "clickbook": "ok"},
        ), "nothing asked of ClickBook yet"

        await clickbook.get("http://clickbook.test/")
        switch.up = False
        with pytest.raises(httpx.ConnectError):
            await clickbook.get("http://clickbook.test/")
        clock.now += CLICKBOOK_HEALTHY_WITHIN
        assert (await _healthz(pusher))[0] == 200, "it answered within the window"

        clock.now += 1
        assert await _healthz(pusher) == (
            503,
            {"status": "unavailable", "store": "ok", "clickbook": "failing"},
        )

        switch.up = True
        await clickbook.get("http://clickbook.test/")
        assert (await _healthz(pusher))[0] == 200

        await store.close()
        assert await _healthz(pusher) == (
            503,
            {"status": "unavailable", "store": "failing", "clickbook": "ok"},
        )
