"""Scrub secrets out of text before it goes into an error message or a log line.

Two layers: the literal secrets of the current call (API key, password, session cookie)
are replaced wherever they appear, and a few patterns catch secrets in shapes we know
(an ``APIKEY`` element, a password field, a ``DomAuthSessId`` cookie, Basic credentials)
even when the literal value is not at hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.sax.saxutils import escape

from pydantic import SecretStr

MASK = "***"
"""What a scrubbed secret is replaced with."""

_MIN_SECRET_LENGTH = 4
"""Shorter values are not scrubbed literally: masking every "1" would wreck the text."""

_QUOTES = {'"': "&quot;", "'": "&apos;"}

_PATTERNS = (
    re.compile(r"(<(?:\w+:)?APIKEY\b[^>]*>)[^<]*", re.IGNORECASE),
    re.compile(
        r"(<(?:\w+:)?NAME>\s*inp-password\d?\s*</(?:\w+:)?NAME>\s*<(?:\w+:)?VALUE>)[^<]*",
        re.IGNORECASE,
    ),
    re.compile(r"(DomAuthSessId\s*=\s*)[^;\s\"'<>&]+", re.IGNORECASE),
    re.compile(r"(\bBasic\s+)[A-Za-z0-9+/=]+", re.IGNORECASE),
)


class Redactor:
    """Masks a fixed set of literal secrets and the known secret patterns in text."""

    __slots__ = ("_secrets",)

    def __init__(self, secrets: Iterable[str | SecretStr | None] = ()) -> None:
        plain = [
            secret.get_secret_value() if isinstance(secret, SecretStr) else secret
            for secret in secrets
        ]
        # A secret echoed inside XML or HTML shows up escaped, so mask that form too.
        plain += [escape(s, _QUOTES) for s in plain if s]
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = tuple(
            sorted({s for s in plain if s and len(s) >= _MIN_SECRET_LENGTH}, key=len, reverse=True)
        )

    def __repr__(self) -> str:
        return f"Redactor(<{len(self._secrets)} secrets>)"

    def with_secrets(self, *secrets: str | SecretStr | None) -> Redactor:
        """Return a redactor that also masks ``secrets``."""
        return Redactor((*self._secrets, *secrets))

    def __call__(self, text: str) -> str:
        """Return ``text`` with every known secret masked."""
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda match: match.group(1) + MASK, text)
        return text


NO_SECRETS = Redactor()
"""A redactor that masks only the known patterns."""
