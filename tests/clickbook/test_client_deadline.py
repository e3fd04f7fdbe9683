"""One overall deadline per operation: retries, backoff and a session renewal included."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from bot.clickbook import ClickBookClient, ClickBookNotFoundError, ClickBookTimeoutError, Session
from tests.clickbook.conftest import STAFF_EMAIL, STAFF_PASSWORD, CountingTransport, Sandbox

DEADLINE = 0.4


async def test_backoff_does_not_outlast_the_deadline(
    make_client: Callable[..., ClickBookClient], sandbox: Sandbox, transport: CountingTransport
) -> None:
    # Real backoff waits of 0.5 s, 1 s and 2 s between the four attempts: 3.5 s in all.
    await sandbox.fault("GETTIMEZONEINFO", "http500", times=10)
    async with make_client(sleep=asyncio.sleep, deadline=DEADLINE) as client:
        started = time.perf_counter()
        with pytest.raises(ClickBookTimeoutError, match="deadline") as raised:
            await client.get_timezones()
        took = time.perf_counter() - started

    assert raised.value.operation == "GETTIMEZONEINFO"
    assert DEADLINE <= took < DEADLINE + 0.5
    assert transport.count("ClickBookPublic") == 1  # the first wait (0.5 s) was cut short


async def test_a_renewal_and_the_call_share_one_deadline(
    make_client: Callable[..., ClickBookClient], sandbox: Sandbox, staff: Session
) -> None:
    # The session has expired, and signing in again never answers: each request alone would
    # wait 5 s, four times over.
    await sandbox.fault("GETUSERFIELDS", "expire_session")
    await sandbox.fault("LOGIN", "delay", seconds=60, times=10)
    async with make_client(timeout=5.0, deadline=DEADLINE) as client:
        started = time.perf_counter()
        with pytest.raises(ClickBookTimeoutError, match="deadline"):
            await client.get_client_file_status(staff, "CF-1")
        took = time.perf_counter() - started

    assert took < DEADLINE + 0.5


def test_the_deadline_must_be_positive(make_client: Callable[..., ClickBookClient]) -> None:
    with pytest.raises(ValueError, match="deadline"):
        make_client(deadline=0)


async def test_the_observer_hears_once_per_operation_with_its_outcome(
    make_client: Callable[..., ClickBookClient], sandbox: Sandbox, staff: Session
) -> None:
    heard: list[tuple[str, float, BaseException | None]] = []
    async with make_client(timeout=5.0, deadline=DEADLINE) as client:
        client.observe(lambda *report: heard.append(report))
        await sandbox.fault("GETUSERFIELDS", "expire_session")
        with pytest.raises(ClickBookNotFoundError) as not_found:
            await client.get_client_file_status(staff, "CF-1")  # renewal and repeat inside
        await client.get_timezones()
        await sandbox.fault("PROCESSREGSTUB", "delay", seconds=60)
        with pytest.raises(ClickBookTimeoutError) as late:
            await client.process_registration("STUB-1")
        client.observe(None)
        await client.login(STAFF_EMAIL, STAFF_PASSWORD)

    assert [(name, error) for name, _, error in heard] == [
        ("GETUSERFIELDS", not_found.value),
        ("GETTIMEZONEINFO", None),
        ("PROCESSREGSTUB", late.value),
    ]
    assert str(late.value) == "ClickBook PROCESSREGSTUB: no answer within the 0.4 s deadline"
    assert all(0 <= seconds < 5 for _, seconds, _ in heard)
    assert heard[2][1] >= DEADLINE
