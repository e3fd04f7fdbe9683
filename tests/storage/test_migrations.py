"""Schema migrations: from scratch, from an older version, refusals and rollback."""

from __future__ import annotations

import hashlib
from pathlib import Path

import aiosqlite
import pytest

from bot.storage import MigrationError, StaffLinkResult, Store
from bot.storage.migrations import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version
from tests.storage.conftest import T0, at


async def _connect(path: Path) -> aiosqlite.Connection:
    return await aiosqlite.connect(path, isolation_level=None)


async def _tables(conn: aiosqlite.Connection) -> set[str]:
    async with conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def test_a_new_file_is_migrated_to_the_current_version(db_path: Path) -> None:
    store = await Store.open(db_path)
    await store.close()
    async with aiosqlite.connect(db_path) as conn:
        assert await schema_version(conn) == SCHEMA_VERSION == len(MIGRATIONS)
        assert {"registrations", "drafts", "staff", "invites", "documents"} <= await _tables(conn)


async def test_a_version_1_database_keeps_its_data_and_gains_staff_tables(db_path: Path) -> None:
    conn = await _connect(db_path)
    try:
        assert await migrate(conn, MIGRATIONS[:1]) == 1
        assert "staff" not in await _tables(conn)
        await conn.execute(
            "INSERT INTO registrations (telegram_id, chat_id, stub_id, email, full_name, "
            "language, state, created_at, updated_at) VALUES "
            "(1, 1, 'STUB-OLD', 'old@example.com', 'Old Timer', 'en', 'processed', "
            "'2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')"
        )
    finally:
        await conn.close()

    store = await Store.open(db_path)
    try:
        assert await store.schema_version() == SCHEMA_VERSION
        old = await store.get_registration(1)
        assert old is not None
        assert old.stub_id == "STUB-OLD"
        assert old.email == "old@example.com"
        await store.create_staff_link("h", created_by=1, expires_at=at(10), now=T0)
        assert await store.consume_staff_link("h", used_by=2, now=T0) is StaffLinkResult.OK
    finally:
        await store.close()


async def test_migrating_twice_changes_nothing(db_path: Path) -> None:
    conn = await _connect(db_path)
    try:
        await migrate(conn)
        before = await _tables(conn)
        assert await migrate(conn) == SCHEMA_VERSION
        assert await _tables(conn) == before
    finally:
        await conn.close()


async def test_a_database_from_newer_code_is_refused(db_path: Path) -> None:
    conn = await _connect(db_path)
    try:
        await conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    finally:
        await conn.close()
    with pytest.raises(MigrationError, match="newer"):
        await Store.open(db_path)


async def test_a_failing_migration_leaves_the_previous_version_untouched(db_path: Path) -> None:
    good = "CREATE TABLE a (x INTEGER);"
    bad = "CREATE TABLE b (x INTEGER); INSERT INTO no_such_table VALUES (1);"
    conn = await _connect(db_path)
    try:
        with pytest.raises(MigrationError, match="version 2"):
            await migrate(conn, [good, bad])
        assert await schema_version(conn) == 1
        assert not conn.in_transaction
        assert await _tables(conn) == {"a"}
    finally:
        await conn.close()


async def test_a_version_2_database_keeps_its_registrations_and_takes_submitting_ones(
    db_path: Path,
) -> None:
    conn = await _connect(db_path)
    try:
        assert await migrate(conn, MIGRATIONS[:2]) == 2
        await conn.execute(
            "INSERT INTO registrations (telegram_id, chat_id, stub_id, email, full_name, "
            "language, state, next_attempt_at, created_at, updated_at) VALUES "
            "(1, 1, 'STUB-OLD', 'old@example.com', 'Old Timer', 'en', 'stub_created', "
            "'2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z', "
            "'2026-01-01T00:00:00.000000Z')"
        )
    finally:
        await conn.close()

    store = await Store.open(db_path)
    try:
        old = await store.get_registration(1)
        assert old is not None
        assert (old.stub_id, old.state) == ("STUB-OLD", "stub_created")
        await store.begin_registration(
            2,
            chat_id=2,
            email="new@example.com",
            full_name="New",
            language="en",
            now=T0,
            next_attempt_at=at(60),
        )
        new = await store.get_registration(2)
        assert new is not None
        assert (new.stub_id, new.state) == (None, "submitting")
    finally:
        await store.close()


