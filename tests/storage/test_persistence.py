"""The PTB persistence adapter: its methods directly, then a real Application across a restart.

The only fake is the Bot API boundary: a ``BaseRequest`` that answers ``getMe`` (needed by
``Application.initialize``) and records every call, so nothing reaches the network.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PersistenceInput,
    filters,
)
from telegram.request import BaseRequest, RequestData

from bot.storage import Store
from bot.storage.persistence import (
    DEFAULT_STORE_DATA,
    DEFAULT_UPDATE_INTERVAL,
    SQLitePersistence,
)
from tests.storage.conftest import T0

USER_ID = 42
CHAT_ID = 42


class GetMeOnlyRequest(BaseRequest):
    """A Bot API stand-in that knows only getMe and records every method called."""

    def __init__(self) -> None:
        self.methods: list[str] = []

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        self.methods.append(api_method)
        if api_method == "getMe":
            me = {"id": 123, "is_bot": True, "first_name": "Test", "username": "test_bot"}
            return 200, json.dumps({"ok": True, "result": me}).encode()
        return 400, json.dumps(
            {"ok": False, "error_code": 400, "description": "not faked"}
        ).encode()


class Step(StrEnum):
    NAME = "name"
    EMAIL = "email"


class SignupFlow:
    """A two-step conversation that records which handler saw which text."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step:
        self.seen.append(("start", _text(update)))
        context.user_data["started"] = True  # type: ignore[index]
        return Step.NAME

    async def on_name(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step:
        self.seen.append(("name", _text(update)))
        context.user_data["name"] = _text(update)  # type: ignore[index]
        context.chat_data["screen"] = 7  # type: ignore[index]
        return Step.EMAIL

    async def on_email(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        self.seen.append(("email", _text(update)))
        self.seen.append(("user_data.name", context.user_data["name"]))  # type: ignore[index]
        return ConversationHandler.END

    def handler(self) -> ConversationHandler[Any]:
        text = filters.TEXT & ~filters.COMMAND
        return ConversationHandler(
            entry_points=[CommandHandler("start", self.start)],
            states={
                Step.NAME: [MessageHandler(text, self.on_name)],
                Step.EMAIL: [MessageHandler(text, self.on_email)],
            },
            fallbacks=[],
            name="signup",
            persistent=True,
        )


def _text(update: Update) -> str:
    assert update.message is not None
    return update.message.text or ""


def _message(app: Application[Any, Any, Any, Any, Any, Any], update_id: int, text: str) -> Update:
    entities = []
    if text.startswith("/"):
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    data = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(T0.timestamp()),
            "chat": {"id": CHAT_ID, "type": "private"},
            "from": {"id": USER_ID, "is_bot": False, "first_name": "Ann"},
            "text": text,
            "entities": entities,
        },
    }
    return Update.de_json(data, app.bot)


def _build_app(
    persistence: SQLitePersistence, request: GetMeOnlyRequest
) -> Application[Any, Any, Any, Any, Any, Any]:
    return (
        ApplicationBuilder()
        .token("123:ABC")
        .request(request)
        .updater(None)
        .persistence(persistence)
        .build()
    )


@pytest.fixture
def persistence(store: Store) -> SQLitePersistence:
    """The adapter over the test's file store, with the default settings."""
    return SQLitePersistence(store)


async def test_defaults_store_conversations_user_and_chat_data_every_5_seconds(
    persistence: SQLitePersistence,
) -> None:
    assert DEFAULT_UPDATE_INTERVAL == 5.0
    assert persistence.update_interval == DEFAULT_UPDATE_INTERVAL
    assert persistence.store_data == DEFAULT_STORE_DATA
    assert persistence.store_data == PersistenceInput(
        bot_data=False, chat_data=True, user_data=True, callback_data=False
    )


async def test_an_empty_store_loads_as_empty(persistence: SQLitePersistence) -> None:
    assert await persistence.get_user_data() == {}
    assert await persistence.get_chat_data() == {}
    assert await persistence.get_bot_data() == {}
    assert await persistence.get_callback_data() is None
    assert await persistence.get_conversations("signup") == {}


