"""Build the sandbox's ASGI app: every ClickBook path of the contract on one origin."""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.routing import Route

from bot.sandbox.clickbook import auth, controls
from bot.sandbox.clickbook.clock import Clock, Sleep, system_clock
from bot.sandbox.clickbook.config import SandboxConfig
from bot.sandbox.clickbook.state import SandboxState
from bot.sandbox.clickbook.webservice import web_service


def create_app(
    config: SandboxConfig | None = None,
    *,
    clock: Clock | None = None,
    sleep: Sleep | None = None,
) -> Starlette:
    """Return a sandbox app seeded from ``config``; its state is ``app.state.sandbox``.

    ``clock`` (aware UTC datetimes) drives sessions, lockouts and stub expiry; ``sleep``
    serves the ``delay`` fault. Both default to the real ones.
    """
    routes = [
        Route("/wsapi/latest/{service}", web_service, methods=["GET", "POST"]),
        Route("/auth/auth.nsf/LoginOK", auth.login, methods=["GET"]),
        Route("/names.nsf", auth.names, methods=["GET"]),
        Route("/_sandbox/state", controls.show_state, methods=["GET"]),
        Route("/_sandbox/outbox", controls.show_outbox, methods=["GET"]),
        Route(
            "/_sandbox/invitations/{client_file_id}/accept",
            controls.accept_invitation,
            methods=["POST"],
        ),
        Route("/_sandbox/faults", controls.add_fault, methods=["POST"]),
        Route("/_sandbox/faults", controls.list_faults, methods=["GET"]),
        Route("/_sandbox/faults", controls.clear_faults, methods=["DELETE"]),
        Route("/_sandbox/reset", controls.reset, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.sandbox = SandboxState(config or SandboxConfig(), clock or system_clock)
    app.state.sleep = sleep or asyncio.sleep
    return app
