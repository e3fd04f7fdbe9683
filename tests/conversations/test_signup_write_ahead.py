"""The submission is recorded before SETUSERFIELDS, and its StubID right after (issue 8, item 6).

The database's refusals are made at the SQLite level, as a full disk would refuse: a trigger
that a second connection (an operator's shell, say) adds to the bot's own file aborts the
chosen write. ClickBook's side is read from the sandbox and from a counting network between
the bot and the sandbox.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bot.config import Settings
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from bot.signup import STUB_LIFETIME
from tests.conversations.test_signup_reliability import signup_log
from tests.support.chat import Customer, customer
from tests.support.timing import no_sleep

FLOW = "su"


class CountingNetwork(httpx.AsyncBaseTransport):
    """The network to ClickBook, counting the self-service SETUSERFIELDS that cross it."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.registrations = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Count a NewUserRegistration, pass everything on."""
        body = await request.aread()
        if b"SETUSERFIELDS" in body and b"NewUserRegistration" in body:
            self.registrations += 1
        return await self.inner.handle_async_request(request)


@pytest.fixture
def settings() -> Settings:
    """Two submissions a day, so that the cap is reached quickly."""
    return Settings(
        business_timezone="Australia/Sydney",
        terms_url="https://example.com/terms",
        signups_per_day=2,
    )


@pytest.fixture
def world_options() -> dict[str, Any]:
    """The bot behind a counting network, with instant ClickBook retries."""
    return {"clickbook_sleep": no_sleep, "clickbook_network": CountingNetwork}


def network(world: World) -> CountingNetwork:
    assert isinstance(world.clickbook_transport, CountingNetwork)
    return world.clickbook_transport


def refuse(world: World, trigger: str, event: str, when: str = "") -> None:
    """Make the database abort one kind of write, as a full disk would."""
    with sqlite3.connect(world.database) as conn:
        conn.execute(
            f"CREATE TRIGGER {trigger} {event} ON registrations {when} "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )


def accept_writes(world: World, trigger: str) -> None:
    """Take a refusal made by :func:`refuse` away again."""
    with sqlite3.connect(world.database) as conn:
        conn.execute(f"DROP TRIGGER {trigger}")


async def at_summary(world: World) -> Customer:
    ann = customer(world)
    await ann.start()
    await ann.fill_to()
    ann.assert_sees("summary.title")
    return ann


async def test_when_the_first_write_fails_clickbook_is_not_called(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    ann = await at_summary(world)
    refuse(world, "full_disk", "BEFORE INSERT")

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.not_saved")
    ann.assert_sees("summary.title")
    assert signup_log(caplog) == [
        f"could not record the submission of user {ann.actor.id}: IntegrityError"
    ]
    assert network(world).registrations == 0
    assert (await world.clickbook_state())["stubs"] == []
    assert world.store is not None
    assert await world.store.get_registration(ann.actor.id) is None
    draft = await world.store.get_draft(ann.actor.id, FLOW)
    assert draft is not None
    assert draft.fields["email"] == ann.email

    accept_writes(world, "full_disk")
    await ann.tap("summary.confirm")

    ann.assert_sees("submit.done", name="Ann Lee")
    assert network(world).registrations == 1


async def test_when_the_stub_id_write_fails_the_row_stays_and_retries_stay_capped(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    ann = await at_summary(world)
    refuse(world, "full_disk", "BEFORE UPDATE OF stub_id", "WHEN NEW.stub_id IS NOT NULL")

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.stub_unsaved")
    assert signup_log(caplog) == [
        f"could not store the StubID of user {ann.actor.id}: IntegrityError"
    ]
    assert world.store is not None
    unknown = await world.store.get_registration(ann.actor.id)
    assert unknown is not None
    assert (unknown.state, unknown.stub_id) == ("submitting", None)
    assert len((await world.clickbook_state())["stubs"]) == 1

    # The stub nobody can finish blocks the address: said as it is, and counted.
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.uncertain_taken")
    await ann.send("ann.other@example.com")
    await ann.choose("email.yes")
    ann.assert_sees("summary.title")

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.limited")
    assert network(world).registrations == 2
    assert len((await world.clickbook_state())["stubs"]) == 1


async def test_a_submission_without_a_stored_stub_id_is_given_up_once_the_stub_expired(
    world: World, clock: ManualClock
) -> None:
    ann = await at_summary(world)
    refuse(world, "full_disk", "BEFORE UPDATE OF stub_id", "WHEN NEW.stub_id IS NOT NULL")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.stub_unsaved")
    accept_writes(world, "full_disk")

    clock.advance(timedelta(hours=2))
    await world.run_jobs()
    assert world.store is not None
    waiting = await world.store.get_registration(ann.actor.id)
    assert waiting is not None
    assert waiting.state == "submitting"
    assert not ann.sees("submit.expired")

    clock.advance(STUB_LIFETIME)
    await world.run_jobs()
    await world.run_jobs()

    assert [m.text for m in ann.actor.bot_messages].count(ann.actor.last.text) == 1
    ann.assert_sees("submit.expired")
    given_up = await world.store.get_registration(ann.actor.id)
    assert given_up is not None
    assert given_up.state == "failed"

    clock.advance(timedelta(days=1))
    await ann.send("/start")
    await ann.type_password()  # asked again: it left memory long ago
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")
