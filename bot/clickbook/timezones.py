"""ClickBook's time zones: parse Domino time zone strings and compute their local time.

A ClickBook zone value looks like ``Z=-10$DO=1$DL=10 1 1 4 1 1$ZX=66$ZN=AUS Eastern``:

- ``Z`` is the standard offset in hours *west* of GMT, possibly fractional (``-5.5``);
- ``DO`` is 1 when daylight saving is observed, and then ``DL`` gives its rule:
  ``<startMonth> <startWeek> <startWeekday> <endMonth> <endWeek> <endWeekday>``, where the
  week is 1..4 or -1 for the last one and the weekday is 1 (Sunday) .. 7 (Saturday);
- both transitions happen at 02:00 local *standard* time and DST adds one hour;
- ``ZX`` is a numeric id and ``ZN`` the zone's name.

The value is kept verbatim because ClickBook only accepts one of the values it sent.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Self

from pydantic import BaseModel, ConfigDict, Field

DST_SAVING = timedelta(hours=1)
"""How much daylight saving time adds to the standard offset."""

TRANSITION_TIME = time(2, 0)
"""Local standard time at which DST starts and ends."""

_LAST_WEEK = -1
_MAX_ABS_OFFSET = timedelta(hours=14)
_LABEL_PREFIX = re.compile(r"^\s*\([^)]*\)\s*")


class DstRule(BaseModel):
    """A Domino daylight saving rule: from the n-th weekday of one month to that of another."""

    model_config = ConfigDict(frozen=True)

    start_month: int = Field(ge=1, le=12)
    start_week: int
    """1..4 for the first..fourth such weekday of the month, -1 for the last one."""
    start_weekday: int = Field(ge=1, le=7)
    """1 = Sunday .. 7 = Saturday."""
    end_month: int = Field(ge=1, le=12)
    end_week: int
    end_weekday: int = Field(ge=1, le=7)

    @classmethod
    def parse(cls, text: str) -> Self:
        """Parse a ``DL`` value such as ``10 1 1 4 1 1``; raise ValueError if malformed."""
        parts = text.split()
        if len(parts) != 6:
            raise ValueError(f"a DST rule needs six numbers, got {text!r}")
        try:
            numbers = [int(part) for part in parts]
        except ValueError:
            raise ValueError(f"a DST rule needs six numbers, got {text!r}") from None
        start_month, start_week, start_weekday, end_month, end_week, end_weekday = numbers
        for week in (start_week, end_week):
            if week != _LAST_WEEK and not 1 <= week <= 4:
                raise ValueError(f"a DST rule week must be 1..4 or -1, got {text!r}")
        return cls(
            start_month=start_month,
            start_week=start_week,
            start_weekday=start_weekday,
            end_month=end_month,
            end_week=end_week,
            end_weekday=end_weekday,
        )

    def start(self, year: int) -> datetime:
        """Return the naive local standard time at which DST starts in ``year``."""
        return _transition(year, self.start_month, self.start_week, self.start_weekday)

    def end(self, year: int) -> datetime:
        """Return the naive local standard time at which DST ends in ``year``."""
        return _transition(year, self.end_month, self.end_week, self.end_weekday)

    def is_dst(self, local_standard: datetime) -> bool:
        """Tell whether DST is in force at a naive local *standard* time."""
        start = self.start(local_standard.year)
        end = self.end(local_standard.year)
        if start < end:
            return start <= local_standard < end
        # Southern hemisphere: the DST period wraps the new year.
        return local_standard >= start or local_standard < end


def _transition(year: int, month: int, week: int, domino_weekday: int) -> datetime:
    """Return the naive local standard datetime of a DST transition."""
    python_weekday = (domino_weekday - 2) % 7  # Domino 1 = Sunday; Python 0 = Monday.
    first_weekday, days_in_month = calendar.monthrange(year, month)
    first_match = 1 + (python_weekday - first_weekday) % 7
    if week == _LAST_WEEK:
        day = first_match + 7 * ((days_in_month - first_match) // 7)
    else:
        day = first_match + 7 * (week - 1)
    return datetime.combine(date(year, month, day), TRANSITION_TIME)


class TimeZone(BaseModel):
    """One of ClickBook's time zones, as GETTIMEZONEINFO returns it."""

    model_config = ConfigDict(frozen=True)

    value: str
    """The Domino string exactly as ClickBook sent it; what must be submitted back."""
    label: str
    """ClickBook's label, e.g. ``(GMT+10:00) Canberra, Melbourne, Sydney``."""
    name: str
    """The ``ZN`` part, e.g. ``AUS Eastern``."""
    standard_offset: timedelta
    """Standard offset east of UTC (the negated ``Z``)."""
    dst_rule: DstRule | None
    """The daylight saving rule, or None when the zone does not observe DST."""

    @classmethod
    def parse(cls, value: str, label: str) -> Self:
        """Build a zone from ClickBook's value and label; raise ValueError if the value is bad."""
        fields = _split_fields(value)
        missing = {"Z", "DO", "ZX", "ZN"} - fields.keys()
        if missing:
            raise ValueError(f"time zone value {value!r} lacks {', '.join(sorted(missing))}")
        standard_offset = _parse_offset(fields["Z"], value)
        if not fields["ZX"].strip().isdigit():
            raise ValueError(f"time zone value {value!r} has a non-numeric ZX")
        name = fields["ZN"].strip()
        if not name:
            raise ValueError(f"time zone value {value!r} has an empty ZN")
        match fields["DO"].strip():
            case "1":
                if "DL" not in fields:
                    raise ValueError(f"time zone value {value!r} observes DST but lacks DL")
                dst_rule: DstRule | None = DstRule.parse(fields["DL"])
            case "0":
                # A DL without DO=1 is ignored: DO alone says whether DST is observed.
                dst_rule = None
            case other:
                raise ValueError(f"time zone value {value!r} has DO={other!r}, not 0 or 1")
        return cls(
            value=value,
            label=label,
            name=name,
            standard_offset=standard_offset,
            dst_rule=dst_rule,
        )

    @property
    def observes_dst(self) -> bool:
        """Tell whether this zone has daylight saving time."""
        return self.dst_rule is not None

    @property
    def places(self) -> tuple[str, ...]:
        """Return the cities and regions named in the label, without the ``(GMT…)`` prefix."""
        rest = _LABEL_PREFIX.sub("", self.label, count=1)
        return tuple(place.strip() for place in rest.split(",") if place.strip())

    def utc_offset_at(self, instant: datetime) -> timedelta:
        """Return the UTC offset in force at an aware instant (standard, or one hour more)."""
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError("instant must be timezone-aware")
        if self.dst_rule is None:
            return self.standard_offset
        local_standard = instant.astimezone(UTC).replace(tzinfo=None) + self.standard_offset
        if self.dst_rule.is_dst(local_standard):
            return self.standard_offset + DST_SAVING
        return self.standard_offset

    def local_time(self, instant: datetime) -> datetime:
        """Return ``instant`` as an aware datetime at this zone's offset at that moment."""
        return instant.astimezone(timezone(self.utc_offset_at(instant)))


def _split_fields(value: str) -> dict[str, str]:
    """Split ``K=V$K=V`` into a dict; raise ValueError on a part without ``=`` or a repeat."""
    fields: dict[str, str] = {}
    for part in value.split("$"):
        key, sep, field_value = part.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"time zone value {value!r} has a malformed part {part!r}")
        if key in fields:
            raise ValueError(f"time zone value {value!r} repeats {key}")
        fields[key] = field_value
    return fields


def _parse_offset(z: str, value: str) -> timedelta:
    """Turn ``Z`` (hours west of GMT) into a whole-minute offset east of UTC."""
    try:
        hours_west = Decimal(z.strip())
    except InvalidOperation:
        raise ValueError(f"time zone value {value!r} has a non-numeric Z") from None
    if not hours_west.is_finite():
        raise ValueError(f"time zone value {value!r} has a non-numeric Z")
    minutes = -hours_west * 60
    if minutes != minutes.to_integral_value():
        raise ValueError(f"time zone value {value!r} has Z that is not whole minutes")
    offset = timedelta(minutes=int(minutes))
    if abs(offset) > _MAX_ABS_OFFSET:
        raise ValueError(f"time zone value {value!r} has Z out of range")
    return offset
