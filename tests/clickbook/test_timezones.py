"""Tests for parsing Domino time zone strings and their offsets, checked against IANA data."""

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.clickbook.timezones import DstRule, TimeZone

AUS_EASTERN = TimeZone.parse(
    "Z=-10$DO=1$DL=10 1 1 4 1 1$ZX=66$ZN=AUS Eastern",
    "(GMT+10:00) Canberra, Melbourne, Sydney",
)
US_EASTERN = TimeZone.parse(
    "Z=5$DO=1$DL=3 2 1 11 1 1$ZX=23$ZN=US Eastern",
    "(GMT-05:00) Eastern Time (US & Canada)",
)
W_EUROPE = TimeZone.parse(
    "Z=-1$DO=1$DL=3 -1 1 10 -1 1$ZX=40$ZN=W. Europe",
    "(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
)
GMT = TimeZone.parse(
    "Z=0$DO=1$DL=3 -1 1 10 -1 1$ZX=31$ZN=GMT",
    "(GMT) Dublin, Edinburgh, Lisbon, London",
)
NEW_ZEALAND = TimeZone.parse(
    "Z=-12$DO=1$DL=9 -1 1 4 1 1$ZX=80$ZN=New Zealand",
    "(GMT+12:00) Auckland, Wellington",
)
NEWFOUNDLAND = TimeZone.parse(
    "Z=3.5$DO=1$DL=3 2 1 11 1 1$ZX=28$ZN=Newfoundland",
    "(GMT-03:30) Newfoundland",
)
AUS_CENTRAL = TimeZone.parse(
    "Z=-9.5$DO=1$DL=10 1 1 4 1 1$ZX=64$ZN=Cen. Australia",
    "(GMT+09:30) Adelaide",
)
INDIA = TimeZone.parse(
    "Z=-5.5$DO=0$ZX=51$ZN=India",
    "(GMT+05:30) Chennai, Kolkata, Mumbai, New Delhi",
)
NEPAL = TimeZone.parse("Z=-5.75$DO=0$ZX=52$ZN=Nepal", "(GMT+05:45) Kathmandu")
QUEENSLAND = TimeZone.parse("Z=-10$DO=0$ZX=67$ZN=E. Australia", "(GMT+10:00) Brisbane")

IANA_TWINS = [
    pytest.param(AUS_EASTERN, "Australia/Sydney", id="aus-eastern"),
    pytest.param(US_EASTERN, "America/New_York", id="us-eastern"),
    pytest.param(W_EUROPE, "Europe/Berlin", id="w-europe"),
    pytest.param(GMT, "Europe/London", id="gmt"),
    pytest.param(NEW_ZEALAND, "Pacific/Auckland", id="new-zealand"),
    pytest.param(NEWFOUNDLAND, "America/St_Johns", id="newfoundland"),
    pytest.param(AUS_CENTRAL, "Australia/Adelaide", id="aus-central"),
    pytest.param(INDIA, "Asia/Kolkata", id="india"),
    pytest.param(NEPAL, "Asia/Kathmandu", id="nepal"),
    pytest.param(QUEENSLAND, "Australia/Brisbane", id="queensland"),
]

