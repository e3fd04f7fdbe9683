"""Turn Telegram language codes (``en``, ``pt-br``, ``zh-hans``) into Babel locales."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError

FALLBACK_LOCALE = "en"


@lru_cache(maxsize=64)
def babel_locale(code: str) -> Locale:
    """Return the Babel locale for a language code, or English when Babel does not know it."""
    try:
        return Locale.parse(code.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK_LOCALE)
