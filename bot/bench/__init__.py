"""``clickbot bench``: the bot in the field (customers over networks) and at full capacity.

Two runs, each in :class:`bot.sandbox.world.World` (the real application between the Telegram
emulator and the ClickBook sandbox, all in this process), each customer playing the whole
sign-up (:func:`bot.bench.customers.signup_actions`, 14 actions ending in Confirm):

- the *field* run (:mod:`bot.bench.field`): the production path (the application's update
  processor, the rate limiter on) behind networks that only add latency
  (:mod:`bot.bench.network`), customers arriving over a period and thinking between actions
  (:mod:`bot.bench.population`); reply latency, sign-ups, Bot API calls per sign-up;
- the *capacity* run (:mod:`bot.bench.capacity`): no latency, no pauses, the bot against a
  bare PTB application; updates per second and the overhead.

:mod:`bot.bench.report` prints them, :mod:`bot.bench.options` names the scenarios.
"""

from bot.bench.command import run_bench
from bot.bench.options import BenchOptions, customise, preset

__all__ = ["BenchOptions", "customise", "preset", "run_bench"]
