"""Customers as people: when each arrives and how long each thinks between two actions.

Arrival times are uniformly random over the period and think times uniformly random between
two bounds, drawn from one seeded generator, so a scenario is the same on every run with the
same seed and only the bot's timing differs between two runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ThinkTime:
    """Seconds a customer takes, after seeing the bot's answer, to do the next thing."""

    low: float
    high: float

    @classmethod
    def parse(cls, text: str) -> ThinkTime:
        """Read ``"2-6"`` (a range of seconds) or ``"3"`` (always that long)."""
        low, _, high = text.partition("-")
        try:
            think = cls(float(low), float(high or low))
        except ValueError:
            raise ValueError(f"think time {text!r} is not SECONDS or LOW-HIGH") from None
        if not 0 <= think.low <= think.high:
            raise ValueError(f"think time {text!r}: need 0 <= LOW <= HIGH")
        return think

    def __str__(self) -> str:
        return f"{self.low:g}-{self.high:g} s"


@dataclass(frozen=True, slots=True)
class Population:
    """How many customers arrive over how many seconds, how they think, and the seed."""

    customers: int
    period: float
    think: ThinkTime
    seed: int = 7


@dataclass(frozen=True, slots=True)
class Visit:
    """One customer's timing: seconds after the start they arrive, and each pause after."""

    arrival: float
    thinks: tuple[float, ...]


def plan(population: Population, actions: int) -> list[Visit]:
    """Return each customer's visit (arrival order), with a pause between each two actions."""
    rng = random.Random(population.seed)
    arrivals = sorted(rng.uniform(0, population.period) for _ in range(population.customers))
    think = population.think
    return [
        Visit(
            arrival=arrival,
            thinks=tuple(rng.uniform(think.low, think.high) for _ in range(actions - 1)),
        )
        for arrival in arrivals
    ]
