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


class SignOutDown(httpx.AsyncBaseTransport):
    """ClickBook with its sign-out page (``names.nsf?Logout``) failing, the rest working.

    The sandbox's controls cannot fault the sign-out, so it fails here: with a 503, or, with
    ``unreachable``, a refused connection.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, *, unreachable: bool = False) -> None:
        self.inner = inner
        self.unreachable = unreachable
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Fail the sign-out, pass the rest on."""
        if "logout" in request.url.query.decode().lower():
            self.refused += 1
            if self.unreachable:
                raise httpx.ConnectError("connection refused", request=request)
            return httpx.Response(503, text="Service Unavailable")
        return await self.inner.handle_async_request(request)
