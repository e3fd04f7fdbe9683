"""Work a handler starts and does not wait for: tracked, its failures logged, awaited at stop.

The customer's Confirm is answered as soon as the account is active; checking that they can
sign in is ClickBook work they do not need to wait for. It runs here, so that an error in it
is logged rather than lost, and so that stopping the bot (or a test) can wait for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class BackgroundWork:
    """A set of running tasks, each logged if it fails."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, object], *, name: str) -> None:
        """Run ``work`` without waiting for it."""
        task = asyncio.create_task(self._logged(work, name), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _logged(work: Coroutine[Any, Any, object], name: str) -> None:
        try:
            await work
        except Exception as error:  # background work has nobody else to report to
            log.warning("background %s failed: %s", name, type(error).__name__)

    async def drain(self) -> None:
        """Wait until every task started so far, and any they started, has finished."""
        while self._tasks:
            await asyncio.gather(*self._tasks)

    def cancel(self) -> None:
        """Stop every task at once, as a killed process would."""
        for task in self._tasks:
            task.cancel()

    def __len__(self) -> int:
        return len(self._tasks)
