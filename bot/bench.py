"""``clickbot bench``: many simulated customers sign up at once; how fast, how slow, how big.

What runs: :class:`bot.sandbox.world.World`, i.e. the real application between the Telegram
emulator and the ClickBook sandbox, all in this process. Each simulated customer plays the
whole sign-up (``/start``, Start, both names, email and its confirmation, the shared contact,
country, time zone and its confirmation, password, terms, Confirm: 13 updates, see
:func:`signup_actions`) and every customer must end up with an account in the sandbox, or the
bench fails.
Then the same customers' same updates go to a bare PTB application over a fresh emulator,
one ``MessageHandler`` and one ``CallbackQueryHandler`` that answer each update with one
``sendMessage``; ``overhead_vs_bare`` is the bare updates/s over the bot's.

**What "concurrently" means here.** Up to ``concurrency`` customers are mid-sign-up at any
moment (a semaphore; the next one starts when one finishes), each awaiting its own actions
one after another, as a person would. With the emulator's ``deliver_to``, an action awaits
``Application.process_update`` itself, so unguarded, concurrent customers would run
``process_update`` concurrently, interleaved at every await. That would not be unsafe for
``ConversationHandler`` in this harness (its state is per (chat, user) key and a customer
never has two updates in flight; PTB's ``concurrent_updates`` warning is about one key's
updates overtaking each other), but it is not what production does: the application keeps
PTB's default, one update at a time (see :mod:`bot.app`), and the rest of the bot was written
for that. So every delivery, for the bot and for the bare baseline alike, goes through one
FIFO lock (:class:`SerialDelivery`): the bench measures sequential processing, as deployed,
and the concurrent customers only make the queue in front of it. Hence:

- *updates/s* and *sign-ups/s* are counted over the wall time of the load phase (start-up,
  the final check and shut-down excluded) and are the throughput of one sequential bot;
- *latency* is per action, from the user action's call to its return, when the bot has
  answered: waiting in the queue behind other customers' updates plus processing. With
  ``concurrency`` customers the queue is up to ``concurrency - 1`` deep, so latency grows
  with it; *processing* (the table only) is the time inside the lock alone. The bare
  application never waits for a thread (the bot waits for SQLite's), so its customers never
  actually overlap and its latency is processing alone: compare the two on throughput;
- *peak RSS* is ``ru_maxrss`` of the whole process (imports, the emulator, the sandbox and the
  bot together) at the end of the bot's run, before the baseline runs.

Both outer worlds run in this process and on this CPU, so the bot's numbers include the
emulator's and the ClickBook sandbox's work (SOAP encoding and parsing on both sides), which
in production is network time spent elsewhere: the measure is pessimistic for the bot.
"""

from __future__ import annotations

import asyncio
import math
import resource
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TextIO

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

from bot.config import Settings
from bot.domain.countries import country_name
from bot.i18n import Translator
from bot.sandbox.telegram import ActorError, TelegramEmulator
from bot.sandbox.world import TELEGRAM_ORIGIN, TOKEN, World

UPDATES_PER_S_TARGET = 300.0
"""Ten times Telegram's 30 messages/s per bot."""
OVERHEAD_TARGET = 3.0
BARE_BUTTON = "OK"
ZONE_BUTTON = "Sydney"
CUSTOMER_PASSWORD = "Secret123"  # noqa: S105 - what the simulated customers type

ActionKind = Literal["text", "button", "contact"]
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


@dataclass(frozen=True, slots=True)
class Action:
    """One thing a customer does: type ``value``, tap the button labelled ``value``, share."""

    kind: ActionKind
    value: str


def signup_actions(t: Translator, *, email: str, password: str) -> list[Action]:
    """Return a customer's actions from ``/start`` to a created account, in English."""
    return [
        Action("text", "/start"),
        Action("button", t.plain("start.begin")),
        Action("text", "Ann"),
        Action("text", "Lee"),
        Action("text", email),
        Action("button", t.plain("email.yes")),
        Action("contact", t.plain("phone.share")),
        Action("button", country_name("AU", "en")),
        Action("button", ZONE_BUTTON),
        Action("button", t.plain("timezone.yes")),
        Action("text", password),
        Action("button", t.plain("terms.agree")),
        Action("button", t.plain("summary.confirm")),
    ]


@dataclass(frozen=True, slots=True)
class Customer:
    """A simulated customer: who they are on Telegram and what they will do."""

    email: str
    phone: str
    actions: list[Action]


def customers(t: Translator, users: int) -> list[Customer]:
    """Return ``users`` distinct customers (own email and phone number each)."""
    people = []
    for number in range(users):
        email = f"customer{number}@example.com"
        people.append(
            Customer(
                email=email,
                phone=f"+61412{number:06d}",
                actions=signup_actions(t, email=email, password=CUSTOMER_PASSWORD),
            )
        )
    return people


