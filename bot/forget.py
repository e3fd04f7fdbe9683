"""``clickbot forget``: an owner deletes a customer's data by Telegram id or email address.

It deletes what ``/privacy`` deletes (:mod:`bot.privacy`) and prints, in English (operator
output), which rows went from which table. It may run while the bot runs: the rows go at
once; what the running bot holds in memory for that user (a password typed in the last 30
minutes, cached copies) goes at its next housekeeping run, within 10 minutes, or at a
restart. A customer whose registration is on its way to ClickBook is refused (exit 1) with
the time by which it is settled.
"""

from __future__ import annotations

import sys

from bot.config import Settings
from bot.maintenance import open_store
from bot.privacy import Forgotten, forget_customer, forget_email, settled_by


def _say(line: str) -> None:
    print(line)  # noqa: T201


def _fail(line: str) -> int:
    print(f"clickbot: {line}", file=sys.stderr)  # noqa: T201
    return 1


def _report(result: Forgotten) -> bool:
    """Print one user's result; return False if their deletion was refused."""
    who = f"Telegram user {result.telegram_id}"
    blocked = result.blocked_by
    if blocked is not None:
        _fail(
            f"{who}: nothing deleted: their registration is being submitted to ClickBook "
            f"(state {blocked.state.value}); it is settled by "
            f"{settled_by(blocked):%Y-%m-%d %H:%M} UTC at the latest, run forget again then"
        )
        return False
    if not result.deleted:
        _say(f"{who}: nothing stored")
        return True
    rows = ", ".join(f"{table} {count}" for table, count in result.deleted.items())
    _say(f"{who}: deleted {result.total} row(s): {rows}")
    return True


async def forget(settings: Settings, *, telegram_id: int | None, email: str | None) -> int:
    """Delete what the bot keeps about one customer; return the process exit code."""
    store = await open_store(settings)
    if store is None:
        return 1
    try:
        if telegram_id is not None:
            results, invites = [await forget_customer(store, None, telegram_id)], 0
        else:
            assert email is not None
            results, invites = await forget_email(store, email)
    finally:
        await store.close()
    ok = all([_report(result) for result in results])
    if email is not None and not results:
        _say(f"no Telegram user gave {email}")
    if email is not None and ok:
        _say(f"further invitations sent to {email}: deleted {invites}")
    return 0 if ok else 1
