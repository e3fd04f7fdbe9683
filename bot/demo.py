"""``clickbot demo``: the whole bot as a chat in the terminal, with no token and no account.

The real application runs between the Telegram emulator and the ClickBook sandbox (see
:mod:`bot.sandbox.world`). You type as a Telegram user; the bot's messages are printed with
their buttons. Lines starting with ``[`` or ``:`` are actions, listed in
:data:`bot.demo_actions.ACTIONS` (``clickbot demo --help`` and ``:help`` print them).

When standard input is not a terminal, one action is read per line and the transcript is
printed, so a demo can be scripted; at the end the sandbox's users, stubs and client files are
printed too.

The demo can do everything: ``--owner NAME`` (repeatable) makes that simulated user an owner
(``CLICKBOT_OWNER_IDS``), and the demo's settings get a freshly generated secret key, so staff
links, sign-in (the sandbox's staff account is printed at the start), invitations and
acceptance notices all work. The demo's clock is the real one plus what ``:jobs`` let pass.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from pydantic import SecretStr

from bot.clock import utc_now
from bot.config import Settings
from bot.crypto import new_secret_key
from bot.demo_actions import actions_help
from bot.invites import JITTER
from bot.sandbox.clickbook import SandboxConfig
from bot.sandbox.telegram import render_message
from bot.sandbox.world import World

DEMO_BUSINESS_ZONE = "Australia/Sydney"
HELP = "Type as a Telegram user.\n" + actions_help()
DEEP_LINK = re.compile(r"^(?:https?://)?t\.me/\w+\?start=([\w-]+)$")
SHOWN_LINK = re.compile(r"t\.me/\w+\?start=([\w-]+)")
CLIENT_PASSWORD = "Client-pass-1"  # noqa: S105 - what the simulated client chooses


class DemoClock:
    """The real time plus whatever the demo let pass, shared by the bot and the sandbox."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        """Return the demo's current time."""
        return utc_now() + self.offset

    def advance(self, delta: timedelta) -> None:
        """Let ``delta`` pass."""
        self.offset += delta


PHONES = ("+61412345678", "+14155550123", "+447700900123", "+4915123456789", "+79161234567")


class Demo:
    """Drives one :class:`World` from text actions and prints what users see."""

    def __init__(
        self, world: World, out: TextIO, *, language: str, clock: DemoClock | None = None
    ) -> None:
        self.world = world
        self.out = out
        self.language = language
        self.clock = clock
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
        """Print the bot messages that are new or changed since the last action.

        The current user's come first; then what the bot sent anyone else meanwhile (a staff
        member told that their link was used, an inviter told that a client accepted).
        """
        others = [name for name in self.users if name != self.current]
        for name in [self.current, *others]:
            for message in self.users[name].transcript:
                if not message.from_bot:
                    continue
                rendered = render_message(message)
                key = (name, message.message_id)
                if self.seen.get(key) == rendered:
                    continue
                marker = "(edited) " if key in self.seen else ""
                self.seen[key] = rendered
                self.print(f"bot → {name}: {marker}" + rendered.replace("\n", "\n    "))

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
                await self.run_jobs()
            elif line.startswith(":accept "):
                await self.accept(line.removeprefix(":accept ").strip())
            elif DEEP_LINK.match(line) or line == ":link":
                payload = self.newest_link() if line == ":link" else DEEP_LINK.findall(line)[0]
                self.print(f"{self.current} opens the link")
                await user.send(f"/start {payload}")
            elif line == ":restart":
                self.print("— restarting the bot (memory is lost, the database stays) —")
                await self.world.restart()
            elif line.startswith("[") and line.endswith("]"):
                self.print(f"{self.current} taps [{line[1:-1]}]")
                await user.use(line[1:-1])
            elif line.startswith(":"):
                self.print(f"unknown action {line!r}; {HELP}")
            else:
                self.print(f"{self.current}: {line}")
                sent = await user.send(line)
                if not user.is_visible(sent["message_id"]):
                    self.print("    (the bot deleted this message at once)")
        except (AssertionError, LookupError, ValueError) as error:
            self.print(f"(!) {error}")
        self.show_new()
        return True

    def newest_link(self) -> str:
        """Return the payload of the newest t.me link in anything the bot sent."""
        for call in reversed(self.world.emulator.calls):
            found = SHOWN_LINK.findall(str(call.params.get("text", "")))
            if found:
                return str(found[-1])
        raise LookupError("the bot has not shown a t.me link yet (owners: /staff_link)")

    async def run_jobs(self) -> None:
        """Let the invite poll interval (and its jitter) pass so polls are due; run the jobs."""
        longest = self.world.settings.invite_poll_seconds * (1 + JITTER)
        if self.clock is not None:
            minutes = math.ceil(longest / 60)
            self.clock.advance(timedelta(minutes=minutes))
            self.print(f"— {minutes} minutes later: running background jobs —")
        else:
            self.print("— running background jobs —")
        await self.world.run_jobs()

    async def accept(self, email: str) -> None:
        """Accept the newest invitation emailed to ``email``, as the client would."""
        outbox = await self.world.control("GET", "/_sandbox/outbox")
        sent = [mail for mail in outbox if mail["to"].lower() == email.lower()]
        if not sent:
            self.print(f"(!) no invitation was emailed to {email}")
            return
        client_file_id = sent[-1]["client_file_id"]
        await self.world.control(
            "POST", f"/_sandbox/invitations/{client_file_id}/accept", {"password": CLIENT_PASSWORD}
        )
        self.print(
            f"— {email} accepted the invitation on ClickBook (client file {client_file_id}) —"
        )

    async def make_owners(self, names: Sequence[str]) -> None:
        """Create the owners' users and restart the bot with them in ``CLICKBOT_OWNER_IDS``."""
        ids = frozenset(self.user(name).id for name in names)
        self.world.settings = self.world.settings.model_copy(update={"owner_ids": ids})
        await self.world.restart()

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
    owners: Sequence[str] = (),
) -> int:
    """Run the demo until ``:quit`` or the end of input; return the exit code."""
    out = stdout or sys.stdout
    with tempfile.TemporaryDirectory(prefix="clickbot-demo-") as scratch:
        path = database or Path(scratch) / "demo.db"
        clock = DemoClock()
        # A fresh key per run: a sign-in stored by an earlier run (--database) cannot be read
        # and is simply asked for again.
        # The simulated business is in Sydney, like the simulated customers' phone numbers;
        # some of those are in fictional ranges (+1 415 555 …, +44 7700 900 …).
        settings = Settings(
            secret_key=SecretStr(new_secret_key()),
            business_timezone=DEMO_BUSINESS_ZONE,
            allow_fictional_phones=True,
        )
        world = await World.create(path, settings=settings, clock=clock, sandbox_clock=clock)
        demo = Demo(world, out, language=language, clock=clock)
        if owners:
            await demo.make_owners(owners)
        demo.user(name)
        demo.print("ClickBook bot demo: Telegram and ClickBook are simulated on this machine.")
        demo.print(HELP)
        if owners:
            sandbox = SandboxConfig()
            demo.print(
                f"Owners: {', '.join(owners)} (/staff_link, /staff, /stats). ClickBook staff "
                f"account for /signin: {sandbox.staff_email} / {sandbox.staff_password}"
            )
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
