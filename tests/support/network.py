"""Networks between the bot and ClickBook that tests put in the way, at the HTTP boundary."""

from __future__ import annotations

import asyncio

import httpx


class HeldSignIn(httpx.AsyncBaseTransport):
    """ClickBook, with the next sign-in request held once ``armed`` until ``release`` is set."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.armed = False
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Hold the armed sign-in; pass everything on."""
        if self.armed and request.url.path.endswith("/LoginOK"):
            self.armed = False
            self.holding.set()
            await self.release.wait()
        return await self.inner.handle_async_request(request)
