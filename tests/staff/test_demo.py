"""The terminal demo runs the whole staff loop: owner, staff link, sign-in, invite, accept."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.demo import run_demo
from bot.demo_actions import actions_help

LINK = re.compile(r"https://t\.me/\S+\?start=staff_[\w-]+")


def staff_loop(out: io.StringIO) -> Iterator[str]:
    """Yield the demo's lines; the staff link is read from what the demo printed."""
    yield ":as Sam Staff"
    yield "/staff_link"
    links = LINK.findall(out.getvalue())
    assert links, out.getvalue()
    yield ":as Bea Brown"
    yield links[-1]
    yield from [
        "/signin", "staff@sandbox.example", "sandbox-staff-1",
        "/invite", "Ann", "Lee", "+61 2 9876 5432", "[Skip]", "ann@example.com", "[Yes]",
        "[Send the invitation]", ":accept ann@example.com", ":jobs", "/pending", ":quit",
    ]  # fmt: skip


async def test_the_demo_runs_the_staff_loop_with_a_configured_owner(tmp_path: Path) -> None:
    out = io.StringIO()

    code = await run_demo(
        database=tmp_path / "demo.db",
        language="en",
        name="Ann Lee",
        interactive=False,
        stdout=out,
        script=staff_loop(out),
        owners=["Sam Staff"],
    )

    text = out.getvalue()
    assert code == 0
    assert "Bea Brown opens the link" in text
    assert "Welcome to the team" in text
    assert "Bea Brown opened your staff link" in text
    assert "(the bot deleted this message at once)" in text
    assert "Invitation emailed to ann@example.com" in text
    assert "ann@example.com accepted the invitation on ClickBook" in text
    assert "Ann Lee accepted your invitation from 6 minutes ago" in text
    assert "No pending invitations" in text


async def test_accepting_an_unknown_address_is_explained(tmp_path: Path) -> None:
    out = io.StringIO()

    await run_demo(
        database=None,
        language="en",
        name="Ann Lee",
        interactive=False,
        stdout=out,
        script=[":accept nobody@example.com", ":quit"],
    )

    assert "no invitation was emailed to nobody@example.com" in out.getvalue()


def test_the_demo_help_lists_its_actions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--help"])

    text = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert "--owner NAME" in text
    for action in ("[label]", ":contact", ":as NAME", ":link", ":accept EMAIL", ":jobs"):
        assert f"\n  {action} " in text, action
    for action in (":restart", ":help", ":quit", "t.me/...?start=X"):
        assert f"\n  {action} " in text, action


async def test_every_listed_action_is_one_the_demo_knows() -> None:
    out = io.StringIO()
    script = [
        ":help", ":contact", ":as Bob Stone", ":link", ":accept nobody@example.com", ":jobs",
        ":restart", "[No such button]", ":nonsense", ":quit", "/start",
    ]  # fmt: skip

    await run_demo(
        database=None, language="en", name="Ann Lee", interactive=False, stdout=out,
        script=script,
    )  # fmt: skip

    text = out.getvalue()
    assert text.count(actions_help()) == 3  # at the start, for :help, after :nonsense
    assert text.count("unknown action") == 1  # :nonsense, and only it
    assert "unknown action ':nonsense'" in text
    assert "Bob Stone: /start" not in text  # :quit ended it
