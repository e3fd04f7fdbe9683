"""Store queries for customer registrations: intent first, the StubID next, then every step.

The lifecycle (see :class:`bot.storage.records.RegistrationState`)::

    begin_registration ──► submitting ──record_stub_id──► stub_created ──► processed ──► active
                               │                               │               │
                               └───────────────────────────────┴───────┬───────┘
                                                                       ▼
                                                                     failed

``begin_registration`` is the first write: it records the intent (state ``submitting``, no
StubID yet) and counts the attempt towards the daily cap in one transaction, *before*
SETUSERFIELDS is sent. If it fails, nothing is sent. ``record_stub_id`` fills the StubID in
one statement the moment ClickBook hands it out. A ``submitting`` row that never got its
StubID (a crash or a failed write between the two) tells the background job that ClickBook
may hold a stub nobody can finish; see :mod:`bot.signup` for what the job does with it.
``create_registration`` stores a StubID directly (both steps at once).

Each transition is one atomic ``UPDATE ... WHERE state IN (...)`` whose changed-row count
tells the caller whether *this* call made the transition (``True``) or it had already
happened / was not possible (``False``).

``next_attempt_at`` is when the background job should next try to finish a registration.
It defaults to ``now`` at creation: if the process dies right after the StubID is stored,
the job picks the registration up. A caller that goes on to finish it inline should pass a
short grace period instead, so the job does not race the conversation.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.storage._core import StoreCore
from bot.storage.errors import RegistrationExistsError
from bot.storage.records import Registration, RegistrationState
from bot.storage.timestamps import from_db_time, from_db_time_or_none, to_db_time

_COLUMNS = (
    "telegram_id, chat_id, stub_id, email, full_name, language, state, clickbook_user, "
    "attempts, next_attempt_at, last_error_code, failure_reason, user_notified_at, "
    "created_at, updated_at, terms_accepted_at"
)
_UNFINISHED = "state IN ('submitting', 'stub_created', 'processed')"
_REPLACEABLE = "registrations.state IN ('submitting', 'failed')"


def _db_time_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else to_db_time(moment)


def _registration(row: aiosqlite.Row) -> Registration:
    return Registration(
        telegram_id=row["telegram_id"],
        chat_id=row["chat_id"],
        stub_id=row["stub_id"],
        email=row["email"],
        full_name=row["full_name"],
        language=row["language"],
        state=RegistrationState(row["state"]),
        clickbook_user=row["clickbook_user"],
        attempts=row["attempts"],
        next_attempt_at=from_db_time_or_none(row["next_attempt_at"]),
        last_error_code=row["last_error_code"],
        failure_reason=row["failure_reason"],
        user_notified_at=from_db_time_or_none(row["user_notified_at"]),
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
        terms_accepted_at=from_db_time_or_none(row["terms_accepted_at"]),
    )


class RegistrationQueries(StoreCore):
    """Customer registrations (one per Telegram user) and the sign-up rate limit."""

    async def get_registration(self, telegram_id: int) -> Registration | None:
        """Return the user's registration, whatever its state."""
        if telegram_id in self._unregistered and not self._inside_transaction():
            return None
        row = await self._fetch_one(
            f"SELECT {_COLUMNS} FROM registrations WHERE telegram_id = ?", (telegram_id,)
        )
        if row is None:
            if not self._inside_transaction():
                self._unregistered.add(telegram_id)
            return None
        return _registration(row)

    async def find_registration_by_email(self, email: str) -> Registration | None:
        """Return the newest registration for ``email`` (compared ignoring ASCII case)."""
        row = await self._fetch_one(
            f"SELECT {_COLUMNS} FROM registrations WHERE email = ? "
            "ORDER BY created_at DESC LIMIT 1",
            (email,),
        )
        return None if row is None else _registration(row)

    async def create_registration(
        self,
        telegram_id: int,
        *,
        chat_id: int,
        stub_id: str,
        email: str,
        full_name: str,
        language: str,
        now: datetime,
        next_attempt_at: datetime | None = None,
        terms_accepted_at: datetime | None = None,
    ) -> Registration:
        """Store a fresh StubID in state ``stub_created`` and return the registration.

        A ``failed`` or ``submitting`` registration of the same user is replaced; any other
        existing one raises :class:`~bot.storage.errors.RegistrationExistsError`.
        ``next_attempt_at``
        (default ``now``) is when the background job may take over.
        """
        stamp = to_db_time(now)
        due = to_db_time(next_attempt_at or now)
        self._unregistered.discard(telegram_id)
        row = await self._fetch_one(
            "INSERT INTO registrations (telegram_id, chat_id, stub_id, email, full_name, "
            "language, state, next_attempt_at, created_at, updated_at, terms_accepted_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'stub_created', ?, ?, ?, ?) "
            "ON CONFLICT (telegram_id) DO UPDATE SET chat_id = excluded.chat_id, "
            "stub_id = excluded.stub_id, email = excluded.email, "
            "full_name = excluded.full_name, language = excluded.language, "
            "state = 'stub_created', clickbook_user = NULL, attempts = 0, "
            "next_attempt_at = excluded.next_attempt_at, last_error_code = NULL, "
            "failure_reason = NULL, user_notified_at = NULL, "
            "created_at = excluded.created_at, updated_at = excluded.updated_at, "
            "terms_accepted_at = excluded.terms_accepted_at "
            f"WHERE {_REPLACEABLE} "
            f"RETURNING {_COLUMNS}",
            (
                telegram_id,
                chat_id,
                stub_id,
                email,
                full_name,
                language,
                due,
                stamp,
                stamp,
                _db_time_or_none(terms_accepted_at),
            ),
        )
        # Again after the insert: a read that ran while it waited may have cached "none".
        self._unregistered.discard(telegram_id)
        if row is None:
            raise RegistrationExistsError(telegram_id)
        return _registration(row)

    async def begin_registration(
        self,
        telegram_id: int,
        *,
        chat_id: int,
        email: str,
        full_name: str,
        language: str,
        now: datetime,
        next_attempt_at: datetime,
        terms_accepted_at: datetime | None = None,
    ) -> int:
        """Record a submission about to be sent (``submitting``) and count it; one transaction.

        Returns the id of the counted attempt (for :meth:`abandon_registration`). A
        ``failed`` or ``submitting`` registration of the user is replaced (the caller makes
        sure no submission of theirs is in flight); any other raises
        :class:`~bot.storage.errors.RegistrationExistsError`. ``next_attempt_at`` is when the
        background job may conclude that the submission died without a StubID;
        ``terms_accepted_at`` is when the customer agreed to ClickBook's terms, kept with the
        registration (the draft that held it is deleted once the account exists).
        """
        stamp = to_db_time(now)
        self._unregistered.discard(telegram_id)
        async with self.transaction():
            row = await self._fetch_one(
                "INSERT INTO registrations (telegram_id, chat_id, stub_id, email, full_name, "
                "language, state, next_attempt_at, created_at, updated_at, terms_accepted_at) "
                "VALUES (?, ?, NULL, ?, ?, ?, 'submitting', ?, ?, ?, ?) "
                "ON CONFLICT (telegram_id) DO UPDATE SET chat_id = excluded.chat_id, "
                "stub_id = NULL, email = excluded.email, "
                "full_name = excluded.full_name, language = excluded.language, "
                "state = 'submitting', clickbook_user = NULL, attempts = 0, "
                "next_attempt_at = excluded.next_attempt_at, last_error_code = NULL, "
                "failure_reason = NULL, user_notified_at = NULL, "
                "created_at = excluded.created_at, updated_at = excluded.updated_at, "
                "terms_accepted_at = excluded.terms_accepted_at "
                f"WHERE {_REPLACEABLE} RETURNING telegram_id",
                (
                    telegram_id,
                    chat_id,
                    email,
                    full_name,
                    language,
                    to_db_time(next_attempt_at),
                    stamp,
                    stamp,
                    _db_time_or_none(terms_accepted_at),
                ),
            )
            if row is None:
                raise RegistrationExistsError(telegram_id)
            attempt = await self._fetch_returned(
                "INSERT INTO signup_attempts (telegram_id, attempted_at) VALUES (?, ?) "
                "RETURNING id",
                (telegram_id, stamp),
            )
        self._unregistered.discard(telegram_id)
        return int(attempt["id"])

    async def record_stub_id(
        self, telegram_id: int, stub_id: str, *, now: datetime, next_attempt_at: datetime
    ) -> bool:
        """Fill in the StubID of a ``submitting`` registration (now ``stub_created``)."""
        changed = await self._execute(
            "UPDATE registrations SET stub_id = ?, state = 'stub_created', "
            "next_attempt_at = ?, updated_at = ? "
            "WHERE telegram_id = ? AND state = 'submitting'",
            (stub_id, to_db_time(next_attempt_at), to_db_time(now), telegram_id),
        )
        return changed == 1

    async def abandon_registration(self, telegram_id: int, attempt_id: int | None) -> None:
        """Delete a ``submitting`` registration that created nothing at ClickBook.

        With ``attempt_id``, the attempt stops counting too (the submission certainly never
        reached ClickBook); without, it keeps counting (ClickBook looked at it and refused).
        """
        async with self.transaction():
            await self._execute(
                "DELETE FROM registrations WHERE telegram_id = ? AND state = 'submitting'",
                (telegram_id,),
            )
            if attempt_id is not None:
                await self._execute("DELETE FROM signup_attempts WHERE id = ?", (attempt_id,))

    async def mark_registration_processed(
        self, telegram_id: int, now: datetime, *, next_attempt_at: datetime | None = None
    ) -> bool:
        """Record that PROCESSREGSTUB succeeded; ``False`` if it was not ``stub_created``.

        ``next_attempt_at``, if given, postpones the job (the caller goes on inline).
        """
        changed = await self._execute(
            "UPDATE registrations SET state = 'processed', updated_at = ?, "
            "next_attempt_at = coalesce(?, next_attempt_at) "
            "WHERE telegram_id = ? AND state = 'stub_created'",
            (to_db_time(now), _db_time_or_none(next_attempt_at), telegram_id),
        )
        return changed == 1

    async def mark_registration_signed_in(
        self,
        telegram_id: int,
        clickbook_user: str,
        now: datetime,
        *,
        next_attempt_at: datetime | None = None,
    ) -> bool:
        """Record the sign-in that completes the registration (state ``active``).

        The registration stays due until the user is told (``mark_registration_user_notified``),
        so a crash after this point still ends in the message; ``next_attempt_at``, if given,
        gives the caller that long to tell them itself.
        """
        changed = await self._execute(
            "UPDATE registrations SET state = 'active', clickbook_user = ?, updated_at = ?, "
            "next_attempt_at = coalesce(?, next_attempt_at) "
            f"WHERE telegram_id = ? AND {_UNFINISHED}",
            (clickbook_user, to_db_time(now), _db_time_or_none(next_attempt_at), telegram_id),
        )
        return changed == 1

    async def schedule_registration_retry(
        self,
        telegram_id: int,
        *,
        next_attempt_at: datetime,
        last_error_code: str | None,
        now: datetime,
    ) -> bool:
        """Count a failed attempt and set when to try again; ``False`` if already finished."""
        changed = await self._execute(
            "UPDATE registrations SET attempts = attempts + 1, next_attempt_at = ?, "
            "last_error_code = ?, updated_at = ? "
            f"WHERE telegram_id = ? AND {_UNFINISHED}",
            (to_db_time(next_attempt_at), last_error_code, to_db_time(now), telegram_id),
        )
        return changed == 1

    async def mark_registration_failed(self, telegram_id: int, reason: str, now: datetime) -> bool:
        """Give up on the registration (e.g. the stub expired); ``False`` if already finished."""
        changed = await self._execute(
            "UPDATE registrations SET state = 'failed', failure_reason = ?, "
            "next_attempt_at = NULL, updated_at = ? "
            f"WHERE telegram_id = ? AND {_UNFINISHED}",
            (reason, to_db_time(now), telegram_id),
        )
        return changed == 1

    async def mark_registration_user_notified(self, telegram_id: int, now: datetime) -> bool:
        """Record that the user got the final word on this registration; once only.

        A registration whose user was notified is no longer due. Returns ``True`` only for
        the call that set the mark, so it can also serve as an at-most-once claim.
        """
        changed = await self._execute(
            "UPDATE registrations SET user_notified_at = ?, next_attempt_at = NULL, "
            "updated_at = ? WHERE telegram_id = ? AND user_notified_at IS NULL",
            (to_db_time(now), to_db_time(now), telegram_id),
        )
        return changed == 1

    async def due_registrations(self, now: datetime) -> list[Registration]:
        """Return un-notified registrations whose next attempt is due, oldest first.

        Active ones are included: the user may not have been told yet (a crash after the
        sign-in); failed ones are not (whoever failed them told the user).
        """
        rows = await self._fetch_all(
            f"SELECT {_COLUMNS} FROM registrations WHERE state != 'failed' "
            "AND user_notified_at IS NULL AND next_attempt_at <= ? "
            "ORDER BY next_attempt_at, telegram_id",
            (to_db_time(now),),
        )
        return [_registration(row) for row in rows]

    async def record_signup_attempt(self, telegram_id: int, now: datetime) -> None:
        """Count one sign-up submission towards the user's rate limit."""
        await self._execute(
            "INSERT INTO signup_attempts (telegram_id, attempted_at) VALUES (?, ?)",
            (telegram_id, to_db_time(now)),
        )

    async def count_signup_attempts(self, telegram_id: int, since: datetime) -> int:
        """Return how many sign-up submissions the user made at or after ``since``."""
        row = await self._fetch_one(
            "SELECT count(*) FROM signup_attempts WHERE telegram_id = ? AND attempted_at >= ?",
            (telegram_id, to_db_time(since)),
        )
        return 0 if row is None else int(row[0])
