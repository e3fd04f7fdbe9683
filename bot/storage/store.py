"""The bot's SQLite store: one aiosqlite connection per process, intent-named methods.

Open it once at start-up and share it::

    store = await Store.open(settings.database_path)   # ":memory:" works too
    try:
        ...
    finally:
        await store.close()

What ``open`` does: create the file readable by its owner only (0600; SQLite gives the
``-wal`` and ``-shm`` files the database's mode, and the umask is 077 while it opens, so
they follow; a file left more open by an older version is tightened), connect in autocommit
mode, turn on ``foreign_keys`` and ``secure_delete`` (deleted and rewritten rows are
overwritten with zeros, so a customer's erased data does not linger in free pages), switch
the file to WAL (readers never block the writer and a crash cannot leave a half-written
transaction) with ``synchronous = NORMAL`` (in WAL mode
this never corrupts the database; a power cut, not a crash of the process, may lose the last
transactions; it saves an fsync per statement, which is most of a form step's cost), set a
``busy_timeout`` for the odd second connection (an operator's ``sqlite3`` shell), and apply
pending migrations (``bot.storage.migrations``), after copying a database that has any to
``<path>.before-v<N>.bak`` (``bot.storage.backup``; the log says where).

Conventions, binding for every method:

- **Times** are aware datetimes in, aware UTC datetimes out, stored as ISO-8601 UTC text
  of fixed width (``bot.storage.timestamps``). The store never reads the clock;
  every write that records a moment takes ``now`` from the caller.
- **Results** are frozen dataclasses from ``bot.storage.records``, never rows or tuples.
- **One-time actions** (``mark_*``, ``consume_staff_link``) are one conditional statement;
  they return ``True`` (or ``StaffLinkResult.OK``) only for the call that made the change.
- **Values kept for callers** (drafts, PTB data) are JSON only, with exact round trips;
  anything else raises ``TypeError`` (``bot.storage.jsoncodec``). Never pickle.
- **Transactions**: each method is atomic on its own; ``async with store.transaction():``
  groups several, nests as savepoints, and keeps other coroutines' statements out.

Method groups (each documented in its module):

- users (``_users``): ``get_language``, ``set_language``;
- drafts (``_drafts``): ``get_draft``, ``set_draft_field``, ``remove_draft_field``,
  ``set_draft_editing``, ``delete_draft``;
- registrations (``_registrations``): ``get_registration``, ``begin_registration``,
  ``record_stub_id``, ``abandon_registration``, ``create_registration``,
  ``mark_registration_processed``, ``mark_registration_signed_in``,
  ``schedule_registration_retry``, ``mark_registration_failed``,
  ``mark_registration_user_notified``, ``due_registrations``,
  ``find_registration_by_email``, ``record_signup_attempt``, ``count_signup_attempts``;
- staff (``_staff``): ``add_staff``, ``remove_staff``, ``is_staff``, ``list_staff``,
  ``create_staff_link``, ``get_staff_link``, ``consume_staff_link``,
  ``save_staff_credentials``, ``get_staff_credentials``, ``all_staff_credentials``,
  ``replace_staff_credentials``, ``delete_staff_credentials``,
  ``record_signin_failure``, ``count_signin_failures``, ``count_account_signin_failures``,
  ``clear_signin_failures``;
- invites (``_invites``): ``begin_invite``, ``record_client_file``,
  ``mark_invite_uncertain``, ``find_unconfirmed_invite_by_email``, ``create_invite``,
  ``get_invite``, ``pending_invites``, ``due_invites``, ``find_pending_invite_by_email``,
  ``schedule_invite_check``, ``mark_invite_registered``, ``undelivered_acceptances``,
  ``mark_invite_notified``, ``mark_invite_staff_chat_notified``, ``forget_invite``,
  ``mark_signin_notice_sent``, ``signin_notice_sent``,
  ``clear_signin_notice``;
- privacy (``_privacy``): ``personal_data``, ``users_with_email``, ``forget_invites_to``,
  ``forget_user``;
- framework state for the PTB adapter (``_app_state``): ``get_conversation_states``,
  ``set_conversation_state``, ``get_documents``, ``get_document``, ``put_document``,
  ``delete_document``;
- the owner's numbers (``_stats``): ``record_event``, ``count_events``, ``event_durations``,
  ``prune_events``, ``take_idle_drafts``, ``count_pending_registrations``;
- housekeeping (here): ``prune_rate_limit_records``, ``prune_abandoned``, ``schema_version``;
  ``prune_drafts`` (drafts) and ``forget_cached`` (core).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Self

import aiosqlite

from bot.storage._app_state import AppStateQueries
from bot.storage._drafts import DraftQueries
from bot.storage._invites import InviteQueries
from bot.storage._privacy import PrivacyQueries
from bot.storage._registrations import RegistrationQueries
from bot.storage._staff import StaffQueries
from bot.storage._stats import StatsQueries
from bot.storage._users import UserQueries
from bot.storage.backup import backup_database, free_backup_path
from bot.storage.errors import StorageError
from bot.storage.migrations import MIGRATIONS, migrate, schema_version
from bot.storage.timestamps import to_db_time

logger = logging.getLogger(__name__)

MEMORY = ":memory:"
"""Pass as ``path`` for a throw-away in-memory database."""

_BUSY_TIMEOUT_MS = 5000
_PRIVATE_FILE = 0o600
_SIDECARS = ("-wal", "-shm", "-journal")


class Store(
    PrivacyQueries,
    UserQueries,
    DraftQueries,
    RegistrationQueries,
    StaffQueries,
    InviteQueries,
    AppStateQueries,
    StatsQueries,
):
    """The bot's persistent state; build with :meth:`open`, never directly."""

    @classmethod
    async def open(cls, path: str | Path) -> Self:
        """Connect to (or create) the database at ``path``, migrated to the current schema."""
        on_disk = str(path) != MEMORY
        if on_disk:
            _make_private(Path(path))
        # The database may hold personal data and staff sessions; backups read the host's disk.
        umask = os.umask(0o077)
        try:
            return await cls._connect(path, on_disk=on_disk)
        finally:
            os.umask(umask)

    @classmethod
    async def _connect(cls, path: str | Path, *, on_disk: bool) -> Self:
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA secure_delete = ON")
            if on_disk:
                await _enable_wal(conn)
                await conn.execute("PRAGMA synchronous = NORMAL")
                await _back_up_before_migrating(conn, Path(path))
            version = await migrate(conn, MIGRATIONS)
        except BaseException:
            await conn.close()
            raise
        logger.info("store opened at schema version %d", version)
        return cls(conn)

    async def schema_version(self) -> int:
        """Return the database's schema version (``PRAGMA user_version``)."""
        async with self._exclusive():
            return await schema_version(self._conn)

    async def prune_rate_limit_records(self, before: datetime) -> int:
        """Delete sign-up attempts and failed sign-ins older than ``before``; return how many."""
        cutoff = to_db_time(before)
        async with self.transaction():
            signups = await self._execute(
                "DELETE FROM signup_attempts WHERE attempted_at < ?", (cutoff,)
            )
            signins = await self._execute(
                "DELETE FROM signin_failures WHERE failed_at < ?", (cutoff,)
            )
        return signups + signins

    async def prune_abandoned(self, before: datetime) -> int:
        """Delete failed registrations, unconfirmed invites and expired staff links that
        last changed before ``before``; return how many."""
        cutoff = to_db_time(before)
        async with self.transaction():
            failed = await self._execute(
                "DELETE FROM registrations WHERE state = 'failed' AND updated_at < ?", (cutoff,)
            )
            unconfirmed = await self._execute(
                "DELETE FROM invites WHERE status IN ('sending', 'uncertain') AND created_at < ?",
                (cutoff,),
            )
            links = await self._execute("DELETE FROM staff_links WHERE expires_at < ?", (cutoff,))
        return failed + unconfirmed + links


