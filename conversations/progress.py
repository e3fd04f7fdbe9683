"""Progress of a slow submission, shown only when it is slow enough to be worth a message edit.

Each edit is a chat-bound Bot API call, and Telegram allows a bot about one a second per chat.
A submission that ClickBook answers quickly goes straight from the tap (whose toast already
says what is happening) to its result; only one that takes longer than ``delay`` shows its
stage on the screen, and from then on every new stage.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

StageT = TypeVar("StageT")

log = logging.getLogger(__name__)

PROGRESS_DELAY = 1.0
"""Seconds a submission may take before its progress appears on the screen."""


class DelayedProgress(Generic[StageT]):
    """Report stages through ``display`` once ``delay`` has passed; ``close`` before the result.

    ``close`` waits for a display already under way (so the result is shown after it, never
    overwritten by it) and cancels one not yet started.
    """

    def __init__(
        self, display: Callable[[StageT], Awaitable[None]], *, delay: float = PROGRESS_DELAY
    ) -> None:
        self._display = display
        self._delay = delay
        self._stage: StageT | None = None
        self._visible = False
        self._timer: asyncio.Task[None] | None = None

    async def __call__(self, stage: StageT) -> None:
        """Note the submission's new stage; show it at once if progress is already visible."""
        self._stage = stage
        if self._visible:
            await self._show(stage)
        elif self._timer is None:
            self._timer = asyncio.create_task(self._show_when_slow())

    async def _show_when_slow(self) -> None:
        await asyncio.sleep(self._delay)
        self._visible = True
        if self._stage is not None:
            await self._show(self._stage)

    async def _show(self, stage: StageT) -> None:
        """Display a stage; a failure is only logged, so that the result still gets shown."""
        try:
            await self._display(stage)
        except Exception as error:  # progress is a courtesy; the submission's result is not
            log.info("could not show a submission's progress: %s", error)

    async def close(self) -> None:
        """Stop showing progress: the caller shows the result next."""
        timer, self._timer = self._timer, None
        if timer is None:
            return
        if not self._visible:
            timer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await timer
