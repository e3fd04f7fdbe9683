"""Where new updates go: a direct callback, the getUpdates queue, or a webhook push."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.sandbox.telegram.errors import api_error

DeliverCallback = Callable[[dict[str, Any]], Awaitable[object]]
Sleep = Callable[[float], Awaitable[object]]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_LIMIT = 100


class ChangeSignal:
    """Wake everyone waiting for the emulator's state to change.

    A future per waiter rather than an asyncio.Condition: changes are signalled from plain
    synchronous code (a user blocking the bot, a call being recorded), which could not take a
    Condition's lock, and the signal is not tied to the event loop it was first used in.
    """

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        """Wake every current waiter."""
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait(self, seconds: float | None = None) -> None:
        """Return at the next change, or after `seconds` if given."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, seconds)
        finally:
            self._waiters.discard(waiter)


@dataclass(slots=True)
class WebhookConfig:
    """What setWebhook asked for."""

    url: str
    secret_token: str | None
    max_connections: int


@dataclass(frozen=True, slots=True)
class WebhookFailure:
    """An update the emulator gave up pushing after its bounded retries."""

    update_id: int
    error: str


@dataclass(slots=True)
class _Errors:
    last_date: int | None = None
    last_message: str | None = None
    failures: list[WebhookFailure] = field(default_factory=list)


class UpdateHub:
    """Number updates and hand them to the bot the way it asked for them."""

    def __init__(
        self,
        *,
        now: Callable[[], float],
        signal: ChangeSignal,
        long_poll_cap: float,
        webhook_client: httpx.AsyncClient | None,
        webhook_attempts: int,
        webhook_retry_delay: float,
        sleep: Sleep,
    ) -> None:
        self._now = now
        self._signal = signal
        self._long_poll_cap = long_poll_cap
        self._client = webhook_client
        self._own_client = False
        self._webhook_attempts = max(1, webhook_attempts)
        self._webhook_retry_delay = webhook_retry_delay
        self._sleep = sleep
        self._update_ids = itertools.count(1)
        self._pending: deque[dict[str, Any]] = deque()
        self._poll_generation = 0
        self._holding = 0
        self._worker: asyncio.Task[None] | None = None
        self._errors = _Errors()
        self.deliver_to: DeliverCallback | None = None
        self.allowed_updates: list[str] = []
        self.webhook: WebhookConfig | None = None
        self.dropped: list[dict[str, Any]] = []

    @property
    def pending(self) -> list[dict[str, Any]]:
        """Return the updates not yet confirmed by getUpdates or pushed to the webhook."""
        return list(self._pending)

    @property
    def webhook_failures(self) -> list[WebhookFailure]:
        """Return the updates dropped after failed webhook pushes."""
        return list(self._errors.failures)

    async def publish(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Create an update of `kind` and deliver or queue it; return the update."""
        update = {"update_id": next(self._update_ids), kind: payload}
        if self.deliver_to is not None:
            await self.deliver_to(update)
            return update
        if self.allowed_updates and kind not in self.allowed_updates:
            self.dropped.append(update)
            return update
        self._pending.append(update)
        self._signal.notify()
        if self.webhook is not None:
            self._start_worker()
        return update

    # getUpdates

    def _confirm(self, offset: int) -> None:
        pending = self._pending
        if offset > 0:
            while pending and pending[0]["update_id"] < offset:
                pending.popleft()
        elif offset < 0:
            while len(pending) > -offset:
                pending.popleft()

    async def get_updates(
        self,
        *,
        offset: int,
        limit: int,
        hold_seconds: float,
        allowed_updates: list[str] | None,
    ) -> list[dict[str, Any]]:
        """Serve one getUpdates call, holding it up to `hold_seconds` (capped) for updates."""
        if self.webhook is not None:
            raise api_error("webhook_active")
        if allowed_updates is not None:
            self.allowed_updates = list(allowed_updates)
        self._confirm(offset)
        limit = min(max(limit, 1), MAX_LIMIT)
        self._poll_generation += 1
        generation = self._poll_generation
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(max(hold_seconds, 0.0), self._long_poll_cap)
        self._holding += 1
        # An older poller still waiting wakes up, sees it was superseded and gets the 409.
        self._signal.notify()
        try:
            while True:
                if generation != self._poll_generation:
                    raise api_error("terminated_by_other_poll")
                if self.webhook is not None:
                    raise api_error("webhook_active")
                if self._pending:
                    return list(itertools.islice(self._pending, limit))
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                await self._signal.wait(remaining)
        finally:
            self._holding -= 1

    @property
    def polling(self) -> bool:
        """Return whether a getUpdates call is being held open right now."""
        return self._holding > 0

    # webhooks

    def set_webhook(
        self, config: WebhookConfig, *, allowed_updates: list[str] | None, drop_pending: bool
    ) -> None:
        """Switch to webhook delivery and start pushing what is queued."""
        self.webhook = config
        if allowed_updates is not None:
            self.allowed_updates = list(allowed_updates)
        if drop_pending:
            self._pending.clear()
        self._errors.last_date = None
        self._errors.last_message = None
        self._signal.notify()
        if self._pending:
            self._start_worker()

    def delete_webhook(self, *, drop_pending: bool) -> bool:
        """Switch back to getUpdates; return whether a webhook was set."""
        was_set = self.webhook is not None
        self.webhook = None
        if drop_pending:
            self._pending.clear()
        self._signal.notify()
        return was_set

    def webhook_info(self) -> dict[str, Any]:
        """Return the `WebhookInfo` object."""
        info: dict[str, Any] = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            if self.allowed_updates:
                info["allowed_updates"] = list(self.allowed_updates)
        if self._errors.last_date is not None:
            info["last_error_date"] = self._errors.last_date
            info["last_error_message"] = self._errors.last_message
        return info

    def _start_worker(self) -> None:
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(
                self._push_pending(), name="telegram-emulator:webhook-push"
            )

    async def _push_pending(self) -> None:
        while self._pending and self.webhook is not None:
            update = self._pending[0]
            await self._push(self.webhook, update)
            if self._pending and self._pending[0] is update:
                self._pending.popleft()
            self._signal.notify()

    async def _push(self, config: WebhookConfig, update: dict[str, Any]) -> None:
        headers = {SECRET_HEADER: config.secret_token} if config.secret_token else {}
        error = ""
        for attempt in range(self._webhook_attempts):
            if attempt:
                await self._sleep(self._webhook_retry_delay)
            if self.webhook is not config:
                return
            try:
                response = await self._webhook_client().post(
                    config.url, json=update, headers=headers
                )
            except Exception as exc:  # noqa: BLE001 - any failure is just a failed push to Telegram
                error = f"Connection failed: {type(exc).__name__}"
            else:
                if response.is_success:
                    return
                error = (
                    f"Wrong response from the webhook: {response.status_code}"
                    f" {response.reason_phrase}"
                )
            self._errors.last_date = int(self._now())
            self._errors.last_message = error
        self._errors.failures.append(WebhookFailure(update["update_id"], error))

    def _webhook_client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=10.0)
            self._own_client = True
        return self._client

    async def wait_delivered(self) -> None:
        """Return once every queued update has been pushed to the webhook (or given up)."""
        # The update being pushed stays at the head of the queue until its push is over.
        while self.webhook is not None and self._pending:
            await self._signal.wait()

    async def aclose(self) -> None:
        """Stop pushing and close the HTTP client the emulator created for itself."""
        worker, self._worker = self._worker, None
        if worker is not None and not worker.done():
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        if self._own_client and self._client is not None:
            await self._client.aclose()
            self._client = None
            self._own_client = False
