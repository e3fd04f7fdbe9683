"""The owner's numbers (issue 10, items 2 and 3): ``/stats`` in Telegram, ``clickbot stats`` on
the command line, and the metrics that move as customers sign up, stop, and are invited.

Customers sign up and stop through the test world; the owner reads what they see. Only
aggregates are kept: no table of the numbers names anyone.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from bot.cli import main
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from bot.services import Services
from bot.stats import SIGNUP_FLOW, SIGNUP_STEPS, STARTED, STARTED_KEY, SUMMARY_STEP
from conversations.form import SCRATCH_PREFIX
from conversations.signup import FLOW, Step
from tests.staff.people import Person, accept, person
from tests.support.chat import Customer, customer

BEN = {"first_name": "Ben"}


@pytest.fixture
def clock() -> ManualClock:
    """Real time: ``clickbot stats`` counts days back from the machine's clock, not the world's."""
    return ManualClock(datetime.now(UTC))


def services_of(world: World) -> Services:
    assert world.application is not None
    services: Services = world.application.bot_data["services"]
    return services


def sample(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


async def signs_up_in(clock: ManualClock, someone: Customer, minutes: int) -> None:
    """Start, take ``minutes`` over the form, confirm."""
    await someone.start()
    clock.advance(timedelta(minutes=minutes))
    await someone.fill_to()
    await someone.tap("summary.confirm")


async def test_the_owner_sees_sign_ups_where_customers_stop_and_invitations(
    world: World, clock: ManualClock, owner: Person, bob: Person
) -> None:
    cleo = customer(world, first_name="Cleo", phone="+61412000011", email="cleo@example.com")
    await cleo.start()
    await cleo.fill_to("email")
    clock.advance(timedelta(days=1, minutes=1))
    ann = customer(world, phone="+61412000012", email="ann@example.com")
    await signs_up_in(clock, ann, 4)
    ann.assert_sees("submit.done", name="Ann Lee")
    # Ben's account is finished by the background job: ClickBook fails the activation first.
    ben = customer(world, phone="+61412000013", email="ben@example.com", answers=BEN)
    await world.fail_clickbook("PROCESSREGSTUB", "http500", times=10)
    await signs_up_in(clock, ben, 5)
    ben.assert_sees("submit.pending")
    await world.control("DELETE", "/_sandbox/faults")
    clock.advance(timedelta(minutes=1))
    await world.run_jobs()  # finishes Ben, counts Cleo's form as left at the email step
    await world.settled()
    ben.assert_sees("submit.done", name="Ben Lee")
    await bob.sign_in()
    await bob.invite(email="dana@example.com")
    await accept(world, "dana@example.com")
    clock.advance(timedelta(minutes=10))
    await world.run_jobs()
    await world.settled()

    await owner.send("/stats")

    text = owner.last_text
    assert "Sign-ups: 2 today · 2 in 7 days · 2 in 30 days" in text
    assert "Forms started: 2 today · 3 in 7 days · 3 in 30 days" in text
    assert "Invitations sent: 1 today" in text
    assert "Invitations accepted: 1 today" in text
    assert "ClickBook errors: 1 today · 1 in 7 days · 1 in 30 days" in text
    # Ann took 4 minutes, Ben 5 and one more waiting for the job: the median is 5 minutes.
    assert "Median time to sign up (30 days): 5 minutes" in text
    assert "• Email: 1" in text
    registry = services_of(world).metrics.registry
    assert sample(registry, "clickbot_signups_started_total") == 3
    assert sample(registry, "clickbot_signups_completed_total") == 2
    assert sample(registry, "clickbot_signups_abandoned_total", step="email") == 1
    assert sample(registry, "clickbot_invitations_sent_total") == 1
    assert sample(registry, "clickbot_invitations_accepted_total") == 1


async def test_the_numbers_are_in_the_owners_language(world: World, clock: ManualClock) -> None:
    olga = person(world, "Olga", "Owner", language="de")
    ann = customer(world, phone="+61412000012", email="ann@example.com")
    await signs_up_in(clock, ann, 2)

    await olga.send("/stats")

    assert "Registrierungen: 1 heute · 1 in 7 Tagen · 1 in 30 Tagen" in olga.last_text
    assert "2 Minuten" in olga.last_text


async def test_staff_and_customers_are_told_the_numbers_are_for_owners(
    world: World, owner: Person, bob: Person
) -> None:
    ann = customer(world, phone="+61412000012")

    await bob.send("/stats")
    await ann.send("/stats")

    bob.assert_sees("stats.owners_only")
    ann.assert_sees("stats.owners_only")
    assert "Sign-ups" not in bob.last_text + ann.actor.last.text


async def test_only_aggregates_are_stored(world: World, clock: ManualClock, owner: Person) -> None:
    ann = customer(world, phone="+61412000012", email="ann@example.com")
    await signs_up_in(clock, ann, 3)
    cleo = customer(world, first_name="Cleo", phone="+61412000011", email="cleo@example.com")
    await cleo.start()
    await cleo.fill_to("phone")
    clock.advance(timedelta(days=2))
    await world.run_jobs()

    with sqlite3.connect(world.database) as db:
        rows = db.execute("SELECT * FROM funnel_events").fetchall()
        columns = [c[1] for c in db.execute("PRAGMA table_info(funnel_events)")]
    assert columns == ["kind", "day", "step", "seconds"]
    assert sorted(row[0] for row in rows) == [
        "signup_abandoned",
        "signup_completed",
        "signup_started",
        "signup_started",
    ]
    dumped = repr(rows)
    for personal in (str(ann.actor.id), str(cleo.actor.id), "ann@example.com", "Cleo", "61412"):
        assert personal not in dumped


async def test_a_form_left_twice_counts_twice_and_once_per_idle_spell(
    world: World, clock: ManualClock, owner: Person
) -> None:
    cleo = customer(world, first_name="Cleo", phone="+61412000011")
    await cleo.start()
    await cleo.fill_to("email")
    clock.advance(timedelta(days=1, minutes=1))
    await world.run_jobs()
    await world.run_jobs()
    await cleo.send("/start")
    await cleo.fill_to("country", start_at="email")
    clock.advance(timedelta(days=1, minutes=1))
    await world.run_jobs()

    await owner.send("/stats")

    assert "• Email: 1" in owner.last_text
    assert "• Country: 1" in owner.last_text


async def test_old_events_are_deleted_by_housekeeping(
    world: World, clock: ManualClock, owner: Person
) -> None:
    ann = customer(world, phone="+61412000012")
    await signs_up_in(clock, ann, 3)

    clock.advance(timedelta(days=91))
    await world.run_jobs()

    with sqlite3.connect(world.database) as db:
        assert db.execute("SELECT count(*) FROM funnel_events").fetchone() == (0,)


async def test_clickbot_stats_prints_the_same_numbers(
    world: World,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    ann = customer(world, phone="+61412000012", email="ann@example.com")
    await signs_up_in(clock, ann, 3)
    monkeypatch.setenv("CLICKBOT_DATABASE", str(world.database))
    monkeypatch.setenv("CLICKBOT_BUSINESS_TIMEZONE", world.settings.business_timezone)

    code = await asyncio.to_thread(
        main, ["stats", "--env-file", str(tmp_path / "none.env"), "--language", "es"]
    )

    out = capsys.readouterr().out
    assert code == 0
    assert "Registros: 1 hoy · 1 en 7 días · 1 en 30 días" in out
    assert "3 minutos" in out


def test_the_numbers_name_the_forms_own_steps() -> None:
    assert SIGNUP_FLOW == FLOW
    assert (*SIGNUP_STEPS, SUMMARY_STEP) == tuple(Step)
    assert STARTED_KEY == SCRATCH_PREFIX + STARTED


async def test_a_submission_waiting_a_day_for_clickbook_is_not_a_form_left(
    world: World, clock: ManualClock, owner: Person
) -> None:
    ann = customer(world, phone="+61412000012")
    await ann.start()
    await ann.fill_to()
    await world.fail_clickbook("PROCESSREGSTUB", "http500", times=1000)
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.pending")
    clock.advance(timedelta(days=1, minutes=1))
    await world.run_jobs()

    await owner.send("/stats")

    owner.assert_sees("stats.abandoned_none")
