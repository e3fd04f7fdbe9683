"""Housekeeping: every per-user record the bot keeps has a retention, enforced by one job.

==========================================  =================================================
record                                      kept
==========================================  =================================================
password in memory (``bot.vault``)          30 minutes after its last use; also dropped on
                                            Cancel, once the account exists, and at restart
drafts (sign-up, invite, staff sign-in)     ``DRAFT_RETENTION`` after their last change
sign-up attempts, failed staff sign-ins     ``RATE_LIMIT_RETENTION`` (the limits look back
                                            24 hours)
failed registrations, invites never         ``ABANDONED_RETENTION``
confirmed by ClickBook, expired staff links
per-user caches in memory (languages,       emptied on every run (they refill on use)
"no registration", drafts)
anonymous events of the owner's numbers     ``bot.stats.EVENT_RETENTION`` (90 days); sign-up
(``bot.stats``)                             drafts idle a day are counted there first
==========================================  =================================================

Active registrations, pending and accepted invites, staff membership and stored sign-ins are
the bot's record of real accounts and stay until an owner or the user removes them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.services import Services

log = logging.getLogger(__name__)

INTERVAL = timedelta(minutes=10)
"""How often the job runs: the vault's 30 minutes are then kept to within ten."""
DRAFT_RETENTION = timedelta(days=30)
RATE_LIMIT_RETENTION = timedelta(days=2)
ABANDONED_RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class Sweep:
    """What one run removed."""

    passwords: int
    drafts: int
    rate_limit_records: int
    abandoned: int


class Housekeeping:
    """Removes what has outlived its retention (see the module docstring)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def run(self, context: Any) -> None:
        """Job: sweep once (``context`` is PTB's job context, unused)."""
        sweep = await self.sweep()
        if any((sweep.passwords, sweep.drafts, sweep.rate_limit_records, sweep.abandoned)):
            log.info("housekeeping: %s", sweep)

    async def sweep(self) -> Sweep:
        """Drop idle passwords, old drafts and records, and the per-user caches."""
        now = self.services.clock()
        store = self.services.store
        passwords = self.services.vault.expire()
        await self.services.stats.count_abandoned()  # before prune_drafts takes any away
        drafts = await store.prune_drafts(now - DRAFT_RETENTION)
        records = await store.prune_rate_limit_records(now - RATE_LIMIT_RETENTION)
        abandoned = await store.prune_abandoned(now - ABANDONED_RETENTION)
        await self.services.stats.prune()
        store.forget_cached()
        return Sweep(passwords, drafts, records, abandoned)
