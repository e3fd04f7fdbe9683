"""Parse email addresses and point out typos in the domains of common mail providers.

Syntax is checked with ``email-validator`` without DNS lookups. The part before the ``@`` must
be ASCII: ClickBook sends invitation emails and internationalized mailboxes (SMTPUTF8) are not
something we can count on it supporting. Internationalized domains are fine.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from bot.domain.errors import FieldError
from bot.domain.text import edit_distance

MAX_EMAIL_LENGTH = 254
"""The longest address SMTP can carry (RFC 5321 path limit minus the angle brackets)."""

TYPO_TARGETS: tuple[str, ...] = (
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "icloud.com",
    "live.com",
    "aol.com",
    "googlemail.com",
    "protonmail.com",
    "proton.me",
    "mail.ru",
    "yandex.ru",
    "rambler.ru",
    "inbox.ru",
    "list.ru",
    "gmx.de",
    "gmx.net",
    "web.de",
    "t-online.de",
    "yahoo.co.uk",
    "hotmail.co.uk",
    "btinternet.com",
    "bigpond.com",
    "comcast.net",
    "verizon.net",
    "libero.it",
    "orange.fr",
    "laposte.net",
    "wanadoo.fr",
    "ukr.net",
)
"""Domains whose near misses are almost certainly typos, most used first (ties go first)."""

_LEGITIMATE_LOOKALIKES = frozenset(
    {
        "mail.com",
        "email.com",
        "ymail.com",
        "gmx.com",
        "gmx.at",
        "gmx.ch",
        "gmx.fr",
        "gmx.us",
        "me.com",
        "mac.com",
        "mi.com",
        "msn.com",
        "live.de",
        "live.fr",
        "live.it",
        "live.ca",
        "live.co.uk",
        "live.com.au",
        "yahoo.de",
        "yahoo.fr",
        "yahoo.it",
        "yahoo.es",
        "yahoo.ca",
        "yahoo.co.in",
        "yahoo.co.jp",
        "yahoo.com.au",
        "hotmail.de",
        "hotmail.fr",
        "hotmail.it",
        "hotmail.es",
        "outlook.de",
        "outlook.fr",
        "outlook.es",
        "aol.de",
        "bk.ru",
        "ya.ru",
        "yandex.com",
        "yandex.by",
        "yandex.kz",
        "yandex.ua",
        "mail.ua",
        "list.ua",
        "web.com",
        "orange.com",
        "libero.com",
    }
)
"""Real domains one or two edits away from a target, which must never be "corrected"."""

_SHORT_DOMAIN = 7
"""Targets up to this length tolerate one edit only; two edits would reach other real domains."""


def parse_email(text: str) -> str:
    """Return the normalized address (domain lowercased) or raise FieldError."""
    address = text.strip()
    if address[:7].lower() == "mailto:":
        address = address[7:].strip()
    if not address:
        raise FieldError("email.empty")
    if len(address) > MAX_EMAIL_LENGTH:
        raise FieldError("email.too_long", max=MAX_EMAIL_LENGTH)
    local_part, at, _ = address.rpartition("@")
    if not at:
        raise FieldError("email.missing_at")
    if not local_part.isascii():
        raise FieldError("email.non_latin_local_part")
    try:
        validated = validate_email(
            address,
            check_deliverability=False,
            allow_smtputf8=False,  # pragma: no mutate: moot, non-ASCII mailboxes are refused above
        )
    except EmailNotValidError:
        raise FieldError("email.invalid") from None
    # email-validator refuses a normalized address over 254 itself: mutants here cannot live.
    if len(validated.normalized) > MAX_EMAIL_LENGTH:
        raise FieldError("email.too_long", max=MAX_EMAIL_LENGTH)  # pragma: no mutate: unreachable
    return validated.normalized


def suggest_email_fix(email: str) -> str | None:
    """Return the address with a common domain's typo fixed (``gmial.com`` → ``gmail.com``).

    None when the domain is a known one or is not close to any; a suggestion is advice to show
    the user, never a reason to refuse the address.
    """
    local_part, at, domain = email.strip().rpartition("@")
    domain = domain.lower().rstrip(".")
    if not at or not local_part or not domain:
        return None
    if domain in TYPO_TARGETS or domain in _LEGITIMATE_LOOKALIKES:
        return None
    best: tuple[int, str] | None = None
    for target in TYPO_TARGETS:
        limit = 1 if len(target) <= _SHORT_DOMAIN else 2
        distance = edit_distance(domain, target, limit=limit)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, target)
    if best is None:
        return None
    return f"{local_part}@{best[1]}"
