"""The field run: customers arriving over time, through networks, on the production path.

The real application runs in :class:`bot.sandbox.world.World` as production runs it: each
update through the application's own update processor (per user in order, different users at
once) and the production rate limiter on (whatever :func:`bot.app.build_application` builds,
:mod:`bot.ratelimit`). Every Bot API call and every ClickBook call first spends its latency in a
:mod:`bot.bench.network` transport. Customers follow :mod:`bot.bench.population`: each arrives
at their time, does one action, waits for the bot to finish answering (the action's
*latency*, from the action's call to its return; work the bot leaves running after its reply,
the sign-in check after Confirm, is not waited for), thinks, does the next.

A customer the bot leaves stuck (a button that never appears) stops there and is reported;
the others go on. At the end the ClickBook sandbox is asked who has an account: every
customer must have exactly one.

Telegram and ClickBook are simulated in this process, on this CPU, so their work (the
emulator's HTTP, the sandbox's SOAP) adds to the bot's latency here where in production it
would be elsewhere: the figures are pessimistic for the bot.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.bench.calls import CallTally, tally_calls
from bot.bench.customers import Customer, customers, perform_on_bot
from bot.bench.network import latency
from bot.bench.population import Population, Visit, plan
from bot.bench.rss import peak_rss_mb
from bot.config import Settings
from bot.sandbox.telegram import ActorError
from bot.sandbox.world import World


@dataclass(frozen=True, slots=True)
class Network:
    """Milliseconds each Bot API call and each ClickBook call spends on the way."""

    telegram_ms: float = 40.0
    clickbook_ms: float = 300.0


@dataclass
class FieldRun:
    """What the field run measured."""

    customers: int
    signed_up: int
    """Customers with exactly one ClickBook account."""
    twice: int
    """Customers with more than one account (none is the only right answer)."""
    steps: list[str]
    latencies: list[list[float]]
    """Per step of the script, each customer's latency for it, in seconds."""
    actions: int
    """Actions the bot answered (a stuck customer's last attempt is not one)."""
    tally: CallTally
    seconds: float
    peak_rss_mb: float
    stuck: list[str] = field(default_factory=list)

    @property
    def step_latencies(self) -> list[float]:
        """Return the latencies of every step but the last (Confirm)."""
        return [seconds for step in self.latencies[:-1] for seconds in step]

    @property
    def confirm_latencies(self) -> list[float]:
        """Return the latencies of the last step, Confirm (the account is created)."""
        return list(self.latencies[-1])


async def run_field(population: Population, network: Network) -> FieldRun:
    """Sign ``population`` up through the production path over ``network``."""
    with tempfile.TemporaryDirectory(prefix="clickbot-bench-") as scratch:
        world = await World.create(
            Path(scratch) / "field.db",
            settings=Settings(business_timezone="Australia/Sydney"),
            rate_limiter=True,
            telegram_network=latency(network.telegram_ms),
            clickbook_network=latency(network.clickbook_ms),
        )
        try:
            return await play_population(world, population)
        finally:
            await world.stop()


async def play_population(world: World, population: Population) -> FieldRun:
    """Play ``population`` against the bot in ``world`` and measure it (see the module)."""
    # A reply is what the customer waits for; the work the bot leaves running after it (the
    # sign-in check after Confirm) is awaited once, before counting accounts.
    world.settle = False
    people = customers(world.catalogs.translator("en"), population.customers)
    script = people[0].actions
    visits = plan(population, len(script))
    actors = [
        world.emulator.user(first_name="Ann", last_name="Lee", language_code="en", phone=p.phone)
        for p in people
    ]
    first = len(world.emulator.calls)
    latencies: list[list[float]] = [[] for _ in script]
    starts: list[list[int]] = [[] for _ in people]
    stuck: list[str] = []
    began = time.perf_counter()

    async def play(number: int, person: Customer, visit: Visit) -> None:
        await asyncio.sleep(max(0.0, visit.arrival - (time.perf_counter() - began)))
        for step, action in enumerate(person.actions):
            starts[number].append(len(world.emulator.calls))
            started = time.perf_counter()
            try:
                await perform_on_bot(actors[number], action)
            except ActorError as error:
                stuck.append(f"customer {number} stuck at {action.step!r}: {error}")
                return
            latencies[step].append(time.perf_counter() - started)
            if step < len(visit.thinks):
                await asyncio.sleep(visit.thinks[step])  # the customer reads and thinks

    await asyncio.gather(
        *(play(n, p, v) for n, (p, v) in enumerate(zip(people, visits, strict=True)))
    )
    seconds = time.perf_counter() - began
    await world.settled()
    accounts = await _accounts(world, people)
    owners = _owners(actors)
    return FieldRun(
        customers=len(people),
        signed_up=sum(1 for count in accounts.values() if count == 1),
        twice=sum(1 for count in accounts.values() if count > 1),
        steps=[action.step for action in script],
        latencies=latencies,
        actions=sum(len(step) for step in latencies),
        tally=tally_calls(world.emulator.calls, first=first, owners=owners, step_starts=starts),
        seconds=seconds,
        peak_rss_mb=peak_rss_mb(),
        stuck=stuck,
    )


async def _accounts(world: World, people: Sequence[Customer]) -> Counter[str]:
    """Count the ClickBook accounts of each customer's email."""
    emails = {person.email for person in people}
    state = await world.clickbook_state()
    return Counter(user["email"] for user in state["users"] if user["email"] in emails)


def _owners(actors: Sequence[Any]) -> dict[str, int]:
    """Map each customer's chat id and callback query ids (as text) to the customer."""
    owners: dict[str, int] = {}
    for number, actor in enumerate(actors):
        owners[str(actor.chat_id)] = number
        for query in actor.callbacks:
            owners[str(query.id)] = number
    return owners
