"""Countries for the sign-up form: ClickBook's English names, localized names, sorting and search.

ClickBook's country field takes the English short name of an ISO 3166-1 country; we use CLDR's
English names (``GB`` → ``United Kingdom``, ``RU`` → ``Russia``) as Babel ships them. Only the
249 officially assigned ISO 3166-1 alpha-2 codes count as countries: CLDR's regions (``001``,
``EU``), reserved codes (``AC``, ``IC``, ``TA``) and user-assigned ones (``XK``, ``ZZ``) do not,
because ClickBook's ISO list would not know them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.domain.languages import babel_locale
from bot.domain.text import fold, sort_key

_ISO_CODE_TABLE = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
"""

ISO_COUNTRY_CODES = frozenset(_ISO_CODE_TABLE.split())
"""The officially assigned ISO 3166-1 alpha-2 codes."""

ENGLISH_ALIASES: dict[str, str] = {
    "america": "US",
    "britain": "GB",
    "england": "GB",
    "great britain": "GB",
    "holland": "NL",
    "northern ireland": "GB",
    "scotland": "GB",
    "uae": "AE",
    "uk": "GB",
    "usa": "US",
    "wales": "GB",
}
"""Names people type that are not the country's CLDR name; matched like English names."""

_SUBSTRING = 3
"""Rank of a match inside a word; lower ranks are listed first."""


@dataclass(frozen=True, slots=True)
class Country:
    """A country as the picker shows it."""

    code: str
    """ISO 3166-1 alpha-2 code, e.g. ``AU``."""
    name: str
    """The name in the user's language."""


def is_country_code(code: str) -> bool:
    """Tell whether ``code`` is an assigned ISO 3166-1 alpha-2 code (any case)."""
    return code.upper() in ISO_COUNTRY_CODES


def country_name_en(code: str) -> str:
    """Return the English name ClickBook expects for a country code; raise KeyError if unknown."""
    return country_name(code, "en")


def country_name(code: str, locale: str) -> str:
    """Return a country's name in the given language, falling back to English."""
    code = code.upper()
    if code not in ISO_COUNTRY_CODES:
        raise KeyError(code)
    localized = babel_locale(locale).territories.get(code)
    return localized or babel_locale("en").territories[code]


def all_countries(locale: str) -> list[Country]:
    """Return every country named in the given language, sorted by that name."""
    return [entry.country for entry in _index(str(babel_locale(locale)))]


def search_countries(query: str, locale: str, limit: int = 8) -> list[Country]:
    """Find countries by localized name, English name or code, best matches first.

    Matching ignores case, accents and punctuation. An exact name or code comes first, then
    names that start with the query, then names with a word that starts with it, then names
    that merely contain it; ties keep alphabetical order.
    """
    needle = fold(query)
    if not needle or limit <= 0:
        return []
    ranked: list[tuple[int, int, Country]] = []
    for position, entry in enumerate(_index(str(babel_locale(locale)))):
        rank = entry.rank(needle)
        if rank is not None:
            ranked.append((rank, position, entry.country))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [country for _, _, country in ranked[:limit]]


@dataclass(frozen=True, slots=True)
class _Entry:
    """A country with the folded names it can be found by."""

    country: Country
    code: str
    names: tuple[str, ...]

    def rank(self, needle: str) -> int | None:
        """Return how well the folded query matches (0 best), or None if it does not."""
        if needle == self.code:
            return 0
        best: int | None = None
        for name in self.names:
            if name == needle:
                rank = 0
            elif name.startswith(needle):
                rank = 1
            elif f" {needle}" in f" {name}":
                rank = 2
            elif needle in name:
                rank = _SUBSTRING
            else:
                continue
            best = rank if best is None else min(best, rank)
        return best


@lru_cache(maxsize=32)
def _index(locale_key: str) -> tuple[_Entry, ...]:
    """Build the sorted, folded country list for one locale."""
    locale = babel_locale(locale_key)
    english = babel_locale("en").territories
    aliases: dict[str, list[str]] = {}
    for alias, code in ENGLISH_ALIASES.items():
        aliases.setdefault(code, []).append(fold(alias))
    entries = []
    for code in ISO_COUNTRY_CODES:
        name = locale.territories.get(code) or english[code]
        names = (fold(name), fold(english[code]), *aliases.get(code, ()))
        entries.append(_Entry(Country(code, name), code.lower(), tuple(dict.fromkeys(names))))
    entries.sort(key=lambda entry: sort_key(entry.country.name))
    return tuple(entries)
