"""Tests for choosing ClickBook time zones by country, by IANA zone and by search."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.core import get_global
from hypothesis import given
from hypothesis import strategies as st

from bot.clickbook.timezones import TimeZone
from bot.domain.countries import ISO_COUNTRY_CODES
from bot.domain.zones import (
    MAX_BUTTON_LABEL,
    OffsetQuery,
    ZoneChoice,
    city_name,
    country_of_zone,
    format_offset,
    parse_offset_query,
    real_label,
    search_zone_choices,
    search_zones,
    zone_button_label,
    zone_choice_for_iana,
    zone_choices_for_country,
    zone_for_iana,
    zones_for_country,
)
from tests.domain.domino_zones import DOMINO_ZONES


def by_name(zones: list[TimeZone], name: str) -> TimeZone:
    return next(zone for zone in zones if zone.name == name)


def labels(choices: list[ZoneChoice], now: datetime) -> list[str]:
    return [choice.button_label(now) for choice in choices]


def test_the_test_list_is_realistic(zones: list[TimeZone]) -> None:
    assert len(zones) >= 30
    assert len({zone.value for zone in zones}) == len(zones)


# --- zones of a country ---------------------------------------------------------------------


def test_australia_in_its_summer(zones: list[TimeZone], january: datetime) -> None:
    assert labels(zone_choices_for_country(zones, "AU", january), january) == [
        "Perth · 11:05",
        "Darwin · 12:35",
        "Brisbane · 13:05",
        "Adelaide · 13:35",
        "Hobart · 14:05",
        "Sydney · 14:05",
    ]


def test_australia_in_its_winter(zones: list[TimeZone], july: datetime) -> None:
    assert labels(zone_choices_for_country(zones, "AU", july), july) == [
        "Perth · 11:05",
        "Adelaide · 12:35",
        "Darwin · 12:35",
        "Brisbane · 13:05",
        "Hobart · 13:05",
        "Sydney · 13:05",
    ]


@pytest.mark.parametrize("season", ["january", "july"])
def test_germany_gives_one_zone(
    zones: list[TimeZone], season: str, request: pytest.FixtureRequest
) -> None:
    now = request.getfixturevalue(season)
    # Europe/Busingen matches the same four CET zones equally; the one already offered wins.
    assert zones_for_country(zones, "DE", now) == [by_name(zones, "W. Europe")]


@pytest.mark.parametrize("season", ["january", "july"])
def test_united_states(zones: list[TimeZone], season: str, request: pytest.FixtureRequest) -> None:
    now = request.getfixturevalue(season)
    names = {zone.name for zone in zones_for_country(zones, "us", now)}
    assert names == {
        "Hawaiian",
        "Alaskan",
        "Pacific",
        "US Mountain",
        "Mountain",
        "Central",
        "US Eastern",
    }


def test_canada_uses_windows_names_and_its_own_cities(
    zones: list[TimeZone], january: datetime
) -> None:
    choices = zone_choices_for_country(zones, "CA", january)
    places = {choice.zone.name: choice.place for choice in choices}
    assert places["Canada Central"] == "Saskatchewan"  # America/Regina through its Windows name
    assert places["Newfoundland"] == "Newfoundland"
    # America/Atikokan keeps EST all year, like Bogota; the button names the Canadian town.
    assert places["SA Pacific"] == "Atikokan"
    assert "Central America" not in places


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        pytest.param("ES", [("GMT", "Canaries"), ("Romance", "Madrid")], id="spain"),
        pytest.param("IN", [("India", "Kolkata")], id="india"),
        pytest.param("NZ", [("New Zealand", "Auckland")], id="new-zealand"),
        pytest.param("GB", [("GMT", "London")], id="britain"),
        pytest.param("CH", [("W. Europe", "Zurich")], id="switzerland"),
        pytest.param("CN", [("Omsk", "Ürümqi"), ("China", "Beijing")], id="china"),
        pytest.param("UA", [("FLE", "Kyiv"), ("Russian", "Simferopol")], id="ukraine"),
        pytest.param("NP", [("Nepal", "Kathmandu")], id="nepal"),
    ],
)
def test_countries(
    zones: list[TimeZone], july: datetime, country: str, expected: list[tuple[str, str]]
) -> None:
    choices = zone_choices_for_country(zones, country, july)
    assert [(choice.zone.name, choice.place) for choice in choices] == expected


def test_spain_in_winter(zones: list[TimeZone], january: datetime) -> None:
    # The Canaries share London's clock; the one GMT zone with EU rules fits, not Monrovia's.
    choices = zone_choices_for_country(zones, "ES", january)
    assert [(choice.zone.name, choice.place) for choice in choices] == [
        ("GMT", "Canaries"),
        ("Romance", "Madrid"),
    ]


@pytest.mark.parametrize("code", ["", "XX", "EU", "001", "ZZ"])
def test_unknown_country_gives_nothing(
    zones: list[TimeZone], january: datetime, code: str
) -> None:
    assert zones_for_country(zones, code, january) == []


def test_no_zones_no_choices(january: datetime) -> None:
    assert zones_for_country([], "AU", january) == []


@pytest.mark.parametrize("season", ["january", "july"])
def test_every_country_gets_only_zones_showing_a_real_local_time(
    zones: list[TimeZone], season: str, request: pytest.FixtureRequest
) -> None:
    """Each offered zone shows, right now, the time of some IANA zone of that country."""
    now = request.getfixturevalue(season)
    territory_zones = get_global("territory_zones")
    offered = 0
    for code in sorted(ISO_COUNTRY_CODES):
        real = {
            now.astimezone(ZoneInfo(name)).utcoffset() for name in territory_zones.get(code, ())
        }
        choices = zone_choices_for_country(zones, code, now)
        assert len({choice.zone for choice in choices}) == len(choices), code
        current = [choice.zone.utc_offset_at(now) for choice in choices]
        assert current == sorted(current), code
        for choice in choices:
            assert choice.zone.utc_offset_at(now) in real, (code, choice)
            assert choice.place
        offered += len(choices)
    assert offered > 300


def test_zones_for_country_defaults_to_the_current_time(zones: list[TimeZone]) -> None:
    assert zones_for_country(zones, "DE") == [by_name(zones, "W. Europe")]


# --- the zone of an IANA name --------------------------------------------------------------


@pytest.mark.parametrize(
    ("iana_name", "name", "place"),
    [
        pytest.param("Australia/Sydney", "AUS Eastern", "Sydney", id="sydney"),
        pytest.param("Australia/Melbourne", "AUS Eastern", "Melbourne", id="melbourne"),
        pytest.param("Australia/Hobart", "Tasmania", "Hobart", id="hobart"),
        pytest.param("Asia/Calcutta", "India", "Kolkata", id="old-alias"),
        pytest.param("Europe/Kiev", "FLE", "Kyiv", id="old-kyiv"),
        pytest.param("America/Phoenix", "US Mountain", "Arizona", id="phoenix-no-dst"),
        pytest.param("America/Denver", "Mountain", "Mountain Time (US & Canada)", id="denver"),
        pytest.param("America/New_York", "US Eastern", "Eastern Time (US & Canada)", id="nyc"),
        pytest.param("America/Regina", "Canada Central", "Saskatchewan", id="windows-name"),
        pytest.param("America/St_Johns", "Newfoundland", "Newfoundland", id="half-hour"),
        pytest.param("Asia/Kathmandu", "Nepal", "Kathmandu", id="quarter-hour"),
        pytest.param("America/Argentina/Buenos_Aires", "Argentina", "Buenos Aires", id="deep"),
        pytest.param("America/Sao_Paulo", "E. South America", "Brasilia", id="sao-paulo"),
        pytest.param("Pacific/Auckland", "New Zealand", "Auckland", id="auckland"),
        pytest.param("Europe/Moscow", "Russian", "Moscow", id="moscow"),
        pytest.param("Europe/London", "GMT", "London", id="london"),
        pytest.param("Atlantic/Reykjavik", "Greenwich", "Reykjavik", id="reykjavik"),
        pytest.param("Asia/Urumqi", "Omsk", "Omsk", id="stale-label-city-is-not-trusted"),
    ],
)
@pytest.mark.parametrize("season", ["january", "july"])
def test_zone_for_iana(
    zones: list[TimeZone],
    iana_name: str,
    name: str,
    place: str,
    season: str,
    request: pytest.FixtureRequest,
) -> None:
    now = request.getfixturevalue(season)
    choice = zone_choice_for_iana(zones, iana_name, now)
    assert choice is not None
    assert (choice.zone.name, choice.place) == (name, place)
    assert zone_for_iana(zones, iana_name, now) == choice.zone


@pytest.mark.parametrize(
    "iana_name", ["Australia/Eucla", "Asia/Yangon", "Nowhere/Special", "", "../etc/passwd"]
)
def test_zone_for_iana_without_a_fit(zones: list[TimeZone], iana_name: str) -> None:
    assert zone_for_iana(zones, iana_name, datetime(2025, 1, 15, tzinfo=UTC)) is None


def test_transition_hour_does_not_confuse_the_match(zones: list[TimeZone]) -> None:
    # 06:30 UTC on 2 Nov 2025: New York is back on EST; Domino's rule still says EDT.
    now = datetime(2025, 11, 2, 6, 30, tzinfo=UTC)
    us_eastern = by_name(zones, "US Eastern")
    assert (
        us_eastern.utc_offset_at(now) != now.astimezone(ZoneInfo("America/New_York")).utcoffset()
    )
    assert zone_for_iana(zones, "America/New_York", now) == us_eastern


def test_naive_now_is_refused(zones: list[TimeZone]) -> None:
    with pytest.raises(ValueError, match="aware"):
        zone_for_iana(zones, "Europe/Berlin", datetime(2025, 1, 1))  # noqa: DTZ001


# --- search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("+10", OffsetQuery(timedelta(hours=10), minutes_given=False), id="hours"),
        pytest.param("-5", OffsetQuery(timedelta(hours=-5), minutes_given=False), id="minus"),
        pytest.param("GMT-5", OffsetQuery(timedelta(hours=-5), minutes_given=False), id="gmt"),
        pytest.param("utc +3", OffsetQuery(timedelta(hours=3), minutes_given=False), id="space"),
        pytest.param("UTC5", OffsetQuery(timedelta(hours=5), minutes_given=False), id="unsigned"),
        pytest.param(
            "UTC+5:30", OffsetQuery(timedelta(hours=5, minutes=30), minutes_given=True), id="colon"
        ),
        pytest.param(
            "+0530", OffsetQuery(timedelta(hours=5, minutes=30), minutes_given=True), id="compact"
        ),
        pytest.param(
            "+530", OffsetQuery(timedelta(hours=5, minutes=30), minutes_given=True), id="three"
        ),
        pytest.param(
            "+5.5", OffsetQuery(timedelta(hours=5, minutes=30), minutes_given=True), id="decimal"
        ),
        pytest.param(
            "+5.45", OffsetQuery(timedelta(hours=5, minutes=45), minutes_given=True), id="dot-min"
        ),
        pytest.param(
            "\u22123:30",
            OffsetQuery(timedelta(hours=-3, minutes=-30), minutes_given=True),
            id="unicode-minus",
        ),
        pytest.param("gmt", OffsetQuery(timedelta(0), minutes_given=True), id="bare-gmt"),
        pytest.param(" UTC ", OffsetQuery(timedelta(0), minutes_given=True), id="bare-utc"),
        pytest.param("+14", OffsetQuery(timedelta(hours=14), minutes_given=False), id="max"),
        pytest.param(
            "+5.75", OffsetQuery(timedelta(hours=5, minutes=45), minutes_given=True), id="3/4"
        ),
        pytest.param(
            "+9.50", OffsetQuery(timedelta(hours=9, minutes=30), minutes_given=True), id="1/2"
        ),
        pytest.param(
            "+5.25", OffsetQuery(timedelta(hours=5, minutes=15), minutes_given=True), id="1/4"
        ),
        pytest.param("Z", OffsetQuery(timedelta(0), minutes_given=True), id="zulu"),
    ],
)
def test_parse_offset_query(query: str, expected: OffsetQuery) -> None:
    assert parse_offset_query(query) == expected


@pytest.mark.parametrize(
    "query", ["10", "5:30", "+15", "+5:75", "+5:60", "gmt+", "sydney", "", "+1a"]
)
def test_not_an_offset(query: str) -> None:
    assert parse_offset_query(query) is None


@pytest.mark.parametrize(
    ("query", "names"),
    [
        pytest.param("UTC+5:30", ["India", "Sri Lanka"], id="exact-minutes"),
        pytest.param("+0530", ["India", "Sri Lanka"], id="compact"),
        pytest.param(
            "+5",
            ["Ekaterinburg", "West Asia", "India", "Sri Lanka", "Nepal"],
            id="hour-takes-its-fractions-after",
        ),
        pytest.param("-3:30", ["Newfoundland"], id="newfoundland"),
        pytest.param("GMT-5", ["SA Pacific", "US Eastern"], id="winter-minus-5"),
        pytest.param("gmt", ["Greenwich", "GMT"], id="gmt"),
        pytest.param(
            "+11",
            ["AUS Eastern", "Tasmania", "Magadan", "Central Pacific"],
            id="summer-time-first",
        ),
        pytest.param("+14", [], id="no-such-zone"),
    ],
)
def test_search_by_offset_in_january(
    zones: list[TimeZone], january: datetime, query: str, names: list[str]
) -> None:
    assert [zone.name for zone in search_zones(zones, query, january)] == names


def test_search_by_offset_in_july(zones: list[TimeZone], july: datetime) -> None:
    names = [zone.name for zone in search_zones(zones, "-5", july)]
    # CDT and Bogota are at -5 now; Eastern Time is at -4 in July, so it is not listed.
    assert names == ["Central", "SA Pacific"]
    # London is at +1 in July: "gmt" finds the zones at UTC+0 today.
    assert [zone.name for zone in search_zones(zones, "gmt", july)] == ["Azores", "Greenwich"]


@pytest.mark.parametrize(
    ("query", "locale", "found"),
    [
        pytest.param("syd", "en", [("AUS Eastern", "Sydney")], id="prefix"),
        pytest.param("MELB", "en", [("AUS Eastern", "Melbourne")], id="case"),
        pytest.param("sydney", "en", [("AUS Eastern", "Sydney")], id="exact"),
        pytest.param(
            "petersburg",
            "en",
            [("Russian", "St. Petersburg"), ("US Eastern", "Eastern Time (US & Canada)")],
            id="label-word-then-world-city",  # America/Indiana/Petersburg
        ),
        pytest.param("nuku alofa", "en", [("Tonga", "Nuku'alofa")], id="apostrophe"),
        pytest.param("reykjavík", "en", [("Greenwich", "Reykjavik")], id="accent"),
        pytest.param("chicago", "en", [("Central", "Central Time (US & Canada)")], id="world"),
        pytest.param("zurich", "en", [("W. Europe", "Amsterdam")], id="world-europe"),
        pytest.param("kiev", "en", [("FLE", "Kyiv")], id="world-old-name"),
        pytest.param("москва", "ru", [("Russian", "Moscow")], id="world-localized"),
        pytest.param("париж", "ru", [("Romance", "Paris")], id="world-localized-paris"),
        pytest.param("москва", "en", [], id="localized-needs-its-locale"),
        pytest.param("atlantis", "en", [], id="nothing"),
        pytest.param("   ", "en", [], id="blank"),
    ],
)
def test_search_by_place(
    zones: list[TimeZone],
    january: datetime,
    query: str,
    locale: str,
    found: list[tuple[str, str]],
) -> None:
    choices = search_zone_choices(zones, query, january, locale=locale)
    assert [(choice.zone.name, choice.place) for choice in choices] == found


def test_search_ranks_labels_before_zone_names_before_world_cities(
    zones: list[TimeZone], january: datetime
) -> None:
    names = [zone.name for zone in search_zones(zones, "pacific", january, limit=8)]
    assert names[0] == "Pacific"  # "Pacific Time (US & Canada)" starts with it
    assert names[1] == "SA Pacific"  # only its name says Pacific
    assert "Central Pacific" in names


def test_search_respects_the_limit_and_has_no_repeats(
    zones: list[TimeZone], january: datetime
) -> None:
    for query in ["a", "an", "s", "+1", "-", "gmt", "new"]:
        for limit in (1, 3, 8):
            results = search_zones(zones, query, january, limit=limit)
            assert len(results) <= limit
            assert len(set(results)) == len(results)
    assert len(search_zones(zones, "a", january, limit=3)) == 3
    assert search_zones(zones, "a", january, limit=0) == []


# --- button labels ----------------------------------------------------------------------


def test_button_label(zones: list[TimeZone], january: datetime) -> None:
    aus_eastern = by_name(zones, "AUS Eastern")
    assert zone_button_label(aus_eastern, january) == "Canberra · 14:05"
    assert zone_button_label(aus_eastern, january, "Sydney") == "Sydney · 14:05"
    assert zone_button_label(by_name(zones, "Nepal"), january) == "Kathmandu · 08:50"
    assert zone_button_label(by_name(zones, "US Eastern"), january) == (
        "Eastern Time (US & Canada) · 22:05"
    )


def test_long_places_are_cut_to_fit(january: datetime) -> None:
    zone = TimeZone.parse("Z=0$DO=0$ZX=1$ZN=Long", "(GMT) " + "Llanfairpwllgwyngyll" * 3)
    label = zone_button_label(zone, january)
    assert len(label) == MAX_BUTTON_LABEL
    assert label == "Llanfairpwllgwyngyll" + "Llanfairpwl" + "… · 03:05"


def test_a_zone_without_places_shows_its_name(january: datetime) -> None:
    zone = TimeZone.parse("Z=-3$DO=0$ZX=1$ZN=Arab", "(GMT+03:00)")
    assert zone_button_label(zone, january) == "Arab · 06:05"


@given(
    pair=st.sampled_from(DOMINO_ZONES),
    instant=st.datetimes(
        min_value=datetime(2024, 1, 1),  # noqa: DTZ001
        max_value=datetime(2030, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
)
def test_button_label_shows_the_local_time_and_fits(
    pair: tuple[str, str], instant: datetime
) -> None:
    zone = TimeZone.parse(*pair)
    label = zone_button_label(zone, instant)
    assert len(label) <= MAX_BUTTON_LABEL
    assert label.endswith(f" · {zone.local_time(instant):%H:%M}")


# --- today's real offset, abbreviations, names in the user's language (issue 9, item 3) -----


@pytest.mark.parametrize(
    ("offset", "text"),
    [
        (timedelta(hours=11), "UTC+11:00"),
        (timedelta(hours=-3, minutes=-30), "UTC-03:30"),
        (timedelta(hours=5, minutes=45), "UTC+05:45"),
        (timedelta(0), "UTC"),
    ],
)
def test_format_offset(offset: timedelta, text: str) -> None:
    assert format_offset(offset) == text


@pytest.mark.parametrize(
    ("season", "shown"),
    [("january", "Sydney (UTC+11:00)"), ("july", "Sydney (UTC+10:00)")],
)
def test_a_choice_shows_todays_offset(
    zones: list[TimeZone], season: str, shown: str, request: pytest.FixtureRequest
) -> None:
    now = request.getfixturevalue(season)
    choice = zone_choice_for_iana(zones, "Australia/Sydney", now)
    assert choice is not None
    assert choice.describe(now) == shown
    offset = shown.removeprefix("Sydney ")
    assert real_label(choice.zone, now) == f"{offset} Canberra, Melbourne, Sydney"


def test_plus_10_in_the_southern_summer_is_not_sydney(
    zones: list[TimeZone], january: datetime
) -> None:
    names = [zone.name for zone in search_zones(zones, "+10", january, limit=50)]
    assert "AUS Eastern" not in names
    assert "E. Australia" in names  # Brisbane, no summer time


@pytest.mark.parametrize(
    ("query", "first", "absent"),
    [
        ("EST", "US Eastern", "Central Europe"),
        ("est", "US Eastern", "Central Europe"),
        ("AEDT", "AUS Eastern", "E. Australia"),
        ("MSK", "Russian", "Central Europe"),
        ("CET", "W. Europe", "US Eastern"),
    ],
)
def test_search_by_abbreviation(
    zones: list[TimeZone], january: datetime, query: str, first: str, absent: str
) -> None:
    names = [zone.name for zone in search_zones(zones, query, january)]
    assert first in names
    assert absent not in names


def test_est_names_new_york_first(zones: list[TimeZone], january: datetime) -> None:
    [first, *_] = search_zone_choices(zones, "EST", january)
    assert (first.zone.name, first.iana) == ("US Eastern", "America/New_York")


@pytest.mark.parametrize(
    ("iana", "locale", "city"),
    [
        ("Europe/Moscow", "ru", "Москва"),
        ("America/New_York", "es", "Nueva York"),
        ("Europe/Zurich", "de", "Zürich"),
        ("Australia/Sydney", "en", "Sydney"),
        ("Asia/Calcutta", "en", "Kolkata"),
    ],
)
def test_city_names_in_the_users_language(iana: str, locale: str, city: str) -> None:
    assert city_name(iana, locale) == city


def test_the_us_eastern_zone_is_named_after_new_york(
    zones: list[TimeZone], january: datetime
) -> None:
    [eastern] = [
        choice
        for choice in zone_choices_for_country(zones, "US", january)
        if choice.zone.name == "US Eastern"
    ]
    assert eastern.button_label(january, "de") == "New York · 22:05"
    assert eastern.button_label(january, "ru") == "Нью-Йорк · 22:05"


# --- mutation testing (issue 11): behaviour no test above pinned ---------------------------


@pytest.mark.parametrize(("locale", "shown"), [("en", "London (UTC)"), ("ru", "Лондон (UTC)")])
def test_a_zone_at_utc_today_reads_utc(
    zones: list[TimeZone], january: datetime, locale: str, shown: str
) -> None:
    choice = zone_choice_for_iana(zones, "Europe/London", january)
    assert choice is not None
    assert choice.utc_offset(january) == timedelta(0)
    assert choice.describe(january, locale) == shown


@pytest.mark.parametrize(
    ("query", "found"),
    [
        pytest.param(
            "+5",
            [
                ("Ekaterinburg", None, "Ekaterinburg · 08:05"),  # tzdata spells it Yekaterinburg
                ("West Asia", "Asia/Karachi", "Карачи · 08:05"),  # Islamabad is no IANA city
                ("India", "Asia/Kolkata", "Калькутта · 08:35"),
                ("Sri Lanka", None, "Sri Jayawardenepura · 08:35"),
                ("Nepal", "Asia/Kathmandu", "Катманду · 08:50"),
            ],
            id="east",
        ),
        pytest.param(
            "-3",
            [
                ("E. South America", None, "Brasilia · 00:05"),
                ("Argentina", "America/Argentina/Buenos_Aires", "Буэнос-Айрес · 00:05"),
                ("Newfoundland", None, "Newfoundland · 23:35"),  # -3:30 is in the hour of -3
            ],
            id="west",
        ),
        pytest.param("-2", [("Mid-Atlantic", None, "Mid-Atlantic · 01:05")], id="no-city"),
    ],
)
def test_an_offset_search_names_each_zone_after_its_city_in_the_users_language(
    zones: list[TimeZone], january: datetime, query: str, found: list[tuple[str, str, str]]
) -> None:
    choices = search_zone_choices(zones, query, january)
    assert [
        (choice.zone.name, choice.iana, choice.button_label(january, "ru")) for choice in choices
    ] == found


def test_the_button_shows_the_real_clock_when_domino_switches_an_hour_late(
    zones: list[TimeZone],
) -> None:
    # 06:30 UTC on 2 Nov 2025: 01:30 EST in New York; Domino's rule still says 02:30 EDT.
    now = datetime(2025, 11, 2, 6, 30, tzinfo=UTC)
    choice = zone_choice_for_iana(zones, "America/New_York", now)
    assert choice is not None
    assert choice.button_label(now) == "New York · 01:30"
    assert choice.describe(now) == "New York (UTC-05:00)"
    assert ZoneChoice(choice.zone, "Eastern").button_label(now) == "Eastern · 02:30"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        pytest.param(
            "is",
            [
                ("West Asia", "Islamabad"),  # starts with it
                ("UTC-11", "Midway Island"),  # a word starts with it, in ClickBook's order
                ("Central Pacific", "Solomon Is."),
                ("Fiji", "Marshall Is."),
                ("GMT", "Lisbon"),  # contains it, in ClickBook's order
                ("Central Europe", "Bratislava"),
                ("Romance", "Paris"),
                ("E. Australia", "Brisbane"),
            ],
            id="prefix-word-substring",
        ),
        # Berlin and Bern both start with it: the first place in the label names the button.
        pytest.param("ber", [("W. Europe", "Berlin"), ("AUS Eastern", "Canberra")], id="first"),
    ],
)
def test_label_places_rank_by_how_they_match(
    zones: list[TimeZone], january: datetime, query: str, found: list[tuple[str, str]]
) -> None:
    choices = search_zone_choices(zones, query, january)
    assert [(choice.zone.name, choice.place) for choice in choices][: len(found)] == found


@pytest.mark.parametrize(
    ("query", "limit", "found"),
    [
        pytest.param("angeles", 8, [("Pacific", "America/Los_Angeles")], id="word-of-a-city"),
        pytest.param(
            "port",
            8,
            [
                ("W. Central Africa", "Africa/Porto-Novo"),
                ("US Eastern", "America/Port-au-Prince"),
                ("SA Western", "America/Port_of_Spain"),
                # America/Porto_Velho is SA Western again: skipped, and the search goes on.
                ("SA Pacific", "America/Rio_Branco"),  # once America/Porto_Acre
                ("GMT", "Europe/Lisbon"),  # its old id is Portugal
                ("E. Australia", "Pacific/Port_Moresby"),
            ],
            id="each-zone-once",
        ),
        pytest.param(
            "port",
            3,
            [
                ("W. Central Africa", "Africa/Porto-Novo"),
                ("US Eastern", "America/Port-au-Prince"),
                ("SA Western", "America/Port_of_Spain"),
            ],
            id="limit",
        ),
    ],
)
def test_world_cities_find_their_zones(
    zones: list[TimeZone], january: datetime, query: str, limit: int, found: list[tuple[str, str]]
) -> None:
    choices = search_zone_choices(zones, query, january, limit=limit)
    assert [(choice.zone.name, choice.iana) for choice in choices] == found


def test_a_country_names_each_zone_after_its_most_used_city(
    zones: list[TimeZone], january: datetime
) -> None:
    # The city with the most phone prefixes names its zone (Rio Branco, not Eirunepé).
    choices = zone_choices_for_country(zones, "BR", january)
    assert [(choice.zone.name, choice.place, choice.iana) for choice in choices] == [
        ("SA Pacific", "Rio Branco", "America/Rio_Branco"),
        ("SA Western", "Manaus", "America/Manaus"),
        ("E. South America", "Brasilia", "America/Sao_Paulo"),
        ("Mid-Atlantic", "Mid-Atlantic", "America/Noronha"),
    ]
    # Between equally used ones, Windows' city for the zone (Hebron, not Gaza).
    [palestine] = zone_choices_for_country(zones, "PS", january)
    assert (palestine.zone.name, palestine.place, palestine.iana) == (
        "FLE",
        "Hebron",
        "Asia/Hebron",
    )


@pytest.mark.parametrize(
    ("season", "found"),
    [
        ("january", [("US Eastern", "America/New_York"), ("SA Pacific", "America/Cancun")]),
        # In July New York is on EDT: the zones on EST today come first.
        ("july", [("SA Pacific", "America/Cancun"), ("US Eastern", "America/New_York")]),
    ],
)
def test_an_abbreviation_lists_the_zones_using_it_today_first_and_each_once(
    zones: list[TimeZone],
    season: str,
    found: list[tuple[str, str]],
    request: pytest.FixtureRequest,
) -> None:
    now = request.getfixturevalue(season)
    choices = search_zone_choices(zones, "EST", now)
    assert [(choice.zone.name, choice.iana) for choice in choices] == found


def test_aest_in_the_southern_summer_is_brisbane_first(
    zones: list[TimeZone], january: datetime
) -> None:
    choices = search_zone_choices(zones, "AEST", january)
    assert [(choice.zone.name, choice.iana) for choice in choices] == [
        ("E. Australia", "Australia/Brisbane"),
        ("AUS Eastern", "Australia/Sydney"),
        ("Tasmania", "Australia/Hobart"),
    ]


def test_an_iana_zone_matched_by_offset_prefers_its_countrys_zone(
    zones: list[TimeZone], january: datetime
) -> None:
    # Ceuta (Spain) has no city in any label; of the four CET zones, Madrid's is Spain's.
    choice = zone_choice_for_iana(zones, "Africa/Ceuta", january)
    assert choice is not None
    assert (choice.zone.name, choice.iana) == ("Romance", "Africa/Ceuta")


def test_an_iana_zone_matched_by_name_keeps_its_city_for_the_button(
    zones: list[TimeZone], january: datetime
) -> None:
    choice = zone_choice_for_iana(zones, "Asia/Calcutta", january)
    assert choice is not None
    assert choice.iana == "Asia/Kolkata"
    assert choice.button_label(january, "ru") == "Калькутта · 08:35"


def test_a_label_search_names_the_button_in_the_users_language(
    zones: list[TimeZone], january: datetime
) -> None:
    [sydney] = search_zone_choices(zones, "syd", january, locale="ru")
    assert (sydney.zone.name, sydney.iana) == ("AUS Eastern", "Australia/Sydney")
    assert sydney.button_label(january, "ru") == "Сидней · 14:05"
    assert search_zones(zones, "москва", january, locale="ru") == [by_name(zones, "Russian")]


def test_search_gives_eight_at_most_by_default_and_one_when_asked(
    zones: list[TimeZone], january: datetime
) -> None:
    assert len(search_zone_choices(zones, "la", january)) == 8
    assert len(search_zones(zones, "la", january)) == 8
    assert len(search_zones(zones, "la", january, limit=1)) == 1
    # "new": four label matches (Newfoundland, New Delhi, ...), then world cities fill up.
    choices = search_zone_choices(zones, "new", january, limit=5)
    assert [(choice.zone.name, choice.iana) for choice in choices] == [
        ("Newfoundland", None),
        ("India", None),
        ("Central Pacific", None),
        ("New Zealand", "Pacific/Auckland"),
        ("Pacific", "America/Los_Angeles"),
    ]


@pytest.mark.parametrize(
    ("iana_name", "country"),
    [
        ("America/New_York", "US"),
        ("Asia/Calcutta", "IN"),  # an old alias
        ("Antarctica/Troll", None),  # CLDR's "001", no country
        ("Etc/UTC", None),
        ("Nowhere/Special", None),
    ],
)
def test_the_country_of_a_zone(iana_name: str, country: str | None) -> None:
    assert country_of_zone(iana_name) == country


@pytest.mark.parametrize(
    ("place", "label"),
    [
        # 32 characters and " · 03:05" make 40: it fits whole.
        ("Llanfairpwllgwyngyll Gogerychwyr", "Llanfairpwllgwyngyll Gogerychwyr · 03:05"),
        # Cut where a space falls: no space before the ellipsis.
        ("Llanfairpwllgwyngyll Gogerychw Drobwll", "Llanfairpwllgwyngyll Gogerychw… · 03:05"),
    ],
)
def test_cutting_a_place_to_fit(january: datetime, place: str, label: str) -> None:
    zone = TimeZone.parse("Z=0$DO=0$ZX=1$ZN=Long", f"(GMT) {place}")
    assert zone_button_label(zone, january) == label
    assert len(label) <= MAX_BUTTON_LABEL


def test_a_city_in_a_deep_iana_id_is_its_last_part() -> None:
    assert city_name("America/Argentina/Buenos_Aires") == "Buenos Aires"
    assert city_name("America/Argentina/Buenos_Aires", "de") == "Buenos Aires"
