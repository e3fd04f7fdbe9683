"""How the store writes moments in time: ISO-8601 UTC text of a fixed width.

Every timestamp column holds text like ``2026-03-01T09:30:00.000000Z``: always UTC, always
with microseconds, always the ``Z`` suffix. The fixed width makes SQLite's plain text
comparison (``next_check_at <= ?``) agree with chronological order, and the text stays
readable in the ``sqlite3`` shell. The store never reads the clock: callers pass ``now``
(an aware ``datetime``) in, so tests drive time with an injected clock.
"""

from __future__ import annotations

from datetime import UTC, datetime

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def to_db_time(moment: datetime) -> str:
    """Render an aware datetime as the store's UTC text; refuse naive datetimes."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the store needs timezone-aware datetimes (got a naive one)")
    return moment.astimezone(UTC).strftime(_FORMAT)


def from_db_time(text: str) -> datetime:
    """Parse the store's UTC text back into an aware UTC datetime."""
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)


def from_db_time_or_none(text: str | None) -> datetime | None:
    """Parse an optional timestamp column."""
    return None if text is None else from_db_time(text)
