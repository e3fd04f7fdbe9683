"""Passwords typed by users, held in memory only until the account is created.

The vault never writes to disk and never logs; a restart empties it, and the sign-up flow then
asks for the password again. That trade-off is deliberate: a password at rest in the bot's
database would be worth stealing.
"""

from __future__ import annotations

import hmac

from pydantic import SecretStr


class PasswordVault:
    """Per-user passwords in process memory."""

    def __init__(self) -> None:
        self._passwords: dict[tuple[str, int], SecretStr] = {}

    def put(self, flow: str, user_id: int, password: SecretStr) -> None:
        """Keep ``password`` for ``user_id`` in ``flow``."""
        self._passwords[(flow, user_id)] = password

    def get(self, flow: str, user_id: int) -> SecretStr | None:
        """Return the kept password, if any."""
        return self._passwords.get((flow, user_id))

    def forget(self, flow: str, user_id: int) -> None:
        """Drop the kept password."""
        self._passwords.pop((flow, user_id), None)

    def __repr__(self) -> str:
        return f"PasswordVault({len(self._passwords)} held)"

    def matches(self, flow: str, user_id: int, text: str) -> bool:
        """Tell whether ``text`` is the password kept for ``user_id`` in ``flow``."""
        kept = self._passwords.get((flow, user_id))
        if kept is None:
            return False
        wanted = kept.get_secret_value().encode("utf-8", "surrogatepass")
        return hmac.compare_digest(wanted, text.encode("utf-8", "surrogatepass"))
