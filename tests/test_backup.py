"""Backups and upgrades: `clickbot backup` while the bot runs, `db status`, a backup at startup."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import sqlite3
import stat
from pathlib import Path

import aiosqlite
import pytest

from bot.cli import main
from bot.config import Settings
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from bot.storage import Store
from bot.storage.migrations import (
    DESCRIPTIONS,
    MIGRATIONS,
    SCHEMA_VERSION,
    migrate,
    read_schema_version,
)
from tests.support.chat import FLOW, customer


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Point the command line at ``tmp_path/bot.db``; return the options for no ``.env``."""
    monkeypatch.setenv("CLICKBOT_DATABASE", str(tmp_path / "bot.db"))
    return ["--env-file", str(tmp_path / "no.env")]


def mode(path: Path) -> int:
    """The file's permission bits."""
    return stat.S_IMODE(path.stat().st_mode)


async def old_database(path: Path, version: int) -> None:
    """Create a database at schema ``version`` holding one user's language choice."""
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await conn.execute("PRAGMA journal_mode = WAL")
        assert await migrate(conn, MIGRATIONS[:version]) == version
        await conn.execute("INSERT INTO users (telegram_id, language) VALUES (42, 'de')")


async def test_a_backup_taken_while_the_bot_runs_restores_what_was_only_in_the_wal(
    world: World, tmp_path: Path, cli_env: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("phone")
    wal = world.database.with_name("bot.db-wal")
    assert ann.email.encode() in wal.read_bytes()
    assert ann.email.encode() not in world.database.read_bytes()  # a plain copy would lose it
    target = tmp_path / "backups" / "bot-copy.db"
    target.parent.mkdir()

    code = await asyncio.to_thread(main, ["backup", str(target), *cli_env])

    assert code == 0
    assert f"to {target}" in capsys.readouterr().out
    assert mode(target) == 0o600
    restored = tmp_path / "restored" / "clickbot.db"
    restored.parent.mkdir()
    shutil.copyfile(target, restored)
    store = await Store.open(restored)
    try:
        draft = await store.get_draft(ann.actor.id, FLOW)
    finally:
        await store.close()
    assert draft is not None
    assert draft.fields["email"] == ann.email


def test_a_backup_never_overwrites_a_file(
    tmp_path: Path, cli_env: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(old_database(tmp_path / "bot.db", SCHEMA_VERSION))
    target = tmp_path / "precious.txt"
    target.write_text("keep me")

    assert main(["backup", str(target), *cli_env]) == 1

    assert target.read_text() == "keep me"
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line == (
        f"clickbot: {target} exists; a backup never overwrites a file, choose a new name"
    )


def test_a_backup_into_a_missing_folder_names_the_folder_not_the_database(
    tmp_path: Path, cli_env: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(old_database(tmp_path / "bot.db", SCHEMA_VERSION))
    target = tmp_path / "no-such-folder" / "copy.db"

    assert main(["backup", str(target), *cli_env]) == 1

    [line] = capsys.readouterr().err.strip().splitlines()
    assert line == f"clickbot: cannot write {target} (No such file or directory)"


def test_db_status_lists_the_pending_migrations_of_an_old_database(
    tmp_path: Path, cli_env: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(old_database(tmp_path / "bot.db", 3))

    assert main(["db", "status", *cli_env]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith(f"schema version 3; this clickbot's is {SCHEMA_VERSION}")
    assert f"bot.db.before-v{SCHEMA_VERSION}.bak" in out[1]
    assert out[2:4] == [
        "  4: an invite is written before NewClientFile; one flag per notice",
        "  5: failed sign-ins also counted per ClickBook account",
    ]
    # Later migrations (appended by later work) follow, one line each.
    assert out[4:] == [f"  {n}: {DESCRIPTIONS[n - 1]}" for n in range(6, SCHEMA_VERSION + 1)]
    assert read_schema_version(tmp_path / "bot.db") == 3  # status changes nothing


def test_db_status_of_a_current_database(
    tmp_path: Path, cli_env: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(old_database(tmp_path / "bot.db", SCHEMA_VERSION))

    assert main(["db", "status", *cli_env]) == 0

    assert capsys.readouterr().out.splitlines()[-1] == "up to date: no pending migrations"


async def test_starting_on_an_old_database_backs_it_up_first(
    tmp_path: Path, settings: Settings, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    database = tmp_path / "bot.db"
    await old_database(database, 4)

    world = await World.create(database, settings=settings, clock=clock, sandbox_clock=clock)
    try:
        assert world.store is not None
        assert await world.store.schema_version() == SCHEMA_VERSION
    finally:
        await world.stop()

    backup = tmp_path / f"bot.db.before-v{SCHEMA_VERSION}.bak"
    assert mode(backup) == 0o600
    assert read_schema_version(backup) == 4
    with contextlib.closing(sqlite3.connect(backup)) as conn:
        assert conn.execute("SELECT language FROM users WHERE telegram_id = 42").fetchall() == [
            ("de",)
        ]
    assert f"backed up to {backup} before migrating it to version {SCHEMA_VERSION}" in caplog.text
