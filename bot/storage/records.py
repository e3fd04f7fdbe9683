"""Frozen records returned by :class:`bot.storage.Store`; the store never returns raw rows.

All datetimes are aware and in UTC (see ``bot.storage.timestamps``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class RegistrationState(StrEnum):
    """Where a customer's ClickBook account creation stands.

    ``submitting`` → ``stub_created`` → ``processed`` → ``active``; any state but ``active``
    may become ``failed`` (for example when the stub expired before it could be processed).
    """

    SUBMITTING = "submitting"  # about to send SETUSERFIELDS, or its StubID was never stored
    STUB_CREATED = "stub_created"  # SETUSERFIELDS returned a StubID; not yet processed
    PROCESSED = "processed"  # PROCESSREGSTUB answered 301: the ClickBook account exists
    ACTIVE = "active"  # the bot signed the customer in
    FAILED = "failed"


class InviteStatus(StrEnum):
    """Whether the invitation went out, and whether the invited client has accepted yet."""

    SENDING = "sending"  # about to send NewClientFile (or the process died while it was sent)
    UNCERTAIN = "uncertain"  # NewClientFile got no answer: it may or may not have gone out
    PENDING = "pending"
    REGISTERED = "registered"


class StaffLinkResult(StrEnum):
    """The outcome of redeeming a one-time staff link."""

    OK = "ok"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True, slots=True)
class Draft:
    """The answers collected so far in one form (sign-up or invite) of one Telegram user."""

    telegram_id: int
    flow: str
    fields: dict[str, Any]
    """Field name → JSON value, exactly as stored; a fresh dict on every read."""
    editing: str | None
    """The field being edited from the summary card, if any."""
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Registration:
    """A customer's ClickBook account creation, one per Telegram user."""

    telegram_id: int
    chat_id: int
    stub_id: str | None
    """``None`` while ``submitting`` (and when such a registration failed)."""
    email: str
    full_name: str
    language: str
    state: RegistrationState
    clickbook_user: str | None
    """ClickBook's canonical user name, once signed in."""
    attempts: int
    """How many retries were scheduled after a failed step."""
    next_attempt_at: datetime | None
    """When the background job should next try to finish it; ``None`` when nothing is due."""
    last_error_code: str | None
    failure_reason: str | None
    user_notified_at: datetime | None
    created_at: datetime
    updated_at: datetime
    terms_accepted_at: datetime | None = None
    """When the customer agreed to the terms (``None`` for registrations older than that)."""


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A Telegram user who may use the staff commands."""

    telegram_id: int
    added_by: int
    added_at: datetime


@dataclass(frozen=True, slots=True)
class StaffLink:
    """A one-time staff link; only the hash of its token is ever stored."""

    token_hash: str = field(repr=False)
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_by: int | None
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class Invite:
    """A client invited by a staff member, tracked until the client accepts."""

    id: int
    client_file_id: str | None
    """``None`` until ClickBook answered NewClientFile (``sending``, ``uncertain``)."""
    inviter_id: int
    first_name: str
    last_name: str
    email: str | None
    status: InviteStatus
    created_at: datetime
    next_check_at: datetime
    check_failures: int
    """Consecutive failed status checks; the caller's backoff reads it."""
    registered_at: datetime | None
    notified_at: datetime | None
    """When the inviter was told of the acceptance."""
    staff_chat_notified_at: datetime | None = None
    """When the staff chat was told of the acceptance (each notice has its own mark)."""

    @property
    def full_name(self) -> str:
        """Return "First Last" as shown to the inviter."""
        return f"{self.first_name} {self.last_name}".strip()
