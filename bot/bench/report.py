"""What ``clickbot bench`` prints: the tables, each target met or not, and the RESULT line."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.bench.calls import UNATTRIBUTED
from bot.bench.capacity import CapacityRound
from bot.bench.field import FieldRun
from bot.bench.options import BenchOptions

STEP_P50_MS = 120.0
STEP_P99_MS = 250.0
CONFIRM_P99_MS = 1500.0
BURST_STEP_P99_MS = 1500.0
CHAT_CALLS_PER_ACTION = 1.2
UPDATES_PER_S = 250.0
"""The bar of issue 7 (``step``/``Confirm`` for the default field scenario, ``BURST`` for the
burst preset, chat calls per action for any, updates/s for the capacity run)."""
SHOWN_STUCK = 5
"""Stuck customers listed by name; the rest are counted."""


def percentile(samples: Sequence[float], percent: float) -> float:
    """Return the nearest-rank percentile of ``samples``."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def _ms(samples: Sequence[float], percent: float) -> float:
    return percentile(samples, percent) * 1000 if samples else math.nan


def _per(count: float, signups: int) -> float:
    return count / signups if signups else math.nan


def field_lines(run: FieldRun, options: BenchOptions) -> list[str]:
    """Return the field run's scenario, latencies, sign-ups and Bot API calls."""
    people, network = options.population, options.network
    signups = run.signed_up
    more = len(run.stuck) - SHOWN_STUCK
    return [
        f"field ({options.scenario}): {people.customers} customers arriving over "
        f"{people.period:g} s, think {people.think}, seed {people.seed}; "
        f"+{network.telegram_ms:g} ms a Bot API call, +{network.clickbook_ms:g} ms a "
        f"ClickBook call; rate limiter on; {run.seconds:.1f} s",
        "",
        *_latency_lines(run),
        "",
        f"signed up: {signups}/{run.customers}, {run.twice} twice",
        *(f"  {stuck}" for stuck in run.stuck[:SHOWN_STUCK]),
        *([f"  and {more} more stuck"] if more > 0 else []),
        f"actions per sign-up: {_per(run.actions, signups):.2f}",
        f"Bot API calls per sign-up: {_per(run.tally.total, signups):.2f}, chat-bound "
        f"{_per(run.tally.chat_bound, signups):.2f} "
        f"({_per(run.tally.chat_bound, run.actions):.2f} per action)",
        "",
        *_call_lines(run),
        f"peak RSS after the field run: {run.peak_rss_mb:.1f} MiB (whole process)",
    ]


def _latency_lines(run: FieldRun) -> list[str]:
    lines = [f"{'reply latency (ms)':<26}{'p50':>8}{'p90':>8}{'p99':>8}{'max':>8}{'n':>6}"]
    for name, samples in (("steps", run.step_latencies), ("Confirm", run.confirm_latencies)):
        figures = "".join(f"{_ms(samples, p):>8.0f}" for p in (50, 90, 99, 100))
        lines.append(f"{name:<26}{figures}{len(samples):>6}")
    return lines


def _call_lines(run: FieldRun) -> list[str]:
    """Return the Bot API calls per sign-up by step (with their methods) and by method."""
    signups = run.signed_up
    lines = [f"{'calls per sign-up, by step':<26}{'all':>7}{'chat':>7}  methods"]
    labels = dict(enumerate(run.steps)) | {UNATTRIBUTED: "(no customer's)"}
    for step in sorted(run.tally.by_step, key=lambda s: (s == UNATTRIBUTED, s)):
        methods = run.tally.by_step[step]
        chat = run.tally.chat_by_step.get(step, Counter())
        lines.append(
            f"{labels[step]:<26}{_per(methods.total(), signups):>7.2f}"
            f"{_per(chat.total(), signups):>7.2f}  {_methods(methods, signups)}"
        )
    total, chat_total = run.tally.by_method()
    lines += ["", f"{'calls per sign-up, by method':<30}{'all':>7}{'chat':>7}"]
    for method, count in total.most_common():
        lines.append(
            f"{method:<30}{_per(count, signups):>7.2f}{_per(chat_total[method], signups):>7.2f}"
        )
    return lines


def _methods(methods: Counter[str], signups: int) -> str:
    return ", ".join(f"{name} {_per(n, signups):.2f}" for name, n in methods.most_common())