async def test_a_version_3_database_keeps_its_invites_and_their_delivery(db_path: Path) -> None:
    conn = await _connect(db_path)
    try:
        assert await migrate(conn, MIGRATIONS[:3]) == 3
        await conn.execute(
            "INSERT INTO invites (client_file_id, inviter_id, first_name, last_name, email, "
            "status, created_at, next_check_at, registered_at, notified_at) VALUES "
            "('CF-OLD', 7, 'Ann', 'Lee', 'ann@example.com', 'registered', "
            "'2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z', "
            "'2026-01-02T00:00:00.000000Z', '2026-01-02T00:00:00.000000Z')"
        )
    finally:
        await conn.close()

    store = await Store.open(db_path)
    try:
        [old] = await store.pending_invites() or [None]
        assert old is None
        assert await store.undelivered_acceptances(staff_chat=True) == []
        intent = await store.begin_invite(
            inviter_id=7, first_name="Bea", last_name="Ng", email="bea@example.com", now=T0
        )
        unconfirmed = await store.find_unconfirmed_invite_by_email("BEA@example.com")
        assert unconfirmed is not None
        assert (unconfirmed.id, unconfirmed.client_file_id) == (intent, None)
        sent = await store.record_client_file(intent, "CF-NEW", first_check_at=at(5))
        assert sent is not None
        assert sent.client_file_id == "CF-NEW"
        assert await store.find_unconfirmed_invite_by_email("bea@example.com") is None
    finally:
        await store.close()


async def test_a_version_5_registration_gains_an_unknown_consent_time_and_new_ones_keep_it(
    db_path: Path,
) -> None:
    conn = await _connect(db_path)
    try:
        assert await migrate(conn, MIGRATIONS[:5]) == 5
        await conn.execute(
            "INSERT INTO registrations (telegram_id, chat_id, stub_id, email, full_name, "
            "language, state, created_at, updated_at) VALUES "
            "(1, 1, 'STUB-OLD', 'old@example.com', 'Old Timer', 'en', 'active', "
            "'2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')"
        )
    finally:
        await conn.close()

    store = await Store.open(db_path)
    try:
        old = await store.get_registration(1)
        assert old is not None
        assert (old.email, old.terms_accepted_at) == ("old@example.com", None)
        await store.begin_registration(
            2,
            chat_id=2,
            email="new@example.com",
            full_name="New",
            language="en",
            now=at(5),
            next_attempt_at=at(60),
            terms_accepted_at=at(1),
        )
        new = await store.get_registration(2)
        assert new is not None
        assert new.terms_accepted_at == at(1)
    finally:
        await store.close()


SHIPPED = (
    "22538b7bde05b73f473b7bd34783f72ca08bcb7bc5a2f456b2ba9b4d03294db8",
    "7e0d8ffe47a0c73c57e5f17eba710e8e3085413037827fbe494905cbd5a79f89",
    "43047978cce979bfaee8392712e2c6b7d6ab20d9344ead3ec5d9b68e8b4ec471",
    "5ef3fc45bf66e38271ead29badc7e178bd98dc70c1c40320d2fb6cd8a172283a",
    "482033891834d505eca1221d3603a52b164bdeab8a92ccddc33c90f6969ac033",
    "632d8dc27ef910b36d74ea47a78dfb5d1123a878cd575c31e7c6fff40cf041a4",
    "e379cda5994b088b69320da99913c8b121aa24774b535dc3262d04555220c20c",
)
"""SHA-256 of each shipped migration's SQL, in order. Append the hash of a new migration once
it ships; never change one: databases out there ran the SQL as it was."""


def test_no_shipped_migration_was_edited() -> None:
    hashes = [hashlib.sha256(sql.encode()).hexdigest() for sql in MIGRATIONS]

    assert len(hashes) >= len(SHIPPED), "a shipped migration was removed"
    for version, (recorded, now) in enumerate(zip(SHIPPED, hashes, strict=False), start=1):
        assert now == recorded, f"migration {version} changed after it shipped; append a new one"
