"""Store queries for invites: from "about to send" to "the inviter was told".

An invite is written (``sending``, no ClientFileID) before NewClientFile is sent, so a crash
at any point leaves a trace: ``record_client_file`` fills the ClientFileID in (``pending``)
in one statement; an answer that never came makes it ``uncertain``. ClickBook offers no
idempotency key and no lookup by email, so a ``sending`` or ``uncertain`` invite is never
sent again on its own: the next invitation to that address is flagged to the staff member.

An invite is ``pending`` until a status check sees the client registered; then it is
``registered`` and waits for the inviter to be notified. Other pending invites to the same
address are closed with it (``registered`` too, so they are no longer polled or listed; each
other inviter is notified once, the staff chat not again). Both steps are single conditional
UPDATE statements, so each is claimed by exactly one caller even if two checks race. The
inviter's message and the staff chat's post each have their own delivered mark, so a crash
between them repeats neither.
Polling is scheduled per invite (``next_check_at``, ``check_failures``) so the caller can
back off each invite on its own.

The "please sign in again" notice is a per-staff flag: set once when it is sent, cleared
when the staff member signs in again.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.storage._core import StoreCore
from bot.storage.records import Invite, InviteStatus
from bot.storage.timestamps import from_db_time, from_db_time_or_none, to_db_time

_COLUMNS = (
    "id, client_file_id, inviter_id, first_name, last_name, email, status, created_at, "
    "next_check_at, check_failures, registered_at, notified_at, staff_chat_notified_at"
)
_UNCONFIRMED = "status IN ('sending', 'uncertain')"


def _invite(row: aiosqlite.Row) -> Invite:
    return Invite(
        id=row["id"],
        client_file_id=row["client_file_id"],
        inviter_id=row["inviter_id"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        email=row["email"],
        status=InviteStatus(row["status"]),
        created_at=from_db_time(row["created_at"]),
        next_check_at=from_db_time(row["next_check_at"]),
        check_failures=row["check_failures"],
        registered_at=from_db_time_or_none(row["registered_at"]),
        notified_at=from_db_time_or_none(row["notified_at"]),
        staff_chat_notified_at=from_db_time_or_none(row["staff_chat_notified_at"]),
    )


class InviteQueries(StoreCore):
    """Invites sent by staff, their polling schedule, and the sign-in-again notice flag."""

    async def create_invite(
        self,
        *,
        client_file_id: str,
        inviter_id: int,
        first_name: str,
        last_name: str,
        email: str | None,
        now: datetime,
        first_check_at: datetime | None = None,
    ) -> Invite:
        """Record a new pending invite; its first status check is due at ``first_check_at``.

        ``first_check_at`` defaults to ``now``.
        """
        row = await self._fetch_returned(
            "INSERT INTO invites (client_file_id, inviter_id, first_name, last_name, email, "
            f"created_at, next_check_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {_COLUMNS}",
            (
                client_file_id,
                inviter_id,
                first_name,
                last_name,
                email,
                to_db_time(now),
                to_db_time(first_check_at or now),
            ),
        )
        return _invite(row)

    async def begin_invite(
        self,
        *,
        inviter_id: int,
        first_name: str,
        last_name: str,
        email: str | None,
        now: datetime,
    ) -> int:
        """Record an invitation about to be sent (``sending``); return its id."""
        stamp = to_db_time(now)
        row = await self._fetch_returned(
            "INSERT INTO invites (client_file_id, inviter_id, first_name, last_name, email, "
            "status, created_at, next_check_at) VALUES (NULL, ?, ?, ?, ?, 'sending', ?, ?) "
            "RETURNING id",
            (inviter_id, first_name, last_name, email, stamp, stamp),
        )
        return int(row["id"])

    async def record_client_file(
        self, invite_id: int, client_file_id: str, *, first_check_at: datetime
    ) -> Invite | None:
        """Fill in the ClientFileID ClickBook returned: the invite is ``pending`` now.

        Other unconfirmed invites to the same address are dropped in the same transaction:
        this one was sent knowing of them. ``None`` if the invite is gone (forgotten).
        """
        async with self.transaction():
            row = await self._fetch_one(
                "UPDATE invites SET client_file_id = ?, status = 'pending', next_check_at = ? "
                f"WHERE id = ? AND {_UNCONFIRMED} RETURNING {_COLUMNS}",
                (client_file_id, to_db_time(first_check_at), invite_id),
            )
            if row is not None and row["email"]:
                await self._execute(
                    f"DELETE FROM invites WHERE email = ? AND {_UNCONFIRMED} AND id != ?",
                    (row["email"], invite_id),
                )
        return None if row is None else _invite(row)

    async def mark_invite_uncertain(self, invite_id: int) -> bool:
        """Record that NewClientFile got no answer: the invitation may have gone out."""
        changed = await self._execute(
            "UPDATE invites SET status = 'uncertain' WHERE id = ? AND status = 'sending'",
            (invite_id,),
        )
        return changed == 1

    async def find_unconfirmed_invite_by_email(self, email: str) -> Invite | None:
        """Return the newest invite to ``email`` whose sending was never confirmed, if any."""
        row = await self._fetch_one(
            f"SELECT {_COLUMNS} FROM invites WHERE {_UNCONFIRMED} AND email = ? "
            "ORDER BY created_at DESC, id DESC LIMIT 1",
            (email,),
        )
        return None if row is None else _invite(row)

    async def get_invite(self, invite_id: int) -> Invite | None:
        """Return one invite by id, whatever its status."""
        row = await self._fetch_one(f"SELECT {_COLUMNS} FROM invites WHERE id = ?", (invite_id,))
        return None if row is None else _invite(row)

    async def pending_invites(self, *, inviter_id: int | None = None) -> list[Invite]:
        """Return pending invites, newest first; only ``inviter_id``'s if given."""
        rows = await self._fetch_all(
            f"SELECT {_COLUMNS} FROM invites WHERE status = 'pending' "
            "AND (? IS NULL OR inviter_id = ?) ORDER BY created_at DESC, id DESC",
            (inviter_id, inviter_id),
        )
        return [_invite(row) for row in rows]

    async def due_invites(self, now: datetime) -> list[Invite]:
        """Return pending invites whose next status check is due, most overdue first."""
        rows = await self._fetch_all(
            f"SELECT {_COLUMNS} FROM invites WHERE status = 'pending' AND next_check_at <= ? "
            "ORDER BY next_check_at, id",
            (to_db_time(now),),
        )
        return [_invite(row) for row in rows]

    async def find_pending_invite_by_email(self, email: str) -> Invite | None:
        """Return the newest pending invite for ``email`` (ignoring ASCII case), if any."""
        row = await self._fetch_one(
            f"SELECT {_COLUMNS} FROM invites WHERE status = 'pending' AND email = ? "
            "ORDER BY created_at DESC, id DESC LIMIT 1",
            (email,),
        )
        return None if row is None else _invite(row)

    async def schedule_invite_check(
        self, invite_id: int, *, next_check_at: datetime, failures: int
    ) -> bool:
        """Set when to check a pending invite next and its failure count.

        Returns ``False`` if the invite is gone or no longer pending.
        """
        changed = await self._execute(
            "UPDATE invites SET next_check_at = ?, check_failures = ? "
            "WHERE id = ? AND status = 'pending'",
            (to_db_time(next_check_at), failures, invite_id),
        )
        return changed == 1

    async def mark_invite_registered(self, invite_id: int, now: datetime) -> bool:
        """Record that the client accepted; ``True`` only for the call that did it.

        The other pending invites to the same address are closed with it, in the same
        transaction: the client is registered now, so they are no longer pending and no
        longer checked. Each other inviter is told once (their newest such invite keeps its
        notice); the accepting inviter and the staff chat are told once in all.
        """
        stamp = to_db_time(now)
        async with self.transaction():
            row = await self._fetch_one(
                "UPDATE invites SET status = 'registered', registered_at = ? "
                "WHERE id = ? AND status = 'pending' RETURNING inviter_id, email",
                (stamp, invite_id),
            )
            if row is None:
                return False
            if row["email"]:
                await self._close_other_invites(row["email"], row["inviter_id"], stamp)
        return True

    async def _close_other_invites(self, email: str, accepting_inviter: int, stamp: str) -> None:
        """Mark the other pending invites to ``email`` accepted, one notice per inviter."""
        siblings = await self._fetch_all(
            "SELECT id, inviter_id FROM invites WHERE email = ? AND status = 'pending' "
            "ORDER BY created_at DESC, id DESC",
            (email,),
        )
        told = {accepting_inviter}
        for sibling in siblings:
            inviter = sibling["inviter_id"]
            await self._execute(
                "UPDATE invites SET status = 'registered', registered_at = ?, "
                "notified_at = ?, staff_chat_notified_at = ? WHERE id = ?",
                (stamp, stamp if inviter in told else None, stamp, sibling["id"]),
            )
            told.add(inviter)

    async def undelivered_acceptances(self, *, staff_chat: bool = False) -> list[Invite]:
        """Return accepted invites whose inviter (or, with ``staff_chat``, the staff chat)
        has not been told yet, oldest first."""
        rows = await self._fetch_all(
            f"SELECT {_COLUMNS} FROM invites WHERE status = 'registered' "
            "AND (notified_at IS NULL OR (? AND staff_chat_notified_at IS NULL)) "
            "ORDER BY registered_at, id",
            (staff_chat,),
        )
        return [_invite(row) for row in rows]

    async def mark_invite_notified(self, invite_id: int, now: datetime) -> bool:
        """Record that the inviter was told; ``True`` only for the call that did it."""
        changed = await self._execute(
            "UPDATE invites SET notified_at = ? "
            "WHERE id = ? AND status = 'registered' AND notified_at IS NULL",
            (to_db_time(now), invite_id),
        )
        return changed == 1

    async def mark_invite_staff_chat_notified(self, invite_id: int, now: datetime) -> bool:
        """Record that the staff chat was told; ``True`` only for the call that did it."""
        changed = await self._execute(
            "UPDATE invites SET staff_chat_notified_at = ? "
            "WHERE id = ? AND status = 'registered' AND staff_chat_notified_at IS NULL",
            (to_db_time(now), invite_id),
        )
        return changed == 1

    async def forget_invite(self, invite_id: int) -> bool:
        """Delete the invite (staff tapped "forget"); return whether it existed."""
        deleted = await self._execute("DELETE FROM invites WHERE id = ?", (invite_id,))
        return deleted == 1

    async def mark_signin_notice_sent(self, inviter_id: int, now: datetime) -> bool:
        """Set the staff member's "please sign in again" flag.

        Returns ``True`` only if the flag was not set yet, so callers may use this as an
        at-most-once claim before sending the notice.
        """
        changed = await self._execute(
            "INSERT INTO signin_notices (inviter_id, sent_at) VALUES (?, ?) "
            "ON CONFLICT (inviter_id) DO NOTHING",
            (inviter_id, to_db_time(now)),
        )
        return changed == 1

    async def signin_notice_sent(self, inviter_id: int) -> bool:
        """Return whether the "please sign in again" notice is outstanding for this inviter."""
        row = await self._fetch_one(
            "SELECT 1 FROM signin_notices WHERE inviter_id = ?", (inviter_id,)
        )
        return row is not None

    async def clear_signin_notice(self, inviter_id: int) -> None:
        """Clear the flag after the staff member signed in again."""
        await self._execute("DELETE FROM signin_notices WHERE inviter_id = ?", (inviter_id,))
