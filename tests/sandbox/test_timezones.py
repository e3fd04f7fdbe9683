"""GETTIMEZONEINFO and the time zone data: complete, consistent, in Domino format."""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox.clickbook.timezone_data import TIME_ZONE_ROWS
from bot.sandbox.clickbook.timezones import DstRule, parse_label_offset, parse_value
from tests.sandbox.wire import API_KEY, AUS_EASTERN, PUBLIC, get_time_zone_info, read_answer, soap

US = DstRule(3, 2, 1, 11, 1, 1)
EU = DstRule(3, -1, 1, 10, -1, 1)
AU = DstRule(10, 1, 1, 4, 1, 1)


async def test_served_list_is_the_data_in_order(client: httpx.AsyncClient) -> None:
    answer = read_answer(await soap(client, PUBLIC, get_time_zone_info()), "GETTIMEZONEINFO")
    assert answer.code == 200
    assert answer.timezones == list(TIME_ZONE_ROWS)


async def test_served_with_the_api_key_too(client: httpx.AsyncClient) -> None:
    answer = read_answer(
        await soap(client, PUBLIC, get_time_zone_info(API_KEY)), "GETTIMEZONEINFO"
    )
    assert len(answer.timezones or []) == len(TIME_ZONE_ROWS)


def test_list_is_long_and_unique() -> None:
    values = [value for value, _ in TIME_ZONE_ROWS]
    labels = [label for _, label in TIME_ZONE_ROWS]
    assert len(TIME_ZONE_ROWS) >= 110
    assert len(set(values)) == len(values)
    assert len(set(labels)) == len(labels)
    assert len({parse_value(value).zone_id for value in values}) == len(values)
    assert len({parse_value(value).name for value in values}) == len(values)


@pytest.mark.parametrize(("value", "label"), TIME_ZONE_ROWS, ids=[v for v, _ in TIME_ZONE_ROWS])
def test_every_label_states_minus_z(value: str, label: str) -> None:
    zone = parse_value(value)
    assert parse_label_offset(label) == zone.minutes_east
    assert -12 * 60 <= zone.minutes_east <= 14 * 60


def test_list_is_ordered_west_to_east() -> None:
    offsets = [parse_value(value).minutes_east for value, _ in TIME_ZONE_ROWS]
    assert offsets == sorted(offsets)


def test_every_inhabited_offset_is_covered() -> None:
    inhabited = [
        "-12:00", "-11:00", "-10:00", "-09:30", "-09:00", "-08:00", "-07:00", "-06:00",
        "-05:00", "-04:00", "-03:30", "-03:00", "-02:00", "-01:00", "+00:00", "+01:00",
        "+02:00", "+03:00", "+03:30", "+04:00", "+04:30", "+05:00", "+05:30", "+05:45",
        "+06:00", "+06:30", "+07:00", "+08:00", "+08:45", "+09:00", "+09:30", "+10:00",
        "+10:30", "+11:00", "+12:00", "+12:45", "+13:00", "+14:00",
    ]  # fmt: skip
    expected = {(-1 if o[0] == "-" else 1) * (int(o[1:3]) * 60 + int(o[4:])) for o in inhabited}
    served = {parse_value(value).minutes_east for value, _ in TIME_ZONE_ROWS}
    assert served == expected


@pytest.mark.parametrize(
    ("name", "label_start", "z", "dst"),
    [
        ("AUS Eastern", "(GMT+10:00) Canberra, Melbourne, Sydney", "-10", AU),
        ("US Eastern", "(GMT-05:00) Eastern Time (US & Canada)", "5", US),
        ("US Pacific", "(GMT-08:00) Pacific Time", "8", US),
        ("GMT", "(GMT) Dublin, Edinburgh, Lisbon, London", "0", EU),
        ("Romance", "(GMT+01:00) Brussels, Copenhagen, Madrid, Paris", "-1", EU),
        ("W. Europe", "(GMT+01:00) Amsterdam, Berlin", "-1", EU),
        ("New Zealand", "(GMT+12:00) Auckland, Wellington", "-12", DstRule(9, -1, 1, 4, 1, 1)),
        ("India", "(GMT+05:30) Chennai, Kolkata, Mumbai, New Delhi", "-5.5", None),
        ("Nepal", "(GMT+05:45) Kathmandu", "-5.75", None),
        ("Newfoundland", "(GMT-03:30) Newfoundland", "3.5", US),
        ("Cen. Australia", "(GMT+09:30) Adelaide", "-9.5", AU),
        ("E. Australia", "(GMT+10:00) Brisbane", "-10", None),
        ("Russian", "(GMT+03:00) Moscow, St. Petersburg", "-3", None),
        ("Chatham Islands", "(GMT+12:45) Chatham Islands", "-12.75", DstRule(9, -1, 1, 4, 1, 1)),
    ],
)
def test_well_known_zones(name: str, label_start: str, z: str, dst: DstRule | None) -> None:
    (value, label) = next(row for row in TIME_ZONE_ROWS if row[0].endswith(f"$ZN={name}"))
    assert value.startswith(f"Z={z}$DO={1 if dst else 0}$")
    assert parse_value(value).dst == dst
    assert label.startswith(label_start)


def test_contract_example_is_served_verbatim() -> None:
    assert (AUS_EASTERN, "(GMT+10:00) Canberra, Melbourne, Sydney") in TIME_ZONE_ROWS


@pytest.mark.parametrize(
    "value",
    [
        "Z=-10$DO=1$ZX=66$ZN=AUS Eastern",
        "Z=-10$DO=0$DL=10 1 1 4 1 1$ZX=66$ZN=AUS Eastern",
        "Z=-10$DO=1$DL=13 1 1 4 1 1$ZX=66$ZN=AUS Eastern",
        "Z=-10$DO=1$DL=10 5 1 4 1 1$ZX=66$ZN=AUS Eastern",
        "Z=-10$DO=1$DL=10 1 8 4 1 1$ZX=66$ZN=AUS Eastern",
        "Z=-10$DO=1$DL=10 1 1 4 1$ZX=66$ZN=AUS Eastern",
        "Z=+10$DO=0$ZX=66$ZN=X",
        "DO=0$Z=0$ZX=1$ZN=GMT",
    ],
)
def test_parser_rejects_broken_values(value: str) -> None:
    with pytest.raises(ValueError, match=r"DL|Domino"):
        parse_value(value)


@pytest.mark.parametrize("label", ["(GMT+00:00) London", "(UTC+01:00) Paris", "(GMT+1:00) X"])
def test_label_parser_rejects_other_styles(label: str) -> None:
    with pytest.raises(ValueError, match="label"):
        parse_label_offset(label)
