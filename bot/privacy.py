"""A customer's data in the bot: what is kept, for how long, and erasing it (no Telegram here).

Both ``/privacy`` (``conversations.privacy``) and ``clickbot forget`` (``bot.forget``) come
through here, so a customer and an owner delete exactly the same rows
(:meth:`bot.storage.Store.forget_user`) and the same passwords in memory.

Exactly once wins over erasure while a registration is on its way to ClickBook
(``submitting`` or ``stub_created``): deleting that row would leave a stub at ClickBook that
nobody finishes or gives up, and a customer who was told nothing. So the deletion is refused
until the registration is settled, which takes at most :data:`bot.signup.STUB_LIFETIME`
after it was sent (the job then tells the customer either way); :func:`settled_by` says when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.housekeeping import ABANDONED_RETENTION, DRAFT_RETENTION, RATE_LIMIT_RETENTION
from bot.signup import STUB_LIFETIME
from bot.storage import IN_FLIGHT, Forgotten, PersonalData, Registration, Store
from bot.vault import IDLE_LIMIT, PasswordVault

__all__ = [
    "IN_FLIGHT",
    "RETENTION",
    "Forgotten",
    "PersonalData",
    "Retention",
    "forget_customer",
    "forget_email",
    "settled_by",
]


@dataclass(frozen=True)
class Retention:
    """How long each kind of customer record is kept (enforced by ``bot.housekeeping``)."""

    draft: timedelta
    signup_attempts: timedelta
    failed_registration: timedelta
    password: timedelta


RETENTION = Retention(
    draft=DRAFT_RETENTION,
    signup_attempts=RATE_LIMIT_RETENTION,
    failed_registration=ABANDONED_RETENTION,
    password=IDLE_LIMIT,
)
"""The retention the housekeeping job applies, as ``/privacy`` tells it."""


def settled_by(registration: Registration) -> datetime:
    """Return when an in-flight registration is settled at the latest (then deletable)."""
    return registration.created_at + STUB_LIFETIME


async def forget_customer(
    store: Store, vault: PasswordVault | None, telegram_id: int
) -> Forgotten:
    """Delete every row naming ``telegram_id`` and the passwords kept for them in memory.

    Nothing is deleted while their registration is in flight (``Forgotten.blocked_by``).
    ``vault`` is ``None`` outside the running bot (the command line has no vault to empty).
    """
    forgotten = await store.forget_user(telegram_id)
    if forgotten.blocked_by is None and vault is not None and vault.forget_user(telegram_id):
        forgotten.deleted["passwords in memory"] = 1
    return forgotten


async def forget_email(store: Store, email: str) -> tuple[list[Forgotten], int]:
    """Forget every Telegram user who gave ``email``, then invitations still sent to it.

    Return each user's result and how many invitations went. Invitations are left alone when
    a user was blocked (their registration is in flight), so a later run finds everything.
    """
    users = await store.users_with_email(email)
    results = [await forget_customer(store, None, user) for user in users]
    if any(result.blocked_by is not None for result in results):
        return results, 0
    return results, await store.forget_invites_to(email)
