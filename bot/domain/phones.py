"""Parse phone numbers typed in any usual format into the digits-only form ClickBook wants.

ClickBook's numeric fields take 6 to 15 digits with no ``+``, spaces or punctuation, so a number
is stored internationally: country code then national number (``61412345678``).

How strict: a number must be *valid* for its country (in an assigned range, per
``phonenumbers``): ``12345`` typed in Australia is a possible length there but nobody's number,
and ClickBook, which only checks the digits, would keep it. Fictional and test ranges (``+1 555
010 2000``, ``+44 7700 900123``) are not valid either; ``allow_fictional`` (the
``CLICKBOT_ALLOW_FICTIONAL_PHONES`` setting, meant for the sandbox and the demo) lets a merely
*possible* number through. Numbers that are only dialable locally (no area code) are refused,
because nobody could call them from elsewhere. Letters (vanity numbers, extensions) are refused
too.

``00`` starts an international number almost everywhere, but not in every country's dialling
plan (Australia's is ``0011``), so a number typed with ``00`` is read both ways and the valid
reading wins: ``0061 412 345 678`` is ``+61 412 345 678`` wherever it is typed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, ValidationResult
from phonenumbers import timezone as phone_timezone
from phonenumbers.tzdata import TIMEZONE_DATA

from bot.domain.errors import FieldError

MIN_DIGITS = 6
MAX_DIGITS = 15
"""ClickBook's bounds for a numeric field; 15 is also E.164's maximum."""

_MAX_INPUT_LENGTH = 64
_SEPARATORS = frozenset(
    "+-().,/\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff08\uff09\uff0b\uff0d"
)
"""Characters people put between digits: plus, hyphens and dashes, brackets, dots, slashes
(fullwidth forms included, as East Asian keyboards type them)."""
_INTERNATIONAL_PREFIXES = ("+", "\uff0b", "00")

_PARSE_ERRORS = {
    NumberParseException.INVALID_COUNTRY_CODE: "phone.missing_country_code",
    NumberParseException.NOT_A_NUMBER: "phone.invalid",
    NumberParseException.TOO_SHORT_AFTER_IDD: "phone.too_short",
    NumberParseException.TOO_SHORT_NSN: "phone.too_short",
    NumberParseException.TOO_LONG: "phone.too_long",
}
_POSSIBILITY_ERRORS = {
    ValidationResult.INVALID_COUNTRY_CODE: "phone.invalid_country_code",
    ValidationResult.TOO_SHORT: "phone.too_short",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "phone.missing_area_code",
    ValidationResult.INVALID_LENGTH: "phone.invalid",
    ValidationResult.TOO_LONG: "phone.too_long",
}


@dataclass(frozen=True, slots=True)
class ParsedPhone:
    """A phone number normalised for ClickBook and for the country picker."""

    digits: str
    """Country code and national number, digits only: what ClickBook's N fields take."""
    region: str | None
    """ISO 3166-1 alpha-2 country the number belongs to, if it names one."""
    e164: str
    """``+`` and the digits, e.g. ``+61412345678``."""
    international: str
    """Grouped for people to read, e.g. ``+61 412 345 678``."""


def parse_phone(
    text: str, default_region: str | None = None, *, allow_fictional: bool = False
) -> ParsedPhone:
    """Parse a typed number; ``default_region`` (e.g. ``AU``) applies when there is no ``+``.

    Raise FieldError unless the number is valid for its country (merely possible with
    ``allow_fictional``).
    """
    raw = text.strip()
    if not raw:
        raise FieldError("phone.empty")
    if len(raw) > _MAX_INPUT_LENGTH:
        raise FieldError("phone.too_long")
    if not all(_is_phone_character(char) for char in raw):
        raise FieldError("phone.invalid_characters")
    region = default_region.upper() if default_region else None
    attempts = [(raw, region)]
    # "00" is the international prefix almost everywhere; phonenumbers only knows that when
    # the default region uses it, so also try reading it as "+".
    compact = "".join(char for char in raw if not char.isspace())
    if compact.startswith("00"):
        attempts.append(("+" + compact[2:], None))
    errors: list[FieldError] = []
    possible: ParsedPhone | None = None
    for candidate, candidate_region in attempts:
        try:
            parsed, valid = _parse(candidate, candidate_region)
        except FieldError as error:
            errors.append(error)
            continue
        if valid:
            return parsed
        possible = possible or parsed
    if possible is not None:
        if allow_fictional:
            return possible
        raise FieldError("phone.not_in_use")
    raise errors[0]