async def test_user_and_chat_data_round_trip_and_drop(persistence: SQLitePersistence) -> None:
    await persistence.update_user_data(1, {"name": "Ann", "answers": [1, None]})
    await persistence.update_user_data(2, {"name": "Bo"})
    await persistence.update_chat_data(-100, {"screen": 7})
    assert await persistence.get_user_data() == {
        1: {"name": "Ann", "answers": [1, None]},
        2: {"name": "Bo"},
    }
    assert await persistence.get_chat_data() == {-100: {"screen": 7}}

    await persistence.drop_user_data(1)
    await persistence.drop_chat_data(-100)
    assert await persistence.get_user_data() == {2: {"name": "Bo"}}
    assert await persistence.get_chat_data() == {}


async def test_emptied_data_is_not_kept(persistence: SQLitePersistence, store: Store) -> None:
    await persistence.update_user_data(1, {"name": "Ann"})
    await persistence.update_user_data(1, {})
    await persistence.update_chat_data(5, {})
    assert await store.get_documents("user_data") == {}
    assert await store.get_documents("chat_data") == {}


async def test_bot_data_round_trips(persistence: SQLitePersistence) -> None:
    await persistence.update_bot_data({"started_at": "2026-03-01"})
    assert await persistence.get_bot_data() == {"started_at": "2026-03-01"}


async def test_callback_data_comes_back_as_ptb_tuples(persistence: SQLitePersistence) -> None:
    cache = ([("kb-1", 1772355600.5, {"btn-1": {"action": "confirm"}})], {"query-1": "kb-1"})
    await persistence.update_callback_data(cache)
    assert await persistence.get_callback_data() == cache


async def test_conversation_states_round_trip_and_end(persistence: SQLitePersistence) -> None:
    await persistence.update_conversation("signup", (1, 2), Step.EMAIL)
    await persistence.update_conversation("signup", (3, 3), Step.NAME)
    await persistence.update_conversation("invite", (1, 2), 4)
    states = await persistence.get_conversations("signup")
    assert states == {(1, 2): "email", (3, 3): "name"}
    assert states[(1, 2)] == Step.EMAIL
    assert await persistence.get_conversations("invite") == {(1, 2): 4}

    await persistence.update_conversation("signup", (1, 2), None)
    assert await persistence.get_conversations("signup") == {(3, 3): "name"}


@pytest.mark.parametrize("state", [("tuple", 1), {"a": 1}, 1.5])
async def test_a_state_that_is_not_str_or_int_raises_type_error(
    persistence: SQLitePersistence, state: object
) -> None:
    with pytest.raises(TypeError, match="str or int"):
        await persistence.update_conversation("signup", (1, 2), state)
    assert await persistence.get_conversations("signup") == {}


async def test_data_that_is_not_json_raises_type_error(persistence: SQLitePersistence) -> None:
    with pytest.raises(TypeError, match=r"user_data\[1\]\['when'\]: datetime"):
        await persistence.update_user_data(1, {"when": T0})
    with pytest.raises(TypeError, match="object is not JSON-serialisable"):
        await persistence.update_bot_data({"client": object()})
    assert await persistence.get_user_data() == {}
    assert await persistence.get_bot_data() == {}


async def test_refresh_leaves_data_alone_and_flush_keeps_the_store_open(
    persistence: SQLitePersistence, store: Store
) -> None:
    user_data: dict[str, Any] = {"name": "Ann"}
    await persistence.update_user_data(1, {"name": "stored"})
    await persistence.refresh_user_data(1, user_data)
    await persistence.refresh_chat_data(1, user_data)
    await persistence.refresh_bot_data(user_data)
    assert user_data == {"name": "Ann"}
    await persistence.flush()
    assert await store.get_documents("user_data") == {1: {"name": "stored"}}


async def test_a_conversation_survives_an_application_restart(db_path: Path) -> None:
    flow = SignupFlow()
    request = GetMeOnlyRequest()

    store = await Store.open(db_path)
    app = _build_app(SQLitePersistence(store), request)
    app.add_handler(flow.handler())
    await app.initialize()
    await app.process_update(_message(app, 1, "/start"))
    await app.process_update(_message(app, 2, "Ann"))
    await app.shutdown()  # PTB writes everything (update_persistence, then flush)
    await store.close()

    store = await Store.open(db_path)
    try:
        assert await store.get_conversation_states("signup") == {(CHAT_ID, USER_ID): "email"}
        assert await store.get_documents("user_data") == {
            USER_ID: {"started": True, "name": "Ann"}
        }
        assert await store.get_documents("chat_data") == {CHAT_ID: {"screen": 7}}

        app = _build_app(SQLitePersistence(store), request)
        app.add_handler(flow.handler())
        await app.initialize()
        await app.process_update(_message(app, 3, "ann@example.com"))
        await app.shutdown()

        assert await store.get_conversation_states("signup") == {}
    finally:
        await store.close()

    assert flow.seen == [
        ("start", "/start"),
        ("name", "Ann"),
        ("email", "ann@example.com"),
        ("user_data.name", "Ann"),
    ]
    assert set(request.methods) == {"getMe"}


