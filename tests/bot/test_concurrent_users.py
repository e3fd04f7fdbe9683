"""Different customers are served at once; one customer's updates are handled in order.

Every update goes through the application's own update processor (``World`` delivers through
it, as production's update fetcher does). Customers act at once with ``asyncio.gather``;
ClickBook's slowness is played at the HTTP boundary, by a transport that answers one
customer's SETUSERFIELDS late, as a slow network would.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from bot.config import Settings
from bot.sandbox.world import World
from tests.support.chat import Customer, bot_problems, customer, visible
from tests.support.timing import no_sleep

SLOW_EMAIL = b"slow.sam@example.com"
SLOW_SECONDS = 2.0


class SlowForOneCustomer(httpx.AsyncBaseTransport):
    """ClickBook, answering the SETUSERFIELDS of ``SLOW_EMAIL`` ``SLOW_SECONDS`` late."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.held = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Delay the slow customer's account creation; pass everything on."""
        body = request.content if request.stream is not None else b""
        if b"SETUSERFIELDS" in body and SLOW_EMAIL in body:
            self.held.set()
            await asyncio.sleep(SLOW_SECONDS)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def world_options() -> dict[str, Any]:
    """The bot with one customer's ClickBook calls slow."""
    return {"clickbook_sleep": no_sleep, "clickbook_network": SlowForOneCustomer}


async def sandbox_users(world: World) -> dict[str, dict[str, Any]]:
    state = await world.clickbook_state()
    return {user["email"]: user for user in state["users"]}


async def test_a_slow_clickbook_call_delays_only_its_own_customer(world: World) -> None:
    transport = world.clickbook_transport
    assert isinstance(transport, SlowForOneCustomer)
    sam = customer(world, first_name="Sam", email=SLOW_EMAIL.decode(), phone="+61412000001")
    sam.answers["first_name"] = "Sam"
    ann = customer(world, phone="+61412000002")
    await sam.start()
    await sam.fill_to()
    sam_confirms = asyncio.create_task(sam.tap("summary.confirm"))
    await transport.held.wait()

    started = time.perf_counter()
    await ann.sign_up()
    ann_took = time.perf_counter() - started

    assert not sam_confirms.done(), "Sam's account was created before Ann finished"
    assert ann_took < SLOW_SECONDS / 2, f"Ann waited {ann_took:.2f} s behind Sam's ClickBook call"
    ann.assert_sees("submit.done", name="Ann Lee")
    await sam_confirms
    sam.assert_sees("submit.done", name="Sam Lee")
    assert set(await sandbox_users(world)) == {SLOW_EMAIL.decode(), ann.email}
    assert bot_problems(world) == []


async def test_messages_sent_at_once_are_answered_in_order(world: World) -> None:
    ann = customer(world)
    await ann.start()

    await asyncio.gather(ann.send("Ann"), ann.send("Lee"), ann.send(ann.email))

    assert await ann.draft_answers() == {"first_name": "Ann", "last_name": "Lee"}
    ann.assert_sees("email.check", email=ann.email)
    assert bot_problems(world) == []


async def test_a_double_tap_counts_once_and_in_order(world: World) -> None:
    ann = customer(world)
    await ann.send("/start")

    start = ann.label("start.begin")  # a reply-keyboard button: a double press sends it twice
    await asyncio.gather(ann.actor.send(start), ann.actor.send(start))
    await ann.send("Ann")

    assert await ann.draft_answers() == {"first_name": "Ann"}
    ann.assert_asks("last_name")


async def test_two_customers_interleaving_every_step_get_their_own_accounts(world: World) -> None:
    ann = customer(world, phone="+61412000002")
    bob = customer(
        world, first_name="Bob", last_name="Stone", email="bob@example.com", phone="+61412000003"
    )
    bob.answers.update(first_name="Bob", last_name="Stone")
    bob.password = "Other456"

    async def both(step: str) -> None:
        await asyncio.gather(*(getattr(person, step)() for person in (ann, bob)))

    await both("start")
    for step in ("_first_name", "_last_name", "_email", "_phone", "_country", "_timezone"):
        await both(step)
    await both("_password")
    await both("_terms")
    assert (await ann.draft_answers())["email"] == ann.email
    assert (await bob.draft_answers())["email"] == bob.email
    await asyncio.gather(ann.tap("summary.confirm"), bob.tap("summary.confirm"))

    ann.assert_sees("submit.done", name="Ann Lee")
    bob.assert_sees("submit.done", name="Bob Stone")
    users = await sandbox_users(world)
    assert users[ann.email]["first_name"] == "Ann"
    assert users[bob.email]["first_name"] == "Bob"
    assert users[bob.email]["last_name"] == "Stone"
    assert bot_problems(world) == []


@pytest.fixture
def settings() -> Settings:
    """A small backlog, so a flood is easy to make."""
    return Settings(
        business_timezone="Australia/Sydney", terms_url="https://example.com/terms", user_backlog=3
    )


def times_seen(person: Customer, key: str) -> int:
    text = visible(person.t(key))
    return sum(text in (message.text or "") for message in person.actor.bot_messages)


async def test_a_flood_is_cut_short_once_politely_and_delays_nobody_else(world: World) -> None:
    ann = customer(world, phone="+61412000002")
    flooder = customer(world, first_name="Flo", email="flo@example.com", phone="+61412000004")
    await ann.start()
    await flooder.start()
    answered_before = len(flooder.actor.bot_messages)

    flood = [flooder.send(f"line {number}") for number in range(30)]
    await asyncio.gather(*flood, ann.send("Ann"))

    assert times_seen(flooder, "errors.catching_up") == 1
    assert await ann.draft_answers() == {"first_name": "Ann"}
    ann.assert_asks("last_name")
    # The backlog's worth of lines was read, in order; the rest was dropped.
    answers = await flooder.draft_answers()
    assert (answers["first_name"], answers["last_name"]) == ("line 0", "line 1")
    assert len(flooder.actor.bot_messages) - answered_before <= 3 + 1
    # Once the backlog drained, the flooder is heard again.
    await flooder.send(flooder.email)
    flooder.assert_sees("email.check", email=flooder.email)
