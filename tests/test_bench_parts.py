"""The benchmark's parts: the population's plan, the latency network and the call tally."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.bench.calls import UNATTRIBUTED, tally_calls
from bot.bench.network import LatencyTransport, latency
from bot.bench.population import Population, ThinkTime, plan
from bot.bench.report import percentile
from bot.sandbox.telegram.views import ApiCall


def test_the_plan_is_the_same_for_the_same_seed_and_stays_in_bounds() -> None:
    population = Population(customers=20, period=10, think=ThinkTime(2, 6), seed=1)

    visits = plan(population, actions=13)

    assert visits == plan(population, actions=13)
    assert visits != plan(Population(20, 10, ThinkTime(2, 6), seed=2), actions=13)
    arrivals = [visit.arrival for visit in visits]
    assert arrivals == sorted(arrivals)
    assert all(0 <= arrival <= 10 for arrival in arrivals)
    assert all(len(visit.thinks) == 12 for visit in visits)
    assert all(2 <= think <= 6 for visit in visits for think in visit.thinks)


def test_think_time_reads_a_range_or_one_figure() -> None:
    assert ThinkTime.parse("2-6") == ThinkTime(2, 6)
    assert ThinkTime.parse("0.5-1.5") == ThinkTime(0.5, 1.5)
    assert ThinkTime.parse("3") == ThinkTime(3, 3)
    for nonsense in ("6-2", "fast", "1-x"):
        with pytest.raises(ValueError, match="think time"):
            ThinkTime.parse(nonsense)


class Answer(httpx.AsyncBaseTransport):
    """The far side: answers every request with 200."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer at once."""
        return httpx.Response(200, text="far side")


async def test_the_latency_transport_waits_its_round_trip_then_passes_the_request_on() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    wrap = latency(40, sleep=sleep)
    assert wrap is not None
    async with httpx.AsyncClient(transport=wrap(Answer())) as client:
        response = await client.get("http://far.away/")

    assert response.text == "far side"
    assert waits == [0.04]
    assert isinstance(wrap(Answer()), LatencyTransport)
    assert latency(0) is None


def call(method: str, **params: Any) -> ApiCall:
    """A logged Bot API call, its parameters as text as PTB sends them."""
    return ApiCall(method, {key: str(value) for key, value in params.items()}, 200, None)


def test_calls_are_counted_for_the_step_of_their_customer_that_was_running() -> None:
    calls = [
        call("setMyCommands"),  # before the run: not counted
        call("sendMessage", chat_id=11),  # Ann's step 0
        call("answerCallbackQuery", callback_query_id="q22"),  # Bob's step 0
        call("sendMessage", chat_id=22),  # Bob's step 0
        call("editMessageText", chat_id=11, message_id=1),  # Ann's step 1, started at 4
        call("getMe"),  # nobody's
    ]

    tally = tally_calls(
        calls, first=1, owners={"11": 0, "22": 1, "q22": 1}, step_starts=[[1, 4], [1]]
    )

    assert tally.by_step[0] == {"sendMessage": 2, "answerCallbackQuery": 1}
    assert tally.by_step[1] == {"editMessageText": 1}
    assert tally.by_step[UNATTRIBUTED] == {"getMe": 1}
    assert (tally.total, tally.chat_bound) == (5, 3)
    total, chat = tally.by_method()
    assert chat["answerCallbackQuery"] == 0
    assert total["sendMessage"] == chat["sendMessage"] == 2


def test_percentile_is_nearest_rank() -> None:
    samples = [float(n) for n in range(100, 0, -1)]

    assert percentile(samples, 50) == 50.0
    assert percentile(samples, 99) == 99.0
    assert percentile([3.0], 99) == 3.0
