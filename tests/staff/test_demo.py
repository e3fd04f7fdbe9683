"""The terminal demo runs the whole staff loop: owner, staff link, sign-in, invite, accept."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

from bot.demo import run_demo

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
