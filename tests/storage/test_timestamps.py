"""The store's time text: fixed-width UTC, so SQLite's text order is time order."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.storage.timestamps import from_db_time, from_db_time_or_none, to_db_time

_TOKYO = timezone(timedelta(hours=9))


def test_a_moment_is_written_as_utc_text_with_microseconds() -> None:
    moment = datetime(2026, 3, 1, 18, 30, 5, 7, tzinfo=_TOKYO)
    assert to_db_time(moment) == "2026-03-01T09:30:05.000007Z"
    back = from_db_time("2026-03-01T09:30:05.000007Z")
    assert back == moment
    assert back.tzinfo is UTC
    assert from_db_time_or_none("2026-03-01T09:30:05.000007Z") == moment
    assert from_db_time_or_none(None) is None


def test_the_text_is_utc_whatever_zone_the_machine_runs_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert to_db_time(datetime(2026, 3, 1, 9, 30, tzinfo=UTC)) == "2026-03-01T09:30:00.000000Z"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_text_sorts_in_time_order() -> None:
    moments = [
        datetime(2026, 3, 1, 9, 0, tzinfo=UTC) + timedelta(microseconds=10**n) for n in range(10)
    ]
    assert sorted(to_db_time(m) for m in moments) == [to_db_time(m) for m in moments]


class _NoOffset(datetime):
    """A datetime whose zone knows no offset: as naive as no zone at all."""

    def utcoffset(self) -> None:  # type: ignore[override]
        return None


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 1, 9, 0),  # noqa: DTZ001
        _NoOffset(2026, 3, 1, 9, 0, tzinfo=UTC),
    ],
)
def test_a_moment_without_an_offset_is_refused(moment: datetime) -> None:
    with pytest.raises(
        ValueError, match=r"^the store needs timezone-aware datetimes \(got a naive one\)$"
    ):
        to_db_time(moment)
