"""Encryption of the staff's stored ClickBook sign-ins (Fernet, key from ``CLICKBOT_SECRET_KEY``).

A staff member's ClickBook session cookie and the email and password that renew it are
written to SQLite only as a Fernet token (AES-128-CBC with an HMAC-SHA256, from
``cryptography``) over ``Session.to_json()``. The key never leaves the process, is never
logged, and ``clickbot secret`` prints a fresh one.

Without a usable key the staff features that need a stored sign-in are off:
:func:`load_cipher` says which of "no key" or "not a valid key" applies, so the bot can tell
staff and the operator exactly why.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from enum import StrEnum

from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr

from bot.clickbook import Session


class KeyState(StrEnum):
    """Whether the configured secret key can encrypt stored sign-ins."""

    READY = "ready"
    MISSING = "missing"
    """``CLICKBOT_SECRET_KEY`` is not set."""
    INVALID = "invalid"
    """It is set but is not a Fernet key (32 url-safe base64-encoded bytes)."""


class UnreadableCredentialsError(Exception):
    """Raised when a stored sign-in cannot be decrypted (another key) or is not a session."""


class CredentialCipher:
    """Seals ClickBook sessions into opaque bytes and opens them again."""

    def __init__(self, key: SecretStr) -> None:
        """Use ``key``; raise ValueError if it is not a Fernet key (the message hides it)."""
        raw = key.get_secret_value().strip().encode()
        try:
            self._fernet = Fernet(raw)
        except (ValueError, TypeError):
            raise ValueError("CLICKBOT_SECRET_KEY is not a valid Fernet key") from None
        self._mac_key = hashlib.sha256(b"clickbot account fingerprint\0" + raw).digest()

    def __repr__(self) -> str:
        return "CredentialCipher(<key hidden>)"

    def account_fingerprint(self, email: str) -> str:
        """Return a keyed hash of a ClickBook email (trimmed, case-folded) to count by.

        Keyed, so that a copy of the database does not reveal which addresses signed in
        (a plain hash of an email is found by trying likely addresses).
        """
        normalised = email.strip().casefold().encode()
        return hmac.new(self._mac_key, normalised, hashlib.sha256).hexdigest()

    def seal(self, session: Session) -> bytes:
        """Return the session, cookie and credentials included, encrypted."""
        return self._fernet.encrypt(json.dumps(session.to_json()).encode())

    def open(self, blob: bytes) -> Session:
        """Decrypt a sealed session; raise UnreadableCredentialsError if that is impossible."""
        try:
            data = json.loads(self._fernet.decrypt(blob))
            return Session.from_json(data)
        except (InvalidToken, ValueError, TypeError):
            raise UnreadableCredentialsError("the stored sign-in cannot be read") from None


def load_cipher(key: SecretStr | None) -> tuple[CredentialCipher | None, KeyState]:
    """Build the cipher from the configured key, or say why there is none."""
    if key is None or not key.get_secret_value().strip():
        return None, KeyState.MISSING
    try:
        return CredentialCipher(key), KeyState.READY
    except ValueError:
        return None, KeyState.INVALID


def new_secret_key() -> str:
    """Return a fresh key for ``CLICKBOT_SECRET_KEY``."""
    return Fernet.generate_key().decode()
