"""``clickbot rotate-key``: re-encrypt every stored staff sign-in with the first key.

The procedure (README "Operating the bot"): put a new key first in ``CLICKBOT_SECRET_KEY``
(``NEW,OLD``) and restart the bot, so that it reads the old sign-ins and seals new ones with
the new key; run ``clickbot rotate-key`` with the same setting; then drop the old key and
restart. Each sign-in is swapped only if it is still the blob that was read, so a renewal
the running bot stores meanwhile (already under the new key) is never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.crypto import CredentialCipher, UnreadableCredentialsError
from bot.storage import Store


@dataclass(frozen=True)
class RotationReport:
    """What ``rotate-key`` did to the stored sign-ins."""

    rotated: int
    """Re-encrypted with the first key."""
    unreadable: int
    """Opened by none of the keys: left as they are; the bot asks their owners to sign in."""
    changed_meanwhile: int
    """Replaced by the running bot while rotating (sealed with its own first key)."""


async def rotate_stored_signins(
    store: Store, cipher: CredentialCipher, clock: Clock
) -> RotationReport:
    """Re-encrypt every stored staff sign-in with the cipher's first key."""
    rotated = unreadable = changed = 0
    for telegram_id, blob in await store.all_staff_credentials():
        try:
            sealed = cipher.rotate(blob)
        except UnreadableCredentialsError:
            unreadable += 1
            continue
        if await store.replace_staff_credentials(telegram_id, blob, sealed, clock()):
            rotated += 1
        else:
            changed += 1
    return RotationReport(rotated=rotated, unreadable=unreadable, changed_meanwhile=changed)