class SerialDelivery:
    """Hand each update to one application, one at a time in arrival order, and time it."""

    def __init__(self, application: AnyApplication) -> None:
        self.application = application
        self.processing: list[float] = []
        self._lock = asyncio.Lock()

    @property
    def updates(self) -> int:
        """Return how many updates the application has processed."""
        return len(self.processing)

    async def __call__(self, payload: dict[str, Any]) -> None:
        """Process one update as soon as the updates before it are done."""
        async with self._lock:
            started = time.perf_counter()
            update = Update.de_json(payload, self.application.bot)
            await self.application.process_update(update)
            self.processing.append(time.perf_counter() - started)


Perform = Callable[[Any, Action], Awaitable[object]]


async def perform_on_bot(actor: Any, action: Action) -> None:
    """Do an action in the real bot's chat, by the labels the bot shows."""
    if action.kind == "text":
        await actor.send(action.value)
    elif action.kind == "button":
        await actor.tap(action.value)
    else:
        await actor.press(action.value)


async def perform_on_bare(actor: Any, action: Action) -> None:
    """Do the same kind of action in the bare bot's chat, which has one button."""
    if action.kind == "text":
        await actor.send(action.value)
    elif action.kind == "button":
        await actor.tap(BARE_BUTTON)
    else:
        await actor.share_contact()


@dataclass
class LoadRun:
    """What one load phase measured."""

    seconds: float
    updates: int
    latencies: list[float]
    processing: list[float]
    actors: list[Any] = field(repr=False)

    @property
    def updates_per_s(self) -> float:
        """Return the updates processed per second of wall time."""
        return self.updates / self.seconds


async def run_load(
    emulator: TelegramEmulator,
    delivery: SerialDelivery,
    people: Sequence[Customer],
    *,
    concurrency: int,
    perform: Perform,
) -> LoadRun:
    """Play every customer, at most ``concurrency`` at once; time each action."""
    emulator.deliver_to(delivery)
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
    seconds = time.perf_counter() - started
    return LoadRun(
        seconds=seconds,
        updates=delivery.updates,
        latencies=latencies,
        processing=list(delivery.processing),
        actors=actors,
    )


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
        .request(HTTPXRequest(httpx_kwargs={"transport": emulator.transport()}))
        .get_updates_request(HTTPXRequest(httpx_kwargs={"transport": emulator.transport()}))
        .build()
    )
    application.add_handler(MessageHandler(filters.ALL, answer))
    application.add_handler(CallbackQueryHandler(answer))
    return application


@dataclass
class BotRun:
    """The bot's load phase, how many customers it signed up, and the memory peak after it."""

    load: LoadRun
    signed_up: int
    peak_rss_mb: float


async def signed_up_count(world: World, people: Sequence[Customer]) -> int:
    """Count the customers who have an account in the ClickBook sandbox."""
    emails = {person.email for person in people}
    state = await world.clickbook_state()
    return sum(1 for user in state["users"] if user["email"] in emails)


async def bench_bot(world: World, people: Sequence[Customer], *, concurrency: int) -> BotRun:
    """Sign every customer up through the real bot in ``world``."""
    assert world.application is not None, "the bot is stopped"
    load = await run_load(
        world.emulator,
        SerialDelivery(world.application),
        people,
        concurrency=concurrency,
        perform=perform_on_bot,
    )
    return BotRun(
        load=load, signed_up=await signed_up_count(world, people), peak_rss_mb=peak_rss_mb()
    )


async def bench_bare(people: Sequence[Customer], *, concurrency: int) -> LoadRun:
    """Send the customers' updates to the bare application over a fresh emulator."""
    emulator = TelegramEmulator(token=TOKEN, bot_username="clickbook_demo_bot")
    application = bare_application(emulator)
    await application.initialize()
    try:
        return await run_load(
            emulator,
            SerialDelivery(application),
            people,
            concurrency=concurrency,
            perform=perform_on_bare,
        )
    finally:
        await application.shutdown()
        await emulator.aclose()


