"""The benchmark end to end: the quick run signs everyone up and ends with its RESULT line.

Timing is the benchmark's business, not the tests': nothing here asserts on a latency or a
rate, only on the shape of what the bench reports and on the sign-ups it must complete.
"""

from __future__ import annotations

import io
import re

import pytest

from bot.bench import customise, preset, run_bench
from bot.bench.population import ThinkTime
from bot.cli import main

N = r"\d+"
X = r"\d+\.\d\d"
RESULT = re.compile(
    rf"RESULT step_p50_ms={N} step_p99_ms={N} submit_p99_ms={N} signed_up=(\d+)/(\d+) "
    rf"actions_per_signup={X} calls_per_signup={X} chat_calls_per_signup={X} "
    rf"capacity_updates_per_s={N} overhead_vs_bare={X} peak_rss_mb={N}"
)


async def test_the_quick_bench_signs_every_customer_up_and_ends_with_the_result_line() -> None:
    out = io.StringIO()

    code = await run_bench(preset("quick"), out=out)

    text = out.getvalue()
    lines = text.splitlines()
    assert code == 0, text
    result = RESULT.fullmatch(lines[-1])
    assert result is not None, lines[-1]
    assert result.group(1) == result.group(2) == "10", lines[-1]
    assert "actions_per_signup=14.00 " in lines[-1]
    assert "signed up: 10/10, 0 twice" in lines
    by_step = lines.index(next(line for line in lines if "calls per sign-up, by step" in line))
    assert [line.split()[0] for line in lines[by_step + 1 : by_step + 3]] == ["/start", "press"]
    assert any(line.startswith("Confirm ") and "answerCallbackQuery" in line for line in lines)
    assert any(line.startswith("round 1: bot ") for line in lines), text
    assert any(re.match(r"  [✓✗] step reply p99 ms <= 250: ", line) for line in lines), text
    assert any(re.match(r"  [✓✗] capacity updates/s >= 250: ", line) for line in lines), text


async def test_the_capacity_run_alone_leaves_the_field_figures_out() -> None:
    out = io.StringIO()
    options = customise(preset("quick"), only="capacity", capacity_users=2, capacity_concurrency=2)

    code = await run_bench(options, out=out)

    last = out.getvalue().splitlines()[-1]
    assert code == 0, out.getvalue()
    assert last.startswith("RESULT step_p50_ms=- step_p99_ms=- submit_p99_ms=- signed_up=- ")
    assert re.search(rf"capacity_updates_per_s={N} overhead_vs_bare={X} peak_rss_mb={N}$", last)


async def test_run_bench_refuses_nonsense_options() -> None:
    out = io.StringIO()

    assert await run_bench(customise(preset("quick"), customers=0), out=out) == 2
    assert await run_bench(customise(preset("quick"), rounds=0), out=out) == 2
    assert "RESULT" not in out.getvalue()
    assert "--customers must be at least 1" in out.getvalue()


def test_presets_and_what_changing_them_makes() -> None:
    burst = preset("burst")
    default = preset("default")

    assert (burst.population.customers, burst.population.period) == (100, 60)
    assert (default.population.customers, default.population.period) == (60, 60)
    assert default.population.think == ThinkTime(2, 6)
    assert (default.network.telegram_ms, default.network.clickbook_ms) == (40, 300)
    assert default.field_run
    assert default.capacity_run
    assert customise(burst, seed=3).scenario == "burst"
    assert customise(burst, customers=50).scenario == "custom"
    assert customise(default, telegram_ms=10).scenario == "custom"
    field_only = customise(default, only="field")
    assert field_only.field_run
    assert not field_only.capacity_run


def test_the_bench_command_passes_its_options_on(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["bench", "--quick", "--capacity", "--capacity-users", "2", "--capacity-concurrency"]

    code = main([*argv, "1"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "capacity: 2 customers, 1 at once," in out
    assert out.splitlines()[-1].startswith("RESULT step_p50_ms=- ")


def test_the_bench_command_refuses_a_think_time_it_cannot_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["bench", "--think", "6-2"])

    assert exit_info.value.code == 2
    assert "--think" in capsys.readouterr().err
