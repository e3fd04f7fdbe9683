"""Opening, closing, pragmas, restarts and transactions of the store."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiosqlite
import pytest

from bot.storage import MEMORY, InviteStatus, RegistrationState, StaffLinkResult, Store
from bot.storage.migrations import SCHEMA_VERSION
from tests.storage.conftest import T0, ReadInFlight, at


async def _pragma(store: Store, name: str) -> object:
    row = await store._fetch_one(f"PRAGMA {name}")
    assert row is not None
    return row[0]


async def test_file_store_uses_wal_and_foreign_keys(store: Store, db_path: Path) -> None:
    assert await _pragma(store, "journal_mode") == "wal"
    assert await _pragma(store, "foreign_keys") == 1
    assert await store.schema_version() == SCHEMA_VERSION
    await store.set_language(1, "en")
    assert db_path.with_name(f"{db_path.name}-wal").exists()  # noqa: ASYNC240


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most hosts run services with: new files readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _modes(db_path: Path) -> dict[str, str]:
    names = [db_path.name, f"{db_path.name}-wal", f"{db_path.name}-shm"]
    return {name: oct(stat.S_IMODE((db_path.parent / name).stat().st_mode)) for name in names}


@pytest.mark.usefixtures("usual_umask")
async def test_database_and_its_wal_and_shm_files_are_private(tmp_path: Path) -> None:
    db_path = tmp_path / "private.db"
    store = await Store.open(db_path)
    try:
        await store.set_language(1, "en")
        assert _modes(db_path) == dict.fromkeys(_modes(db_path), "0o600")
        assert os.umask(0o022) == 0o022, "the umask is given back after opening"
    finally:
        await store.close()


@pytest.mark.usefixtures("usual_umask")
async def test_a_database_left_readable_by_others_is_made_private(tmp_path: Path) -> None:
    db_path = tmp_path / "old.db"
    store = await Store.open(db_path)
    await store.set_language(1, "en")
    await store.close()
    db_path.chmod(0o644)

    reopened = await Store.open(db_path)
    try:
        await reopened.set_language(2, "de")
        assert _modes(db_path) == dict.fromkeys(_modes(db_path), "0o600")
    finally:
        await reopened.close()


async def test_memory_store_works_and_forgets_on_close() -> None:
    first = await Store.open(MEMORY)
    await first.set_language(7, "ru")
    assert await first.get_language(7) == "ru"
    assert await first.schema_version() == SCHEMA_VERSION
    await first.close()

    second = await Store.open(MEMORY)
    try:
        assert await second.get_language(7) is None
    finally:
        await second.close()


async def test_close_is_idempotent_and_later_calls_fail(db_path: Path) -> None:
    store = await Store.open(db_path)
    await store.close()
    await store.close()
    with pytest.raises(ValueError, match="closed"):
        await store.get_language(1)


async def test_reopening_the_file_finds_everything(db_path: Path) -> None:
    store = await Store.open(db_path)
    await store.set_language(1, "de")
    await store.set_draft_field(1, "signup", "email", "ann@example.com", T0)
    await store.set_draft_editing(1, "signup", "email", T0)
    await store.create_registration(
        1,
        chat_id=10,
        stub_id="STUB1",
        email="ann@example.com",
        full_name="Ann Lee",
        language="de",
        now=T0,
    )
    await store.record_signup_attempt(1, T0)
    await store.add_staff(2, added_by=99, now=T0)
    await store.create_staff_link("hash-a", created_by=99, expires_at=at(30), now=T0)
    await store.save_staff_credentials(2, b"\x00sealed\xff", T0)
    await store.record_signin_failure(2, T0)
    await store.mark_signin_notice_sent(2, T0)
    invite = await store.create_invite(
        client_file_id="CF1",
        inviter_id=2,
        first_name="Bo",
        last_name="Ng",
        email="bo@example.com",
        now=T0,
    )
    await store.set_conversation_state("signup", (10, 1), "EMAIL")
    await store.put_document("user_data", 1, {"lang": "de"})
    await store.close()

    reopened = await Store.open(db_path)
    try:
        assert await reopened.get_language(1) == "de"
        draft = await reopened.get_draft(1, "signup")
        assert draft is not None
        assert draft.fields == {"email": "ann@example.com"}
        assert draft.editing == "email"
        registration = await reopened.get_registration(1)
        assert registration is not None
        assert (registration.stub_id, registration.state) == (
            "STUB1",
            RegistrationState.STUB_CREATED,
        )
        assert await reopened.count_signup_attempts(1, T0) == 1
        assert await reopened.is_staff(2)
        assert await reopened.get_staff_credentials(2) == b"\x00sealed\xff"
        assert await reopened.count_signin_failures(2, T0) == 1
        assert await reopened.signin_notice_sent(2)
        assert [i.id for i in await reopened.pending_invites()] == [invite.id]
        assert (await reopened.pending_invites())[0].status is InviteStatus.PENDING
        assert await reopened.get_conversation_states("signup") == {(10, 1): "EMAIL"}
        assert await reopened.get_documents("user_data") == {1: {"lang": "de"}}
        result = await reopened.consume_staff_link("hash-a", used_by=3, now=at(1))
        assert result is StaffLinkResult.OK
    finally:
        await reopened.close()


async def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await store.record_signup_attempt(1, datetime(2026, 3, 1, 9, 0))  # noqa: DTZ001


async def test_times_come_back_in_utc_whatever_zone_went_in(store: Store) -> None:
    tokyo = T0.astimezone(ZoneInfo("Asia/Tokyo"))
    draft = await store.set_draft_field(1, "signup", "x", 1, tokyo)
    assert draft.updated_at == T0
    assert draft.updated_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


async def test_transaction_commits_on_success(store: Store) -> None:
    async with store.transaction():
        await store.set_language(1, "en")
        await store.set_language(2, "fr")
    assert (await store.get_language(1), await store.get_language(2)) == ("en", "fr")


async def test_transaction_rolls_back_everything_on_error(store: Store) -> None:
    async def write_two_then_fail() -> None:
        async with store.transaction():
            await store.set_language(1, "en")
            await store.add_staff(2, added_by=1, now=T0)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await write_two_then_fail()
    assert await store.get_language(1) is None
    assert not await store.is_staff(2)


async def test_nested_transaction_failure_undoes_only_the_inner_block(store: Store) -> None:
    async def inner_block_that_fails() -> None:
        async with store.transaction():
            await store.set_language(2, "fr")
            raise RuntimeError("inner")

    async with store.transaction():
        await store.set_language(1, "en")
        with pytest.raises(RuntimeError, match="inner"):
            await inner_block_that_fails()
        async with store.transaction():
            await store.set_language(3, "de")
    assert await store.get_language(1) == "en"
    assert await store.get_language(2) is None
    assert await store.get_language(3) == "de"


async def test_methods_that_use_a_transaction_work_inside_one(store: Store) -> None:
    # consume_staff_link and remove_staff open their own transaction: nesting must not break.
    await store.create_staff_link("h", created_by=9, expires_at=at(5), now=T0)
    async with store.transaction():
        assert await store.consume_staff_link("h", used_by=4, now=T0) is StaffLinkResult.OK
        assert await store.add_staff(4, added_by=9, now=T0)
        assert await store.remove_staff(4)
    assert not await store.is_staff(4)


async def test_a_transaction_keeps_other_coroutines_statements_out(store: Store) -> None:
    inside = asyncio.Event()
    release = asyncio.Event()

    async def failing_transaction() -> None:
        async with store.transaction():
            await store.set_language(1, "en")
            inside.set()
            await release.wait()
            raise RuntimeError("roll back")

    task = asyncio.create_task(failing_transaction())
    await inside.wait()
    # This write must neither join the open transaction nor be rolled back with it.
    flight = ReadInFlight(store, seam="_execute")
    other = asyncio.create_task(store.set_language(2, "fr"))
    await asyncio.wait_for(flight.sent.wait(), 5)  # it waits for the transaction to end
    release.set()
    with pytest.raises(RuntimeError, match="roll back"):
        await task
    await other
    assert await store.get_language(1) is None
    assert await store.get_language(2) == "fr"


async def test_cancellation_inside_a_transaction_rolls_back(store: Store) -> None:
    inside = asyncio.Event()

    async def slow_transaction() -> None:
        async with store.transaction():
            await store.set_language(1, "en")
            inside.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(slow_transaction())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await store.get_language(1) is None
    await store.set_language(1, "fr")  # the connection is usable again
    assert await store.get_language(1) == "fr"


async def test_another_connection_sees_committed_data_only(store: Store, db_path: Path) -> None:
    async with aiosqlite.connect(db_path) as reader:
        async with store.transaction():
            await store.set_language(1, "en")
            async with reader.execute("SELECT count(*) FROM users") as cursor:
                assert (await cursor.fetchone()) == (0,)
        async with reader.execute("SELECT language FROM users") as cursor:
            assert (await cursor.fetchone()) == ("en",)


async def test_values_are_not_pickled(store: Store, db_path: Path) -> None:
    await store.put_document("user_data", 1, {"step": "EMAIL", "n": [1, 2]})
    await store.set_draft_field(1, "signup", "phone", "61400000000", T0)
    await store.close()
    with sqlite3.connect(db_path) as raw:
        (data,) = raw.execute("SELECT data FROM documents").fetchone()
        (fields,) = raw.execute("SELECT fields FROM drafts").fetchone()
    raw.close()
    assert data == '{"step":"EMAIL","n":[1,2]}'
    assert fields == '{"phone":"61400000000"}'