def peak_rss_mb() -> float:
    """Return the process's peak resident set size so far, in MiB (Linux: KiB from the OS)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(samples: Sequence[float], percent: float) -> float:
    """Return the nearest-rank percentile of ``samples``."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def report(
    bot: BotRun, bare: LoadRun, *, users: int, concurrency: int, final_rss_mb: float
) -> list[str]:
    """Return the human-readable table, the target checks and the RESULT line."""
    overhead = bare.updates_per_s / bot.load.updates_per_s
    signups_per_s = bot.signed_up / bot.load.seconds
    rows = [
        ("wall time (s)", f"{bot.load.seconds:.2f}", f"{bare.seconds:.2f}"),
        ("updates", str(bot.load.updates), str(bare.updates)),
        ("sign-ups", f"{bot.signed_up}/{users}", "-"),
        ("sign-ups/s", f"{signups_per_s:.1f}", "-"),
        ("updates/s", f"{bot.load.updates_per_s:.1f}", f"{bare.updates_per_s:.1f}"),
    ]
    for percent in (50, 95, 99):
        rows.append(
            (
                f"latency p{percent} (ms)",
                _ms(percentile(bot.load.latencies, percent)),
                _ms(percentile(bare.latencies, percent)),
            )
        )
    for percent in (50, 99):
        rows.append(
            (
                f"processing p{percent} (ms)",
                _ms(percentile(bot.load.processing, percent)),
                _ms(percentile(bare.processing, percent)),
            )
        )
    p99_ms = percentile(bot.load.latencies, 99) * 1000
    return [
        f"clickbot bench: {users} customers, {concurrency} at once, "
        f"{bot.load.updates // users} updates each, processed one at a time",
        "",
        f"{'':<22}{'bot':>12}{'bare PTB':>12}",
        *(f"{name:<22}{ours:>12}{theirs:>12}" for name, ours, theirs in rows),
        f"{'overhead vs bare':<22}{overhead:>12.2f}",
        f"{'peak RSS (MiB)':<22}{bot.peak_rss_mb:>12.1f}"
        f"   (whole process; {final_rss_mb:.1f} after the baseline)",
        "",
        _target("updates/s", bot.load.updates_per_s, ">=", UPDATES_PER_S_TARGET),
        _target("overhead vs bare", overhead, "<=", OVERHEAD_TARGET),
        f"RESULT signups_per_s={signups_per_s:.1f} "
        f"updates_per_s={bot.load.updates_per_s:.1f} p99_ms={p99_ms:.1f} "
        f"overhead_vs_bare={overhead:.2f} peak_rss_mb={bot.peak_rss_mb:.1f}",
    ]


def _target(name: str, value: float, relation: str, target: float) -> str:
    met = value >= target if relation == ">=" else value <= target
    return f"target {name} {relation} {target:g}: {value:.2f} ({'met' if met else 'MISSED'})"


async def run_round(users: int, concurrency: int) -> tuple[BotRun, LoadRun] | str:
    """Run the bot and then the bare baseline once; a message instead if a sign-up failed."""
    with tempfile.TemporaryDirectory(prefix="clickbot-bench-") as scratch:
        world = await World.create(
            Path(scratch) / "bench.db",
            settings=Settings(business_timezone="Australia/Sydney"),
        )
        try:
            people = customers(world.catalogs.translator("en"), users)
            bot = await bench_bot(world, people, concurrency=concurrency)
        except ActorError as error:
            return f"a customer got stuck in the sign-up: {error}"
        finally:
            await world.stop()
    if bot.signed_up != users:
        return (
            f"only {bot.signed_up} of {users} customers got an account; "
            "the bot's numbers would be meaningless"
        )
    return bot, await bench_bare(people, concurrency=concurrency)


async def run_bench(
    *, users: int, concurrency: int, rounds: int = 3, out: TextIO | None = None
) -> int:
    """Run the benchmark and print its table and RESULT line; 1 if a sign-up failed.

    The machine's speed drifts between runs, so each round runs the bot and then the bare
    baseline right after it, and the round with the median bot throughput is reported in
    full (with the first round's peak RSS), every round's figures listed above it.
    """
    stream = out or sys.stdout
    if users < 1 or concurrency < 1 or rounds < 1:
        stream.write("clickbot bench: --users, --concurrency and --rounds must be at least 1\n")
        return 2
    results: list[tuple[BotRun, LoadRun]] = []
    for _ in range(rounds):
        outcome = await run_round(users, concurrency)
        if isinstance(outcome, str):
            stream.write(f"clickbot bench: {outcome}\n")
            return 1
        results.append(outcome)
    for number, (bot, bare) in enumerate(results, start=1):
        stream.write(
            f"round {number}: bot {bot.load.updates_per_s:.1f} updates/s, "
            f"bare {bare.updates_per_s:.1f} updates/s, "
            f"overhead {bare.updates_per_s / bot.load.updates_per_s:.2f}\n"
        )
    ordered = sorted(results, key=lambda result: result[0].load.updates_per_s)
    bot, bare = ordered[len(ordered) // 2]
    # Peak RSS is the process's high-water mark, which later rounds only inherit: the first
    # round's is the bot's own.
    bot = replace(bot, peak_rss_mb=results[0][0].peak_rss_mb)
    stream.write(f"median round of {rounds}:\n")
    lines = report(bot, bare, users=users, concurrency=concurrency, final_rss_mb=peak_rss_mb())
    stream.write("\n".join(lines) + "\n")
    stream.flush()
    return 0
