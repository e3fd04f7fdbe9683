"""The time zones GETTIMEZONEINFO serves, and a parser for Domino time zone values.

A value looks like ``Z=-10$DO=1$DL=10 1 1 4 1 1$ZX=66$ZN=AUS Eastern`` (see the module
``timezone_data`` for the list and ``/work/notes/domino_tz.md`` for the format).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from bot.sandbox.clickbook.timezone_data import TIME_ZONE_ROWS

TIME_ZONE_VALUES = frozenset(value for value, _ in TIME_ZONE_ROWS)
"""Every value a client may send in ``inp-timezone``."""

_VALUE = re.compile(
    r"Z=(?P<z>-?\d+(?:\.\d+)?)\$DO=(?P<do>[01])(?:\$DL=(?P<dl>[^$]+))?"
    r"\$ZX=(?P<zx>\d+)\$ZN=(?P<zn>[^$]+)"
)
_LABEL = re.compile(r"\(GMT(?:(?P<sign>[+-])(?P<hh>\d\d):(?P<mm>\d\d))?\) (?P<places>\S.*)")


@dataclass(frozen=True)
class DstRule:
    """Daylight saving from the n-th weekday of one month to the n-th weekday of another."""

    start_month: int
    start_week: int
    start_weekday: int
    end_month: int
    end_week: int
    end_weekday: int


@dataclass(frozen=True)
class DominoZone:
    """A parsed Domino time zone value."""

    hours_west: Fraction
    dst: DstRule | None
    zone_id: int
    name: str

    @property
    def minutes_east(self) -> int:
        """Return the standard offset from GMT in minutes, east positive."""
        minutes = -self.hours_west * 60
        if minutes.denominator != 1:
            raise ValueError("offset is not a whole number of minutes")
        return int(minutes)


def parse_value(value: str) -> DominoZone:
    """Parse a Domino time zone value; raise ValueError when it is not one."""
    match = _VALUE.fullmatch(value)
    if match is None:
        raise ValueError(f"not a Domino time zone value: {value!r}")
    observes_dst = match["do"] == "1"
    if observes_dst != (match["dl"] is not None):
        raise ValueError(f"DL must be present exactly when DO=1: {value!r}")
    dst = _parse_rule(match["dl"]) if match["dl"] is not None else None
    return DominoZone(Fraction(match["z"]), dst, int(match["zx"]), match["zn"])


def _parse_rule(text: str) -> DstRule:
    parts = text.split(" ")
    if len(parts) != 6:
        raise ValueError(f"DL needs six numbers: {text!r}")
    numbers = [int(part) for part in parts]
    for month, week, weekday in (numbers[:3], numbers[3:]):
        if not (1 <= month <= 12 and week in (1, 2, 3, 4, -1) and 1 <= weekday <= 7):
            raise ValueError(f"DL out of range: {text!r}")
    return DstRule(*numbers)


def parse_label_offset(label: str) -> int:
    """Return the offset in minutes east of GMT that a ``(GMT±hh:mm) Places`` label states."""
    match = _LABEL.fullmatch(label)
    if match is None:
        raise ValueError(f"not a time zone label: {label!r}")
    if match["sign"] is None:
        return 0
    minutes = int(match["hh"]) * 60 + int(match["mm"])
    if minutes == 0 or int(match["mm"]) >= 60:
        raise ValueError(f"label must write zero as (GMT) and minutes below 60: {label!r}")
    return minutes if match["sign"] == "+" else -minutes
