"""The webhook server: Telegram's update pushes and the operator's health check.

It replaces python-telegram-bot's tornado server, which buffered bodies of up to 100 MB and
parsed them before it looked at the secret. Here, for ``POST <path>``:

1. the ``X-Telegram-Bot-Api-Secret-Token`` header is compared (``hmac.compare_digest``)
   before a byte of the body is read: 403 on a wrong or missing secret;
2. the body is refused with 413 past ``MAX_BODY_BYTES``, by its Content-Length up front or
   while it streams in;
3. the JSON is parsed into an ``Update`` and put on the application's update queue, where
   ``Application.start()``'s fetcher processes it, as PTB's own webhook does (400 if it is
   not an update).

``GET /healthz`` answers 200 when the store answers a trivial query and ClickBook answers
(:mod:`bot.clickbook.health`), 503 otherwise, with a JSON body naming each part; ``GET
/metrics`` the Prometheus metrics (:mod:`bot.http_endpoints`). Have the proxy forward only
the webhook's path: the metrics are for the operator, not the internet.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import socket
from collections.abc import Iterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Bot, Update

from bot.http_endpoints import HealthCheck, Scrape, health_route, metrics_route

__all__ = ["MAX_BODY_BYTES", "SECRET_HEADER", "AppServer", "HealthCheck", "webhook_app"]

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
"""Telegram's updates are a few kB; anything past this is not one."""
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


def webhook_app(
    *,
    path: str,
    secret: str,
    bot: Bot,
    updates: asyncio.Queue[Any],
    health: HealthCheck,
    scrape: Scrape | None = None,
) -> Starlette:
    """Build the ASGI app receiving updates at ``path`` and serving ``/healthz`` (and
    ``/metrics`` when ``scrape`` is given)."""
    expected = secret.encode()

    async def receive_update(request: Request) -> Response:
        # Starlette decodes headers as latin-1, so this gives back the bytes that were sent.
        offered = request.headers.get(SECRET_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(offered, expected):
            return PlainTextResponse("forbidden", status_code=403)
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdecimal() or int(declared) > MAX_BODY_BYTES):
            return PlainTextResponse("too large", status_code=413)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return PlainTextResponse("too large", status_code=413)
        update = _parse_update(bytes(body), bot)
        if update is None:
            return PlainTextResponse("not an update", status_code=400)
        await updates.put(update)
        return PlainTextResponse("ok")

    routes = [Route(path, receive_update, methods=["POST"]), health_route(health)]
    if scrape is not None:
        routes.append(metrics_route(scrape))
    return Starlette(routes=routes)


def _parse_update(body: bytes, bot: Bot) -> Update | None:
    """Return the Update in ``body``, or None (logged without the payload) if it is none."""
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise ValueError("not a JSON object with an integer update_id")
        return Update.de_json(data, bot)
    except Exception as error:  # PTB's de_json raises whatever a malformed field provokes
        log.warning("webhook: refused a body that is not an update (%s)", type(error).__name__)
        return None


class _Server(uvicorn.Server):
    """uvicorn without its signal handlers: the runner owns SIGINT and SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class AppServer:
    """Serve an ASGI app with uvicorn on a socket bound at ``start`` (so a busy port is an
    ``OSError`` there, not uvicorn's ``sys.exit``), until ``stop``."""

    def __init__(self, app: Starlette, *, host: str, port: int) -> None:
        self._app = app
        self._host = host
        self._port = port
        self._server: _Server | None = None
        self._task: asyncio.Task[None] | None = None
        self.port = port
        """The port listened on: the real one once started, when 0 was asked for."""

    async def start(self) -> None:
        """Bind and listen (raising ``OSError`` if that fails), then serve in a task."""
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        sock = socket.create_server((self._host, self._port), family=family)
        sock.setblocking(False)
        self.port = int(sock.getsockname()[1])
        config = uvicorn.Config(
            self._app, log_level="warning", log_config=None, access_log=False, lifespan="off"
        )
        self._server = _Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))

    async def stop(self) -> None:
        """Stop accepting, finish the requests in progress and close."""
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        await self._task
