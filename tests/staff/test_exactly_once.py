"""Crash at every side effect of the three paths that must happen once (issue 8, item 7).

Each test first walks its path once without crashing, counting its side effects (ClickBook
requests and their answers, Telegram calls that change a chat, database writes; see
:mod:`tests.support.crash`). Then, for every one of them, it starts a fresh world, walks the
path again and kills the bot at that point, restarts it on the same database and lets it
resume as it would in production: the background jobs run, and the user does the natural
next thing. Whatever the crash point, there is one account, one client file, one notice.

Two honest exceptions, asserted as exactly that and nothing wider:

- Telegram has no idempotency key. A crash after a message went out but before it was
  marked delivered sends it again: at most twice, and only at those two points.
- ClickBook has no idempotency key for NewClientFile and no lookup of client files by email.
  A crash after the invite was recorded but before ClickBook answered leaves the bot unable
  to know whether the invitation went out; it does not send again on its own but tells the
  staff member, who decides (here: not to resend). So there, zero or one client file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.conftest import START
from tests.staff.conftest import OWNER_ID
from tests.staff.people import accept, person
from tests.support.chat import customer, visible
from tests.support.crash import CrashPlan, SimulatedCrash, clickbook_network, watch
from tests.support.timing import no_sleep

POLL = timedelta(minutes=5) * 1.2
STAFF_ROOM_ID = OWNER_ID + 2
CLIENT = "ann@example.com"


@dataclass
class Point:
    """One crash point's world, and what the dry run saw."""

    world: World
    clock: ManualClock
    n: int
    """The side effect the bot dies at (1-based); 0 for the dry run, which does not crash."""
    seen: list[str] = field(default_factory=list)
    """The dry run's side effects, in order."""
    people: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str | None:
        """The side effect this point crashes at."""
        return self.seen[self.n - 1] if self.n else None


Step = Callable[[Point], Awaitable[Any]]


@asynccontextmanager
async def crash_world(
    directory: Path, settings: Settings, plan: CrashPlan
) -> AsyncIterator[tuple[World, ManualClock]]:
    """A fresh world whose ClickBook network reports to ``plan``."""
    directory.mkdir()  # noqa: ASYNC240 - a test's own temporary directory
    clock = ManualClock(START)
    world = await World.create(
        directory / "bot.db",
        settings=settings,
        clock=clock,
        sandbox_clock=clock,
        clickbook_sleep=no_sleep,
        clickbook_network=clickbook_network(plan),
    )
    try:
        yield world, clock
    finally:
        await world.stop()


async def at_every_crash_point(
    tmp_path: Path, settings: Settings, *, prepare: Step, act: Step, resume: Step, check: Step
) -> list[str]:
    """Dry-run ``act``, then crash it at each of its side effects; ``check`` every outcome.

    ``prepare`` brings a fresh world to the start of the path, ``resume`` plays what follows
    a crash (jobs, the user coming back). Returns the dry run's side effects.
    """
    plan = CrashPlan()
    seen: list[str] = []
    n = 0
    while n == 0 or n <= len(seen):
        async with crash_world(tmp_path / f"point-{n}", settings, plan) as (world, clock):
            point = Point(world, clock, n, seen)
            await prepare(point)
            watch(world, plan)
            plan.arm(n or None)
            try:
                await act(point)
            except SimulatedCrash:
                plan.disarm()
                await world.restart(crash=True)
                assert n, "the dry run crashed"
                await resume(point)
            else:
                plan.disarm()
                assert not n, f"no crash at side effect {n}"
                seen = point.seen = list(plan.seen)
            await check(point)
        n += 1
    return seen


def delivered_twice_window(seen: list[str], send_label: str, nth_from_end: int = 1) -> set[int]:
    """The crash points between a message going out and its delivered mark.

    That is the send's "answered" point and the write right after it (the mark itself).
    """
    answered = [i for i, label in enumerate(seen, 1) if label == f"{send_label} answered"]
    point = answered[-nth_from_end]
    return {point, point + 1}


def count(messages: list[Any], text: str) -> int:
    return sum(text in (message.text or "") for message in messages)


# -- 1. a customer's sign-up, from Confirm to "you're registered" -----------------------------


