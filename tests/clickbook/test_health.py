"""The clock of ClickBook's answers that ``/healthz`` reads, on its own."""

from __future__ import annotations

import time

import httpx
import pytest

from bot.clickbook.health import AnswerClock


class Refusing(httpx.AsyncBaseTransport):
    """A ClickBook that refuses every connection; remembers being closed."""

    def __init__(self) -> None:
        self.closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused (test)", request=request)

    async def aclose(self) -> None:
        self.closed = True


async def test_a_clickbook_that_never_answered_is_failing_at_once_and_close_reaches_it() -> None:
    inner = Refusing()
    answers = AnswerClock(inner, clock=lambda: 5.0)
    assert (answers.latest_failed, answers.last_answer) == (False, None)
    assert answers.healthy(within=60)
    async with httpx.AsyncClient(transport=answers) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get("http://clickbook.test/")
        assert (answers.latest_failed, answers.last_answer) == (True, None)
        assert not answers.healthy(within=60)
    assert inner.closed


async def test_the_default_clock_is_monotonic_seconds() -> None:
    answers = AnswerClock(httpx.MockTransport(lambda request: httpx.Response(503)))
    async with httpx.AsyncClient(transport=answers) as client:
        await client.get("http://clickbook.test/")
    assert answers.last_answer is not None
    assert answers.last_answer == pytest.approx(time.monotonic(), abs=5)
    assert answers.latest_failed is False