def _make_private(path: Path) -> None:
    """Create ``path`` with mode 0600 if missing; take group and other access from it and its
    journal files if present (they may be left from before this rule)."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, _PRIVATE_FILE))
    for name in (path, *(path.with_name(path.name + suffix) for suffix in _SIDECARS)):
        try:
            mode = name.stat().st_mode & 0o777
        except FileNotFoundError:
            continue
        if mode & 0o077:
            os.chmod(name, mode & 0o700)


async def _back_up_before_migrating(conn: aiosqlite.Connection, path: Path) -> None:
    """Copy a database about to be migrated to ``<path>.before-v<N>.bak``; raise StorageError
    (and migrate nothing) if the copy fails."""
    version = await schema_version(conn)
    if version == 0 or version >= len(MIGRATIONS):
        return  # a new file has nothing to lose; migrate refuses a newer one
    target = free_backup_path(path, f"before-v{len(MIGRATIONS)}")
    try:
        await asyncio.to_thread(backup_database, path, target)
    except (OSError, sqlite3.Error) as error:
        raise StorageError(
            f"could not back up the database before migrating it: {error}"
        ) from error
    logger.info(
        "database at schema version %d backed up to %s before migrating it to version %d",
        version,
        target,
        len(MIGRATIONS),
    )


async def _enable_wal(conn: aiosqlite.Connection) -> None:
    async with conn.execute("PRAGMA journal_mode = WAL") as cursor:
        row = await cursor.fetchone()
    mode = None if row is None else str(row[0]).lower()
    if mode != "wal":
        raise StorageError(f"could not switch the database to WAL mode (got {mode!r})")
