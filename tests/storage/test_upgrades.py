"""Opening a database: which files get a backup before migrating, and the copy itself."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from pathlib import Path

import aiosqlite
import pytest

from bot.storage import MEMORY, Store
from bot.storage.backup import backup_database, free_backup_path
from bot.storage.migrations import MIGRATIONS, SCHEMA_VERSION, migrate, read_schema_version
from tests.storage.conftest import T0, at

BACKUP_LABEL = f"before-v{SCHEMA_VERSION}"


async def _database_at(path: Path, version: int) -> None:
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await migrate(conn, MIGRATIONS[:version])
        await conn.execute("CREATE TABLE IF NOT EXISTS mark (note TEXT)")
        await conn.execute("INSERT INTO mark VALUES (?)", (f"version {version}",))


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.parametrize("version", [1, SCHEMA_VERSION - 1])
async def test_an_older_database_is_copied_first_and_the_log_says_where(
    tmp_path: Path, version: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.storage.store")
    db_path = tmp_path / "bot.db"
    await _database_at(db_path, version)

    store = await Store.open(db_path)
    await store.close()

    backup = tmp_path / f"bot.db.{BACKUP_LABEL}.bak"
    assert read_schema_version(backup) == version
    assert read_schema_version(db_path) == SCHEMA_VERSION
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert [r.getMessage() for r in caplog.records] == [
        f"database at schema version {version} backed up to {backup} before migrating it "
        f"to version {SCHEMA_VERSION}",
        f"store opened at schema version {SCHEMA_VERSION}",
    ]


async def test_a_new_or_current_database_gets_no_copy(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.db"
    for _ in range(2):
        store = await Store.open(db_path)
        await store.set_language(1, "en")
        await store.close()

    assert _files(tmp_path) == ["bot.db"]


async def test_a_second_upgrade_keeps_the_first_copy(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.db"
    for version in (1, 2, 3):
        db_path.unlink(missing_ok=True)
        await _database_at(db_path, version)
        await (await Store.open(db_path)).close()

    copies = [f"bot.db.{BACKUP_LABEL}.bak", f"bot.db.{BACKUP_LABEL}.2.bak"]
    copies.append(f"bot.db.{BACKUP_LABEL}.3.bak")
    assert [read_schema_version(tmp_path / name) for name in copies] == [1, 2, 3]
    assert free_backup_path(db_path, "x") == tmp_path / "bot.db.x.bak"


async def test_a_memory_store_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = await Store.open(MEMORY)
    try:
        await store.set_language(1, "en")
        assert await store.get_language(1) == "en"
    finally:
        await store.close()
    assert _files(tmp_path) == []


async def test_a_file_store_syncs_lazily_waits_when_busy_and_zeroes_deleted_rows(
    store: Store,
) -> None:
    pragmas = {}
    for name in ("synchronous", "busy_timeout", "secure_delete", "foreign_keys"):
        row = await store._fetch_one(f"PRAGMA {name}")
        assert row is not None
        pragmas[name] = row[0]
    assert pragmas == {
        "synchronous": 1,
        "busy_timeout": 5000,
        "secure_delete": 1,
        "foreign_keys": 1,
    }


async def test_an_open_that_fails_leaves_the_umask_as_it_was(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        (tmp_path / "bot.db").write_text("not a database")
        with pytest.raises(sqlite3.DatabaseError):
            await Store.open(tmp_path / "bot.db")
        assert os.umask(0o022) == 0o022
    finally:
        os.umask(previous)


def test_a_copy_of_something_that_is_not_a_database_leaves_no_file(tmp_path: Path) -> None:
    source = tmp_path / "notes.db"
    source.write_text("not a database")
    target = tmp_path / "copy.db"

    with pytest.raises(sqlite3.DatabaseError):
        backup_database(source, target)

    assert _files(tmp_path) == ["notes.db"]


def test_a_copy_needs_a_database_and_a_new_file(tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    with pytest.raises(FileNotFoundError, match=f"^no database at {tmp_path / 'missing.db'}$"):
        backup_database(tmp_path / "missing.db", target)
    assert _files(tmp_path) == []

    source = tmp_path / "bot.db"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
    conn.close()
    target.write_bytes(b"precious")
    with pytest.raises(FileExistsError):
        backup_database(source, target)
    assert target.read_bytes() == b"precious"


async def test_old_rate_limit_records_go_strictly_before_the_cutoff(store: Store) -> None:
    await store.record_signup_attempt(1, at(10))
    await store.record_signin_failure(2, at(10))

    assert await store.prune_rate_limit_records(at(10)) == 0
    assert await store.prune_rate_limit_records(at(10.001)) == 2
    assert await store.count_signup_attempts(1, T0) == 0


async def test_abandoned_records_go_strictly_before_the_cutoff_and_no_others(
    store: Store,
) -> None:
    for user in (1, 2):
        await store.create_registration(
            user, chat_id=user, stub_id=f"S{user}", email=f"u{user}@example.com",
            full_name="U", language="en", now=T0,
        )  # fmt: skip
    assert await store.mark_registration_failed(1, "StubExpired", at(10))
    await store.begin_invite(
        inviter_id=9, first_name="A", last_name="B", email="a@example.com", now=at(10)
    )
    uncertain = await store.begin_invite(
        inviter_id=9, first_name="C", last_name="D", email="c@example.com", now=at(10)
    )
    assert await store.mark_invite_uncertain(uncertain)
    sent = await store.begin_invite(
        inviter_id=9, first_name="E", last_name="F", email="e@example.com", now=T0
    )
    await store.record_client_file(sent, "CF-1", first_check_at=at(5))
    await store.create_staff_link("expired", created_by=9, expires_at=at(10), now=T0)
    await store.create_staff_link("valid", created_by=9, expires_at=at(99), now=T0)

    assert await store.prune_abandoned(at(10)) == 0
    assert await store.prune_abandoned(at(11)) == 4

    assert await store.get_registration(1) is None
    assert await store.get_registration(2) is not None
    assert [i.id for i in await store.pending_invites()] == [sent]
    assert await store.get_staff_link("valid") is not None


def test_the_version_of_a_missing_file_is_an_error_that_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "bot.db"
    with pytest.raises(FileNotFoundError, match=f"^no database at {missing}$"):
        read_schema_version(missing)
    assert _files(tmp_path) == []
