"""Check a new ClickBook password locally before it is sent, without ever echoing it.

:func:`looks_like_password` is the one rule for text the bot must not quote back: an answer
refused at some other step may be a password typed one step early or late.

Rules: 8 to 128 characters (ClickBook asks for at least 8; the upper bound keeps SOAP requests
small), not only whitespace, no control characters (they cannot travel in XML 1.0 and are never
meant), and at least one letter and one digit. The letter-and-digit rule is ours: it refuses
the weakest choices ("password", "12345678") before ClickBook can. The password is kept exactly
as typed, with no trimming: what the user types is what they must type to sign in.
"""

from __future__ import annotations

import unicodedata

from bot.domain.errors import FieldError

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
MIN_SECRET_LOOKING_LENGTH = 6
"""Shorter text is no password worth protecting (ClickBook's own minimum is 8)."""


def check_password(text: str) -> str:
    """Return the password unchanged if it meets the rules, else raise FieldError.

    Checks run in a fixed order and the first failure is reported: blank, control characters,
    too short, too long, no letter, no digit. Errors carry only limits, never the password.
    """
    if not text.strip():
        raise FieldError("password.blank")
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise FieldError("password.invalid_characters")
    if len(text) < MIN_PASSWORD_LENGTH:
        raise FieldError("password.too_short", min=MIN_PASSWORD_LENGTH)
    if len(text) > MAX_PASSWORD_LENGTH:
        raise FieldError("password.too_long", max=MAX_PASSWORD_LENGTH)
    if not any(char.isalpha() for char in text):
        raise FieldError("password.no_letter")
    if not any(unicodedata.category(char) == "Nd" for char in text):
        raise FieldError("password.no_digit")
    return text


def looks_like_password(text: str) -> bool:
    """Tell whether ``text`` could be a password, so it must not be quoted back.

    True when it passes :func:`check_password` (every password the sign-up keeps does), or
    when it is one word of at least 6 characters mixing letters with digits or symbols, as
    passwords chosen elsewhere (a staff member's ClickBook password) usually are. Searches
    such as "New York" or "Sydney" do not look like one and can still be quoted.
    """
    try:
        check_password(text)
    except FieldError:
        pass
    else:
        return True
    word = text.strip()
    if len(word) < MIN_SECRET_LOOKING_LENGTH or any(char.isspace() for char in word):
        return False
    return any(char.isalpha() for char in word) and not word.isalpha()
