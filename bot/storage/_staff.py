"""Store queries for staff: membership, one-time staff links, credentials, sign-in limit.

Owners are configured outside the store; only staff added through links live here.

Staff links store only a hash of their token (the caller hashes; the store never sees the
token). Redeeming one is a single conditional ``UPDATE``, so of two simultaneous attempts
exactly one gets :attr:`~bot.storage.records.StaffLinkResult.OK`. To make the redeemer a
staff member in the same breath, wrap both calls::

    async with store.transaction():
        if await store.consume_staff_link(h, used_by=uid, now=now) is StaffLinkResult.OK:
            link = await store.get_staff_link(h)
            await store.add_staff(uid, added_by=link.created_by, now=now)

Credentials are an opaque blob that the caller has already encrypted; the store neither
sees nor logs their content.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from bot.storage._core import StoreCore
from bot.storage.records import StaffLink, StaffLinkResult, StaffMember
from bot.storage.timestamps import from_db_time, from_db_time_or_none, to_db_time


def _staff_member(row: aiosqlite.Row) -> StaffMember:
    return StaffMember(
        telegram_id=row["telegram_id"],
        added_by=row["added_by"],
        added_at=from_db_time(row["added_at"]),
    )


def _staff_link(row: aiosqlite.Row) -> StaffLink:
    return StaffLink(
        token_hash=row["token_hash"],
        created_by=row["created_by"],
        created_at=from_db_time(row["created_at"]),
        expires_at=from_db_time(row["expires_at"]),
        used_by=row["used_by"],
        used_at=from_db_time_or_none(row["used_at"]),
    )


class StaffQueries(StoreCore):
    """Staff membership, staff links, encrypted credentials and failed sign-ins."""

    async def add_staff(self, telegram_id: int, *, added_by: int, now: datetime) -> bool:
        """Make the user a staff member; ``False`` if they already were (nothing changes)."""
        changed = await self._execute(
            "INSERT INTO staff (telegram_id, added_by, added_at) VALUES (?, ?, ?) "
            "ON CONFLICT (telegram_id) DO NOTHING",
            (telegram_id, added_by, to_db_time(now)),
        )
        return changed == 1

    async def remove_staff(self, telegram_id: int) -> bool:
        """Remove the staff member with their stored credentials; ``False`` if not staff."""
        async with self.transaction():
            await self._execute(
                "DELETE FROM staff_credentials WHERE telegram_id = ?", (telegram_id,)
            )
            await self._execute("DELETE FROM signin_notices WHERE inviter_id = ?", (telegram_id,))
            removed = await self._execute(
                "DELETE FROM staff WHERE telegram_id = ?", (telegram_id,)
            )
        return removed == 1

    async def is_staff(self, telegram_id: int) -> bool:
        """Return whether the user was added as staff."""
        row = await self._fetch_one("SELECT 1 FROM staff WHERE telegram_id = ?", (telegram_id,))
        return row is not None

    async def list_staff(self) -> list[StaffMember]:
        """Return all staff members, earliest added first."""
        rows = await self._fetch_all(
            "SELECT telegram_id, added_by, added_at FROM staff ORDER BY added_at, telegram_id"
        )
        return [_staff_member(row) for row in rows]

    async def create_staff_link(
        self, token_hash: str, *, created_by: int, expires_at: datetime, now: datetime
    ) -> StaffLink:
        """Store a new one-time link by the hash of its token."""
        row = await self._fetch_returned(
            "INSERT INTO staff_links (token_hash, created_by, created_at, expires_at) "
            "VALUES (?, ?, ?, ?) "
            "RETURNING token_hash, created_by, created_at, expires_at, used_by, used_at",
            (token_hash, created_by, to_db_time(now), to_db_time(expires_at)),
        )
        return _staff_link(row)

    async def get_staff_link(self, token_hash: str) -> StaffLink | None:
        """Return the link with this token hash, used or not."""
        row = await self._fetch_one(
            "SELECT token_hash, created_by, created_at, expires_at, used_by, used_at "
            "FROM staff_links WHERE token_hash = ?",
            (token_hash,),
        )
        return None if row is None else _staff_link(row)

    async def consume_staff_link(
        self, token_hash: str, *, used_by: int, now: datetime
    ) -> StaffLinkResult:
        """Use up the link if it exists, is unused and has not expired; say what happened."""
        stamp = to_db_time(now)
        async with self.transaction():
            changed = await self._execute(
                "UPDATE staff_links SET used_by = ?, used_at = ? "
                "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                (used_by, stamp, token_hash, stamp),
            )
            if changed == 1:
                return StaffLinkResult.OK
            # The link was not consumed; this read only explains why.
            link = await self.get_staff_link(token_hash)
        if link is None:
            return StaffLinkResult.UNKNOWN
        if link.used_at is not None:
            return StaffLinkResult.USED
        return StaffLinkResult.EXPIRED

    async def save_staff_credentials(self, telegram_id: int, blob: bytes, now: datetime) -> None:
        """Store (or replace) the staff member's already-encrypted ClickBook credentials."""
        await self._execute(
            "INSERT INTO staff_credentials (telegram_id, blob, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (telegram_id) DO UPDATE SET "
            "blob = excluded.blob, updated_at = excluded.updated_at",
            (telegram_id, bytes(blob), to_db_time(now)),
        )

    async def get_staff_credentials(self, telegram_id: int) -> bytes | None:
        """Return the encrypted credentials blob, if stored."""
        row = await self._fetch_one(
            "SELECT blob FROM staff_credentials WHERE telegram_id = ?", (telegram_id,)
        )
        return None if row is None else bytes(row["blob"])

    async def all_staff_credentials(self) -> list[tuple[int, bytes]]:
        """Return every stored (still encrypted) sign-in as ``(telegram_id, blob)``."""
        rows = await self._fetch_all(
            "SELECT telegram_id, blob FROM staff_credentials ORDER BY telegram_id"
        )
        return [(row["telegram_id"], bytes(row["blob"])) for row in rows]

    async def replace_staff_credentials(
        self, telegram_id: int, old: bytes, new: bytes, now: datetime
    ) -> bool:
        """Swap the blob ``old`` for ``new``; ``False`` if it changed meanwhile (kept as is)."""
        changed = await self._execute(
            "UPDATE staff_credentials SET blob = ?, updated_at = ? "
            "WHERE telegram_id = ? AND blob = ?",
            (bytes(new), to_db_time(now), telegram_id, bytes(old)),
        )
        return changed == 1

    async def delete_staff_credentials(self, telegram_id: int) -> bool:
        """Forget the credentials (``/signout``); return whether there were any."""
        deleted = await self._execute(
            "DELETE FROM staff_credentials WHERE telegram_id = ?", (telegram_id,)
        )
        return deleted == 1

    async def record_signin_failure(
        self, telegram_id: int, now: datetime, *, account: str | None = None
    ) -> None:
        """Count one failed ClickBook sign-in towards the staff member's limit.

        ``account`` is the caller's keyed hash of the ClickBook email (never the email
        itself): the failure then also counts towards that account's limit.
        """
        await self._execute(
            "INSERT INTO signin_failures (telegram_id, failed_at, account) VALUES (?, ?, ?)",
            (telegram_id, to_db_time(now), account),
        )

    async def count_signin_failures(self, telegram_id: int, since: datetime) -> int:
        """Return how many of the staff member's sign-ins failed at or after ``since``."""
        row = await self._fetch_one(
            "SELECT count(*) FROM signin_failures WHERE telegram_id = ? AND failed_at >= ?",
            (telegram_id, to_db_time(since)),
        )
        return 0 if row is None else int(row[0])

    async def count_account_signin_failures(self, accounts: Sequence[str], since: datetime) -> int:
        """Return how many sign-ins to the account failed at or after ``since``.

        ``accounts`` are its hashes, one per configured key: a failure counted under the
        previous key still counts after a new key was put first.
        """
        if not accounts:
            return 0
        row = await self._fetch_one(
            f"SELECT count(*) FROM signin_failures WHERE account IN ({_marks(accounts)}) "
            "AND failed_at >= ?",
            (*accounts, to_db_time(since)),
        )
        return 0 if row is None else int(row[0])

    async def clear_signin_failures(
        self, telegram_id: int, *, accounts: Sequence[str] = ()
    ) -> None:
        """Forget the failed sign-ins (after a successful one), the account's too if given."""
        await self._execute(
            "DELETE FROM signin_failures "
            f"WHERE telegram_id = ? OR account IN ({_marks(accounts)})",
            (telegram_id, *accounts),
        )


def _marks(values: Sequence[str]) -> str:
    """Return the ``?`` placeholders of an ``IN (...)`` list (never the values)."""
    return ", ".join("?" * len(values))
