"""Whether ClickBook answers: a transport wrapper that remembers the last answer and failure.

The webhook's ``GET /healthz`` asks :meth:`AnswerClock.healthy`. ClickBook counts as
healthy when no request was made yet, when the latest request got an HTTP answer (whatever
its status: ClickBook answered), or when one did within ``within`` seconds. So an idle bot
stays healthy, and a ClickBook that stopped answering turns the check red once it has not
answered for ``within`` seconds while being asked.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

__all__ = ["AnswerClock"]


class AnswerClock(httpx.AsyncBaseTransport):
    """Wrap the transport to ClickBook and record when it last answered or failed."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Wrap ``inner``; ``clock`` counts seconds (monotonic by default)."""
        self._inner = inner
        self._clock = clock
        self.last_answer: float | None = None
        """When ClickBook last sent an HTTP answer, on ``clock``."""
        self.latest_failed = False
        """Whether the most recent request to end got no answer (refused, timed out, cut)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Pass ``request`` on, recording whether an answer came back."""
        try:
            response = await self._inner.handle_async_request(request)
        except Exception:
            self.latest_failed = True
            raise
        self.last_answer = self._clock()
        self.latest_failed = False
        return response

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._inner.aclose()

    def healthy(self, within: float) -> bool:
        """Tell whether ClickBook answers (see the module docstring for the rule)."""
        if not self.latest_failed:
            return True
        return self.last_answer is not None and self._clock() - self.last_answer <= within
