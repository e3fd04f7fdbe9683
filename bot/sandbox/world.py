"""The whole bot with both outside worlds simulated in one process.

The Telegram emulator plays the users, the ClickBook sandbox plays ClickBook, and in between
runs the real application from :func:`bot.app.build_application` on a real SQLite file. The
terminal demo, the benchmark and the flow tests all stand on this, so what they exercise is
exactly what production runs.

Each user action is delivered through the application's update processor (the one production
uses) and awaited, so when ``await user.send(...)`` returns, the bot has finished answering (or
dropped the update, as a flooded processor does): no polling, no sleeping. Actions sent at once
(``asyncio.gather``) are processed as production would process them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from telegram import Update
from telegram.ext import Application
from telegram.request import HTTPXRequest

from bot.app import build_application
from bot.background import BackgroundWork
from bot.clickbook import ClickBookClient
from bot.clock import Clock, utc_now
from bot.config import Settings
from bot.i18n import Catalogs, load_catalogs
from bot.sandbox.clickbook import SandboxConfig, SandboxTransport, create_app, sandbox_urls
from bot.sandbox.telegram import TelegramEmulator
from bot.services import Services
from bot.storage import Store
from bot.vault import PasswordVault

TransportWrapper = Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport]

TOKEN = "123456:SANDBOX-TOKEN"  # noqa: S105 - the emulator's, worthless outside it
CLICKBOOK_ORIGIN = "http://clickbook.sandbox"
TELEGRAM_ORIGIN = "http://telegram.sandbox"


@dataclass
class World:
    """An emulated Telegram, a sandboxed ClickBook and the real bot between them."""

    settings: Settings
    database: Path
    clock: Clock
    catalogs: Catalogs
    emulator: TelegramEmulator
    sandbox: Any
    """The ClickBook sandbox's ASGI app; ``sandbox.state.sandbox`` is its state."""
    vault: PasswordVault = field(default_factory=PasswordVault)
    store: Store | None = None
    client: ClickBookClient | None = None
    application: Application[Any, Any, Any, Any, Any, Any] | None = None
    rate_limiter: bool = False
    limiter_clock: Callable[[], float] = time.monotonic
    limiter_sleep: Callable[[float], Awaitable[object]] = asyncio.sleep
    """The rate limiter's time; tests pass a clock that jumps over its waits."""
    clickbook_timeout: float = 15.0
    """Seconds the bot's ClickBook client waits for an answer (a longer ``delay`` times out)."""
    clickbook_sleep: Callable[[float], Awaitable[object]] | None = None
    """The client's backoff sleep between retries; tests pass a no-op to skip the waits."""
    clickbook_network: TransportWrapper | None = None
    """Wraps the transport to the sandbox, as a network between bot and ClickBook would sit
    there: tests use it to fail or hold chosen requests (a sign-out, an activation)."""
    telegram_network: TransportWrapper | None = None
    """Wraps the transports to the Telegram emulator (the bot's calls and its getUpdates), as
    the network between the bot and the Bot API would: the benchmark adds latency there."""
    clickbook_transport: httpx.AsyncBaseTransport | None = None
    """The transport the bot's ClickBook client uses now (``clickbook_network``'s, if set)."""
    settle: bool = True
    """Each delivery also waits for the background work its update started (the customer's
    sign-in check after Confirm), so a test's next step starts from a settled bot. The
    benchmark turns it off: a customer's reply latency does not include that work."""
    background: BackgroundWork | None = None
    """The running bot's background work."""
    _http: httpx.AsyncClient | None = None

    @classmethod
    async def create(
        cls,
        database: Path,
        *,
        settings: Settings | None = None,
        clock: Clock = utc_now,
        sandbox_clock: Callable[[], datetime] | None = None,
        sandbox_config: SandboxConfig | None = None,
        rate_limiter: bool = False,
        limiter_clock: Callable[[], float] = time.monotonic,
        limiter_sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        clickbook_timeout: float = 15.0,
        clickbook_sleep: Callable[[float], Awaitable[object]] | None = None,
        telegram_clock: Callable[[], datetime] | None = None,
        clickbook_network: TransportWrapper | None = None,
        telegram_network: TransportWrapper | None = None,
    ) -> World:
        """Build the world and start the bot in it.

        ``clickbook_timeout`` and ``clickbook_sleep`` configure the bot's ClickBook client, so
        tests can time a ``delay`` fault out quickly and skip the real backoff waits.
        ``telegram_clock`` drives the emulator's time rules (e.g. how long a callback query
        can be answered); by default the emulator keeps real time. ``clickbook_network``
        wraps the transport between the bot and the ClickBook sandbox, ``telegram_network``
        those between the bot and the Telegram emulator. ``limiter_clock`` and
        ``limiter_sleep`` are the rate limiter's time (real by default).
        """
        urls = sandbox_urls(CLICKBOOK_ORIGIN)
        config = sandbox_config or SandboxConfig()
        base = settings or Settings()
        settings = base.model_copy(
            update={
                "clickbook_auth_url": urls.auth_url,
                "clickbook_logout_url": urls.logout_url,
                "clickbook_api_key": config.api_key,
                "database": database,
                "telegram_api_url": TELEGRAM_ORIGIN,
            }
        )
        world = cls(
            settings=settings,
            database=database,
            clock=clock,
            catalogs=load_catalogs(),
            emulator=TelegramEmulator(
                token=TOKEN, bot_username="clickbook_demo_bot", clock=telegram_clock
            ),
            sandbox=create_app(config, clock=sandbox_clock)
            if sandbox_clock
            else create_app(config),
            rate_limiter=rate_limiter,
            limiter_clock=limiter_clock,
            limiter_sleep=limiter_sleep,
            clickbook_timeout=clickbook_timeout,
            clickbook_sleep=clickbook_sleep,
            clickbook_network=clickbook_network,
            telegram_network=telegram_network,
        )
        await world.start()
        return world

    async def start(self) -> None:
        """Open the database and the ClickBook client, then start a fresh application."""
        urls = sandbox_urls(CLICKBOOK_ORIGIN)
        self.store = await Store.open(self.database)
        transport: httpx.AsyncBaseTransport = SandboxTransport(self.sandbox)
        if self.clickbook_network is not None:
            transport = self.clickbook_network(transport)
        self.clickbook_transport = transport
        self._http = httpx.AsyncClient(transport=transport)
        self.client = ClickBookClient(
            api_url=urls.api_url,
            auth_url=urls.auth_url,
            logout_url=urls.logout_url,
            api_key=self.settings.clickbook_api_key,
            http=self._http,
            timeout=self.clickbook_timeout,
            deadline=self.settings.clickbook_deadline_seconds,
            sleep=self.clickbook_sleep or asyncio.sleep,
        )
        services = Services(
            settings=self.settings,
            store=self.store,
            clickbook=self.client,
            catalogs=self.catalogs,
            clock=self.clock,
            vault=self.vault,
        )
        self.background = services.background
        self.application = build_application(
            services,
            token=TOKEN,
            base_url=f"{TELEGRAM_ORIGIN}/bot",
            request=self._telegram_request(),
            updates_request=self._telegram_request(),
            rate_limiter=self.rate_limiter,
            limiter_clock=self.limiter_clock,
            limiter_sleep=self.limiter_sleep,
        )
        await self.application.initialize()
        if self.application.post_init is not None:
            await self.application.post_init(self.application)
        self.emulator.deliver_to(self._deliver)

    def _telegram_request(self) -> HTTPXRequest:
        """Return a Bot API request object over the emulator (and ``telegram_network``)."""
        transport: httpx.AsyncBaseTransport = self.emulator.transport()
        if self.telegram_network is not None:
            transport = self.telegram_network(transport)
        return HTTPXRequest(httpx_kwargs={"transport": transport})

    async def _deliver(self, payload: dict[str, Any]) -> None:
        """Process one update through the application's own update processor, as production
        does (per-user order, different users at once), and return when it is done."""
        application = self.application
        assert application is not None, "the bot is stopped"
        update = Update.de_json(payload, application.bot)
        await application.update_processor.process_update(
            update, application.process_update(update)
        )
        if self.settle:
            await self.settled()

    async def settled(self) -> None:
        """Wait for the background work the bot started (a crash in it is raised here)."""
        if self.background is not None:
            await self.background.drain()

    async def stop(self, *, crash: bool = False) -> None:
        """Stop the bot; ``crash`` skips the final persistence flush, as a kill would."""
        application = self.application
        if application is None:
            return
        assert self.background is not None
        if not crash:
            await self.background.drain()
            await application.update_persistence()
        if crash:
            self.background.cancel()
            application.persistence = None  # a killed process writes nothing more
        await application.shutdown()
        self.application = None
        assert self.client is not None
        assert self.store is not None
        assert self._http is not None
        await self.client.aclose()
        await self._http.aclose()
        await self.store.close()
        self.vault = PasswordVault()  # a new process remembers no password

    async def restart(self, *, crash: bool = False) -> None:
        """Stop the bot and start a new one on the same database; memory is lost."""
        await self.stop(crash=crash)
        await self.start()

    async def control(self, method: str, path: str, payload: Any = None) -> Any:
        """Call one of the sandbox's ``/_sandbox/`` controls and return its JSON answer."""
        assert self._http is not None, "the world is stopped"
        response = await self._http.request(method, f"{CLICKBOOK_ORIGIN}{path}", json=payload)
        response.raise_for_status()
        return response.json()

    async def clickbook_state(self) -> Any:
        """Return the sandbox's users, stubs and client files (never passwords)."""
        return await self.control("GET", "/_sandbox/state")

    async def fail_clickbook(
        self, operation: str, kind: str, *, times: int = 1, **extra: Any
    ) -> None:
        """Make the next ``times`` calls of a ClickBook operation fail in the given way."""
        await self.control(
            "POST",
            "/_sandbox/faults",
            {"operation": operation, "kind": kind, "times": times, **extra},
        )

    async def run_jobs(self) -> None:
        """Run every background job once, as the scheduler would when they are due."""
        application = self.application
        assert application is not None
        assert application.job_queue is not None
        for job in application.job_queue.jobs():
            await job.run(application)