async def test_a_sign_up_crashed_anywhere_ends_in_one_account_and_one_message(
    tmp_path: Path, staff_settings: Settings
) -> None:
    async def prepare(point: Point) -> None:
        ann = point.people["ann"] = customer(point.world)
        await ann.start()
        await ann.fill_to()

    async def act(point: Point) -> None:
        await point.people["ann"].tap("summary.confirm")

    async def resume(point: Point) -> None:
        """The job runs; the user comes back when nothing came."""
        world, clock, ann = point.world, point.clock, point.people["ann"]
        clock.advance(timedelta(minutes=10))
        await world.run_jobs()
        clock.advance(timedelta(hours=26))
        await world.run_jobs()
        if await accounts(point):
            return
        await ann.send("/start")
        if ann.sees("password.prompt"):
            await ann.type_password()
        await ann.tap("summary.confirm")
        await world.run_jobs()

    async def accounts(point: Point) -> list[Any]:
        users = (await point.world.clickbook_state())["users"]
        return [user for user in users if user["email"] == point.people["ann"].email]

    async def check(point: Point) -> None:
        ann = point.people["ann"]
        assert len(await accounts(point)) == 1, (point.n, point.label)
        done = visible(ann.t("submit.done", name="Ann Lee"))
        active = visible(ann.t("submit.active", name="Ann Lee"))
        told = count(ann.actor.bot_messages, done) + count(ann.actor.bot_messages, active)
        window = delivered_twice_window(point.seen, "telegram editMessageText")
        assert told == (2 if point.n in window else 1), (point.n, point.label, told)

    seen = await at_every_crash_point(
        tmp_path, staff_settings, prepare=prepare, act=act, resume=resume, check=check
    )
    for effect in ("clickbook SETUSERFIELDS", "store UPDATE registrations", "clickbook LOGOUT"):
        assert effect in seen, seen


# -- 2. a staff member's invitation, from Confirm to "invitation emailed" --------------------


async def test_an_invitation_crashed_anywhere_is_never_sent_twice(
    tmp_path: Path, staff_settings: Settings
) -> None:
    async def prepare(point: Point) -> None:
        olga = person(point.world, "Olga", "Owner")
        bob = point.people["bob"] = person(point.world, "Bob", "Baker")
        await bob.open_link(await olga.make_link())
        await bob.sign_in()
        await bob.fill_invite()

    async def act(point: Point) -> None:
        await point.people["bob"].tap("invite.summary.confirm")

    async def resume(point: Point) -> None:
        """The staff member opens /invite again and confirms what is there."""
        bob = point.people["bob"]
        await bob.send("/invite")
        if bob.sees_only("invite.unfinished"):
            await bob.choose("invite.unfinished_finish")
        if not bob.sees("invite.summary.title"):
            return  # the draft was done with: the invitation went out
        await bob.tap("invite.summary.confirm")
        for warning in ("invite.duplicate_uncertain", "invite.duplicate"):
            if bob.sees_only(warning):
                point.people["warned"] = warning
                await bob.tap("invite.duplicate_back")  # they check with the client instead
                return

    async def check(point: Point) -> None:
        world = point.world
        files = [
            f for f in (await world.clickbook_state())["client_files"] if f["email"] == CLIENT
        ]
        outbox = await world.control("GET", "/_sandbox/outbox")
        assert len(files) == len([mail for mail in outbox if mail["to"] == CLIENT])
        recorded = point.seen.index("store INSERT invites") + 1
        reached = point.seen.index("clickbook SETUSERFIELDS") + 1
        if recorded < point.n <= reached:
            # Recorded, and maybe sent: unknowable. Not sent again; the staff member is asked.
            assert len(files) <= 1, (point.n, point.label)
            assert point.people.get("warned") == "invite.duplicate_uncertain", point.n
        else:
            assert len(files) == 1, (point.n, point.label, len(files))

    await at_every_crash_point(
        tmp_path, staff_settings, prepare=prepare, act=act, resume=resume, check=check
    )


# -- 3. the acceptance notices, from the poll to the staff chat ------------------------------


async def test_acceptance_notices_crashed_anywhere_go_out_once_each(
    tmp_path: Path, staff_settings: Settings
) -> None:
    async def prepare(point: Point) -> None:
        olga = person(point.world, "Olga", "Owner")
        bob = point.people["bob"] = person(point.world, "Bob", "Baker")
        point.people["room"] = person(point.world, "Staff", "Room")
        await bob.open_link(await olga.make_link())
        await bob.sign_in()
        await bob.invite()
        await accept(point.world, CLIENT)
        point.clock.advance(POLL)

    async def act(point: Point) -> None:
        await point.world.run_jobs()

    async def resume(point: Point) -> None:
        for _ in range(2):
            point.clock.advance(POLL)
            await point.world.run_jobs()

    async def check(point: Point) -> None:
        told = len(point.people["bob"].received_any("notice.accepted"))
        posted = len(point.people["room"].received_any("notice.accepted_staff_chat"))
        inviter_window = delivered_twice_window(point.seen, "telegram sendMessage", 2)
        room_window = delivered_twice_window(point.seen, "telegram sendMessage", 1)
        assert told == (2 if point.n in inviter_window else 1), (point.n, point.label, told)
        assert posted == (2 if point.n in room_window else 1), (point.n, point.label, posted)

    settings = staff_settings.model_copy(update={"staff_chat_id": STAFF_ROOM_ID})
    await at_every_crash_point(
        tmp_path, settings, prepare=prepare, act=act, resume=resume, check=check
    )
