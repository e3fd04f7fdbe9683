"""Pick ClickBook time zones for a country, a business's IANA zone or a search, and label them.

ClickBook offers its own list of Domino zones (``(GMT+10:00) Canberra, Melbourne, Sydney``),
while the world's data (Babel's CLDR, tzdata) speaks IANA (``Australia/Sydney``). An IANA zone is
matched to a ClickBook zone in two ways:

1. **By name**: a label place equal to the IANA city (``Sydney``), or else a zone name that
   Windows maps to that IANA zone (Domino's names are Windows' names: ``Canada Central`` is
   ``America/Regina``). Accepted only if the zone shows the same UTC offset as the IANA zone
   on at least three quarters of the sample days over the coming year, so a stale or odd
   label never gives a wrong clock.
2. **By offset**: otherwise the zone agreeing with the IANA zone on the most sample days (at
   least half), which tells Arizona from Mountain Time and north from south. Ties go to a
   zone already offered for the same country, then to one whose places belong to that
   country, then to one showing the right offset right now, then to ClickBook's order.

Either way the zone must show the IANA zone's time right now (give or take the hour around a
transition: Domino rules switch at 02:00 local standard time, which can be an hour off the
real rule), so a button never shows a wrong clock; sampling a year on top of that, instead of
trusting one instant, keeps a zone with the wrong DST rules from matching by luck.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import get_global

from bot.clickbook.timezones import DST_SAVING, TimeZone
from bot.domain.countries import country_name_en, is_country_code
from bot.domain.languages import babel_locale
from bot.domain.phones import zone_usage
from bot.domain.text import edit_distance, fold

MAX_BUTTON_LABEL = 40
"""Longest zone button label; longer ones are cut on phones anyway."""

_SAMPLES = 24
_SAMPLE_STEP = timedelta(days=365.25 / _SAMPLES)
_NAME_MIN_AGREEMENT = _SAMPLES * 3 // 4
_OFFSET_MIN_AGREEMENT = _SAMPLES // 2
_MAX_OFFSET = timedelta(hours=14)
_FUZZY_MIN_LENGTH = 6
"""Shorter place names must match an IANA city exactly (Lima is not Lira)."""
_CODE_WORD = re.compile(r"\b[A-Z]{2}\b")
"""A country code written in a label, as in ``Eastern Time (US & Canada)``."""
_ABBREVIATION = re.compile(r"[A-Z]{2,5}")
"""What a zone abbreviation looks like (tzdata's numeric ones, ``+03``, are offsets)."""
_PLACE_RANKS = 4
"""Search ranks 0..3 are label place matches (exact, prefix, word prefix, substring)."""

_OFFSET_QUERY = re.compile(
    r"(?P<prefix>gmt|utc)?\s*(?P<sign>[+-])?\s*(?P<hours>\d{1,2})"
    r"(?:(?:[:h]|\s)?(?P<minutes>\d{2})|[.,](?P<fraction>\d{1,2}))?"
)


IANA_ZONE_IDS: tuple[str, ...] = tuple(sorted(get_global("zone_territories")))
"""Every IANA zone of a territory, in a fixed order: buttons carry an index into it."""


@dataclass(frozen=True, slots=True)
class ZoneChoice:
    """A ClickBook zone to offer, with the place to show on its button."""

    zone: TimeZone
    place: str
    """Usually a place from the zone's label; for a country's zone labelled only with other
    countries' cities, that country's own city (``Zurich`` for ``Amsterdam, Berlin, …``)."""
    iana: str | None = None
    """The IANA zone this choice stands for, when known: its clock and its city's name in the
    user's language are what the user is shown (ClickBook's value is what is submitted)."""

    def button_label(self, now: datetime, locale: str = "en") -> str:
        """Return e.g. ``Sydney · 14:05`` (the city in ``locale``, the time there now)."""
        return _cut(self.city(locale), f" · {self.local_time(now):%H:%M}")

    def city(self, locale: str = "en") -> str:
        """Return the place in ``locale``: the IANA zone's city if known, else the label's."""
        if self.iana is None:
            return self.place
        return city_name(self.iana, locale)

    def local_time(self, now: datetime) -> datetime:
        """Return the local time now: by the IANA zone's rules when known (the real clock)."""
        info = _zone_info(self.iana) if self.iana else None
        return now.astimezone(info) if info else self.zone.local_time(now)

    def utc_offset(self, now: datetime) -> timedelta:
        """Return today's real UTC offset of this choice."""
        return self.local_time(now).utcoffset() or timedelta(0)

    def describe(self, now: datetime, locale: str = "en") -> str:
        """Return e.g. ``Sydney (UTC+11:00)``: the place and its real offset now."""
        return f"{self.city(locale)} ({format_offset(self.utc_offset(now))})"


def format_offset(offset: timedelta) -> str:
    """Return ``UTC+11:00``, ``UTC-03:30`` or ``UTC`` for an offset east of UTC."""
    if not offset:
        return "UTC"
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def real_label(zone: TimeZone, now: datetime) -> str:
    """Return ClickBook's label with today's offset: ``(UTC+11:00) Canberra, Melbourne, …``.

    ClickBook's own ``(GMT+10:00)`` prefix is the standard offset all year round.
    """
    places = ", ".join(zone.places) or zone.name
    return f"({format_offset(zone.utc_offset_at(now))}) {places}"


def country_of_zone(iana_name: str) -> str | None:
    """Return the country of an IANA zone (``America/New_York`` → ``US``), if it has one."""
    return _country_of(iana_name)


def city_name(iana_name: str, locale: str = "en") -> str:
    """Return an IANA zone's city in a language (``Europe/Moscow``, ``ru`` → ``Москва``)."""
    canonical = _canonical(iana_name)
    localized = babel_locale(locale).time_zones.get(canonical, {}).get("city")
    return localized or _display_city(canonical)


def _cut(shown: str, suffix: str) -> str:
    """Shorten ``shown`` so that ``shown + suffix`` fits a button (40 characters)."""
    room = MAX_BUTTON_LABEL - len(suffix)
    if len(shown) > room:
        shown = shown[: room - 1].rstrip() + "…"
    return shown + suffix


def zone_button_label(zone: TimeZone, now: datetime, place: str | None = None) -> str:
    """Return ``<place> · HH:MM`` (24-hour local time now), at most 40 characters.

    ``place`` defaults to the first place of the zone's label, or its name if it has none.
    """
    return _cut(place or _default_place(zone), f" · {zone.local_time(now):%H:%M}")


def zones_for_country(
    zones: Sequence[TimeZone], country_code: str, now: datetime | None = None
) -> list[TimeZone]:
    """Return the ClickBook zones used in a country, ordered by their UTC offset now.

    ``now`` (aware) decides which offsets count as current; it defaults to the clock's time,
    but callers with an injected clock should pass it.
    """
    moment = now or datetime.now(UTC)
    return [choice.zone for choice in zone_choices_for_country(zones, country_code, moment)]


def zone_choices_for_country(
    zones: Sequence[TimeZone], country_code: str, now: datetime
) -> list[ZoneChoice]:
    """Return the country's zones as choices, each showing a city of that country if it can."""
    code = country_code.upper()
    if not is_country_code(code):
        return []
    matcher = _Matcher(zones, now)
    iana_names = [name for name in get_global("territory_zones").get(code, ()) if _zone_info(name)]
    # The most used city of a zone (New York rather than Indianapolis, Sydney rather than
    # Melbourne), then Windows' main one, goes first to name its button.
    golden = frozenset(get_global("windows_zone_mapping").values())
    iana_names.sort(
        key=lambda name: (-zone_usage(_canonical(name)), _canonical(name) not in golden)
    )
    places: dict[TimeZone, str | None] = {}
    ianas: dict[TimeZone, str] = {}
    by_offset: list[str] = []
    for iana_name in iana_names:
        found = matcher.by_name(iana_name)
        if found is None:
            by_offset.append(iana_name)
            continue
        zone, place = found
        if zone not in places or (place and places[zone] is None):
            places[zone] = place
            ianas[zone] = _canonical(iana_name)
    for iana_name in by_offset:
        nearest = matcher.by_offset(iana_name, code, places.keys())
        if nearest is None:
            continue
        if nearest in places:
            # A zone named by Windows alone may have got a city nobody calls home
            # (Indianapolis for Eastern Time): the first used one (New York) names it.
            canonical = _canonical(iana_name)
            if (
                places[nearest] is None
                and not zone_usage(ianas[nearest])
                and zone_usage(canonical)
            ):
                ianas[nearest] = canonical
            continue
        # A zone labelled only with other countries' cities ("Bogota" for Atikokan, Canada)
        # would puzzle the user; the button names the city of their country instead.
        places[nearest] = _display_city(iana_name) if _affinity(nearest, code) < 0 else None
        ianas[nearest] = _canonical(iana_name)
    choices = [
        ZoneChoice(zone, place or _default_place(zone), ianas.get(zone))
        for zone, place in places.items()
    ]
    choices.sort(key=lambda choice: _offset_order(choice, now))
    return choices


def zone_for_iana(zones: Sequence[TimeZone], iana_name: str, now: datetime) -> TimeZone | None:
    """Return the ClickBook zone for an IANA zone such as a business's, or None if none fits."""
    choice = zone_choice_for_iana(zones, iana_name, now)
    return choice.zone if choice else None


def zone_choice_for_iana(
    zones: Sequence[TimeZone], iana_name: str, now: datetime
) -> ZoneChoice | None:
    """Return the choice for an IANA zone, naming its city if the label has it."""
    if _zone_info(iana_name) is None:
        return None
    return _choice_for_iana(_Matcher(zones, now), iana_name)


def _choice_for_iana(matcher: _Matcher, iana_name: str) -> ZoneChoice | None:
    """Match one known IANA zone, by name first, then by offset within its country."""
    canonical = _canonical(iana_name)
    found = matcher.by_name(iana_name)
    if found is not None:
        zone, place = found
        return ZoneChoice(zone, place or _default_place(zone), canonical)
    nearest = matcher.by_offset(iana_name, _country_of(iana_name))
    return ZoneChoice(nearest, _default_place(nearest), canonical) if nearest else None


def search_zones(
    zones: Sequence[TimeZone],
    query: str,
    now: datetime,
    limit: int = 8,
    locale: str = "en",
) -> list[TimeZone]:
    """Find zones by offset or place, best first; see :func:`search_zone_choices`."""
    return [choice.zone for choice in search_zone_choices(zones, query, now, limit, locale)]


def search_zone_choices(
    zones: Sequence[TimeZone],
    query: str,
    now: datetime,
    limit: int = 8,
    locale: str = "en",
) -> list[ZoneChoice]:
    """Find zones by offset, abbreviation or place, best first.

    An offset (``+10``, ``GMT-5``, ``UTC+5:30``, ``+0530``, ``gmt``) finds the zones whose
    offset *today* equals it; without minutes it also finds the half- and quarter-hour zones
    of that hour (``+5`` finds India). An abbreviation tzdata uses (``EST``, ``CET``,
    ``AEDT``, ``MSK``) finds the zones that use it, and nothing that merely contains the
    letters (``EST`` is not Budapest). A place is matched in ClickBook's labels ignoring case
    and accents (exact, then prefix, then word prefix, then substring), then in the zone's
    name, then among world cities in English and in ``locale`` (``Chicago`` finds Central
    Time, ``Москва`` finds Moscow, ``Munchen`` finds Berlin's zone).
    """
    if limit <= 0:
        return []
    offset = parse_offset_query(query)
    if offset is not None:
        return _search_by_offset(zones, offset, now)[:limit]
    by_abbreviation = _search_by_abbreviation(zones, query, now)
    if by_abbreviation:
        return by_abbreviation[:limit]
    needle = fold(query)
    if not needle:
        return []
    ranked: dict[TimeZone, tuple[int, int, str]] = {}
    for index, zone in enumerate(zones):
        match = _best_place_match(zone, needle)
        if match is not None:
            ranked[zone] = (match[0], index, match[1])
        elif needle in fold(zone.name):
            ranked[zone] = (_PLACE_RANKS, index, _default_place(zone))
    results = sorted(ranked.items(), key=lambda item: item[1][:2])
    matcher = _Matcher(zones, now) if results else None
    choices = [
        ZoneChoice(zone, place, _iana_of_place(matcher, zone, place) if matcher else None)
        for zone, (_, _, place) in results[:limit]
    ]
    if len(choices) < limit:
        found = {choice.zone for choice in choices}
        choices.extend(
            _search_world_cities(zones, needle, now, locale, limit - len(choices), found)
        )
    return choices


def _iana_of_place(matcher: _Matcher, zone: TimeZone, place: str) -> str | None:
    """Return the IANA zone a label place names, if it is that ClickBook zone's city."""
    for iana_name in _iana_by_city().get(fold(place), ()):
        found = matcher.by_name(iana_name)
        if found is not None and found[0] == zone:
            return iana_name
    return None


@lru_cache(maxsize=1)
def _iana_by_city() -> dict[str, tuple[str, ...]]:
    """Map each folded English IANA city name to its zones."""
    index: dict[str, list[str]] = {}
    for iana_name in get_global("zone_territories"):
        for city in _english_cities(iana_name):
            index.setdefault(city, []).append(iana_name)
    return {city: tuple(names) for city, names in index.items()}


def _search_by_abbreviation(
    zones: Sequence[TimeZone], query: str, now: datetime
) -> list[ZoneChoice]:
    """Return the zones of the IANA zones that use an abbreviation, in use today first."""
    word = query.strip().upper()
    if not _ABBREVIATION.fullmatch(word):
        return []
    users = _abbreviations(now.year).get(word)
    if not users:
        return []

    def order(iana_name: str) -> tuple[bool, int, str]:
        info = _zone_info(iana_name)
        current = info is not None and now.astimezone(info).tzname() == word
        return not current, -zone_usage(iana_name), iana_name

    matcher = _Matcher(zones, now)
    found: list[ZoneChoice] = []
    seen: set[TimeZone] = set()
    for iana_name in sorted(users, key=order):
        choice = _choice_for_iana(matcher, iana_name)
        if choice is not None and choice.zone not in seen:
            seen.add(choice.zone)
            found.append(choice)
    return found


@lru_cache(maxsize=4)
def _abbreviations(year: int) -> dict[str, tuple[str, ...]]:
    """Map each letter abbreviation tzdata uses in ``year`` (``AEDT``) to its IANA zones."""
    instants = [datetime(year, month, 15, 12, tzinfo=UTC) for month in (1, 4, 7, 10)]
    index: dict[str, set[str]] = {}
    for iana_name in get_global("zone_territories"):
        info = _zone_info(iana_name)
        if info is None:
            continue
        for instant in instants:
            name = instant.astimezone(info).tzname()
            if name and _ABBREVIATION.fullmatch(name):
                index.setdefault(name, set()).add(iana_name)
    return {name: tuple(sorted(users)) for name, users in index.items()}


@dataclass(frozen=True, slots=True)
class OffsetQuery:
    """A UTC offset typed by the user."""

    offset: timedelta
    minutes_given: bool
    """False for ``+5``, which also admits ``+5:30`` and ``+5:45``."""


def parse_offset_query(query: str) -> OffsetQuery | None:
    """Read ``+10``, ``-5``, ``GMT-5``, ``UTC+5:30``, ``+0530``, ``+5.5`` or ``gmt``; else None.

    A bare number is not an offset (it could be part of a place); it needs a sign or a
    ``GMT``/``UTC`` prefix.
    """
    text = query.strip().lower().replace("\u2212", "-")
    if text in {"gmt", "utc", "z"}:
        return OffsetQuery(timedelta(0), minutes_given=True)
    match = _OFFSET_QUERY.fullmatch(text)
    if match is None or not (match["prefix"] or match["sign"]):
        return None
    minutes = 0
    if match["minutes"]:
        minutes = int(match["minutes"])
    elif match["fraction"]:
        # "5.5" means five and a half hours; "5.30" and "5.45" mean minutes, as people write
        # them; only .25, .5 and .75 are read as fractions.
        fraction = match["fraction"]
        minutes = {"5": 30, "25": 15, "50": 30, "75": 45}.get(fraction, int(fraction))
    if minutes >= 60:
        return None
    offset = timedelta(hours=int(match["hours"]), minutes=minutes)
    if offset > _MAX_OFFSET:
        return None
    if match["sign"] == "-":
        offset = -offset
    return OffsetQuery(offset, minutes_given=bool(match["minutes"] or match["fraction"]))


def _search_by_offset(
    zones: Sequence[TimeZone], query: OffsetQuery, now: datetime
) -> list[ZoneChoice]:
    """Return zones whose offset today is that one, then same-hour ones (``+5``: India).

    Only today's offset counts: in December ``+10`` is Brisbane, not Sydney (at +11 then).
    """
    ranked: list[tuple[int, int, TimeZone]] = []
    for index, zone in enumerate(zones):
        current = zone.utc_offset_at(now)
        if current == query.offset:
            rank = 0
        elif not query.minutes_given and _same_hour(current, query.offset):
            rank = 1
        else:
            continue
        ranked.append((rank, index, zone))
    ranked.sort(key=lambda item: item[:2])
    matcher = _Matcher(zones, now)
    return [_named_choice(matcher, zone) for _, _, zone in ranked]


def _named_choice(matcher: _Matcher, zone: TimeZone) -> ZoneChoice:
    """Return a zone as a choice named after the first label place that is its IANA city.

    So an offset search shows ``Брисбен`` to a Russian speaker, not ClickBook's ``Brisbane``.
    """
    for place in zone.places:
        iana = _iana_of_place(matcher, zone, place)
        if iana is not None:
            return ZoneChoice(zone, place, iana)
    return ZoneChoice(zone, _default_place(zone))


def _same_hour(offset: timedelta, whole_hours: timedelta) -> bool:
    """Tell whether ``offset`` lies within the hour after ``whole_hours`` (away from zero)."""
    if whole_hours >= timedelta(0):
        return whole_hours <= offset < whole_hours + timedelta(hours=1)
    return whole_hours - timedelta(hours=1) < offset <= whole_hours


def _best_place_match(zone: TimeZone, needle: str) -> tuple[int, str] | None:
    """Return the best (rank, place) of a zone's label places for a folded query."""
    best: tuple[int, str] | None = None
    for place in zone.places:
        folded = fold(place)
        if folded == needle:
            rank = 0
        elif folded.startswith(needle):
            rank = 1
        elif f" {needle}" in f" {folded}":
            rank = 2
        elif needle in folded:
            rank = 3
        else:
            continue
        if best is None or rank < best[0]:
            best = (rank, place)
    return best


def _search_world_cities(
    zones: Sequence[TimeZone],
    needle: str,
    now: datetime,
    locale: str,
    limit: int,
    exclude: set[TimeZone],
) -> list[ZoneChoice]:
    """Find zones through IANA cities whose name starts with the query (or a word of it)."""
    found: list[ZoneChoice] = []
    seen = set(exclude)
    matcher: _Matcher | None = None
    for iana_name, names in _world_city_names(str(babel_locale(locale))):
        if not any(name.startswith(needle) or f" {needle}" in f" {name}" for name in names):
            continue
        matcher = matcher or _Matcher(zones, now)
        choice = _choice_for_iana(matcher, iana_name)
        if choice is None or choice.zone in seen:
            continue
        seen.add(choice.zone)
        found.append(choice)
        if len(found) >= limit:
            break
    return found


@lru_cache(maxsize=16)
def _world_city_names(locale_key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Return every IANA zone with its folded city names in English and in one language."""
    localized = babel_locale(locale_key).time_zones
    old_names: dict[str, list[str]] = {}
    for alias, canonical in get_global("zone_aliases").items():
        old_names.setdefault(canonical, []).append(alias)
    entries = []
    for iana_name in sorted(get_global("zone_territories")):
        names = set(_english_cities(iana_name))
        for alias in old_names.get(iana_name, ()):
            names.update(_english_cities_of_id(alias))
        city = localized.get(iana_name, {}).get("city")
        if city:
            names.add(fold(city))
        entries.append((iana_name, tuple(sorted(names))))
    return tuple(entries)


class _Matcher:
    """Match IANA zones to ClickBook zones at one moment, reusing the sampled offsets."""

    def __init__(self, zones: Sequence[TimeZone], now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self._zones = list(zones)
        self._now = now
        self._instants = [now + k * _SAMPLE_STEP for k in range(_SAMPLES)]
        self._offsets: dict[TimeZone, tuple[timedelta | None, ...]] = {}
        self._places = {
            zone: {fold(place): place for place in zone.places} for zone in self._zones
        }

    def by_name(self, iana_name: str) -> tuple[TimeZone, str | None] | None:
        """Return the zone that names the IANA zone, if its clock agrees, and the place named.

        A zone names it when a label place is the IANA city (the place is returned) or when
        Windows maps the zone's name to that IANA zone (no place: the label has no city of it).
        """
        iana_offsets = self._iana_offsets(iana_name)
        around_now = self._iana_offsets_around_now(iana_name)
        cities = _english_cities(iana_name)
        canonical = _canonical(iana_name)
        twin: TimeZone | None = None
        for zone in self._zones:
            if zone.utc_offset_at(self._now) not in around_now:
                continue
            if self._agreement(zone, iana_offsets) < _NAME_MIN_AGREEMENT:
                continue
            for city in cities:
                place = self._places[zone].get(city)
                if place:
                    return zone, place
            if twin is None and _windows_twin(zone) == canonical:
                twin = zone
        return (twin, None) if twin else None

    def by_offset(
        self,
        iana_name: str,
        country_code: str | None,
        preferred: Collection[TimeZone] = (),
    ) -> TimeZone | None:
        """Return the zone whose clock agrees most with the IANA zone's over the year.

        Among equally good zones, one in ``preferred`` (already offered for the country) wins,
        then one whose label speaks of the country, then one right at this moment.
        """
        iana_offsets = self._iana_offsets(iana_name)
        around_now = self._iana_offsets_around_now(iana_name)
        best: tuple[tuple[int, bool, int, bool, int], TimeZone] | None = None
        for index, zone in enumerate(self._zones):
            if zone.utc_offset_at(self._now) not in around_now:
                continue
            agreement = self._agreement(zone, iana_offsets)
            if agreement < _OFFSET_MIN_AGREEMENT:
                continue
            key = (
                agreement,
                zone in preferred,
                _affinity(zone, country_code),
                self._offsets[zone][0] == iana_offsets[0],
                -index,
            )
            if best is None or key > best[0]:
                best = (key, zone)
        return best[1] if best else None

    def _agreement(self, zone: TimeZone, iana_offsets: tuple[timedelta | None, ...]) -> int:
        """Count the sample instants at which a zone shows the IANA zone's offset."""
        seen = set(iana_offsets)
        if zone.standard_offset not in seen and zone.standard_offset + DST_SAVING not in seen:
            return 0  # Cheap rejection: this zone can never show any of those offsets.
        if zone not in self._offsets:
            self._offsets[zone] = self._sample(zone.utc_offset_at)
        return _agreement(self._offsets[zone], iana_offsets)

    def _iana_offsets_around_now(self, iana_name: str) -> set[timedelta | None]:
        """Return the IANA zone's offsets within an hour of now.

        A zone must show one of them: the right time now, give or take the hour by which
        Domino's 02:00-standard-time transitions can differ from the real ones.
        """
        info = _zone_info(iana_name)
        if info is None:
            return set()
        return {
            (self._now + delta).astimezone(info).utcoffset()
            for delta in (-DST_SAVING, timedelta(0), DST_SAVING)
        }

    def _iana_offsets(self, iana_name: str) -> tuple[timedelta | None, ...]:
        """Sample an IANA zone's UTC offsets at this matcher's instants."""
        info = _zone_info(iana_name)
        if info is None:
            return (None,) * _SAMPLES
        return self._sample(lambda instant: instant.astimezone(info).utcoffset())

    def _sample(
        self, offset_at: Callable[[datetime], timedelta | None]
    ) -> tuple[timedelta | None, ...]:
        """Return the offsets a function gives at the sample instants."""
        return tuple(offset_at(instant) for instant in self._instants)


def _agreement(first: tuple[timedelta | None, ...], second: tuple[timedelta | None, ...]) -> int:
    """Count the sample instants at which two clocks show the same offset."""
    return sum(1 for a, b in zip(first, second, strict=True) if a is not None and a == b)


def _windows_twin(zone: TimeZone) -> str | None:
    """Return the IANA zone Windows maps this zone's name to (Domino names follow Windows)."""
    twin = get_global("windows_zone_mapping").get(f"{zone.name} Standard Time")
    return _canonical(twin) if twin else None


def _affinity(zone: TimeZone, country_code: str | None) -> int:
    """Score how much a zone's label speaks of a country: 1 yes, 0 unknown, -1 of others only."""
    if country_code is None:
        return 0
    country_words = {fold(country_name_en(country_code))}
    other_country = False
    for place in zone.places:
        folded = fold(place)
        if country_code in _CODE_WORD.findall(place):
            return 1
        if any(f" {word} " in f" {folded} " for word in country_words):
            return 1
        countries = _countries_of_place(folded)
        if country_code in countries:
            return 1
        if countries:
            other_country = True
    return -1 if other_country else 0


@lru_cache(maxsize=2048)
def _countries_of_place(folded_place: str) -> frozenset[str]:
    """Return the countries of the IANA city a label place names, allowing one letter off.

    Labels and IANA spell some cities differently (``Ekaterinburg``, ``Yekaterinburg``).
    """
    index = _city_countries()
    exact = index.get(folded_place)
    if exact is not None:
        return exact
    if len(folded_place) < _FUZZY_MIN_LENGTH:
        return frozenset()
    return frozenset(
        country
        for city, countries in index.items()
        if edit_distance(city, folded_place, limit=1) <= 1
        for country in countries
    )


@lru_cache(maxsize=1)
def _city_countries() -> dict[str, frozenset[str]]:
    """Map each folded IANA city name to the countries it is in."""
    index: dict[str, set[str]] = {}
    for iana_name, country in get_global("zone_territories").items():
        for city in _english_cities(iana_name):
            index.setdefault(city, set()).add(country)
    return {city: frozenset(countries) for city, countries in index.items()}


@lru_cache(maxsize=1024)
def _english_cities(iana_name: str) -> tuple[str, ...]:
    """Return the folded city names of an IANA zone: from its id and Babel's English name."""
    canonical = _canonical(iana_name)
    names = [*_english_cities_of_id(canonical), fold(_display_city(canonical))]
    return tuple(dict.fromkeys(name for name in names if name))


def _english_cities_of_id(iana_name: str) -> tuple[str, ...]:
    """Return the folded city an IANA id spells (``America/New_York`` → ``new york``)."""
    return (fold(iana_name.rsplit("/", 1)[-1].replace("_", " ")),)


def _display_city(iana_name: str) -> str:
    """Return an IANA zone's city as people write it in English (``St. John’s``)."""
    canonical = _canonical(iana_name)
    city = babel_locale("en").time_zones.get(canonical, {}).get("city")
    return city or canonical.rsplit("/", 1)[-1].replace("_", " ")


def _canonical(iana_name: str) -> str:
    """Return the current IANA name for an old alias (``Asia/Calcutta`` → ``Asia/Kolkata``)."""
    return get_global("zone_aliases").get(iana_name, iana_name)


def _country_of(iana_name: str) -> str | None:
    """Return the country of an IANA zone, if it belongs to one."""
    country = get_global("zone_territories").get(_canonical(iana_name))
    return country if country and is_country_code(country) else None


@lru_cache(maxsize=1024)
def _zone_info(iana_name: str) -> ZoneInfo | None:
    """Return the tzdata zone, or None for an unknown or malformed name."""
    try:
        return ZoneInfo(iana_name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _default_place(zone: TimeZone) -> str:
    """Return the place a zone's button shows when nothing better is known."""
    return zone.places[0] if zone.places else zone.name


def _offset_order(choice: ZoneChoice, now: datetime) -> tuple[timedelta, timedelta, str]:
    """Sort key: UTC offset now, then standard offset, then place."""
    return choice.zone.utc_offset_at(now), choice.zone.standard_offset, fold(choice.place)
