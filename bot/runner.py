"""``clickbot run``: the bot in production, by long polling or behind a webhook.

The lifecycle is driven by hand rather than with ``Application.run_polling`` so that the
SQLite store and the ClickBook client live on the same event loop as the bot and are closed
after it: initialize → start polling or the webhook → start → wait for SIGINT/SIGTERM → stop
in reverse order. One process only: PTB's conversation state cannot be shared between
processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import httpx
from telegram import Update
from telegram.request import BaseRequest

from bot.app import build_application
from bot.clickbook import ClickBookClient
from bot.clock import utc_now
from bot.config import Settings
from bot.i18n import load_catalogs
from bot.services import Services
from bot.storage import Store

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


def configure_logging(level: str) -> None:
    """Log at ``level``, keeping libraries that would print secrets below it."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name, floor in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLevelName(level)))


@asynccontextmanager
async def clickbook_for(settings: Settings) -> AsyncIterator[ClickBookClient]:
    """Connect to ClickBook, or to the built-in sandbox when no ClickBook URL is configured."""
    if not settings.uses_sandbox:
        assert settings.clickbook_url is not None
        async with ClickBookClient(
            api_url=settings.clickbook_url,
            auth_url=settings.clickbook_auth_url,
            logout_url=settings.clickbook_logout_url,
            api_key=settings.clickbook_api_key,
            deadline=settings.clickbook_deadline_seconds,
        ) as client:
            yield client
        return
    from bot.sandbox.clickbook import SandboxConfig, SandboxTransport, create_app, sandbox_urls

    config = SandboxConfig()
    urls = sandbox_urls("http://clickbook.sandbox")
    log.warning(
        "NO CLICKBOOK URL CONFIGURED: running against the built-in ClickBook SANDBOX. "
        "Accounts created now are not real. Set CLICKBOT_CLICKBOOK_URL for production."
    )
    async with (
        httpx.AsyncClient(transport=SandboxTransport(create_app(config))) as http,
        ClickBookClient(
            api_url=urls.api_url,
            auth_url=urls.auth_url,
            logout_url=urls.logout_url,
            api_key=config.api_key,
            http=http,
            deadline=settings.clickbook_deadline_seconds,
        ) as client,
    ):
        yield client


async def serve_bot(
    settings: Settings,
    stop: asyncio.Event,
    *,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
) -> None:
    """Run the bot until ``stop`` is set; the requests are injectable for black-box tests."""
    if settings.telegram_token is None:
        raise ValueError("a Telegram token is required")
    store = await Store.open(settings.database)
    try:
        async with clickbook_for(settings) as client:
            services = Services(
                settings=settings,
                store=store,
                clickbook=client,
                catalogs=load_catalogs(),
                clock=utc_now,
            )
            application = build_application(
                services,
                token=settings.telegram_token.get_secret_value(),
                request=request,
                updates_request=updates_request,
            )
            async with application:
                if application.post_init is not None:  # run_polling would call it; we must too
                    await application.post_init(application)
                updater = application.updater
                assert updater is not None
                if settings.webhook_mode:
                    assert settings.webhook_url is not None
                    secret = (
                        settings.webhook_secret.get_secret_value()
                        if settings.webhook_secret
                        else None
                    )
                    await updater.start_webhook(
                        listen=settings.webhook_listen,
                        port=settings.webhook_port,
                        url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
                        webhook_url=settings.webhook_url,
                        secret_token=secret,
                        allowed_updates=Update.ALL_TYPES,
                    )
                    log.info(
                        "receiving updates by webhook on %s:%s",
                        settings.webhook_listen,
                        settings.webhook_port,
                    )
                else:
                    await updater.start_polling(allowed_updates=Update.ALL_TYPES)
                    log.info("receiving updates by long polling")
                await application.start()
                await stop.wait()
                await updater.stop()
                await application.stop()
    finally:
        await store.close()


def run_production(settings: Settings) -> int:
    """Run until SIGINT or SIGTERM; return the process exit code."""
    if settings.webhook_url is not None and settings.webhook_secret is None:
        log.error("CLICKBOT_WEBHOOK_SECRET: required with CLICKBOT_WEBHOOK_URL")
        return 2

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
        await serve_bot(settings, stop)

    asyncio.run(main())
    return 0
