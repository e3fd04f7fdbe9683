"""Store queries for framework state: conversation states and per-id JSON documents.

These tables back the PTB persistence adapter (``bot.storage.persistence``) but know
nothing of Telegram: a conversation state is a JSON value (``str`` or ``int``) under a
handler name and a key tuple, and a document is a JSON value under a kind and an integer id
(``"user_data"`` / 42). Everything goes through ``bot.storage.jsoncodec``: no pickle.
"""

from __future__ import annotations

from typing import Any

from bot.storage._core import StoreCore
from bot.storage.jsoncodec import decode_json, encode_json

StateKey = tuple[int | str, ...]


class AppStateQueries(StoreCore):
    """Conversation states and JSON documents, each written at once."""

    async def get_conversation_states(self, handler: str) -> dict[StateKey, Any]:
        """Return every stored ``key → state`` of one conversation handler."""
        rows = await self._fetch_all(
            "SELECT key, state FROM conversation_states WHERE handler = ?", (handler,)
        )
        return {tuple(decode_json(row["key"])): decode_json(row["state"]) for row in rows}

    async def set_conversation_state(
        self, handler: str, key: StateKey, state: str | int | None
    ) -> None:
        """Store the state of one conversation; ``None`` deletes it (the conversation ended)."""
        key_json = encode_json(list(key), what="conversation key")
        if state is None:
            await self._execute(
                "DELETE FROM conversation_states WHERE handler = ? AND key = ?",
                (handler, key_json),
            )
            return
        if not isinstance(state, str | int):
            raise TypeError(f"conversation states must be str or int, got {type(state).__name__}")
        await self._execute(
            "INSERT INTO conversation_states (handler, key, state) VALUES (?, ?, ?) "
            "ON CONFLICT (handler, key) DO UPDATE SET state = excluded.state",
            (handler, key_json, encode_json(state, what="conversation state")),
        )

    async def get_documents(self, kind: str) -> dict[int, Any]:
        """Return all documents of one kind by id."""
        rows = await self._fetch_all("SELECT doc_id, data FROM documents WHERE kind = ?", (kind,))
        return {int(row["doc_id"]): decode_json(row["data"]) for row in rows}

    async def get_document(self, kind: str, doc_id: int) -> Any | None:
        """Return one document, or ``None`` if it was never stored."""
        row = await self._fetch_one(
            "SELECT data FROM documents WHERE kind = ? AND doc_id = ?", (kind, doc_id)
        )
        return None if row is None else decode_json(row["data"])

    async def put_document(self, kind: str, doc_id: int, data: Any) -> None:
        """Store (or replace) one document; raise ``TypeError`` if it is not plain JSON."""
        data_json = encode_json(data, what=f"{kind}[{doc_id}]")
        await self._execute(
            "INSERT INTO documents (kind, doc_id, data) VALUES (?, ?, ?) "
            "ON CONFLICT (kind, doc_id) DO UPDATE SET data = excluded.data",
            (kind, doc_id, data_json),
        )

    async def delete_document(self, kind: str, doc_id: int) -> bool:
        """Delete one document; return whether it existed."""
        deleted = await self._execute(
            "DELETE FROM documents WHERE kind = ? AND doc_id = ?", (kind, doc_id)
        )
        return deleted == 1
