"""The field run tells the truth when customers are not signed up: none is counted who is not.

The population plays against the test world (no latency, no pauses: the logic, not the
timing); the faults are played at the two outer boundaries.
"""

from __future__ import annotations

from bot.bench.field import play_population
from bot.bench.options import preset
from bot.bench.population import Population, ThinkTime
from bot.bench.report import result_line, target_lines
from bot.sandbox.world import World
from tests.support.chat import SIGN_UP_ACTIONS

TWO_AT_ONCE = Population(customers=2, period=0, think=ThinkTime(0, 0))


async def test_a_customer_clickbook_refused_is_not_counted_as_signed_up(world: World) -> None:
    await world.fail_clickbook("SETUSERFIELDS", "code", code=400)

    run = await play_population(world, TWO_AT_ONCE)

    assert (run.signed_up, run.customers, run.twice, run.stuck) == (1, 2, 0, [])
    assert len(run.confirm_latencies) == 2
    assert " signed_up=1/2 " in result_line(run, None, peak_rss_mb=run.peak_rss_mb)
    assert "  ✗ customers signed up >= 2: 1.00" in target_lines(preset("default"), run, None)


async def test_a_customer_left_without_an_answer_is_reported_stuck_and_the_other_goes_on(
    world: World,
) -> None:
    world.emulator.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked")

    run = await play_population(world, TWO_AT_ONCE)

    assert (run.signed_up, run.customers) == (1, 2)
    assert len(run.stuck) == 1
    assert "stuck at 'press Start'" in run.stuck[0]
    assert run.actions == SIGN_UP_ACTIONS + 1  # the stuck one got as far as /start