async def test_update_persistence_writes_without_waiting_for_shutdown(store: Store) -> None:
    flow = SignupFlow()
    app = _build_app(SQLitePersistence(store), GetMeOnlyRequest())
    app.add_handler(flow.handler())
    await app.initialize()
    try:
        await app.process_update(_message(app, 1, "/start"))
        assert await store.get_conversation_states("signup") == {}
        await app.update_persistence()
        assert await store.get_conversation_states("signup") == {(CHAT_ID, USER_ID): "name"}
    finally:
        await app.shutdown()


async def test_non_json_bot_data_reaches_the_error_handler(store: Store) -> None:
    errors: list[BaseException] = []

    async def record_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        errors.append(context.error)

    everything = PersistenceInput(bot_data=True, chat_data=True, user_data=True)
    app = _build_app(SQLitePersistence(store, store_data=everything), GetMeOnlyRequest())
    app.add_error_handler(record_error)
    await app.initialize()
    try:
        app.bot_data["clickbook_client"] = object()
        await app.update_persistence()
        assert [type(e) for e in errors] == [TypeError]
        assert await store.get_documents("bot_data") == {}

        app.bot_data["clickbook_client"] = "just text"
        await app.update_persistence()
        assert await store.get_documents("bot_data") == {0: {"clickbook_client": "just text"}}
    finally:
        app.bot_data.clear()
        await app.shutdown()


async def test_each_kind_and_handler_keeps_its_own_rows(
    persistence: SQLitePersistence, store: Store
) -> None:
    await persistence.update_user_data(USER_ID, {"kind": "user"})
    await persistence.update_chat_data(CHAT_ID, {"kind": "chat"})
    await persistence.update_bot_data({"kind": "bot"})
    await persistence.update_conversation("signup", (CHAT_ID, USER_ID), Step.EMAIL)
    await persistence.update_conversation("invite", (CHAT_ID, USER_ID), Step.NAME)
    await persistence.update_conversation("invite", (CHAT_ID, "x"), 3)

    await persistence.drop_user_data(USER_ID)
    await persistence.update_conversation("signup", (CHAT_ID, USER_ID), None)

    assert await persistence.get_user_data() == {}
    assert await persistence.get_chat_data() == {CHAT_ID: {"kind": "chat"}}
    assert await persistence.get_bot_data() == {"kind": "bot"}
    assert await store.get_document("bot_data", 0) == {"kind": "bot"}
    assert await persistence.get_conversations("signup") == {}
    assert await persistence.get_conversations("invite") == {
        (CHAT_ID, USER_ID): "name",
        (CHAT_ID, "x"): 3,
    }
    await persistence.update_conversation("invite", (CHAT_ID, "x"), 4)
    assert (await persistence.get_conversations("invite"))[(CHAT_ID, "x")] == 4
    await persistence.drop_chat_data(CHAT_ID)
    assert await persistence.get_chat_data() == {}
    assert await store.delete_document("bot_data", 0)
    assert not await store.delete_document("bot_data", 0)
    assert await store.get_document("bot_data", 0) is None


async def test_data_replaced_by_a_later_update_is_the_one_read_back(
    persistence: SQLitePersistence,
) -> None:
    await persistence.update_user_data(USER_ID, {"step": 1})
    await persistence.update_user_data(USER_ID, {"step": 2})
    await persistence.update_bot_data({"v": 1})
    await persistence.update_bot_data({"v": 2})
    await persistence.update_callback_data(([("kb-1", 1.0, {"b": 1})], {}))
    await persistence.update_callback_data(([], {"q": "kb-2"}))

    assert await persistence.get_user_data() == {USER_ID: {"step": 2}}
    assert await persistence.get_bot_data() == {"v": 2}
    assert await persistence.get_callback_data() == ([], {"q": "kb-2"})


async def test_callback_times_come_back_as_floats(persistence: SQLitePersistence) -> None:
    await persistence.update_callback_data(([("kb-1", 7, {})], {}))
    loaded = await persistence.get_callback_data()
    assert loaded is not None
    [(_, access_time, _)] = loaded[0]
    assert type(access_time) is float
