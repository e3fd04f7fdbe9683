"""Pure domain logic for the sign-up and invite forms: parse and validate fields, pick zones.

Nothing here talks to Telegram or does I/O. Every parser takes the user's raw text and returns
the normalised value or raises :class:`FieldError`, whose stable ``code`` the conversation layer
turns into a localized message.
"""

from bot.domain.emails import parse_email, suggest_email_fix
from bot.domain.errors import FieldError
from bot.domain.names import parse_name
from bot.domain.passwords import check_password, looks_like_password
from bot.domain.phones import ParsedPhone, parse_contact_phone, parse_phone, readable_phone

__all__ = [
    "FieldError",
    "ParsedPhone",
    "check_password",
    "looks_like_password",
    "parse_contact_phone",
    "parse_email",
    "parse_name",
    "parse_phone",
    "readable_phone",
    "suggest_email_fix",
]
