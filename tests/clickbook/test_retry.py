"""The retry policy on its own: backoff bounds and which failures are worth repeating."""

from __future__ import annotations

import logging
import re

import pytest

from bot.clickbook import (
    ClickBookAPIError,
    ClickBookConnectError,
    ClickBookError,
    ClickBookFaultError,
    ClickBookNotFoundError,
    ClickBookResponseError,
    ClickBookSignedOutError,
    ClickBookTimeoutError,
    ClickBookTransportError,
    ClickBookValidationError,
)
from bot.clickbook.retry import (
    INITIAL_DELAY,
    MAX_DELAY,
    Repeat,
    backoff_delay,
    call_with_retries,
    should_retry,
)


@pytest.mark.parametrize(
    ("attempt", "ceiling"), [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 8.0), (30, 8.0)]
)
def test_the_ceiling_doubles_up_to_the_cap(attempt: int, ceiling: float) -> None:
    assert backoff_delay(attempt, lambda: 1.0) == ceiling
    assert backoff_delay(attempt, lambda: 0.0) == 0.0
    assert backoff_delay(attempt, lambda: 0.5) == ceiling / 2


def test_the_constants() -> None:
    assert (INITIAL_DELAY, MAX_DELAY) == (0.5, 8.0)


def test_attempts_count_from_one() -> None:
    with pytest.raises(ValueError, match="^attempt counts from 1$"):
        backoff_delay(0, lambda: 1.0)


OP = "OPERATION"

CASES = [
    (ClickBookConnectError(OP, "refused"), True, True),
    (ClickBookTimeoutError(OP, "slow"), True, False),
    (ClickBookTransportError(OP, "dropped"), True, False),
    (ClickBookFaultError(OP, "soapenv:Server", "boom", http_status=500), True, False),
    (ClickBookFaultError(OP, "soapenv:Client", "bad request", http_status=500), False, False),
    (ClickBookFaultError(OP, "soapenv:Server", "boom", http_status=200), False, False),
    (ClickBookResponseError(OP, "bad gateway", http_status=502), True, False),
    (ClickBookResponseError(OP, "not xml", http_status=200), False, False),
    (ClickBookResponseError(OP, "odd", http_status=None), False, False),
    (ClickBookAPIError(OP, "CODE 503", code=503), False, False),
    (ClickBookNotFoundError(OP, "CODE 404", code=404), False, False),
    (ClickBookValidationError(OP, []), False, False),
    (ClickBookSignedOutError(OP, "gone"), False, False),
]


@pytest.mark.parametrize(
    ("error", "safe", "if_undelivered"), CASES, ids=[repr(case[0]) for case in CASES]
)
def test_what_is_retried(error: ClickBookError, safe: bool, if_undelivered: bool) -> None:
    assert should_retry(error, Repeat.SAFE) is safe
    assert should_retry(error, Repeat.IF_UNDELIVERED) is if_undelivered


async def test_the_loop_sleeps_between_attempts_and_returns_the_result() -> None:
    outcomes: list[Exception | str] = [
        ClickBookTimeoutError(OP, "slow"),
        ClickBookConnectError(OP, "refused"),
        "done",
    ]
    slept: list[float] = []

    async def attempt() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    result = await call_with_retries(
        OP, attempt, repeat=Repeat.SAFE, max_attempts=4, sleep=sleep, random=lambda: 1.0
    )
    assert result == "done"
    assert slept == [0.5, 1.0]


async def test_the_loop_raises_what_it_must_not_retry_at_once() -> None:
    calls = 0

    async def attempt() -> str:
        nonlocal calls
        calls += 1
        raise ClickBookTimeoutError(OP, "slow")

    async def sleep(seconds: float) -> None:
        raise AssertionError("must not sleep")

    with pytest.raises(ClickBookTimeoutError):
        await call_with_retries(
            OP,
            attempt,
            repeat=Repeat.IF_UNDELIVERED,
            max_attempts=4,
            sleep=sleep,
            random=lambda: 1.0,
        )
    assert calls == 1


async def test_each_attempt_is_logged_with_its_number_and_outcome(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outcomes: list[Exception | str] = [ClickBookConnectError(OP, "secret-text"), "done"]

    async def attempt() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def failing() -> str:
        raise ClickBookTimeoutError(OP, "secret-text")

    async def sleep(seconds: float) -> None:
        return None

    caplog.set_level(logging.DEBUG, logger="bot.clickbook.retry")
    await call_with_retries(
        OP, attempt, repeat=Repeat.SAFE, max_attempts=2, sleep=sleep, random=lambda: 1.0
    )
    with pytest.raises(ClickBookTimeoutError):
        await call_with_retries(
            OP, failing, repeat=Repeat.SAFE, max_attempts=2, sleep=sleep, random=lambda: 1.0
        )
    lines = [re.sub(r"after 0\.\d{3} s", "after T s", r.getMessage()) for r in caplog.records]
    assert lines == [
        "ClickBook OPERATION attempt 1/2 failed with ClickBookConnectError after T s; retrying",
        "ClickBook OPERATION attempt 2/2 succeeded after T s",
        "ClickBook OPERATION attempt 1/2 failed with ClickBookTimeoutError after T s; retrying",
        "ClickBook OPERATION attempt 2/2 failed with ClickBookTimeoutError after T s",
    ]
    assert {record.levelno for record in caplog.records} == {logging.DEBUG}
