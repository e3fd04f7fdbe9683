"""Keep within Telegram's flood limits so that waiting delays only the chat that has to wait.

Telegram allows a bot about 30 messages a second in all, about one a second in one chat (short
bursts pass), and 20 a minute in a group. PTB's ``AIORateLimiter`` enforces the overall and
group limits, but a 429 (``RetryAfter``) for any call pauses *every* call of the bot, so one
customer's flood limit stalls all the others, and it has no per-chat budget for private chats.
:class:`FairRateLimiter` keeps the same overall budget and adds:

- a per-chat budget: bursts of ``chat_burst`` calls, then one a second on average;
- a 429 pauses only the chat it came for (calls with no chat just wait and retry).

Every budget is a leaky bucket that *reserves* a slot when asked: the caller learns how long
to wait and nothing is awaited between reading and updating the bucket, so concurrent callers
are served in the order they asked, without locks.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.metrics import Metrics

log = logging.getLogger(__name__)

OVERALL_PER_SECOND = 30.0
CHAT_BURST = 3
CHAT_PER_SECOND = 1.0
GROUP_BURST = 20
GROUP_PER_SECOND = 20 / 60
MAX_IDLE_BUCKETS = 1000
"""Chat buckets kept before drained ones are forgotten (they hold nothing worth keeping)."""

JSONDict = dict[str, Any]
Result = bool | JSONDict | list[JSONDict]


@dataclass
class LeakyBucket:
    """``capacity`` calls at once, refilled at ``rate`` a second."""

    capacity: float
    rate: float
    level: float = 0.0
    updated: float = 0.0

    def reserve(self, now: float) -> float:
        """Take a slot and return the seconds to wait before using it."""
        self._drain(now)
        self.level += 1
        return max(0.0, (self.level - self.capacity) / self.rate)

    def pause(self, now: float, seconds: float) -> None:
        """Hold every later call for ``seconds`` (Telegram said so with a 429).

        The next reservation takes one slot more, so the bucket is filled to one slot short of
        ``seconds``: that call waits exactly as long as Telegram asked, not a slot longer.
        """
        self._drain(now)
        self.level = max(self.level, self.capacity + seconds * self.rate - 1)

    def is_idle(self, now: float) -> bool:
        """Tell whether the bucket is empty, i.e. no different from a new one."""
        self._drain(now)
        return self.level == 0

    def _drain(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)
        self.level = max(0.0, self.level - elapsed * self.rate)
        self.updated = max(self.updated, now)


class FairRateLimiter(BaseRateLimiter[int]):
    """Telegram's overall, per-chat and per-group budgets; a 429 pauses one chat only."""

    def __init__(
        self,
        *,
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        metrics: Metrics | None = None,
    ) -> None:
        self._max_retries = max_retries
        self._metrics = metrics
        self._clock = clock
        self._sleep = sleep
        self._overall = LeakyBucket(OVERALL_PER_SECOND, OVERALL_PER_SECOND)
        self._chats: dict[int | str, LeakyBucket] = {}

    async def initialize(self) -> None:
        """Nothing to set up: buckets are made per chat as calls come."""

    async def shutdown(self) -> None:
        """Forget every bucket."""
        self._chats.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Wait for the call's budgets, make it, and after a 429 wait as told and retry."""
        chat_id = data.get("chat_id")
        max_retries = rate_limit_args if rate_limit_args is not None else self._max_retries
        attempt = 0
        while True:
            if chat_id is not None:
                await self._wait(self._chat_bucket(chat_id))
                await self._wait(self._overall)
            if self._metrics is not None:
                self._metrics.telegram_call(endpoint)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if self._metrics is not None:
                    self._metrics.telegram_flood_limited(endpoint)
                if attempt >= max_retries:
                    raise
                attempt += 1
                seconds = error.retry_after
                delay = seconds if isinstance(seconds, int | float) else seconds.total_seconds()
                log.info("Telegram asked to wait %.1f s before %s; waiting", delay, endpoint)
                if chat_id is None:
                    await self._sleep(delay)
                else:
                    self._chat_bucket(chat_id).pause(self._clock(), delay)

    async def _wait(self, bucket: LeakyBucket) -> None:
        delay = bucket.reserve(self._clock())
        if delay > 0:
            await self._sleep(delay)

    def _chat_bucket(self, chat_id: int | str) -> LeakyBucket:
        key = _chat_key(chat_id)
        bucket = self._chats.get(key)
        if bucket is None:
            if len(self._chats) >= MAX_IDLE_BUCKETS:
                self._forget_idle()
            is_group = isinstance(key, str) or key < 0
            bucket = (
                LeakyBucket(GROUP_BURST, GROUP_PER_SECOND)
                if is_group
                else LeakyBucket(CHAT_BURST, CHAT_PER_SECOND)
            )
            bucket.updated = self._clock()
            self._chats[key] = bucket
        return bucket

    def _forget_idle(self) -> None:
        now = self._clock()
        for key in [key for key, bucket in self._chats.items() if bucket.is_idle(now)]:
            del self._chats[key]


def _chat_key(chat_id: int | str) -> int | str:
    """Return a chat id as an int when it is one (PTB may pass it as a string)."""
    try:
        return int(chat_id)
    except (TypeError, ValueError):
        return str(chat_id)
