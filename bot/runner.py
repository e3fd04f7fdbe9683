"""``clickbot run``: the bot in production, by long polling or behind a webhook.

The lifecycle is driven by hand rather than with ``Application.run_polling`` so that the
SQLite store and the ClickBook client live on the same event loop as the bot and are closed
after it: initialize → start polling or the webhook → start → wait for SIGINT/SIGTERM → stop
in reverse order. The webhook is the project's own server (:mod:`bot.webhook`), not PTB's.
A failure to start (the database, the token, Telegram unreachable, the webhook's port) is a
``StartupError`` whose message is one line naming the setting. One process only: PTB's
conversation state cannot be shared between processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from telegram import Update
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest

from bot.app import build_application
from bot.clickbook import ClickBookClient
from bot.clickbook.health import AnswerClock
from bot.clock import utc_now
from bot.config import Settings
from bot.http_endpoints import HealthCheck, Scrape
from bot.i18n import load_catalogs
from bot.log_format import JsonFormatter
from bot.services import Services
from bot.status_server import StatusServerError, scrape_of, serving_status
from bot.storage import Store
from bot.storage.errors import StorageError
from bot.version import package_version
from bot.webhook import AppServer, webhook_app

log = logging.getLogger(__name__)

QUIET_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "apscheduler": logging.WARNING,
    "aiosqlite": logging.INFO,
}
"""httpx logs every request URL at INFO, and Bot API URLs contain the bot token; aiosqlite logs
every SQL statement with its parameters (users' answers) at DEBUG. PTB's own DEBUG records are
kept but stripped of payloads (:mod:`bot.log_privacy`)."""


def configure_logging(level: str, log_format: str = "text") -> None:
    """Log at ``level`` as text or JSON lines, keeping libraries that would print secrets below it.

    The redaction (:mod:`bot.log_privacy`) is done by filters on the loggers, before any
    formatter sees a record, so it holds for both formats.
    """
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if log_format == "json":
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
    for name, floor in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLevelName(level)))


CLICKBOOK_HEALTHY_WITHIN = 300.0
"""Seconds ClickBook may go unanswering, while asked, before ``/healthz`` reports it."""
STORE_CHECK_SECONDS = 5.0
"""How long ``/healthz`` waits for the store's trivial query."""


class StartupError(Exception):
    """Raised when the bot cannot start; the message is one line naming the setting to fix."""


@asynccontextmanager
async def clickbook_for(settings: Settings) -> AsyncIterator[tuple[ClickBookClient, AnswerClock]]:
    """Connect to ClickBook, or to the built-in sandbox when it was asked for.

    Also yield the clock of ClickBook's answers that ``/healthz`` reads.
    """
    if settings.clickbook_url is not None:
        answers = AnswerClock(httpx.AsyncHTTPTransport())
        async with ClickBookClient(
            api_url=settings.clickbook_url,
            auth_url=settings.clickbook_auth_url,
            logout_url=settings.clickbook_logout_url,
            api_key=settings.clickbook_api_key,
            deadline=settings.clickbook_deadline_seconds,
            transport=answers,
        ) as client:
            yield client, answers
        return
    from bot.sandbox.clickbook import SandboxConfig, SandboxTransport, create_app, sandbox_urls

    config = SandboxConfig()
    urls = sandbox_urls("http://clickbook.sandbox")
    answers = AnswerClock(SandboxTransport(create_app(config)))
    log.warning(
        "CLICKBOOK SANDBOX, as asked: accounts created now are not real. "
        "Set CLICKBOT_CLICKBOOK_URL (and drop CLICKBOT_CLICKBOOK_SANDBOX) for production."
    )
    async with (
        httpx.AsyncClient(transport=answers) as http,
        ClickBookClient(
            api_url=urls.api_url,
            auth_url=urls.auth_url,
            logout_url=urls.logout_url,
            api_key=config.api_key,
            http=http,
            deadline=settings.clickbook_deadline_seconds,
        ) as client,
    ):
        yield client, answers


async def serve_bot(
    settings: Settings,
    stop: asyncio.Event,
    *,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
) -> None:
    """Run the bot until ``stop`` is set; the requests are injectable for black-box tests.

    Raise ``StartupError`` if the store, Telegram or the webhook's port refuse to start.
    """
    if settings.telegram_token is None:
        raise ValueError("a Telegram token is required")
    token = settings.telegram_token.get_secret_value()
    mode = "webhook" if settings.webhook_mode else "long polling"
    log.info("clickbot %s starting (%s)", package_version(), mode)
    store = await _open_store(settings.database)
    try:
        async with clickbook_for(settings) as (client, answers):
            services = Services(
                settings=settings,
                store=store,
                clickbook=client,
                catalogs=load_catalogs(),
                clock=utc_now,
            )
            application = build_application(
                services, token=token, request=request, updates_request=updates_request
            )
            try:
                await application.initialize()
            except TelegramError as error:
                await application.shutdown()  # as PTB's own ``async with application`` does
                raise StartupError(_telegram_problem(error, token)) from None
            health, scrape = health_check(store, answers), scrape_of(services)
            try:
                if application.post_init is not None:  # run_polling would call it; we must too
                    await application.post_init(application)
                async with _status_server(settings, health, scrape):
                    stop_receiving = await _receive_updates(application, settings, health, scrape)
                    try:
                        await application.start()
                        await stop.wait()
                    finally:
                        await stop_receiving()
                        if application.running:
                            await application.stop()
                        await services.background.drain()
            finally:
                await application.shutdown()
    finally:
        await store.close()


async def _open_store(path: Path) -> Store:
    """Open the store, or raise StartupError naming CLICKBOT_DATABASE."""
    try:
        return await Store.open(path)
    except OSError as error:
        reason = error.strerror or type(error).__name__
    except (sqlite3.Error, StorageError) as error:
        reason = str(error)
    raise StartupError(f"CLICKBOT_DATABASE: cannot open the database at {path} ({reason})")


@asynccontextmanager
async def _status_server(
    settings: Settings, health: HealthCheck, scrape: Scrape
) -> AsyncIterator[None]:
    """Serve ``/metrics`` and ``/healthz`` on ``CLICKBOT_STATUS_PORT`` if set, for the block."""
    async with contextlib.AsyncExitStack() as stack:
        try:
            await stack.enter_async_context(serving_status(settings, health=health, scrape=scrape))
        except StatusServerError as error:
            raise StartupError(str(error)) from None
        yield


async def _receive_updates(
    application: Application[Any, Any, Any, Any, Any, Any],
    settings: Settings,
    health: HealthCheck,
    scrape: Scrape,
) -> Callable[[], Awaitable[None]]:
    """Start long polling or the webhook server; return what stops it."""
    token = application.bot.token
    if not settings.webhook_mode:
        updater = application.updater
        assert updater is not None
        try:
            await updater.start_polling(allowed_updates=Update.ALL_TYPES)
        except TelegramError as error:
            raise StartupError(_telegram_problem(error, token)) from None
        log.info("receiving updates by long polling")
        return updater.stop

    # PTB's Updater stays unused: its tornado server reads whole bodies before the secret.
    if settings.webhook_url is None or settings.webhook_secret is None:
        raise ValueError("a webhook needs its URL and secret")
    secret = settings.webhook_secret.get_secret_value()
    app = webhook_app(
        path=urlsplit(settings.webhook_url).path or "/",
        secret=secret,
        bot=application.bot,
        updates=application.update_queue,
        health=health,
        scrape=scrape,
    )
    server = AppServer(app, host=settings.webhook_listen, port=settings.webhook_port)
    try:
        await server.start()
    except OSError as error:
        raise StartupError(
            f"CLICKBOT_WEBHOOK_PORT: cannot listen on {settings.webhook_listen}:"
            f"{settings.webhook_port} ({error.strerror or type(error).__name__})"
        ) from None
    try:
        await application.bot.set_webhook(
            settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
    except TelegramError as error:
        await server.stop()
        raise StartupError(
            _telegram_problem(error, token, refused="CLICKBOT_WEBHOOK_URL")
        ) from None
    log.info(
        "receiving updates by webhook on %s:%s", settings.webhook_listen, settings.webhook_port
    )
    return server.stop


def health_check(store: Store, answers: AnswerClock) -> HealthCheck:
    """Return ``/healthz``'s check: the store answers a trivial query, and ClickBook answers."""

    async def check() -> dict[str, bool]:
        return {
            "store": await _store_answers(store),
            "clickbook": answers.healthy(CLICKBOOK_HEALTHY_WITHIN),
        }

    return check


async def _store_answers(store: Store) -> bool:
    """Tell whether the store answers a trivial query in time."""
    try:
        async with asyncio.timeout(STORE_CHECK_SECONDS):
            await store.schema_version()
    except Exception:
        log.warning("healthz: the store did not answer", exc_info=True)
        return False
    return True


def _telegram_problem(
    error: TelegramError, token: str, *, refused: str = "CLICKBOT_TELEGRAM_TOKEN"
) -> str:
    """Describe a Telegram failure at start-up in one line, naming the setting, never the token.

    ``refused`` names the setting Telegram turned down when it answered with an error.
    """
    # PTB's InvalidToken message quotes the token; the others might quote a URL holding it.
    reason = error.message.replace(token, "<token>").splitlines()[0] if error.message else ""
    if isinstance(error, InvalidToken):
        return "CLICKBOT_TELEGRAM_TOKEN: Telegram refused the token (check it with @BotFather)"
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return f"CLICKBOT_TELEGRAM_API_URL: could not reach Telegram ({reason})"
    return f"{refused}: Telegram refused it ({reason})"


def run_production(settings: Settings) -> int:
    """Run until SIGINT or SIGTERM; return the process exit code.

    Raise ``StartupError`` (one line, naming the setting) if the bot cannot start.
    """

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
        await serve_bot(settings, stop)

    asyncio.run(main())
    return 0
