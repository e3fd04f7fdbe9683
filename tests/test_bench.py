"""Smoke tests of the benchmark harness: it signs everyone up and prints its RESULT line.

Tiny sizes and no thresholds on speed: timing is the benchmark's business, not the tests'.
"""

from __future__ import annotations

import io
import re

from bot.bench import bench_bot, customers, percentile, run_bench
from bot.sandbox.world import World

RESULT = re.compile(
    r"RESULT signups_per_s=\d+\.\d updates_per_s=\d+\.\d p99_ms=\d+\.\d "
    r"overhead_vs_bare=\d+\.\d\d peak_rss_mb=\d+\.\d"
)


async def test_every_simulated_customer_gets_a_clickbook_account(world: World) -> None:
    people = customers(world.catalogs.translator("en"), 4)

    run = await bench_bot(world, people, concurrency=2)

    state = await world.clickbook_state()
    assert sorted(user["email"] for user in state["users"]) == sorted(p.email for p in people)
    assert all(stub["processed_at"] is not None for stub in state["stubs"])
    assert run.signed_up == 4
    assert world.store is not None
    for actor in run.load.actors:
        registration = await world.store.get_registration(actor.id)
        assert registration is not None
        assert registration.state == "active"
    actions = sum(len(person.actions) for person in people)
    assert run.load.updates == actions
    assert len(run.load.latencies) == actions


async def test_run_bench_ends_with_the_result_line() -> None:
    out = io.StringIO()

    code = await run_bench(users=4, concurrency=2, rounds=3, out=out)

    lines = out.getvalue().splitlines()
    assert code == 0, out.getvalue()
    assert RESULT.fullmatch(lines[-1]), lines[-1]
    assert any(re.match(r"sign-ups\s+4/4\s", line) for line in lines), out.getvalue()
    rounds = [line for line in lines if line.startswith("round ")]
    assert len(rounds) == 3
    median = sorted(float(line.split()[3]) for line in rounds)[1]
    assert f"updates_per_s={median:.1f} " in lines[-1]


async def test_run_bench_refuses_nonsense_sizes() -> None:
    out = io.StringIO()

    assert await run_bench(users=0, concurrency=2, out=out) == 2
    assert await run_bench(users=2, concurrency=2, rounds=0, out=out) == 2
    assert "RESULT" not in out.getvalue()


def test_percentile_is_nearest_rank() -> None:
    samples = [float(n) for n in range(100, 0, -1)]

    assert percentile(samples, 50) == 50.0
    assert percentile(samples, 99) == 99.0
    assert percentile([3.0], 99) == 3.0
