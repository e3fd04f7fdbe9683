"""``clickbot stats``: the owner's numbers (:mod:`bot.stats`) on the command line.

It reads the database the bot writes (also while the bot runs) and prints what ``/stats``
shows an owner in Telegram, in ``CLICKBOT_DEFAULT_LANGUAGE`` unless ``--language`` says
otherwise. Forms left unfinished are counted by the running bot's housekeeping job, so a
database no bot has served for a day shows only what that job counted before.
"""

from __future__ import annotations

import sqlite3
import sys
from zoneinfo import ZoneInfo

from bot.background import BackgroundWork
from bot.clock import utc_now
from bot.config import Settings
from bot.i18n import load_catalogs
from bot.metrics import Metrics
from bot.stats import Stats, format_report
from bot.storage import Store
from bot.storage.errors import StorageError


async def print_stats(settings: Settings, language: str | None = None) -> int:
    """Print the owner's numbers; return the exit code (1, with one line, on a bad database)."""
    if not settings.database.is_file():
        print(f"clickbot: CLICKBOT_DATABASE: no database at {settings.database}", file=sys.stderr)  # noqa: T201
        return 1
    try:
        store = await Store.open(settings.database)
    except (OSError, sqlite3.Error, StorageError) as error:
        print(  # noqa: T201
            f"clickbot: CLICKBOT_DATABASE: cannot open {settings.database} ({error})",
            file=sys.stderr,
        )
        return 1
    try:
        stats = Stats(
            store=store,
            metrics=Metrics(),
            clock=utc_now,
            zone=ZoneInfo(settings.business_timezone),
            background=BackgroundWork(),
        )
        report = await stats.report()
    finally:
        await store.close()
    t = load_catalogs().translator(language or settings.default_language)
    print(format_report(report, t))  # noqa: T201
    return 0
