"""Encryption of the staff's stored ClickBook sign-ins (Fernet, key from ``CLICKBOT_SECRET_KEY``).

A staff member's ClickBook session cookie and the email and password that renew it are
written to SQLite only as a Fernet token (AES-128-CBC with an HMAC-SHA256, from
``cryptography``) over ``Session.to_json()``. The key never leaves the process, is never
logged, and ``clickbot secret`` prints a fresh one.

**Rotation.** ``CLICKBOT_SECRET_KEY`` may hold several keys, comma separated
(``MultiFernet``): the first encrypts, every one decrypts. Putting a new key first keeps
every stored sign-in readable; ``clickbot rotate-key`` then re-encrypts them all with it
(:meth:`CredentialCipher.rotate`), after which the old key can be dropped.

Without a usable key the staff features that need a stored sign-in are off:
:func:`load_cipher` says which of "no key" or "not a valid key" applies, so the bot can tell
staff and the operator exactly why.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from enum import StrEnum

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from pydantic import SecretStr

from bot.clickbook import Session


class KeyState(StrEnum):
    """Whether the configured secret key can encrypt stored sign-ins."""

    READY = "ready"
    MISSING = "missing"
    """``CLICKBOT_SECRET_KEY`` is not set."""
    INVALID = "invalid"
    """It is set but one of its keys is not a Fernet key (32 url-safe base64-encoded bytes)."""


class UnreadableCredentialsError(Exception):
    """Raised when a stored sign-in cannot be decrypted (another key) or is not a session."""


class CredentialCipher:
    """Seals ClickBook sessions into opaque bytes and opens them again."""

    def __init__(self, key: SecretStr) -> None:
        """Use the key list ``key``; raise ValueError naming a bad key's position, not the key."""
        try:
            keys = parse_keys(key)
        except ValueError as error:
            raise ValueError(f"CLICKBOT_SECRET_KEY: {error}") from None
        if not keys:
            raise ValueError("CLICKBOT_SECRET_KEY is empty")
        self._fernet = MultiFernet([Fernet(raw) for raw in keys])
        self._mac_keys = [
            hashlib.sha256(b"clickbot account fingerprint\0" + raw).digest() for raw in keys
        ]

    def __repr__(self) -> str:
        return "CredentialCipher(<key hidden>)"

    def account_fingerprint(self, email: str) -> str:
        """Return a keyed hash of a ClickBook email (trimmed, case-folded) to count by.

        Keyed, so that a copy of the database does not reveal which addresses signed in
        (a plain hash of an email is found by trying likely addresses). The first key's.
        """
        return self.account_fingerprints(email)[0]

    def account_fingerprints(self, email: str) -> tuple[str, ...]:
        """Return the email's hash under every configured key, the first key's first.

        Counting by all of them keeps the failures counted before a new key was put first.
        """
        normalised = email.strip().casefold().encode()
        return tuple(
            hmac.new(mac_key, normalised, hashlib.sha256).hexdigest() for mac_key in self._mac_keys
        )

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

    def rotate(self, blob: bytes) -> bytes:
        """Re-encrypt a sealed session with the first key; raise UnreadableCredentialsError
        if no configured key opens it."""
        try:
            return self._fernet.rotate(blob)
        except (InvalidToken, ValueError, TypeError):
            raise UnreadableCredentialsError("the stored sign-in cannot be read") from None


def parse_keys(key: SecretStr) -> list[bytes]:
    """Split a comma-separated key list, blanks ignored; raise ValueError on a bad key.

    The message names the key's position in the list, never the key.
    """
    parts = [part.strip() for part in key.get_secret_value().split(",")]
    keys = [part.encode() for part in parts if part]
    for position, raw in enumerate(keys, start=1):
        try:
            Fernet(raw)
        except (ValueError, TypeError):
            where = f"key {position} of {len(keys)}" if len(keys) > 1 else "the key"
            raise ValueError(
                f"{where} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes; `clickbot secret` makes one)"
            ) from None
    return keys


def load_cipher(key: SecretStr | None) -> tuple[CredentialCipher | None, KeyState]:
    """Build the cipher from the configured key, or say why there is none."""
    if key is None or not key.get_secret_value().replace(",", "").strip():
        return None, KeyState.MISSING
    try:
        return CredentialCipher(key), KeyState.READY
    except ValueError:
        return None, KeyState.INVALID


def new_secret_key() -> str:
    """Return a fresh key for ``CLICKBOT_SECRET_KEY``."""
    return Fernet.generate_key().decode()
