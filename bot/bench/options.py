"""What a bench run does: the scenario, the network, which runs, and the named presets."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from bot.bench.field import Network
from bot.bench.population import Population, ThinkTime

Scenario = Literal["default", "burst", "quick", "custom"]


@dataclass(frozen=True, slots=True)
class BenchOptions:
    """Everything ``clickbot bench`` can be told."""

    scenario: Scenario = "default"
    population: Population = field(
        default_factory=lambda: Population(customers=60, period=60.0, think=ThinkTime(2, 6))
    )
    network: Network = field(default_factory=Network)
    field_run: bool = True
    capacity_run: bool = True
    capacity_users: int = 200
    capacity_concurrency: int = 50
    rounds: int = 3

    def problems(self) -> list[str]:
        """Return what is wrong with these options (nothing, for a runnable set)."""
        found = []
        if self.population.customers < 1:
            found.append("--customers must be at least 1")
        if self.population.period < 0:
            found.append("--period must not be negative")
        if min(self.capacity_users, self.capacity_concurrency, self.rounds) < 1:
            found.append("--capacity-users, --capacity-concurrency and --rounds must be >= 1")
        if min(self.network.telegram_ms, self.network.clickbook_ms) < 0:
            found.append("latencies must not be negative")
        if not (self.field_run or self.capacity_run):
            found.append("nothing to run")
        return found


def preset(name: Scenario) -> BenchOptions:
    """Return the options of a named scenario (``custom`` starts from the default)."""
    base = BenchOptions()
    if name == "burst":
        return replace(base, scenario=name, population=replace(base.population, customers=100))
    if name == "quick":
        return replace(
            base,
            scenario=name,
            population=replace(base.population, customers=10, period=5, think=ThinkTime(0.5, 1)),
            capacity_users=20,
            capacity_concurrency=10,
            rounds=1,
        )
    return replace(base, scenario=name)


def customise(
    base: BenchOptions,
    *,
    customers: int | None = None,
    period: float | None = None,
    think: ThinkTime | None = None,
    seed: int | None = None,
    telegram_ms: float | None = None,
    clickbook_ms: float | None = None,
    only: Literal["field", "capacity"] | None = None,
    capacity_users: int | None = None,
    capacity_concurrency: int | None = None,
    rounds: int | None = None,
) -> BenchOptions:
    """Return ``base`` with what was given changed (None keeps the preset's value).

    A changed population or network is no longer the named scenario, so it becomes
    ``custom`` (judged against the default scenario's bar); a seed or the runs chosen are not.
    """
    people = base.population
    population = Population(
        customers=people.customers if customers is None else customers,
        period=people.period if period is None else period,
        think=think or people.think,
        seed=people.seed if seed is None else seed,
    )
    network = Network(
        telegram_ms=base.network.telegram_ms if telegram_ms is None else telegram_ms,
        clickbook_ms=base.network.clickbook_ms if clickbook_ms is None else clickbook_ms,
    )
    changed = replace(population, seed=people.seed) != people or network != base.network
    return replace(
        base,
        scenario="custom" if changed else base.scenario,
        population=population,
        network=network,
        field_run=only != "capacity",
        capacity_run=only != "field",
        capacity_users=capacity_users or base.capacity_users,
        capacity_concurrency=capacity_concurrency or base.capacity_concurrency,
        rounds=base.rounds if rounds is None else rounds,
    )