SWEEP_START = datetime(2025, 1, 1, 0, 30, tzinfo=UTC)
SWEEP_END = datetime(2028, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


def near_real_transition(iana: ZoneInfo, instant: datetime) -> bool:
    """Tell whether the real (IANA) offset changes within an hour either side of ``instant``."""
    offsets = {(instant + delta).astimezone(iana).utcoffset() for delta in (-HOUR, 0 * HOUR, HOUR)}
    return len(offsets) > 1


@pytest.mark.parametrize(
    ("zone", "offset", "observes_dst"),
    [
        pytest.param(AUS_EASTERN, timedelta(hours=10), True, id="aus-eastern"),
        pytest.param(US_EASTERN, timedelta(hours=-5), True, id="us-eastern"),
        pytest.param(GMT, timedelta(0), True, id="gmt"),
        pytest.param(INDIA, timedelta(hours=5, minutes=30), False, id="india"),
        pytest.param(NEPAL, timedelta(hours=5, minutes=45), False, id="nepal"),
        pytest.param(NEWFOUNDLAND, timedelta(hours=-3, minutes=-30), True, id="newfoundland"),
    ],
)
def test_standard_offset_is_east_of_utc(
    zone: TimeZone, offset: timedelta, observes_dst: bool
) -> None:
    assert zone.standard_offset == offset
    assert zone.observes_dst is observes_dst


def test_parse_keeps_value_and_label_verbatim() -> None:
    value = "Z=-10$DO=1$DL=10 1 1 4 1 1$ZX=66$ZN=AUS Eastern"
    label = "(GMT+10:00) Canberra, Melbourne, Sydney"
    zone = TimeZone.parse(value, label)
    assert zone.value == value
    assert zone.label == label
    assert zone.name == "AUS Eastern"
    assert zone.dst_rule == DstRule(
        start_month=10, start_week=1, start_weekday=1, end_month=4, end_week=1, end_weekday=1
    )


def test_dst_rule_with_last_week() -> None:
    assert W_EUROPE.dst_rule is not None
    assert W_EUROPE.dst_rule.start_week == -1
    assert W_EUROPE.dst_rule.end_week == -1


def test_dl_is_ignored_when_dst_is_not_observed() -> None:
    zone = TimeZone.parse("Z=-8$DO=0$DL=3 -1 1 10 -1 1$ZX=7$ZN=China", "(GMT+08:00) Beijing")
    assert zone.dst_rule is None
    assert zone.utc_offset_at(datetime(2025, 7, 1, tzinfo=UTC)) == timedelta(hours=8)


@pytest.mark.parametrize(
    ("label", "places"),
    [
        pytest.param(
            "(GMT+10:00) Canberra, Melbourne, Sydney",
            ("Canberra", "Melbourne", "Sydney"),
            id="three",
        ),
        pytest.param(
            "(GMT) Dublin, Edinburgh, Lisbon, London",
            ("Dublin", "Edinburgh", "Lisbon", "London"),
            id="gmt",
        ),
        pytest.param(
            "(GMT-05:00) Eastern Time (US & Canada)", ("Eastern Time (US & Canada)",), id="parens"
        ),
        pytest.param("(GMT+05:45)  Kathmandu ", ("Kathmandu",), id="spaces"),
        pytest.param(
            "(GMT+03:00) Moscow,, St. Petersburg", ("Moscow", "St. Petersburg"), id="gap"
        ),
        pytest.param("Kabul", ("Kabul",), id="no-prefix"),
        pytest.param("(GMT+04:30)", (), id="empty"),
    ],
)
def test_places_come_from_the_label(label: str, places: tuple[str, ...]) -> None:
    zone = TimeZone.parse("Z=0$DO=0$ZX=1$ZN=X", label)
    assert zone.places == places


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("", "time zone value '' has a malformed part ''", id="empty"),
        pytest.param(
            "Z=-10$DO=1$ZX=66$ZN=AUS Eastern",
            "time zone value 'Z=-10$DO=1$ZX=66$ZN=AUS Eastern' observes DST but lacks DL",
            id="dst-without-rule",
        ),
        pytest.param(
            "DO=0$ZX=66$ZN=AUS Eastern",
            "time zone value 'DO=0$ZX=66$ZN=AUS Eastern' lacks Z",
            id="no-z",
        ),
        pytest.param(
            "Z=-10$ZX=66$ZN=AUS Eastern",
            "time zone value 'Z=-10$ZX=66$ZN=AUS Eastern' lacks DO",
            id="no-do",
        ),
        pytest.param(
            "Z=-10$DO=0$ZN=AUS Eastern",
            "time zone value 'Z=-10$DO=0$ZN=AUS Eastern' lacks ZX",
            id="no-zx",
        ),
        pytest.param(
            "Z=-10$DO=0$ZX=66", "time zone value 'Z=-10$DO=0$ZX=66' lacks ZN", id="no-zn"
        ),
        pytest.param(
            "Z=-10$DO=0$ZX=66$ZN=  ",
            "time zone value 'Z=-10$DO=0$ZX=66$ZN=  ' has an empty ZN",
            id="blank-zn",
        ),
        pytest.param(
            "Z=ten$DO=0$ZX=66$ZN=X",
            "time zone value 'Z=ten$DO=0$ZX=66$ZN=X' has a non-numeric Z",
            id="word-z",
        ),
        pytest.param(
            "Z=NaN$DO=0$ZX=66$ZN=X",
            "time zone value 'Z=NaN$DO=0$ZX=66$ZN=X' has a non-numeric Z",
            id="nan-z",
        ),
        pytest.param(
            "Z=-5.33$DO=0$ZX=66$ZN=X",
            "time zone value 'Z=-5.33$DO=0$ZX=66$ZN=X' has Z that is not whole minutes",
            id="fractional-minute",
        ),
        pytest.param(
            "Z=-15$DO=0$ZX=66$ZN=X",
            "time zone value 'Z=-15$DO=0$ZX=66$ZN=X' has Z out of range",
            id="too-far-east",
        ),
        pytest.param(
            "Z=-10$DO=2$ZX=66$ZN=X",
            "time zone value 'Z=-10$DO=2$ZX=66$ZN=X' has DO='2', not 0 or 1",
            id="do-two",
        ),
        pytest.param(
            "Z=-10$DO=0$ZX=abc$ZN=X",
            "time zone value 'Z=-10$DO=0$ZX=abc$ZN=X' has a non-numeric ZX",
            id="zx-word",
        ),
        pytest.param(
            "Z=-10$Z=-9$DO=0$ZX=66$ZN=X",
            "time zone value 'Z=-10$Z=-9$DO=0$ZX=66$ZN=X' repeats Z",
            id="repeated-key",
        ),
        pytest.param(
            "Z=-10$DO=0$ZX=66$ZN=X$junk",
            "time zone value 'Z=-10$DO=0$ZX=66$ZN=X$junk' has a malformed part 'junk'",
            id="part-without-equals",
        ),
        pytest.param(
            "Z=-10$DO=1$DL=10 1 1 4 1$ZX=66$ZN=X",
            "a DST rule needs six numbers, got '10 1 1 4 1'",
            id="five-numbers",
        ),
        pytest.param(
            "Z=-10$DO=1$DL=10 1 1 4 a 1$ZX=66$ZN=X",
            "a DST rule needs six numbers, got '10 1 1 4 a 1'",
            id="letter-in-rule",
        ),
        pytest.param(
            "Z=-10$DO=1$DL=13 1 1 4 1 1$ZX=66$ZN=X",
            "start_month\n  Input should be less than or equal to 12",
            id="month-13",
        ),
        pytest.param(
            "Z=-10$DO=1$DL=10 5 1 4 1 1$ZX=66$ZN=X",
            "a DST rule week must be 1..4 or -1, got '10 5 1 4 1 1'",
            id="week-5",
        ),
        pytest.param(
            "Z=-10$DO=1$DL=10 0 1 4 1 1$ZX=66$ZN=X",
            "a DST rule week must be 1..4 or -1, got '10 0 1 4 1 1'",
            id="week-0",
        ),
        pytest.param(
            "Z=-10$DO=1$DL=10 1 8 4 1 1$ZX=66$ZN=X",
            "start_weekday\n  Input should be less than or equal to 7",
            id="weekday-8",
        ),
        pytest.param(
            "Z=-10$DO=1$DL=10 1 1 4 1 0$ZX=66$ZN=X",
            "end_weekday\n  Input should be greater than or equal to 1",
            id="weekday-0",
        ),
        pytest.param(
            "=5$Z=0$DO=0$ZX=1$ZN=X",
            "time zone value '=5$Z=0$DO=0$ZX=1$ZN=X' has a malformed part '=5'",
            id="empty-key",
        ),
        pytest.param("ZX=1", "time zone value 'ZX=1' lacks DO, Z, ZN", id="three-missing"),
        pytest.param(
            "Z=Infinity$DO=0$ZX=1$ZN=X",
            "time zone value 'Z=Infinity$DO=0$ZX=1$ZN=X' has a non-numeric Z",
            id="infinite-z",
        ),
        pytest.param(
            "Z=14.25$DO=0$ZX=1$ZN=X",
            "time zone value 'Z=14.25$DO=0$ZX=1$ZN=X' has Z out of range",
            id="too-far-west",
        ),
        pytest.param(
            "Z=-10$DO=1$DL=10 1 1 13 1 1$ZX=66$ZN=X",
            "end_month\n  Input should be less than or equal to 12",
            id="end-month-13",
        ),
        pytest.param(
            "Z=-10$DO=1$DL=10 1 1 4 5 1$ZX=66$ZN=X",
            "a DST rule week must be 1..4 or -1, got '10 1 1 4 5 1'",
            id="end-week-5",
        ),
        pytest.param(
            "Z=-10$DO=1$DL=10 -2 1 4 1 1$ZX=66$ZN=X",
            "a DST rule week must be 1..4 or -1, got '10 -2 1 4 1 1'",
            id="week-minus-2",
        ),
        pytest.param(
            "Z=-10$DO=1$DL=10 1 0 4 1 1$ZX=66$ZN=X",
            "start_weekday\n  Input should be greater than or equal to 1",
            id="start-weekday-0",
        ),
        pytest.param(
            "Z=-10$DO=1$DL=0 1 1 4 1 1$ZX=66$ZN=X",
            "start_month\n  Input should be greater than or equal to 1",
            id="month-0",
        ),
        pytest.param(
            "Z=-10$DO=1$DL=10 1 1 4 1 8$ZX=66$ZN=X",
            "end_weekday\n  Input should be less than or equal to 7",
            id="end-weekday-8",
        ),
        pytest.param(
            "Z=-10$DO=1$DL=10 1 1 4 1 1 1$ZX=66$ZN=X",
            "a DST rule needs six numbers, got '10 1 1 4 1 1 1'",
            id="seven-numbers",
        ),
        pytest.param(
            "Z=-10$DO=0$ZX=6 6$ZN=X",
            "time zone value 'Z=-10$DO=0$ZX=6 6$ZN=X' has a non-numeric ZX",
            id="zx-with-space",
        ),
    ],
)
def test_malformed_values_are_rejected_with_the_reason(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=r".") as caught:
        TimeZone.parse(value, "(GMT+10:00) Sydney")
    assert message in str(caught.value)


