"""The connection underneath :class:`bot.storage.Store`: serialised access and transactions.

One aiosqlite connection is shared by every coroutine of the process. SQLite transactions
belong to a connection, not to a coroutine, so a transaction opened by one handler would
silently swallow the writes of any other coroutine that ran while it was open. To prevent
that, every statement and every transaction holds an ``asyncio.Lock``. A context variable
records that the current task (and tasks it starts) already holds it, so statements inside
``transaction()`` and nested ``transaction()`` blocks run without waiting for themselves.
Nested blocks are savepoints: an exception leaving an inner block undoes only that block.

Tasks started inside a ``transaction()`` block inherit its hold on the connection, so do
not start tasks there that run concurrently with it or outlive it. ``asyncio.gather`` of
store calls *outside* a transaction is fine: the calls simply queue.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

import aiosqlite

from bot.storage.errors import StorageError

_HELD_LOCKS: ContextVar[frozenset[object]] = ContextVar(
    "bot_storage_held_locks", default=frozenset()
)

Params = Sequence[Any]


class StoreCore:
    """Own the connection and give the query modules a few serialised primitives."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self._lock_token = object()
        self._savepoint_numbers = itertools.count(1)
        self._languages: dict[int, str | None] = {}
        self._unregistered: set[int] = set()
        self._drafts: dict[tuple[int, str], Any] = {}
        """Drafts as last read or written (``None``: there is none), keyed (user, flow): the
        forms read the draft on every update; see ``_drafts`` for how it stays true."""
        self._draft_writes = 0
        """Users known to have no registration: the sign-up asks on every update, and only
        ``create_registration`` (in this, the database's only writing process) changes it."""
        """Users' language choices, read once: asked on every update, written rarely, and
        this process is the database's only writer."""

    def forget_cached(self) -> None:
        """Empty the per-user caches (languages, "no registration", drafts); they refill on use.

        Safe at any moment: a cache only spares a read, and a read in flight keeps its
        result only under the rules that already hold for it.
        """
        self._languages.clear()
        self._unregistered.clear()
        self._drafts.clear()

    async def close(self) -> None:
        """Wait for the statement in progress, then close the connection; idempotent."""
        async with self._exclusive():
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Group the store calls inside the block into one all-or-nothing transaction.

        Nested use is allowed and becomes a savepoint. The outermost block commits on a
        normal exit and rolls back if an exception (including cancellation) leaves it.
        """
        async with self._exclusive():
            if self._conn.in_transaction:
                async with self._savepoint():
                    yield
            else:
                async with self._outermost_transaction():
                    yield

    def _inside_transaction(self) -> bool:
        """Tell whether a transaction is open (False once the connection is closed)."""
        try:
            return self._conn.in_transaction
        except ValueError:
            return False

    @asynccontextmanager
    async def _outermost_transaction(self) -> AsyncIterator[None]:
        # IMMEDIATE takes the write lock up front, so another process writing the same file
        # makes us wait (busy_timeout) at BEGIN instead of failing halfway through.
        await self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            await self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                await self._conn.execute("ROLLBACK")
            raise

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        name = f"sp_{next(self._savepoint_numbers)}"
        await self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if self._conn.in_transaction:
                await self._conn.execute(f"ROLLBACK TO {name}")
                await self._conn.execute(f"RELEASE {name}")
            raise
        await self._conn.execute(f"RELEASE {name}")

    @asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[None]:
        """Hold the connection for a unit of work, unless this task already holds it."""
        held = _HELD_LOCKS.get()
        if self._lock_token in held:
            yield
            return
        async with self._lock:
            reset_token = _HELD_LOCKS.set(held | {self._lock_token})
            try:
                yield
            finally:
                _HELD_LOCKS.reset(reset_token)

    async def _execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        async with self._exclusive():
            cursor = await self._conn.execute(sql, params)
            changed = cursor.rowcount
            await cursor.close()
        return changed

    async def _fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        """Run one statement (a query or a write with RETURNING) and return its first row."""
        rows = await self._fetch_all(sql, params)
        return rows[0] if rows else None

    async def _fetch_returned(self, sql: str, params: Params = ()) -> aiosqlite.Row:
        """Run a write that always returns its row (an upsert with RETURNING)."""
        row = await self._fetch_one(sql, params)
        if row is None:
            raise StorageError("the statement returned no row")
        return row

    async def _fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """Run one statement to completion and return all its rows."""
        async with self._exclusive():
            # execute_fetchall steps the statement to the end in one go, which also finishes
            # the implicit transaction of an INSERT/UPDATE ... RETURNING.
            rows: Iterable[aiosqlite.Row] = await self._conn.execute_fetchall(sql, params)
        return list(rows)
