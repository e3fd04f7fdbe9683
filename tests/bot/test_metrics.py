"""The Prometheus metrics move as customers use the bot (issue 10, item 2): updates, Bot API
calls and 429s, ClickBook operations with their latency and errors, the registrations queue.

The bot runs with its production rate limiter (which counts the Bot API calls); the metrics
are read from the exposition ``/metrics`` serves, parsed back with prometheus-client.
"""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import Metrics
from bot.sandbox.world import World
from bot.services import Services
from bot.status_server import scrape_of
from tests.support.chat import SIGN_UP_ACTIONS, customer
from tests.support.timing import SkippedTime, no_sleep


@pytest.fixture
def world_options() -> dict[str, Any]:
    """The bot with its production rate limiter (on a clock that skips its waits), and
    ClickBook retries without waiting."""
    return {"rate_limiter": True, "clickbook_sleep": no_sleep} | SkippedTime().for_the_limiter()


async def scraped(world: World) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Return what ``/metrics`` would answer now, as {(name, labels): value}."""
    assert world.application is not None
    services: Services = world.application.bot_data["services"]
    text = (await scrape_of(services)()).decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


async def test_a_sign_up_moves_the_update_telegram_and_clickbook_metrics(world: World) -> None:
    ann = customer(world)
    await ann.sign_up()
    await world.settled()

    found = await scraped(world)

    assert value(found, "clickbot_updates_total", outcome="processed") == SIGN_UP_ACTIONS
    assert value(found, "clickbot_update_seconds_count") == SIGN_UP_ACTIONS
    assert value(found, "clickbot_telegram_calls_total", endpoint="sendMessage") >= 1
    assert value(found, "clickbot_telegram_calls_total", endpoint="editMessageText") >= 1
    assert (
        value(found, "clickbot_clickbook_calls_total", operation="SETUSERFIELDS", outcome="ok")
        == 1
    )
    assert (
        value(found, "clickbot_clickbook_calls_total", operation="PROCESSREGSTUB", outcome="ok")
        == 1
    )
    assert value(found, "clickbot_clickbook_seconds_count", operation="SETUSERFIELDS") == 1
    assert value(found, "clickbot_signups_started_total") == 1
    assert value(found, "clickbot_signups_completed_total") == 1
    assert value(found, "clickbot_pending_registrations") == 0
    text = repr(found)
    assert str(ann.actor.id) not in text
    assert ann.email not in text


async def test_a_flood_limit_is_counted_per_endpoint(world: World) -> None:
    ann = customer(world)
    await ann.start()
    world.emulator.fail_next("sendMessage", status=429, retry_after=1)

    await ann.send("Ann")

    ann.assert_asks("last_name")
    found = await scraped(world)
    assert value(found, "clickbot_telegram_retry_after_total", endpoint="sendMessage") == 1


async def test_a_clickbook_failure_is_counted_with_its_class_and_the_queue_shows_it(
    world: World,
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to()
    await world.fail_clickbook("PROCESSREGSTUB", "http500", times=10)

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.pending")
    found = await scraped(world)
    failures = {
        dict(labels)["outcome"]: count
        for (name, labels), count in found.items()
        if name == "clickbot_clickbook_calls_total"
        and dict(labels)["operation"] == "PROCESSREGSTUB"
    }
    assert failures.get("ok", 0) == 0
    assert sum(failures.values()) == 1
    assert value(found, "clickbot_pending_registrations") == 1


def test_each_application_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()

    first.signups_started.inc()

    assert first.registry.get_sample_value("clickbot_signups_started_total") == 1
    assert second.registry.get_sample_value("clickbot_signups_started_total") == 0
