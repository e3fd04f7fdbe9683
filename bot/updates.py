"""Process each user's updates in arrival order and different users' updates at once.

PTB's default processes one update at a time for the whole bot, so every customer waits for
every other customer's ClickBook calls; PTB's ``SimpleUpdateProcessor`` runs updates at once
but lets one user's second tap overtake the first, which ConversationHandler and the forms
are not written for. :class:`PerUserUpdateProcessor` sits between the two:

- an update waits for the earlier updates of its user *and* of its chat (so a group's updates
  stay in order too), then for one of ``concurrency`` running slots;
- a user with ``backlog`` updates already waiting has further updates dropped, and is told
  once, politely, that the bot is catching up (``on_overflow``); a flood therefore delays only
  the one who sends it, and memory stays bounded.

The order is fixed when :meth:`do_process_update` starts: PTB's update fetcher starts one task
per update in arrival order, and each task claims its place in its keys' queues before its
first ``await``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.metrics import Metrics

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 64
"""Updates that run at once. Each mostly waits on the network (Telegram, ClickBook), so this
bounds open connections and memory rather than CPU."""
DEFAULT_BACKLOG = 10
"""Updates one user may have waiting: more than a person sends while the bot answers."""
ADMISSION_FACTOR = 16
"""PTB's own semaphore admits updates to :meth:`do_process_update`, where they wait for their
turn; it must not be what keeps an idle user from a free running slot."""

Key = tuple[str, int]
OverflowNotice = Callable[[Update], Awaitable[object]]


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Serialise updates per user and per chat; run different users concurrently (bounded)."""

    __slots__ = (
        "_backlog",
        "_metrics",
        "_notified",
        "_on_overflow",
        "_pending",
        "_running",
        "_tails",
    )

    def __init__(
        self,
        concurrency: int = DEFAULT_CONCURRENCY,
        *,
        backlog: int = DEFAULT_BACKLOG,
        on_overflow: OverflowNotice | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        if backlog < 1:
            raise ValueError("backlog must be at least 1")
        super().__init__(max_concurrent_updates=concurrency * ADMISSION_FACTOR)
        self._running = asyncio.Semaphore(concurrency)
        self._backlog = backlog
        self._on_overflow = on_overflow
        self._metrics = metrics
        self._tails: dict[Key, asyncio.Future[None]] = {}
        """The last update claimed for each key: the next one of that key waits for it."""
        self._pending: dict[int, int] = {}
        """Updates per user that were accepted and have not finished."""
        self._notified: set[int] = set()
        """Users told they are being caught up with, until their backlog drains."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run ``coroutine`` after the earlier updates of the same user and chat."""
        arrived = time.monotonic()
        user_id, keys = _keys_of(update)
        if user_id is not None and self._pending.get(user_id, 0) >= self._backlog:
            _discard(coroutine)
            if self._metrics is not None:
                self._metrics.update_dropped()
            await self._tell_overflow(user_id, update)
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        earlier = [tail for key in keys if (tail := self._tails.get(key)) is not None]
        for key in keys:
            self._tails[key] = done
        if user_id is not None:
            self._pending[user_id] = self._pending.get(user_id, 0) + 1
        try:
            for tail in earlier:
                await asyncio.shield(tail)
            async with self._running:
                await coroutine
        finally:
            done.set_result(None)
            for key in keys:
                if self._tails.get(key) is done:
                    del self._tails[key]
            if user_id is not None:
                self._release(user_id)
            if inspect.iscoroutine(coroutine) and inspect.getcoroutinestate(coroutine) == (
                inspect.CORO_CREATED
            ):
                coroutine.close()  # cancelled while waiting its turn: never started
            elif self._metrics is not None:
                self._metrics.update_processed(time.monotonic() - arrived)

    def _release(self, user_id: int) -> None:
        left = self._pending[user_id] - 1
        if left:
            self._pending[user_id] = left
        else:
            del self._pending[user_id]
            self._notified.discard(user_id)

    async def _tell_overflow(self, user_id: int, update: object) -> None:
        """Say once per backlog that the bot is catching up; never let the notice fail."""
        if user_id in self._notified:
            return
        self._notified.add(user_id)
        log.info("a user's backlog is full; dropping their updates until it drains")
        if self._on_overflow is None or not isinstance(update, Update):
            return
        try:
            await self._on_overflow(update)
        except Exception as error:  # a notice is a courtesy: the processor must go on
            log.warning("could not tell a user the bot is catching up: %s", error)

    async def initialize(self) -> None:
        """Nothing to allocate: queues are made per update."""

    async def shutdown(self) -> None:
        """Nothing to free: each update's task cleans up after itself."""


def _keys_of(update: object) -> tuple[int | None, list[Key]]:
    """Return the update's user id and the keys it is ordered by (user and chat)."""
    if not isinstance(update, Update):
        return None, []
    user = update.effective_user
    chat = update.effective_chat
    keys: list[Key] = []
    if user is not None:
        keys.append(("user", user.id))
    if chat is not None:
        keys.append(("chat", chat.id))
    return (user.id if user is not None else None), keys


def _discard(coroutine: Awaitable[Any]) -> None:
    """Drop an update's processing before it starts, without a 'never awaited' warning."""
    if inspect.iscoroutine(coroutine):
        coroutine.close()