def test_zone_is_frozen_and_hashable() -> None:
    with pytest.raises(ValidationError):
        AUS_EASTERN.name = "Other"  # type: ignore[misc]
    assert len({AUS_EASTERN, TimeZone.parse(AUS_EASTERN.value, AUS_EASTERN.label)}) == 1


def test_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        AUS_EASTERN.utc_offset_at(datetime(2025, 1, 1))  # noqa: DTZ001


class _NoOffset(tzinfo):
    """A tzinfo that knows no offset: Python treats its datetimes as naive."""

    def utcoffset(self, dt: datetime | None) -> None:
        return None

    def dst(self, dt: datetime | None) -> None:
        return None

    def tzname(self, dt: datetime | None) -> None:
        return None


def test_an_instant_whose_tzinfo_has_no_offset_is_refused_as_naive() -> None:
    with pytest.raises(ValueError, match="^instant must be timezone-aware$"):
        AUS_EASTERN.utc_offset_at(datetime(2025, 1, 1, tzinfo=_NoOffset()))


@pytest.mark.parametrize(
    ("rule", "year", "start_day", "end_day"),
    [
        pytest.param("3 2 1 11 1 1", 2025, date(2025, 3, 9), date(2025, 11, 2), id="us-2025"),
        pytest.param("3 2 1 11 1 1", 2026, date(2026, 3, 8), date(2026, 11, 1), id="us-2026"),
        pytest.param("3 -1 1 10 -1 1", 2025, date(2025, 3, 30), date(2025, 10, 26), id="eu"),
        pytest.param("10 1 1 4 1 1", 2027, date(2027, 10, 3), date(2027, 4, 4), id="aus"),
        pytest.param("4 -1 6 10 -1 5", 2025, date(2025, 4, 25), date(2025, 10, 30), id="fri"),
        pytest.param("9 4 7 2 -1 2", 2024, date(2024, 9, 28), date(2024, 2, 26), id="sat-mon"),
    ],
)
def test_dst_rule_transition_dates(rule: str, year: int, start_day: date, end_day: date) -> None:
    dst_rule = DstRule.parse(rule)
    assert dst_rule.start(year) == datetime.combine(start_day, time(2))
    assert dst_rule.end(year) == datetime.combine(end_day, time(2))


