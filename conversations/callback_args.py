"""Strict parsing of what a button's callback data carries: forged data is refused, not raised on.

A modified Telegram client can send any callback data up to 64 bytes with a tap, so nothing in
it is trusted: numbers are plain ASCII digits within bounds (``"²"`` passes ``str.isdigit`` and
then makes ``int`` raise; ``"٣"`` is decimal but not ASCII), ids fit SQLite's integers, and
country codes are assigned ISO codes. Every parser returns ``None`` for anything else, and the
flow treats that like a button that is no longer valid.
"""

from __future__ import annotations

from bot.domain.countries import is_country_code

MAX_NUMBER = 100_000
"""Above any page or list position the bot offers (ClickBook lists a few hundred zones)."""
MAX_ID = 2**53
"""Telegram's ids have at most 52 significant bits; the bot's own row ids stay far below too."""


def number(text: str, *, below: int = MAX_NUMBER) -> int | None:
    """Return ``text`` as an int in ``[0, below)`` if it is only ASCII digits, else ``None``."""
    if not text or len(text) > len(str(below)) or not (text.isascii() and text.isdecimal()):
        return None
    value = int(text)
    return value if value < below else None


def record_id(text: str) -> int | None:
    """Return ``text`` as a positive Telegram id or row id, else ``None``."""
    value = number(text, below=MAX_ID)
    return value if value else None


def country_code(text: str) -> str | None:
    """Return ``text`` as an upper-case assigned ISO 3166 alpha-2 code, else ``None``."""
    if len(text) != 2 or not (text.isascii() and text.isalpha()):
        return None
    code = text.upper()
    return code if is_country_code(code) else None
