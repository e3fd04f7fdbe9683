"""Store queries for drafts: the forms' answers, written one field at a time.

"The draft is the truth": each answer is saved the moment it is given, with a single
statement that edits the JSON object in place (``json_set`` / ``json_remove``), so two
answers arriving together can never overwrite each other. Drafts hold only JSON values and
must never hold a password.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from types import EllipsisType
from typing import Any, overload

import aiosqlite

from bot.storage._core import StoreCore
from bot.storage.jsoncodec import decode_json, encode_json
from bot.storage.records import Draft
from bot.storage.timestamps import from_db_time, to_db_time

# Field names become JSON paths ('$.name'); identifiers need no quoting in a path.
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COLUMNS = "telegram_id, flow, fields, editing, updated_at"


def _json_path(field: str) -> str:
    if not _FIELD_NAME.fullmatch(field):
        raise ValueError(f"draft field names must be identifiers, got {field!r}")
    return f"$.{field}"


_DRAFT_CACHE_SIZE = 10_000
"""Drafts kept in memory at most; past that the copies are dropped and read again."""


def _copy(draft: Draft | None) -> Draft | None:
    """Return a copy whose fields the caller may change without touching the kept one."""
    return None if draft is None else replace(draft, fields=copy.deepcopy(draft.fields))


def _draft(row: aiosqlite.Row) -> Draft:
    return Draft(
        telegram_id=row["telegram_id"],
        flow=row["flow"],
        fields=decode_json(row["fields"]),
        editing=row["editing"],
        updated_at=from_db_time(row["updated_at"]),
    )


class DraftQueries(StoreCore):
    """Read and edit form drafts, keyed by (Telegram user, flow name).

    Drafts are read on every update, so the store keeps each one as it last read or wrote
    it: this process is the database's only writer, and every write here stores the row the
    database returned. Two rules keep that copy true: nothing is kept from inside a
    transaction (it may roll back), and a read is kept only if no draft write ran while it
    waited (``_draft_writes`` counts them), so a slow read never overwrites a newer write.
    """

    def _keep_draft(self, key: tuple[int, str], draft: Draft | None) -> Draft | None:
        """Remember a draft just written or read (unless inside a transaction); return a copy."""
        if self._inside_transaction():
            self._drafts.pop(key, None)
        else:
            if len(self._drafts) >= _DRAFT_CACHE_SIZE:
                self._drafts.clear()
            self._drafts[key] = draft
        return _copy(draft)

    async def get_draft(self, telegram_id: int, flow: str) -> Draft | None:
        """Return the user's draft for ``flow``, or ``None`` if there is none."""
        key = (telegram_id, flow)
        if key in self._drafts and not self._inside_transaction():
            return _copy(self._drafts[key])
        writes = self._draft_writes
        row = await self._fetch_one(
            f"SELECT {_COLUMNS} FROM drafts WHERE telegram_id = ? AND flow = ?",
            (telegram_id, flow),
        )
        draft = None if row is None else _draft(row)
        if writes != self._draft_writes:
            return draft
        return self._keep_draft(key, draft)

    def _writing_draft(self, key: tuple[int, str]) -> None:
        """Forget the kept copy before a write, and make reads in flight not keep theirs."""
        self._draft_writes += 1
        self._drafts.pop(key, None)

    @overload
    def _written_draft(self, key: tuple[int, str], draft: Draft) -> Draft: ...
    @overload
    def _written_draft(self, key: tuple[int, str], draft: None) -> None: ...
    def _written_draft(self, key: tuple[int, str], draft: Draft | None) -> Draft | None:
        self._draft_writes += 1
        return self._keep_draft(key, draft)

    async def set_draft_field(
        self, telegram_id: int, flow: str, field: str, value: Any, now: datetime
    ) -> Draft:
        """Save one answer (creating the draft if needed) and return the updated draft."""
        path = _json_path(field)
        value_json = encode_json(value, what=f"draft field {field!r}")
        self._writing_draft((telegram_id, flow))
        row = await self._fetch_returned(
            "INSERT INTO drafts (telegram_id, flow, fields, updated_at) "
            "VALUES (?, ?, json_set('{}', ?, json(?)), ?) "
            "ON CONFLICT (telegram_id, flow) DO UPDATE SET "
            "fields = json_set(fields, ?, json(?)), updated_at = excluded.updated_at "
            f"RETURNING {_COLUMNS}",
            (telegram_id, flow, path, value_json, to_db_time(now), path, value_json),
        )
        return self._written_draft((telegram_id, flow), _draft(row))

    async def remove_draft_field(
        self, telegram_id: int, flow: str, field: str, now: datetime
    ) -> Draft | None:
        """Forget one answer; return the updated draft, or ``None`` if there is no draft."""
        path = _json_path(field)
        self._writing_draft((telegram_id, flow))
        row = await self._fetch_one(
            "UPDATE drafts SET fields = json_remove(fields, ?), updated_at = ? "
            f"WHERE telegram_id = ? AND flow = ? RETURNING {_COLUMNS}",
            (path, to_db_time(now), telegram_id, flow),
        )
        return self._written_draft((telegram_id, flow), None if row is None else _draft(row))

    async def set_draft_editing(
        self, telegram_id: int, flow: str, field: str | None, now: datetime
    ) -> Draft:
        """Record which field is being edited from the summary (``None``: back to normal)."""
        if field is not None:
            _json_path(field)
        self._writing_draft((telegram_id, flow))
        row = await self._fetch_returned(
            "INSERT INTO drafts (telegram_id, flow, editing, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (telegram_id, flow) DO UPDATE SET "
            "editing = excluded.editing, updated_at = excluded.updated_at "
            f"RETURNING {_COLUMNS}",
            (telegram_id, flow, field, to_db_time(now)),
        )
        return self._written_draft((telegram_id, flow), _draft(row))

    async def update_draft(
        self,
        telegram_id: int,
        flow: str,
        *,
        set_fields: Mapping[str, Any],
        remove_fields: Iterable[str] = (),
        editing: str | None | EllipsisType = ...,
        now: datetime,
    ) -> None:
        """Apply several answers, removals and the editing mark in one statement.

        Only the named fields change (``json_remove`` then ``json_set`` on the stored object),
        so a field written meanwhile by someone else survives, as with the one-field methods.
        ``editing=...`` leaves the mark as it is.
        """
        removed = [_json_path(field) for field in remove_fields]
        pairs: list[str] = []
        for field, value in set_fields.items():
            pairs += [_json_path(field), encode_json(value, what=f"draft field {field!r}")]
        if isinstance(editing, str):
            _json_path(editing)
        removal = f"json_remove(fields, {', '.join('?' * len(removed))})" if removed else "fields"
        setters = ", ".join("?, json(?)" for _ in set_fields)
        merged = f"json_set({removal}, {setters})" if set_fields else removal
        fresh = f"json_set('{{}}', {setters})" if set_fields else "'{}'"
        keep_editing = editing is ...
        self._writing_draft((telegram_id, flow))
        row = await self._fetch_returned(
            f"INSERT INTO drafts (telegram_id, flow, fields, editing, updated_at) "
            f"VALUES (?, ?, {fresh}, ?, ?) "
            f"ON CONFLICT (telegram_id, flow) DO UPDATE SET fields = {merged}, "
            f"editing = CASE WHEN ? THEN editing ELSE excluded.editing END, "
            f"updated_at = excluded.updated_at "
            f"RETURNING {_COLUMNS}",
            (
                telegram_id,
                flow,
                *pairs,
                None if keep_editing else editing,
                to_db_time(now),
                *removed,
                *pairs,
                keep_editing,
            ),
        )
        self._written_draft((telegram_id, flow), _draft(row))

    async def delete_draft(self, telegram_id: int, flow: str) -> bool:
        """Delete the draft; return whether there was one."""
        self._writing_draft((telegram_id, flow))
        deleted = await self._execute(
            "DELETE FROM drafts WHERE telegram_id = ? AND flow = ?", (telegram_id, flow)
        )
        self._written_draft((telegram_id, flow), None)
        return deleted > 0

    async def prune_drafts(self, before: datetime) -> int:
        """Delete drafts last changed before ``before``; return how many."""
        rows = await self._fetch_all(
            "DELETE FROM drafts WHERE updated_at < ? RETURNING telegram_id, flow",
            (to_db_time(before),),
        )
        for row in rows:
            self._writing_draft((row["telegram_id"], row["flow"]))
        return len(rows)
