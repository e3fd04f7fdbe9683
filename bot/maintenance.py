"""The operator's maintenance commands: ``rotate-key``, ``backup`` and ``db status``.

Each takes the validated settings, prints what it did in English (operator output) and
returns the process exit code; failures are one line naming the setting or the path.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from bot.clock import utc_now
from bot.config import Settings
from bot.crypto import KeyState, load_cipher
from bot.key_rotation import rotate_stored_signins
from bot.storage import Store
from bot.storage.backup import backup_database
from bot.storage.errors import StorageError
from bot.storage.migrations import DESCRIPTIONS, SCHEMA_VERSION, read_schema_version


def _say(line: str) -> None:
    print(line)  # noqa: T201


def _fail(line: str) -> int:
    print(f"clickbot: {line}", file=sys.stderr)  # noqa: T201
    return 1


async def open_store(settings: Settings) -> Store | None:
    """Open the existing database (migrating it), or print why not and return ``None``."""
    if not settings.database.is_file():
        _fail(f"CLICKBOT_DATABASE: no database at {settings.database}")
        return None
    try:
        return await Store.open(settings.database)
    except (OSError, sqlite3.Error, StorageError) as error:
        _fail(f"CLICKBOT_DATABASE: cannot open {settings.database} ({error})")
        return None


async def rotate_key(settings: Settings) -> int:
    """Re-encrypt every stored staff sign-in with the first key of ``CLICKBOT_SECRET_KEY``."""
    cipher, state = load_cipher(settings.secret_key)
    if cipher is None:
        why = "is not set" if state is KeyState.MISSING else "is not a valid key list"
        return _fail(f"CLICKBOT_SECRET_KEY: {why}; nothing to rotate to")
    store = await open_store(settings)
    if store is None:
        return 1
    try:
        report = await rotate_stored_signins(store, cipher, utc_now)
    finally:
        await store.close()
    _say(f"re-encrypted {report.rotated} stored staff sign-in(s) with the first key")
    if report.changed_meanwhile:
        _say(
            f"{report.changed_meanwhile} changed while rotating (stored by the running bot "
            "with its own first key); run rotate-key again if the bot has not been restarted "
            "with this key list"
        )
    if report.unreadable:
        _say(
            f"{report.unreadable} could be decrypted with none of the keys and were left as "
            "they are; those staff members will be asked to sign in again"
        )
    return 0


def backup(settings: Settings, target: Path) -> int:
    """Copy the database to the new file ``target`` while the bot may be running."""
    source = settings.database
    if not source.is_file():
        return _fail(f"CLICKBOT_DATABASE: no database at {source}")
    try:
        backup_database(source, target)
        version = read_schema_version(target)
    except FileExistsError:
        return _fail(f"{target} exists; a backup never overwrites a file, choose a new name")
    except OSError as error:
        return _fail(f"cannot write {target} ({error.strerror or type(error).__name__})")
    except sqlite3.Error as error:
        return _fail(f"CLICKBOT_DATABASE: cannot read {source} ({error})")
    _say(f"backed up {source} (schema version {version}) to {target}")
    return 0


def db_status(settings: Settings) -> int:
    """Print the database's schema version and the migrations the next start will apply."""
    path = settings.database
    try:
        version = read_schema_version(path)
    except FileNotFoundError:
        return _fail(f"CLICKBOT_DATABASE: no database at {path} (the bot creates it at start)")
    except sqlite3.Error as error:
        return _fail(f"CLICKBOT_DATABASE: cannot read {path} ({error})")
    _say(f"database {path}: schema version {version}; this clickbot's is {SCHEMA_VERSION}")
    if version > SCHEMA_VERSION:
        return _fail("the database is newer than this clickbot, which refuses to open it")
    if version == SCHEMA_VERSION:
        _say("up to date: no pending migrations")
        return 0
    if version == 0:
        _say("empty: the next start creates the schema")
    else:
        _say(
            f"pending migrations (the next start applies them after backing the database up "
            f"to {path.name}.before-v{SCHEMA_VERSION}.bak):"
        )
    for number in range(version + 1, SCHEMA_VERSION + 1):
        _say(f"  {number}: {DESCRIPTIONS[number - 1]}")
    return 0
