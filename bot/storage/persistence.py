"""PTB persistence on top of the store: the only module of ``bot.storage`` that knows Telegram.

``SQLitePersistence`` is a ``telegram.ext.BasePersistence`` that keeps, as JSON rows in the
store (``_app_state`` tables):

- the states of persistent conversation handlers: one row per (handler name, key
  tuple), the key as a JSON array and the state as JSON (our flows use ``StrEnum`` values,
  which come back as equal plain strings; ``int`` states work too);
- ``user_data`` and ``chat_data``: one JSON document per id (an empty dict is not kept);
- optionally ``bot_data`` and the arbitrary-callback-data cache.

What is stored by default (``DEFAULT_STORE_DATA``): conversations, ``user_data`` and
``chat_data``, which are cheap and per id. ``bot_data`` is off because the application
keeps its service objects (the store itself, the ClickBook client) there, which are not
JSON; ``callback_data`` is off because our buttons carry short strings, not PTB's arbitrary
callback data. Pass ``store_data=PersistenceInput(...)`` to change that; whatever is stored
must be plain JSON (``TypeError`` otherwise; see ``bot.storage.jsoncodec``), never pickle.

**Why ``update_interval`` is 5 seconds.** PTB keeps conversation states and ``*_data`` in
memory and hands them to the persistence every ``update_interval`` seconds (default 60),
plus once more on shutdown (``Application.stop``/``shutdown`` call ``update_persistence()``
and then :meth:`SQLitePersistence.flush`, so a clean stop writes everything). A crash or
``SIGKILL`` loses what changed since the last run. Our forms write every answer to the
draft at once ("the draft is the truth") and derive the next step from it, so a lost
conversation state costs the user at most a repeated prompt; a 5 s window makes even that
rare. The price is a few small writes every 5 s while people are active: PTB passes only
the users, chats and conversation keys touched since the last run, so an idle bot writes
nothing. Call ``await application.update_persistence()`` after a transition that must not
be lost.

Each call writes through to the store at once, so :meth:`flush` has nothing left to do;
it does not close the store, which belongs to whoever opened it (close it in
``post_shutdown``, after PTB's final flush).
"""

from __future__ import annotations

from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from bot.storage.store import Store

DEFAULT_UPDATE_INTERVAL = 5.0
"""Seconds between PTB's persistence runs; see the module docstring for the trade-off."""

DEFAULT_STORE_DATA = PersistenceInput(
    bot_data=False, chat_data=True, user_data=True, callback_data=False
)
"""Which kinds of PTB data are stored unless the caller says otherwise."""

USER_DATA = "user_data"
CHAT_DATA = "chat_data"
BOT_DATA = "bot_data"
CALLBACK_DATA = "callback_data"
_SINGLETON_ID = 0

Data = dict[str, Any]
ConversationKey = tuple[int | str, ...]
CallbackCacheData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]


class SQLitePersistence(BasePersistence[Data, Data, Data]):
    """Keep PTB's conversation states and ``*_data`` in the bot's SQLite store, as JSON."""

    __slots__ = ("_store",)

    def __init__(
        self,
        store: Store,
        *,
        store_data: PersistenceInput | None = None,
        update_interval: float = DEFAULT_UPDATE_INTERVAL,
    ) -> None:
        super().__init__(
            store_data=store_data or DEFAULT_STORE_DATA, update_interval=update_interval
        )
        self._store = store

    async def get_user_data(self) -> dict[int, Data]:
        """Load every user's ``user_data``."""
        return await self._store.get_documents(USER_DATA)

    async def get_chat_data(self) -> dict[int, Data]:
        """Load every chat's ``chat_data``."""
        return await self._store.get_documents(CHAT_DATA)

    async def get_bot_data(self) -> Data:
        """Load ``bot_data`` (an empty dict if never stored)."""
        stored = await self._store.get_document(BOT_DATA, _SINGLETON_ID)
        return {} if stored is None else stored

    async def get_callback_data(self) -> CallbackCacheData | None:
        """Load the arbitrary-callback-data cache, restoring PTB's tuples."""
        stored = await self._store.get_document(CALLBACK_DATA, _SINGLETON_ID)
        if stored is None:
            return None
        keyboards = [
            (keyboard_uuid, float(access_time), dict(buttons))
            for keyboard_uuid, access_time, buttons in stored["keyboards"]
        ]
        return keyboards, dict(stored["queries"])

    async def get_conversations(self, name: str) -> dict[ConversationKey, object]:
        """Load every stored state of the conversation handler called ``name``."""
        return await self._store.get_conversation_states(name)

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Store one conversation's new state; ``None`` (conversation over) deletes it."""
        if new_state is not None and not isinstance(new_state, str | int):
            raise TypeError(
                f"conversation {name!r}: states must be str or int to be stored as JSON, "
                f"got {type(new_state).__name__}"
            )
        await self._store.set_conversation_state(name, key, new_state)

    async def update_user_data(self, user_id: int, data: Data) -> None:
        """Store one user's ``user_data`` (an empty dict removes the row)."""
        await self._put_or_drop(USER_DATA, user_id, data)

    async def update_chat_data(self, chat_id: int, data: Data) -> None:
        """Store one chat's ``chat_data`` (an empty dict removes the row)."""
        await self._put_or_drop(CHAT_DATA, chat_id, data)

    async def update_bot_data(self, data: Data) -> None:
        """Store ``bot_data``."""
        await self._store.put_document(BOT_DATA, _SINGLETON_ID, data)

    async def update_callback_data(self, data: CallbackCacheData) -> None:
        """Store the arbitrary-callback-data cache as JSON lists."""
        keyboards, queries = data
        document = {
            "keyboards": [
                [keyboard_uuid, access_time, buttons]
                for keyboard_uuid, access_time, buttons in keyboards
            ],
            "queries": queries,
        }
        await self._store.put_document(CALLBACK_DATA, _SINGLETON_ID, document)

    async def drop_chat_data(self, chat_id: int) -> None:
        """Delete one chat's ``chat_data``."""
        await self._store.delete_document(CHAT_DATA, chat_id)

    async def drop_user_data(self, user_id: int) -> None:
        """Delete one user's ``user_data``."""
        await self._store.delete_document(USER_DATA, user_id)

    async def refresh_user_data(self, user_id: int, user_data: Data) -> None:
        """Do nothing: this process is the only writer, so memory is already current."""

    async def refresh_chat_data(self, chat_id: int, chat_data: Data) -> None:
        """Do nothing: this process is the only writer, so memory is already current."""

    async def refresh_bot_data(self, bot_data: Data) -> None:
        """Do nothing: this process is the only writer, so memory is already current."""

    async def flush(self) -> None:
        """Do nothing: every update was written through already (the store stays open)."""

    async def _put_or_drop(self, kind: str, doc_id: int, data: Data) -> None:
        if data:
            await self._store.put_document(kind, doc_id, data)
        else:
            await self._store.delete_document(kind, doc_id)