def capacity_lines(rounds: Sequence[CapacityRound], options: BenchOptions) -> list[str]:
    """Return every round's throughput and the median round's table."""
    lines = [
        f"capacity: {options.capacity_users} customers, {options.capacity_concurrency} at once, "
        "no latency, no think time, rate limiter off; bot vs bare PTB",
    ]
    for number, round_ in enumerate(rounds, start=1):
        lines.append(
            f"round {number}: bot {round_.bot.updates_per_s:.1f} updates/s, "
            f"bare {round_.bare.updates_per_s:.1f} updates/s, overhead {round_.overhead:.2f}"
        )
    median = median_round(rounds)
    rows = [("updates/s", f"{median.bot.updates_per_s:.1f}", f"{median.bare.updates_per_s:.1f}")]
    for percent in (50, 99):
        rows.append(
            (
                f"latency p{percent} (ms)",
                f"{_ms(median.bot.latencies, percent):.1f}",
                f"{_ms(median.bare.latencies, percent):.1f}",
            )
        )
    lines += [
        f"median round of {len(rounds)}:",
        f"{'':<22}{'bot':>10}{'bare PTB':>10}",
        *(f"{name:<22}{ours:>10}{theirs:>10}" for name, ours, theirs in rows),
        f"{'overhead vs bare':<22}{median.overhead:>10.2f}",
    ]
    return lines


def median_round(rounds: Sequence[CapacityRound]) -> CapacityRound:
    """Return the round with the median bot throughput."""
    ordered = sorted(rounds, key=lambda round_: round_.bot.updates_per_s)
    return ordered[len(ordered) // 2]


@dataclass(frozen=True, slots=True)
class Target:
    """One bar: a figure, how it must compare, and the bound."""

    name: str
    value: float
    relation: str
    bound: float

    def line(self) -> str:
        """Return ``✓``/``✗``, the bar and the figure."""
        met = self.value >= self.bound if self.relation == ">=" else self.value <= self.bound
        return (
            f"{'✓' if met else '✗'} {self.name} {self.relation} {self.bound:g}: {self.value:.2f}"
        )


def target_lines(
    options: BenchOptions, field: FieldRun | None, capacity: CapacityRound | None
) -> list[str]:
    """Return each target of the bar that applies to this run, met or not."""
    targets: list[Target] = []
    if field is not None:
        steps, confirm = field.step_latencies, field.confirm_latencies
        if options.scenario == "burst":
            targets.append(Target("step reply p99 ms", _ms(steps, 99), "<=", BURST_STEP_P99_MS))
        else:
            targets += [
                Target("step reply p50 ms", _ms(steps, 50), "<=", STEP_P50_MS),
                Target("step reply p99 ms", _ms(steps, 99), "<=", STEP_P99_MS),
                Target("Confirm reply p99 ms", _ms(confirm, 99), "<=", CONFIRM_P99_MS),
            ]
        targets += [
            Target("customers signed up", field.signed_up, ">=", field.customers),
            Target("customers signed up twice", field.twice, "<=", 0),
            Target(
                "chat-bound calls per action",
                _per(field.tally.chat_bound, field.actions),
                "<=",
                CHAT_CALLS_PER_ACTION,
            ),
        ]
    if capacity is not None:
        targets.append(
            Target("capacity updates/s", capacity.bot.updates_per_s, ">=", UPDATES_PER_S)
        )
    bar = "the burst preset's" if options.scenario == "burst" else "the default scenario's"
    return [f"targets (issue 7, {bar} bar):", *(f"  {target.line()}" for target in targets)]


def result_line(
    field: FieldRun | None, capacity: CapacityRound | None, *, peak_rss_mb: float
) -> str:
    """Return the last line: every headline figure, ``-`` for what was not run.

    ``peak_rss_mb`` is the process's, after the field run if there was one.
    """
    figures: dict[str, str] = dict.fromkeys(
        (
            "step_p50_ms",
            "step_p99_ms",
            "submit_p99_ms",
            "signed_up",
            "actions_per_signup",
            "calls_per_signup",
            "chat_calls_per_signup",
            "capacity_updates_per_s",
            "overhead_vs_bare",
            "peak_rss_mb",
        ),
        "-",
    )
    if field is not None:
        signups = field.signed_up
        figures |= {
            "step_p50_ms": f"{_ms(field.step_latencies, 50):.0f}",
            "step_p99_ms": f"{_ms(field.step_latencies, 99):.0f}",
            "submit_p99_ms": f"{_ms(field.confirm_latencies, 99):.0f}",
            "signed_up": f"{signups}/{field.customers}",
            "actions_per_signup": f"{_per(field.actions, signups):.2f}",
            "calls_per_signup": f"{_per(field.tally.total, signups):.2f}",
            "chat_calls_per_signup": f"{_per(field.tally.chat_bound, signups):.2f}",
        }
    if capacity is not None:
        figures |= {
            "capacity_updates_per_s": f"{capacity.bot.updates_per_s:.0f}",
            "overhead_vs_bare": f"{capacity.overhead:.2f}",
        }
    figures["peak_rss_mb"] = f"{peak_rss_mb:.0f}"
    return "RESULT " + " ".join(f"{name}={value}" for name, value in figures.items())
