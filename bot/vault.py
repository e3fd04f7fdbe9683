"""Passwords typed by users, held in memory only until the account is created, and not for long.

The vault never writes to disk and never logs; a restart empties it, and the sign-up flow then
asks for the password again. That trade-off is deliberate: a password at rest in the bot's
database would be worth stealing.

A password also goes after ``IDLE_LIMIT`` (30 minutes) without use: :meth:`PasswordVault.get`
refuses and drops an idle one, and the housekeeping job sweeps the rest with
:meth:`PasswordVault.expire`, so abandoned sign-ups do not pile up passwords. The flows drop
it on Cancel and once the account exists.

The vault is a plain dict with timestamps from the injected clock, and no method awaits, so
handlers of different users running concurrently cannot interleave inside a check and its
use.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from pydantic import SecretStr

from bot.clock import Clock, utc_now

IDLE_LIMIT = timedelta(minutes=30)
"""How long a password is kept after it was last put or used."""


class PasswordVault:
    """Per-user passwords in process memory, each with the time it was last used."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self._passwords: dict[tuple[str, int], tuple[SecretStr, datetime]] = {}
        self._clock = clock

    def use_clock(self, clock: Clock) -> None:
        """Tell time with ``clock`` (the application's injected one) from now on."""
        self._clock = clock

    def put(self, flow: str, user_id: int, password: SecretStr) -> None:
        """Keep ``password`` for ``user_id`` in ``flow``."""
        self._passwords[(flow, user_id)] = (password, self._clock())

    def get(self, flow: str, user_id: int) -> SecretStr | None:
        """Return the kept password, if any and not idle for too long; it counts as a use."""
        password = self.peek(flow, user_id)
        if password is not None:
            self._passwords[(flow, user_id)] = (password, self._clock())
        return password

    def peek(self, flow: str, user_id: int) -> SecretStr | None:
        """Return the kept password like :meth:`get`, without counting as a use (for jobs)."""
        key = (flow, user_id)
        held = self._passwords.get(key)
        if held is None:
            return None
        password, used = held
        if self._clock() - used >= IDLE_LIMIT:
            del self._passwords[key]
            return None
        return password

    def forget(self, flow: str, user_id: int) -> None:
        """Drop the kept password."""
        self._passwords.pop((flow, user_id), None)

    def forget_user(self, user_id: int) -> int:
        """Drop every password kept for ``user_id``, whatever the flow; return how many."""
        kept = [key for key in self._passwords if key[1] == user_id]
        for key in kept:
            del self._passwords[key]
        return len(kept)

    def holds(self, user_id: int) -> bool:
        """Tell whether any password is kept for ``user_id`` (idle ones included)."""
        return any(key[1] == user_id for key in self._passwords)

    def expire(self) -> int:
        """Drop every password idle for ``IDLE_LIMIT`` or longer; return how many went."""
        cutoff = self._clock() - IDLE_LIMIT
        idle = [key for key, (_, used) in self._passwords.items() if used <= cutoff]
        for key in idle:
            del self._passwords[key]
        return len(idle)

    def __len__(self) -> int:
        return len(self._passwords)

    def __repr__(self) -> str:
        return f"PasswordVault({len(self._passwords)} held)"

    def matches(self, flow: str, user_id: int, text: str) -> bool:
        """Tell whether ``text`` is the password kept for ``user_id`` in ``flow``."""
        kept = self.peek(flow, user_id)
        if kept is None:
            return False
        wanted = kept.get_secret_value().encode("utf-8", "surrogatepass")
        return hmac.compare_digest(wanted, text.encode("utf-8", "surrogatepass"))
