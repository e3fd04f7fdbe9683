"""``clickbot demo``: the whole bot as a chat in the terminal, with no token and no account.

The real application runs between the Telegram emulator and the ClickBook sandbox (see
:mod:`bot.sandbox.world`). You type as a Telegram user; the bot's messages are printed with
their buttons. Lines starting with ``[`` or ``:`` are actions:

====================  =========================================================
``text``              send that text (``/start`` and other commands included)
``[label]``           tap the button whose label contains ``label``
``:contact``          share your own phone number (the "share my number" button)
``:as NAME``          become another simulated Telegram user (created on first use)
``:jobs``             run the background jobs that are due
``:restart``          stop the bot and start a new one on the same database
``:quit``             end the demo
====================  =========================================================

When standard input is not a terminal, one action is read per line and the transcript is
printed, so a demo can be scripted; at the end the sandbox's users, stubs and client files are
printed too.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from bot.sandbox.telegram import render_message
from bot.sandbox.world import World

HELP = (
    "Type as a Telegram user. Actions: [label] taps a button, :contact shares your number,\n"
    ":as NAME switches user, :jobs runs due jobs, :restart restarts the bot, :quit ends."
)
PHONES = ("+61412345678", "+14155550123", "+447700900123", "+4915123456789", "+79161234567")


class Demo:
    """Drives one :class:`World` from text actions and prints what users see."""

    def __init__(self, world: World, out: TextIO, *, language: str) -> None:
        self.world = world
        self.out = out
        self.language = language
        self.users: dict[str, Any] = {}
        self.current = ""
        self.seen: dict[tuple[str, int], str] = {}

    def user(self, name: str) -> Any:
        """Return the simulated user called ``name``, creating it on first use."""
        key = name.strip()
        if key not in self.users:
            first, _, last = key.partition(" ")
            self.users[key] = self.world.emulator.user(
                first_name=first or "User",
                last_name=last or None,
                language_code=self.language,
                phone=PHONES[len(self.users) % len(PHONES)],
            )
        self.current = key
        return self.users[key]

    def print(self, text: str = "") -> None:
        """Write one line to the demo's output."""
        self.out.write(text + "\n")
        self.out.flush()

    def show_new(self) -> None:
        """Print the bot messages that are new or changed since the last action."""
        user = self.users[self.current]
        for message in user.transcript:
            if not message.from_bot:
                continue
            rendered = render_message(message)
            key = (self.current, message.message_id)
            if self.seen.get(key) == rendered:
                continue
            marker = "(edited) " if key in self.seen else ""
            self.seen[key] = rendered
            self.print(f"bot → {self.current}: {marker}" + rendered.replace("\n", "\n    "))

    async def act(self, line: str) -> bool:
        """Perform one action; return False when the demo should end."""
        line = line.strip()
        if not line:
            return True
        user = self.users[self.current]
        try:
            if line in (":quit", ":q", ":exit"):
                return False
            if line == ":help":
                self.print(HELP)
            elif line == ":contact":
                self.print(f"{self.current} shares their contact")
                await user.share_contact()
            elif line.startswith(":as "):
                self.user(line[4:])
                self.print(f"— now acting as {self.current} —")
            elif line == ":jobs":
                self.print("— running background jobs —")
                await self.world.run_jobs()
            elif line == ":restart":
                self.print("— restarting the bot (memory is lost, the database stays) —")
                await self.world.restart()
            elif line.startswith("[") and line.endswith("]"):
                self.print(f"{self.current} taps [{line[1:-1]}]")
                await user.tap(line[1:-1])
            elif line.startswith(":"):
                self.print(f"unknown action {line!r}; {HELP}")
            else:
                self.print(f"{self.current}: {line}")
                await user.send(line)
        except (AssertionError, LookupError, ValueError) as error:
            self.print(f"(!) {error}")
        self.show_new()
        return True

    async def print_sandbox_state(self) -> None:
        """Print the sandbox's users, stubs and client files (never passwords)."""
        state = await self.world.clickbook_state()
        self.print("— ClickBook sandbox —")
        self.print(json.dumps(state, indent=2, ensure_ascii=False, default=str))


async def _lines(stream: TextIO, interactive: bool) -> Any:
    if interactive:
        while True:
            try:
                yield await asyncio.to_thread(input, "> ")
            except EOFError:
                return
    else:
        for line in stream:
            yield line.rstrip("\n")


async def run_demo(
    *,
    database: Path | None,
    language: str,
    name: str,
    interactive: bool,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    script: Iterable[str] | None = None,
) -> int:
    """Run the demo until ``:quit`` or the end of input; return the exit code."""
    out = stdout or sys.stdout
    with tempfile.TemporaryDirectory(prefix="clickbot-demo-") as scratch:
        path = database or Path(scratch) / "demo.db"
        world = await World.create(path)
        demo = Demo(world, out, language=language)
        demo.user(name)
        demo.print("ClickBook bot demo: Telegram and ClickBook are simulated on this machine.")
        demo.print(HELP)
        demo.print(f"— you are {demo.current}; try /start —")
        try:
            if script is not None:
                for line in script:
                    if not await demo.act(line):
                        break
            else:
                async for line in _lines(stdin or sys.stdin, interactive):
                    if not await demo.act(line):
                        break
            if not interactive:
                await demo.print_sandbox_state()
        finally:
            await world.stop()
    return 0
