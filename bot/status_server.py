"""The status server: ``/metrics`` and ``/healthz`` on a port of their own.

In webhook mode the webhook's port serves both already; with long polling nothing listens,
so a Prometheus scraper or a supervisor's health probe has nothing to ask. Setting
``CLICKBOT_STATUS_PORT`` starts this small server, in either mode, on
``CLICKBOT_STATUS_HOST`` (``127.0.0.1`` unless changed: the metrics are for the operator).
Unset or ``0`` means off: an operator who asked for no port expects nothing to listen, and
a random port (what ``0`` means to the socket layer) could not be found by a scraper anyway.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette

from bot.config import Settings
from bot.http_endpoints import HealthCheck, Scrape, health_route, metrics_route
from bot.services import Services
from bot.webhook import AppServer

log = logging.getLogger(__name__)


class StatusServerError(Exception):
    """Raised when the status server cannot listen; one line naming the setting."""


def status_app(*, health: HealthCheck, scrape: Scrape) -> Starlette:
    """Build the ASGI app serving ``GET /healthz`` and ``GET /metrics``."""
    return Starlette(routes=[health_route(health), metrics_route(scrape)])


def scrape_of(services: Services) -> Scrape:
    """Return the application's exposition, reading the pending registrations at each scrape."""

    async def scrape() -> bytes:
        return await services.metrics.render(services.store.count_pending_registrations)

    return scrape


@asynccontextmanager
async def serving_status(
    settings: Settings, *, health: HealthCheck, scrape: Scrape
) -> AsyncIterator[AppServer | None]:
    """Serve the status server for the block when ``status_port`` asks for one (else yield None).

    Raise StatusServerError if the port cannot be listened on.
    """
    if not settings.status_port:
        yield None
        return
    server = AppServer(
        status_app(health=health, scrape=scrape),
        host=settings.status_host,
        port=settings.status_port,
    )
    try:
        await server.start()
    except OSError as error:
        raise StatusServerError(
            f"CLICKBOT_STATUS_PORT: cannot listen on {settings.status_host}:"
            f"{settings.status_port} ({error.strerror or type(error).__name__})"
        ) from None
    log.info("status server on %s:%s (/metrics, /healthz)", settings.status_host, server.port)
    try:
        yield server
    finally:
        await server.stop()
