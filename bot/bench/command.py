"""``clickbot bench``: run the field run and the capacity run, print the report."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.bench.capacity import CapacityRound, capacity_round
from bot.bench.field import FieldRun, run_field
from bot.bench.options import BenchOptions
from bot.bench.report import (
    capacity_lines,
    field_lines,
    median_round,
    result_line,
    target_lines,
)
from bot.bench.rss import peak_rss_mb


async def run_bench(options: BenchOptions, *, out: TextIO | None = None) -> int:
    """Run what ``options`` asks, print the report and the RESULT line.

    Returns 0, 1 if a customer was not signed up (exactly once) or got stuck, 2 for options
    that make no sense. The machine's speed drifts between runs, so the capacity run has
    ``rounds`` rounds of bot-then-bare and reports the one with the median bot throughput.
    """
    stream = out or sys.stdout
    problems = options.problems()
    if problems:
        stream.write("".join(f"clickbot bench: {problem}\n" for problem in problems))
        return 2
    code = 0
    field: FieldRun | None = None
    if options.field_run:
        field = await run_field(options.population, options.network)
        stream.write("\n".join(field_lines(field, options)) + "\n\n")
        if field.signed_up != field.customers or field.twice:
            code = 1
    stream.flush()
    capacity: CapacityRound | None = None
    if options.capacity_run:
        rounds: list[CapacityRound] = []
        for _ in range(options.rounds):
            outcome = await capacity_round(options.capacity_users, options.capacity_concurrency)
            if isinstance(outcome, str):
                stream.write(f"clickbot bench: capacity run: {outcome}\n")
                code = 1
                break
            rounds.append(outcome)
        else:
            stream.write("\n".join(capacity_lines(rounds, options)) + "\n\n")
            capacity = median_round(rounds)
    rss = field.peak_rss_mb if field is not None else peak_rss_mb()
    lines = [
        *target_lines(options, field, capacity),
        result_line(field, capacity, peak_rss_mb=rss),
    ]
    stream.write("\n".join(lines) + "\n")
    stream.flush()
    return code
