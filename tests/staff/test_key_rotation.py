"""Rotating CLICKBOT_SECRET_KEY: a new key first keeps staff signed in; rotate-key re-encrypts."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.cli import main
from bot.crypto import CredentialCipher, new_secret_key
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.staff.people import Person, accept

ONE_POLL_LATER = timedelta(minutes=6)


def old_key(world: World) -> str:
    """The key the world started with."""
    assert world.settings.secret_key is not None
    return world.settings.secret_key.get_secret_value()


async def restart_with_key(world: World, key: str) -> None:
    """Restart the bot with ``key`` as CLICKBOT_SECRET_KEY."""
    world.settings = world.settings.model_copy(update={"secret_key": SecretStr(key)})
    await world.restart()


async def assert_still_signed_in(world: World, bob: Person, clock: ManualClock) -> None:
    """Bob's stored sign-in still works: he invites, and hears of the acceptance."""
    await bob.invite()
    bob.assert_sees("invite.sent", email="ann@example.com", name="Ann Lee")
    await accept(world, "ann@example.com")
    clock.advance(ONE_POLL_LATER)
    await world.run_jobs()
    assert bob.received_any("notice.sign_in_again") == []
    assert len(bob.received_any("notice.accepted")) == 1


async def test_a_new_key_put_first_still_reads_the_old_sign_ins(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await bob.sign_in()
    old = old_key(world)

    await restart_with_key(world, f"{new_secret_key()},{old}")

    await assert_still_signed_in(world, bob, clock)


async def test_rotate_key_lets_the_old_key_be_dropped(
    world: World,
    owner: Person,
    bob: Person,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await bob.sign_in()
    old, new = old_key(world), new_secret_key()
    await restart_with_key(world, f"{new},{old}")
    monkeypatch.setenv("CLICKBOT_SECRET_KEY", f"{new},{old}")
    monkeypatch.setenv("CLICKBOT_DATABASE", str(world.database))

    # While the bot runs, as the README's procedure has it.
    code = await asyncio.to_thread(main, ["rotate-key", "--env-file", str(tmp_path / "none")])

    assert code == 0
    assert "re-encrypted 1 stored staff sign-in(s)" in capsys.readouterr().out
    assert world.store is not None
    blob = await world.store.get_staff_credentials(bob.id)
    assert blob is not None
    CredentialCipher(SecretStr(new)).open(blob)  # the new key alone opens it
    await restart_with_key(world, new)
    await assert_still_signed_in(world, bob, clock)


@pytest.mark.parametrize("command", [["rotate-key"], ["run"]])
def test_a_bad_key_in_the_list_is_one_line_naming_the_setting(
    command: list[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good, bad = new_secret_key(), "not-a-fernet-key-but-secret"
    monkeypatch.setenv("CLICKBOT_SECRET_KEY", f"{good}, {bad}")
    monkeypatch.setenv("CLICKBOT_TELEGRAM_TOKEN", "123:TOKEN")
    monkeypatch.setenv("CLICKBOT_CLICKBOOK_SANDBOX", "true")

    assert main([*command, "--env-file", str(tmp_path / "none")]) == 2

    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("clickbot: CLICKBOT_SECRET_KEY: key 2 of 2 is not a valid Fernet key")
    assert good not in line
    assert bad not in line
