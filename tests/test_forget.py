"""``clickbot forget`` (issue 10, item 6): an owner deletes a customer's data from the shell.

The customers sign up through the test world; the command then runs on the same SQLite file,
and every value of every table is scanned for them afterwards.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.support.traces import bob, pending_at_clickbook, traces, zelda


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, world: World, tmp_path: Path) -> list[str]:
    """Point the command line at the world's database; return the options for no ``.env``."""
    monkeypatch.setenv("CLICKBOT_DATABASE", str(world.database))
    return ["--env-file", str(tmp_path / "no.env")]


async def test_forget_by_email_deletes_the_customer_and_invitations_to_them(
    world: World, clock: ManualClock, cli_env: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    zed = zelda(world)
    ben = bob(world)
    await zed.sign_up()
    await ben.start()
    await ben.fill_to("phone")
    assert world.store is not None
    invite = await world.store.begin_invite(
        inviter_id=777, first_name="Zelda", last_name="Quirke", email=zed.email, now=clock()
    )
    await world.store.record_client_file(invite, "CF-1", first_check_at=clock())
    await world.stop()

    code = await asyncio.to_thread(
        main, ["forget", "--email", "ZELDA.Quirke@example.com", *cli_env]
    )

    assert code == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Telegram user {zed.actor.id}: deleted ")
    assert "registrations 1" in out[0]
    assert "invites 1" in out[0]
    assert "drafts" not in out[0]  # a finished sign-up keeps no draft
    assert out[1] == "further invitations sent to ZELDA.Quirke@example.com: deleted 0"
    assert traces(world.database, zed) == []
    assert traces(world.database, ben)
    await world.start()
    await zed.send("/start")
    zed.assert_sees("start.welcome", business="ClickBook", name="Zelda")


async def test_forget_by_telegram_id_deletes_a_sign_up_in_progress(
    world: World, cli_env: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    zed = zelda(world)
    ben = bob(world)
    await zed.start()
    await zed.fill_to("password")
    await ben.start()
    await ben.fill_to("phone")
    await world.stop()

    code = await asyncio.to_thread(main, ["forget", "--telegram-id", str(zed.actor.id), *cli_env])

    assert code == 0
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"Telegram user {zed.actor.id}: deleted ")
    assert "drafts 1" in line
    assert "conversation_states 1" in line
    assert traces(world.database, zed) == []
    assert traces(world.database, ben)
    again = ["forget", "--telegram-id", str(zed.actor.id), *cli_env]
    assert await asyncio.to_thread(main, again) == 0
    assert capsys.readouterr().out == f"Telegram user {zed.actor.id}: nothing stored\n"
    await world.start()


async def test_forget_refuses_while_the_registration_is_on_its_way_to_clickbook(
    world: World, cli_env: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    zed = zelda(world)
    await pending_at_clickbook(zed)

    code = await asyncio.to_thread(main, ["forget", "--email", zed.email, *cli_env])

    assert code == 1
    error = capsys.readouterr().err
    assert f"Telegram user {zed.actor.id}: nothing deleted" in error
    assert "state stub_created" in error
    assert "2026-03-03 10:30 UTC" in error
    assert world.store is not None
    assert await world.store.get_registration(zed.actor.id) is not None


def test_forget_needs_an_id_or_an_email(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["forget"])
    assert exit_info.value.code == 2
    assert "one of the arguments --telegram-id --email is required" in capsys.readouterr().err


def test_forget_without_a_database_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLICKBOT_DATABASE", str(tmp_path / "missing.db"))

    assert main(["forget", "--telegram-id", "42", "--env-file", str(tmp_path / "no.env")]) == 1

    assert capsys.readouterr().err == (
        f"clickbot: CLICKBOT_DATABASE: no database at {tmp_path / 'missing.db'}\n"
    )
    assert not (tmp_path / "missing.db").exists()
