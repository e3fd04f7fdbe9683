"""`TelegramEmulator`: a stateful fake of the Bot API plus the users who talk to the bot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Any

import httpx
from starlette.applications import Starlette

from bot.sandbox.telegram.actors import UserActor
from bot.sandbox.telegram.bot_api import BotApi
from bot.sandbox.telegram.clock import Clock, read_clock, system_clock
from bot.sandbox.telegram.commands import (
    BotCommand,
    BotDescriptions,
    CommandMenus,
    language_key,
    scope_key,
)
from bot.sandbox.telegram.groups import Group
from bot.sandbox.telegram.server import ApiServer
from bot.sandbox.telegram.store import CallbackQuery, ChatStore
from bot.sandbox.telegram.updates import ChangeSignal, DeliverCallback, Sleep, UpdateHub
from bot.sandbox.telegram.views import ApiCall


class TelegramEmulator:
    """An in-process Telegram: the Bot API as an ASGI app, and user actors for the other side.

    Connect PTB with `HTTPXRequest(httpx_kwargs={"transport": emulator.transport()})` (for both
    `request` and `get_updates_request`); any `base_url` works because the transport never
    leaves the process. Users created with `user()` send messages and tap buttons; the bot
    gets the updates by `deliver_to`, getUpdates or a webhook push.
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_username: str = "clickbook_demo_bot",
        bot_name: str = "ClickBook",
        clock: Clock | None = None,
        webhook_client: httpx.AsyncClient | None = None,
        long_poll_cap: float = 10.0,
        webhook_attempts: int = 3,
        webhook_retry_delay: float = 0.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._clock: Clock = clock or system_clock
        bot_id = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(bot_id) if bot_id.isdigit() else 1,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self._signal = ChangeSignal()
        self._store = ChatStore(self.bot_user)
        self._menus = CommandMenus()
        self._descriptions = BotDescriptions()
        self._hub = UpdateHub(
            now=self.now,
            signal=self._signal,
            long_poll_cap=long_poll_cap,
            webhook_client=webhook_client,
            webhook_attempts=webhook_attempts,
            webhook_retry_delay=webhook_retry_delay,
            sleep=sleep,
        )
        self._api = BotApi(
            store=self._store,
            hub=self._hub,
            menus=self._menus,
            descriptions=self._descriptions,
            now=self.now,
        )
        self._server = ApiServer(self._api, token, on_call=self._signal.notify)

    def __repr__(self) -> str:
        return f"TelegramEmulator(@{self.bot_user['username']}, users={len(self._store.chats)})"

    async def __aenter__(self) -> TelegramEmulator:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop webhook pushes and close the HTTP client the emulator created, if any."""
        await self._hub.aclose()

    def now(self) -> float:
        """Return the emulator's time in epoch seconds."""
        return read_clock(self._clock)

    # the bot's side

    @property
    def app(self) -> Starlette:
        """Return the ASGI app serving `/bot<token>/<method>`."""
        return self._server.app

    def transport(self) -> httpx.ASGITransport:
        """Return a fresh httpx transport into the emulator, for PTB's HTTPXRequest."""
        return httpx.ASGITransport(app=self.app)

    def deliver_to(self, callback: DeliverCallback | None) -> None:
        """Hand each new update to `callback` (awaited by the user action) instead of queueing.

        Pass None to go back to getUpdates / webhook delivery.
        """
        self._hub.deliver_to = callback

    @property
    def calls(self) -> list[ApiCall]:
        """Return every Bot API call so far, oldest first."""
        return list(self._server.calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        """Return the calls of one method (case-insensitive name)."""
        wanted = method.lower()
        return [call for call in self._server.calls if call.method.lower() == wanted]

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        description: str | None = None,
        times: int = 1,
    ) -> None:
        """Refuse the next `times` calls of `method` (429 carries `retry_after`)."""
        self._server.fail_next(
            method, status=status, retry_after=retry_after, description=description, times=times
        )

    def commands(self, scope: Any = None, language_code: str = "") -> list[BotCommand]:
        """Return the command menu set for exactly this scope and language."""
        if hasattr(scope, "to_dict"):
            scope = scope.to_dict()
        return self._menus.get(scope_key(scope), language_key(language_code))

    def description(self, language_code: str = "", *, short: bool = False) -> str:
        """Return the (short) description set for exactly this language."""
        kind = "short_description" if short else "description"
        return self._descriptions.get(kind, language_key(language_code))

    # updates

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Return the updates waiting for getUpdates or a webhook push."""
        return self._hub.pending

    @property
    def dropped_updates(self) -> list[dict[str, Any]]:
        """Return the updates not delivered because `allowed_updates` excluded them."""
        return list(self._hub.dropped)

    @property
    def polling(self) -> bool:
        """Return whether the bot has a getUpdates call held open right now."""
        return self._hub.polling

    def webhook_info(self) -> dict[str, Any]:
        """Return what getWebhookInfo would return."""
        return self._hub.webhook_info()

    @property
    def webhook_failures(self) -> list[Any]:
        """Return the updates dropped after the bounded webhook retries failed."""
        return self._hub.webhook_failures

    async def wait_delivered(self) -> None:
        """Wait until the webhook has received every queued update (wrap in wait_for)."""
        await self._hub.wait_delivered()

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Wait until `predicate()` holds, re-checking at every change (wrap in wait_for)."""
        while not predicate():
            await self._signal.wait()

    # the users' side

    def user(
        self,
        first_name: str = "Ann",
        last_name: str | None = "Lee",
        username: str | None = None,
        language_code: str | None = "en",
        phone: str | None = None,
    ) -> UserActor:
        """Create a user with a private chat with the bot; ids are unique per emulator."""
        chat = self._store.add_user(
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            phone=phone,
        )
        return UserActor(
            chat=chat,
            store=self._store,
            hub=self._hub,
            menus=self._menus,
            signal=self._signal,
            now=self.now,
        )

    def group(self, title: str = "Group", *, bot_is_admin: bool = False) -> Group:
        """Create a group with the bot in it; its members write there via `Group.member`."""
        chat = self._store.add_group(title=title, bot_is_admin=bot_is_admin)
        return Group(
            chat=chat, store=self._store, hub=self._hub, signal=self._signal, now=self.now
        )

    @property
    def unanswered_callbacks(self) -> list[CallbackQuery]:
        """Return every callback query, of any user, the bot has not answered."""
        return [query for query in self._store.callbacks.values() if not query.answered]
