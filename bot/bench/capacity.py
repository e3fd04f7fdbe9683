"""The capacity run: how many updates a second the bot handles with nothing to wait for.

No network latency, no think time: ``concurrency`` customers at a time (the next starts when
one finishes) play the whole sign-up as fast as the bot answers, so the bot's CPU is the
limit. Then the same customers' same updates go to a bare PTB application over a fresh
emulator, one handler per update kind, each answering with one ``sendMessage``;
``overhead_vs_bare`` is the bare updates/s over the bot's.

Both applications process updates the way production does now: through
:class:`bot.updates.PerUserUpdateProcessor`, each user's updates in order and different users'
at once (the bot through :class:`bot.sandbox.world.World`, which delivers via the
application's own processor; the bare application is given one of its own). The old bench
serialised every update behind one lock because production then processed one update at a
time; that is no longer what production does, and giving both applications the same
processor keeps the ratio a measure of handler cost alone.

The rate limiter stays off here, unlike the field run: it holds chat-bound calls to Telegram's
30 a second, so with it this run would measure Telegram's budget, not the bot. The field run
measures the bot within that budget.

*updates/s* is counted over the load phase's wall time (start-up, the final check and
shut-down excluded); *latency* is per action, from its call to its return, and under this
saturating load is mostly the wait for a running slot. Both outer worlds run in this process
and on this CPU, so the bot's figures include the emulator's and the ClickBook sandbox's work:
the measure is pessimistic for the bot.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.bench.customers import Action, Customer, customers, perform_on_bot
from bot.config import Settings
from bot.sandbox.telegram import ActorError, TelegramEmulator
from bot.sandbox.world import TELEGRAM_ORIGIN, TOKEN, World
from bot.updates import PerUserUpdateProcessor

BARE_BUTTON = "OK"

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Perform = Callable[[Any, Action], Awaitable[object]]


@dataclass
class LoadRun:
    """What one load phase measured."""

    seconds: float
    latencies: list[float]

    @property
    def updates(self) -> int:
        """Return how many updates were processed (one per action)."""
        return len(self.latencies)

    @property
    def updates_per_s(self) -> float:
        """Return the updates processed per second of wall time."""
        return self.updates / self.seconds


@dataclass
class CapacityRound:
    """One round: the bot's load phase, the bare application's, and the bot's sign-ups."""

    bot: LoadRun
    bare: LoadRun
    signed_up: int

    @property
    def overhead(self) -> float:
        """Return how many times the bot's cost per update is the bare application's."""
        return self.bare.updates_per_s / self.bot.updates_per_s


async def run_load(
    emulator: TelegramEmulator,
    people: Sequence[Customer],
    *,
    concurrency: int,
    perform: Perform,
) -> LoadRun:
    """Play every customer, at most ``concurrency`` at once; time each action."""
    actors = [
        emulator.user(first_name="Ann", last_name="Lee", language_code="en", phone=person.phone)
        for person in people
    ]
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)

    async def play(actor: Any, person: Customer) -> None:
        async with gate:
            for action in person.actions:
                started = time.perf_counter()
                await perform(actor, action)
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    tasks = [asyncio.create_task(play(a, p)) for a, p in zip(actors, people, strict=True)]
    try:
        await asyncio.gather(*tasks)
    finally:
        # One stuck customer ends the run: the others must not go on talking to a bot
        # that the caller is about to stop.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return LoadRun(seconds=time.perf_counter() - started, latencies=latencies)


async def perform_on_bare(actor: Any, action: Action) -> None:
    """Do the same kind of action in the bare bot's chat, which has one button."""
    if action.kind in ("text", "key"):
        await actor.send(action.value)
    elif action.kind == "button":
        await actor.tap(BARE_BUTTON)
    else:
        await actor.share_contact()


def bare_application(emulator: TelegramEmulator) -> AnyApplication:
    """Build a plain PTB application that answers every update with one message."""
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(BARE_BUTTON, callback_data="ok")]])

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        assert chat is not None
        await context.bot.send_message(chat.id, "ok", reply_markup=keyboard)

    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{TELEGRAM_ORIGIN}/bot")
        .concurrent_updates(PerUserUpdateProcessor())
        .request(HTTPXRequest(httpx_kwargs={"transport": emulator.transport()}))
        .get_updates_request(HTTPXRequest(httpx_kwargs={"transport": emulator.transport()}))
        .build()
    )
    application.add_handler(MessageHandler(filters.ALL, answer))
    application.add_handler(CallbackQueryHandler(answer))
    return application


async def bench_bare(people: Sequence[Customer], *, concurrency: int) -> LoadRun:
    """Send the customers' updates to the bare application over a fresh emulator."""
    emulator = TelegramEmulator(token=TOKEN, bot_username="clickbook_demo_bot")
    application = bare_application(emulator)

    async def deliver(payload: dict[str, Any]) -> None:
        update = Update.de_json(payload, application.bot)
        await application.update_processor.process_update(
            update, application.process_update(update)
        )

    emulator.deliver_to(deliver)
    await application.initialize()
    try:
        return await run_load(emulator, people, concurrency=concurrency, perform=perform_on_bare)
    finally:
        await application.shutdown()
        await emulator.aclose()


async def capacity_round(users: int, concurrency: int) -> CapacityRound | str:
    """Run the bot and then the bare baseline once; a message instead if a sign-up failed."""
    with tempfile.TemporaryDirectory(prefix="clickbot-bench-") as scratch:
        world = await World.create(
            Path(scratch) / "capacity.db",
            settings=Settings(business_timezone="Australia/Sydney"),
        )
        try:
            people = customers(world.catalogs.translator("en"), users)
            bot = await run_load(
                world.emulator, people, concurrency=concurrency, perform=perform_on_bot
            )
            emails = {person.email for person in people}
            state = await world.clickbook_state()
            signed_up = sum(1 for user in state["users"] if user["email"] in emails)
        except ActorError as error:
            return f"a customer got stuck in the sign-up: {error}"
        finally:
            await world.stop()
    if signed_up != users:
        return f"only {signed_up} of {users} customers got an account"
    return CapacityRound(
        bot=bot, bare=await bench_bare(people, concurrency=concurrency), signed_up=signed_up
    )