def readable_phone(digits: str) -> str:
    """Return stored digits (``61412345678``) grouped for people: ``+61 412 345 678``.

    Digits phonenumbers cannot read (an answer kept from before it was checked) are shown as
    ``+`` and the digits rather than not at all.
    """
    try:
        number = phonenumbers.parse("+" + digits)
    except NumberParseException:
        return "+" + digits
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def parse_contact_phone(phone_number: str, *, allow_fictional: bool = False) -> ParsedPhone:
    """Parse the number of a shared Telegram contact, which is international but may lack ``+``."""
    raw = phone_number.strip()
    return parse_phone(raw if raw.startswith("+") else "+" + raw, allow_fictional=allow_fictional)


def _is_phone_character(char: str) -> bool:
    """Tell whether a character may appear in a typed phone number."""
    return char.isspace() or char in _SEPARATORS or unicodedata.category(char) == "Nd"


def _parse(text: str, region: str | None) -> tuple[ParsedPhone, bool]:
    """Parse one reading of the text and tell whether it is valid (not only possible).

    Raise FieldError if it cannot even be a number.
    """
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as error:
        code = _PARSE_ERRORS.get(error.error_type, "phone.invalid")
        if code == "phone.missing_country_code" and text.lstrip().startswith(
            _INTERNATIONAL_PREFIXES
        ):
            code = "phone.invalid_country_code"
        raise FieldError(code) from None
    possibility = phonenumbers.is_possible_number_with_reason(number)
    if possibility != ValidationResult.IS_POSSIBLE:
        raise FieldError(_POSSIBILITY_ERRORS.get(possibility, "phone.invalid"))
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    digits = e164.removeprefix("+")
    if len(digits) < MIN_DIGITS:
        raise FieldError("phone.too_short")
    if len(digits) > MAX_DIGITS:
        raise FieldError("phone.too_long")
    parsed = ParsedPhone(
        digits=digits,
        region=_region_of(number, region),
        e164=e164,
        international=phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
    )
    return parsed, phonenumbers.is_valid_number(number)


def implied_zones(digits: str) -> tuple[str, ...]:
    """Return the IANA zones a stored number's area lies in, per ``phonenumbers``.

    ``17185550100`` (New York's 718) gives ``("America/New_York",)``; a mobile number usually
    gives all of its country's zones; unknown numbers give none.
    """
    try:
        number = phonenumbers.parse("+" + digits)
    except NumberParseException:
        return ()
    zones = phone_timezone.time_zones_for_number(number)
    return tuple(zone for zone in zones if zone != phone_timezone.UNKNOWN_TIMEZONE)


def zone_usage(iana_name: str) -> int:
    """Return how many number prefixes lie in one IANA zone alone: a proxy for its population.

    New York's zone has hundreds of area codes, Indianapolis's none of its own; the time zone
    picker names a zone after its most used city.
    """
    return _zone_usage().get(iana_name, 0)


@lru_cache(maxsize=1)
def _zone_usage() -> dict[str, int]:
    """Count, per IANA zone, the prefixes phonenumbers places in that zone only."""
    counts: dict[str, int] = {}
    for zones in TIMEZONE_DATA.values():
        if len(zones) == 1:
            counts[zones[0]] = counts.get(zones[0], 0) + 1
    return counts


def _region_of(number: PhoneNumber, default_region: str | None) -> str | None:
    """Return the country a number belongs to, falling back to its calling code's main country.

    Numbers outside assigned ranges (``+1 555 …``) have no exact region; then the default
    region wins if it shares the calling code, else the calling code's main country does.
    """
    exact = phonenumbers.region_code_for_number(number)
    if exact and _is_country(exact):
        return exact
    if default_region and phonenumbers.country_code_for_region(default_region) == (
        number.country_code
    ):
        return default_region
    if number.country_code is None:
        return None
    main = phonenumbers.region_code_for_country_code(number.country_code)
    return main if _is_country(main) else None


def _is_country(region: str) -> bool:
    """Tell whether a phonenumbers region code is a country (not ``001`` or ``ZZ``)."""
    return len(region) == 2 and region.isalpha() and region != "ZZ"
