"""Store queries for the owner's numbers: anonymous events, and the forms left unfinished.

An event is a kind, a day, and for some kinds a form step or a duration; it names nobody
(no Telegram id, no email), so the numbers outlive the personal data they were counted from.
Drafts carry the ``updated_at`` at which they were last counted as abandoned, so each idle
spell of a form is counted once, however often the housekeeping job looks.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.storage._core import StoreCore
from bot.storage.jsoncodec import decode_json
from bot.storage.timestamps import to_db_time

EventCounts = dict[tuple[str, str | None], int]
"""How many events of each (kind, step) there were; step is ``None`` for kinds without one."""


class StatsQueries(StoreCore):
    """Anonymous events and abandoned drafts."""

    async def record_event(
        self, kind: str, day: date, *, step: str | None = None, seconds: float | None = None
    ) -> None:
        """Record one event of ``kind`` on ``day`` (the business's calendar day)."""
        await self._execute(
            "INSERT INTO funnel_events (kind, day, step, seconds) VALUES (?, ?, ?, ?)",
            (kind, day.isoformat(), step, seconds),
        )

    async def count_events(self, since: date) -> EventCounts:
        """Return the number of events of each kind and step on ``since`` or later."""
        rows = await self._fetch_all(
            "SELECT kind, step, count(*) AS n FROM funnel_events WHERE day >= ? "
            "GROUP BY kind, step",
            (since.isoformat(),),
        )
        return {(str(row["kind"]), row["step"]): int(row["n"]) for row in rows}

    async def event_durations(self, kind: str, since: date) -> list[float]:
        """Return the durations recorded with ``kind`` events on ``since`` or later, sorted."""
        rows = await self._fetch_all(
            "SELECT seconds FROM funnel_events WHERE kind = ? AND day >= ? "
            "AND seconds IS NOT NULL ORDER BY seconds",
            (kind, since.isoformat()),
        )
        return [float(row["seconds"]) for row in rows]

    async def prune_events(self, before: date) -> int:
        """Delete events of days before ``before``; return how many."""
        return await self._execute(
            "DELETE FROM funnel_events WHERE day < ?", (before.isoformat(),)
        )

    async def take_idle_drafts(self, flow: str, idle_since: datetime) -> list[dict[str, object]]:
        """Return the fields of ``flow``'s drafts unchanged since before ``idle_since`` and not
        yet counted in this idle spell, and mark them counted (one statement: never twice).

        A draft whose user has a registration under way (submitted, waiting for the job) is
        not idle: the customer is done, ClickBook is not.
        """
        rows = await self._fetch_all(
            "UPDATE drafts SET abandonment_counted = updated_at "
            "WHERE flow = ? AND updated_at < ? "
            "AND abandonment_counted IS NOT updated_at "
            "AND NOT EXISTS (SELECT 1 FROM registrations AS r "
            "WHERE r.telegram_id = drafts.telegram_id AND r.state != 'failed') "
            "RETURNING fields",
            (flow, to_db_time(idle_since)),
        )
        return [decode_json(row["fields"]) for row in rows]

    async def count_pending_registrations(self) -> int:
        """Return how many registrations the background job still has to finish or announce."""
        row = await self._fetch_one(
            "SELECT count(*) AS n FROM registrations "
            "WHERE state != 'failed' AND user_notified_at IS NULL"
        )
        return 0 if row is None else int(row["n"])
