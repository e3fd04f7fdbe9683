"""Serve the sandbox over HTTP with uvicorn (the CLI's ``clickbot sandbox`` uses this)."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable

import uvicorn

from bot.sandbox.clickbook.app import create_app
from bot.sandbox.clickbook.config import SandboxConfig
from bot.sandbox.clickbook.faults import ConnectionDropped


class _HideDroppedConnections(logging.Filter):
    """Keep uvicorn from logging a traceback for each injected ``drop`` fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ConnectionDropped))


class _Server(uvicorn.Server):
    """A uvicorn server that reports its origin once it is listening."""

    def __init__(self, config: uvicorn.Config, ready: Callable[[str], None] | None) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self._ready is not None:
            host, port = self.servers[0].sockets[0].getsockname()[:2]
            host = f"[{host}]" if ":" in host else host
            self._ready(f"http://{host}:{port}")


async def serve(
    config: SandboxConfig,
    host: str = "127.0.0.1",
    port: int = 8099,
    *,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve a sandbox seeded from ``config`` until cancelled; call ``ready(origin)`` once up.

    ``port=0`` picks a free port (``ready`` receives the real one). Cancelling the task shuts
    the server down cleanly before the cancellation propagates.
    """
    app = create_app(config)
    server = _Server(
        uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"), ready
    )
    hide = _HideDroppedConnections()
    error_log = logging.getLogger("uvicorn.error")
    error_log.addFilter(hide)
    task = asyncio.ensure_future(server.serve())
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        server.should_exit = True
        await task
        raise
    finally:
        error_log.removeFilter(hide)
