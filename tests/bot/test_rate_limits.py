"""Telegram's flood limits: kept, and waiting for them delays only the chat that must wait."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.ratelimit import CHAT_BURST, OVERALL_PER_SECOND, FairRateLimiter, LeakyBucket
from bot.sandbox.world import World
from tests.support.chat import customer
from tests.support.timing import SkippedTime


@pytest.fixture
def world_options() -> dict[str, Any]:
    """The bot with its production rate limiter."""
    return {"rate_limiter": True}


async def test_a_flood_limit_for_one_customer_does_not_hold_up_another(world: World) -> None:
    ann = customer(world, phone="+61412000002")
    bob = customer(world, first_name="Bob", phone="+61412000003")
    await ann.start()
    await bob.start()
    # Telegram refuses the next message, Ann's, with "retry after 1 s".
    world.emulator.fail_next("sendMessage", status=429, retry_after=1)

    async def timed(step: Any) -> float:
        started = time.perf_counter()
        await step
        return time.perf_counter() - started

    ann_took, bob_took = await asyncio.gather(timed(ann.send("Ann")), timed(bob.send("Bob")))

    assert ann_took >= 1.0
    assert bob_took < 0.5, f"Bob waited {bob_took:.2f} s for Ann's flood limit"
    ann.assert_asks("last_name")
    bob.assert_asks("last_name")
    assert [call.ok for call in world.emulator.calls_to("sendMessage")][-3:].count(False) == 1


def limiter_on(fake: SkippedTime) -> FairRateLimiter:
    return FairRateLimiter(clock=fake.clock, sleep=fake.sleep)


async def call_in(limiter: FairRateLimiter, chat_id: int | None, made: list[float]) -> Any:
    async def callback() -> bool:
        made.append(limiter._clock())
        return True

    data = {} if chat_id is None else {"chat_id": chat_id}
    return await limiter.process_request(callback, (), {}, "sendMessage", data, None)


async def test_a_chat_gets_a_short_burst_then_one_message_a_second() -> None:
    fake = SkippedTime()
    limiter = limiter_on(fake)
    made: list[float] = []

    for _ in range(CHAT_BURST + 2):
        await call_in(limiter, 42, made)

    assert made[:CHAT_BURST] == [0.0] * CHAT_BURST
    assert made[CHAT_BURST:] == pytest.approx([1.0, 2.0])


async def test_the_overall_budget_spaces_calls_to_many_chats() -> None:
    fake = SkippedTime()
    limiter = limiter_on(fake)
    made: list[float] = []

    for chat_id in range(1, int(OVERALL_PER_SECOND) + 3):
        await call_in(limiter, chat_id, made)

    assert made[: int(OVERALL_PER_SECOND)] == [0.0] * int(OVERALL_PER_SECOND)
    assert made[-1] == pytest.approx(2 / OVERALL_PER_SECOND)


async def test_a_429_pauses_that_chat_only_and_is_retried() -> None:
    fake = SkippedTime()
    limiter = limiter_on(fake)
    refusals = [RetryAfter(5)]
    made: list[tuple[int, float]] = []

    async def send(chat_id: int) -> bool:
        if chat_id == 1 and refusals:
            raise refusals.pop()
        made.append((chat_id, fake.now))
        return True

    await limiter.process_request(send, (1,), {}, "sendMessage", {"chat_id": 1}, None)
    fake.now = 0.0  # another chat, asking at the moment chat 1 was refused
    await limiter.process_request(send, (2,), {}, "sendMessage", {"chat_id": 2}, None)

    assert made[0] == (1, 5.0), "retried as soon as Telegram allows, not a slot later"
    assert made[1] == (2, 0.0)


async def test_a_429_past_the_retries_reaches_the_caller() -> None:
    fake = SkippedTime()
    limiter = FairRateLimiter(max_retries=1, clock=fake.clock, sleep=fake.sleep)

    async def refuse() -> bool:
        raise RetryAfter(1)

    with pytest.raises(RetryAfter):
        await limiter.process_request(refuse, (), {}, "sendMessage", {"chat_id": 7}, None)


def test_drained_buckets_are_idle_and_full_ones_are_not() -> None:
    bucket = LeakyBucket(capacity=2, rate=1)
    assert bucket.reserve(0.0) == 0
    assert not bucket.is_idle(0.5)
    assert bucket.is_idle(1.0)