@pytest.mark.parametrize(("zone", "iana_name"), IANA_TWINS)
def test_offsets_match_iana_outside_transition_hours(zone: TimeZone, iana_name: str) -> None:
    iana = ZoneInfo(iana_name)
    checked = skipped = 0
    instant = SWEEP_START
    while instant < SWEEP_END:
        if near_real_transition(iana, instant):
            skipped += 1
        else:
            checked += 1
            assert zone.utc_offset_at(instant) == instant.astimezone(iana).utcoffset(), instant
        instant += HOUR
    # Two transitions a year at most, each hiding at most two hourly samples.
    assert skipped <= 3 * 2 * 2
    assert checked > 26_000


@pytest.mark.parametrize(
    ("zone", "iana_name"),
    [
        pytest.param(AUS_EASTERN, "Australia/Sydney", id="aus-eastern"),
        pytest.param(W_EUROPE, "Europe/Berlin", id="w-europe"),
        pytest.param(NEW_ZEALAND, "Pacific/Auckland", id="new-zealand"),
    ],
)
@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_transitions_to_the_minute_where_domino_agrees_with_iana(
    zone: TimeZone, iana_name: str, year: int
) -> None:
    """These zones really switch at 02:00 standard time, so Domino's rule is exact."""
    assert zone.dst_rule is not None
    iana = ZoneInfo(iana_name)
    minute = timedelta(minutes=1)
    for local_standard in (zone.dst_rule.start(year), zone.dst_rule.end(year)):
        moment = local_standard.replace(tzinfo=timezone(zone.standard_offset))
        for instant in (moment - minute, moment, moment + minute):
            assert zone.utc_offset_at(instant) == instant.astimezone(iana).utcoffset(), instant


