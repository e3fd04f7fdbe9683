"""Parse a first or last name the way ClickBook accepts it: letters, digits and related characters.

Allowed: Unicode letters of any script (right-to-left included), combining marks, decimal
digits, spaces, hyphens, apostrophes and periods. Zero-width joiners are allowed between
letters because Persian and Indic spellings need them. Invisible direction marks and
zero-width spaces that keyboards and copy-paste add are dropped. Everything else is refused:
control characters, emoji, symbols, enclosing marks, variation selectors, markup (``<>&"``).
A name also needs at least one letter, so "123" or "." is not a name.
"""

from __future__ import annotations

import unicodedata

from bot.domain.errors import FieldError

MAX_NAME_LENGTH = 100
"""ClickBook's limit for a first name; assumed for the last name too."""

_ALLOWED_PUNCTUATION = frozenset("-.'\u2010\u2011\u2019")
"""Hyphen-minus, period, apostrophe, hyphen, non-breaking hyphen, right single quote."""

_JOINERS = frozenset("\u200c\u200d")
"""Zero-width non-joiner and joiner: part of the spelling in Persian and Indic scripts."""

_DROPPED = dict.fromkeys(map(ord, "\u200b\u200e\u200f\u2060\ufeff"))
"""Zero-width space, LTR and RTL marks, word joiner, BOM: invisible noise, removed."""


def parse_name(text: str) -> str:
    """Return the cleaned name (NFC, trimmed, single spaces) or raise FieldError."""
    name = " ".join(unicodedata.normalize("NFC", text).translate(_DROPPED).split())
    if not name:
        raise FieldError("name.empty")
    if len(name) > MAX_NAME_LENGTH:
        raise FieldError("name.too_long", max=MAX_NAME_LENGTH)
    invalid = _invalid_characters(name)
    if invalid:
        raise FieldError("name.invalid_characters", characters="".join(invalid))
    if not any(_is_letter(char) for char in name):
        raise FieldError("name.no_letter")
    return name


def _is_letter(char: str) -> bool:
    """Tell whether a character is a letter of any script."""
    return unicodedata.category(char).startswith("L")


def _is_allowed(char: str) -> bool:
    """Tell whether a character may appear in a name regardless of its neighbours."""
    category = unicodedata.category(char)
    if category in {"Mn", "Mc"}:
        # Variation selectors are marks too, but they only ever turn characters into emoji.
        return not _is_variation_selector(char)
    return category[0] == "L" or category == "Nd" or char == " " or char in _ALLOWED_PUNCTUATION


def _is_variation_selector(char: str) -> bool:
    """Tell whether a character is a variation selector (U+FE00..FE0F, U+E0100..E01EF)."""
    return "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"


def _invalid_characters(name: str) -> list[str]:
    """Return the distinct characters of ``name`` that are not allowed, in order of appearance."""
    invalid: list[str] = []
    for index, char in enumerate(name):
        if _is_allowed(char):
            continue
        if char in _JOINERS and _between_letters(name, index):
            continue
        if char not in invalid:
            invalid.append(char)
    return invalid


def _between_letters(name: str, index: int) -> bool:
    """Tell whether the character at ``index`` has a letter or mark on both sides."""
    if index == 0 or index == len(name) - 1:
        return False
    return all(unicodedata.category(name[i])[0] in ("L", "M") for i in (index - 1, index + 1))
