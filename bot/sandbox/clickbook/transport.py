"""An in-process httpx transport to the sandbox that fails the way a real socket does."""

from __future__ import annotations

import asyncio

import httpx
from starlette.types import ASGIApp

from bot.sandbox.clickbook.faults import ConnectionDropped


class SandboxTransport(httpx.AsyncBaseTransport):
    """Serve requests from the sandbox app in process, like ``httpx.ASGITransport``, plus:

    - the request's read timeout (``request.extensions["timeout"]["read"]``) is enforced and
      raises ``httpx.ReadTimeout``, so a ``delay`` fault times a client out;
    - a ``drop`` fault raises ``httpx.RemoteProtocolError`` after the app did the work, as
      when a server disconnects without answering.
    """

    def __init__(self, app: ASGIApp) -> None:
        """Wrap ``app`` (built by ``create_app``)."""
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` to the app and return its answer, or raise as a socket would."""
        timeout = request.extensions.get("timeout", {}).get("read")
        try:
            return await asyncio.wait_for(self._inner.handle_async_request(request), timeout)
        except TimeoutError:
            raise httpx.ReadTimeout(
                "The sandbox did not answer in time.", request=request
            ) from None
        except ConnectionDropped:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._inner.aclose()