def test_dst_ends_at_two_standard_time_even_where_the_real_rule_differs() -> None:
    # The US leaves DST at 02:00 daylight time (06:00 UTC); Domino's rule says 02:00 standard.
    assert US_EASTERN.utc_offset_at(datetime(2025, 11, 2, 6, 59, tzinfo=UTC)) == timedelta(
        hours=-4
    )
    assert US_EASTERN.utc_offset_at(datetime(2025, 11, 2, 7, 0, tzinfo=UTC)) == timedelta(hours=-5)


def test_southern_dst_wraps_the_new_year() -> None:
    summer = datetime(2025, 12, 31, 23, tzinfo=UTC)
    new_year = datetime(2026, 1, 1, 1, tzinfo=UTC)
    winter = datetime(2026, 6, 30, tzinfo=UTC)
    assert AUS_EASTERN.utc_offset_at(summer) == timedelta(hours=11)
    assert AUS_EASTERN.utc_offset_at(new_year) == timedelta(hours=11)
    assert AUS_EASTERN.utc_offset_at(winter) == timedelta(hours=10)


def test_local_time_is_aware_and_the_same_instant() -> None:
    instant = datetime(2025, 1, 15, 3, 5, tzinfo=UTC)
    local = AUS_EASTERN.local_time(instant)
    assert local == instant
    assert (local.hour, local.minute) == (14, 5)
    assert local.utcoffset() == timedelta(hours=11)
    nepal = NEPAL.local_time(instant)
    assert (nepal.hour, nepal.minute) == (8, 50)


# Hypothesis takes naive bounds and attaches the time zones itself.
instants = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=datetime(2027, 12, 31, 23, 59),  # noqa: DTZ001
    timezones=st.just(UTC),
)
fixed_offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


@given(instant=instants, twin=st.sampled_from([param.values for param in IANA_TWINS]))
def test_offsets_match_iana_for_random_instants(
    instant: datetime, twin: tuple[TimeZone, str]
) -> None:
    zone, iana_name = twin
    iana = ZoneInfo(iana_name)
    assume(not near_real_transition(iana, instant))
    assert zone.utc_offset_at(instant) == instant.astimezone(iana).utcoffset()


@given(
    instant=instants,
    viewer=fixed_offsets,
    zone=st.sampled_from([param.values[0] for param in IANA_TWINS]),
)
def test_offset_depends_only_on_the_instant(
    instant: datetime, viewer: timezone, zone: TimeZone
) -> None:
    offset = zone.utc_offset_at(instant)
    assert zone.utc_offset_at(instant.astimezone(viewer)) == offset
    assert offset in {zone.standard_offset, zone.standard_offset + HOUR}
    if zone.dst_rule is None:
        assert offset == zone.standard_offset
    local = zone.local_time(instant.astimezone(viewer))
    assert local == instant
    assert local.utcoffset() == offset


@pytest.mark.parametrize(
    ("value", "offset", "name", "rule"),
    [
        pytest.param(
            " Z = -5.5 $ DO = 0 $ZX= 51 $ZN= India ",
            timedelta(hours=5, minutes=30),
            "India",
            None,
            id="spaces-around-everything",
        ),
        pytest.param("Z=-14$DO=0$ZX=1$ZN=Line", timedelta(hours=14), "Line", None, id="east-edge"),
        pytest.param(
            "Z=14$DO=0$ZX=1$ZN=Baker", timedelta(hours=-14), "Baker", None, id="west-edge"
        ),
        pytest.param(
            "Z=0$DO= 1 $DL= 1 4 7 12 -1 2 $ZX=1$ZN=Far weeks",
            timedelta(0),
            "Far weeks",
            DstRule(
                start_month=1,
                start_week=4,
                start_weekday=7,
                end_month=12,
                end_week=-1,
                end_weekday=2,
            ),
            id="rule-at-its-bounds",
        ),
    ],
)
def test_values_at_the_edges_parse(
    value: str, offset: timedelta, name: str, rule: DstRule | None
) -> None:
    zone = TimeZone.parse(value, "(GMT) Somewhere")
    assert (zone.value, zone.standard_offset, zone.name, zone.dst_rule) == (
        value,
        offset,
        name,
        rule,
    )
