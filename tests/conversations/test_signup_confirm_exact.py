"""What Confirm leaves behind, exactly: what ClickBook received and what the bot stored.

Other sign-up tests check a field or two; these pin the whole of it, so that a wrong key, a
dropped answer, a time off by a retry delay or a second account cannot pass unnoticed.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from bot.storage.records import Registration, RegistrationState
from tests.conftest import START
from tests.conversations.test_signup_reliability import count_seen
from tests.staff.test_invite_refusals import Wire
from tests.support.chat import customer
from tests.support.timing import no_sleep

SYDNEY = "Z=-10$DO=1$DL=10 1 1 4 1 1$ZX=66$ZN=AUS Eastern"
"""ClickBook's own value for the zone the customer picked (Sydney)."""
PHONE_REFUSED = (
    "Phone must be 6 to 15 digits, with no +, spaces or punctuation (for example 61412345678)."
)


class HeldEdit:
    """The network to Telegram; once ``armed``, the next screen edit waits for ``release``."""

    def __init__(self) -> None:
        self.armed = False
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    def wrap(self, inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        """Put this network in front of one of the bot's transports to Telegram."""
        return _Holding(inner, self)


class _Holding(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, held: HeldEdit) -> None:
        self.inner = inner
        self.held = held

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Hold the armed edit; pass everything on."""
        held = self.held
        if held.armed and request.url.path.endswith("/editMessageText"):
            held.armed = False
            held.holding.set()
            await held.release.wait()
        return await self.inner.handle_async_request(request)


@pytest.fixture
def telegram() -> HeldEdit:
    """The network between the bot and Telegram, shared by the bot's two transports."""
    return HeldEdit()


@pytest.fixture
def world_options(telegram: HeldEdit) -> dict[str, Any]:
    """The bot behind networks that can garble a SETUSERFIELDS and hold a screen edit."""
    return {
        "clickbook_sleep": no_sleep,
        "clickbook_network": Wire,
        "telegram_network": telegram.wrap,
    }


def wire(world: World) -> Wire:
    assert isinstance(world.clickbook_transport, Wire)
    return world.clickbook_transport


async def test_confirm_sends_every_answer_and_stores_the_registration_exactly(
    world: World, clock: ManualClock
) -> None:
    ann = customer(world, password="Secret123")
    await ann.start()
    await ann.fill_to()
    agreed = clock.now()
    clock.advance(timedelta(minutes=3))
    confirmed = clock.now()

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.done", name="Ann Lee")
    state = await world.clickbook_state()
    [stub] = state["stubs"]
    assert stub["fields"] == {
        "inp-firstname": "Ann",
        "inp-lastname": "Lee",
        "inp-telfixed": "61412345678",
        "inp-emailaddress1": "ann.lee@example.com",
        "inp-emailaddress2": "ann.lee@example.com",
        "inp-agreeterms": "1",
        "inp-timezone": SYDNEY,
        "inp-country": "Australia",
    }
    [user] = state["users"]
    assert (user["source"], user["email"], user["user"]) == (
        "self-service",
        "ann.lee@example.com",
        "CN=Ann Lee/O=ClickBook",
    )
    assert world.store is not None
    registration = await world.store.get_registration(ann.actor.id)
    assert registration is not None
    # Told, so nothing is due: what the retry time says then does not matter.
    assert replace(registration, next_attempt_at=None) == Registration(
        telegram_id=ann.actor.id,
        chat_id=ann.actor.id,
        stub_id=stub["id"],
        email="ann.lee@example.com",
        full_name="Ann Lee",
        language="en",
        state=RegistrationState.ACTIVE,
        clickbook_user="CN=Ann Lee/O=ClickBook",
        attempts=0,
        next_attempt_at=None,
        last_error_code=None,
        failure_reason=None,
        user_notified_at=confirmed,
        created_at=confirmed,
        updated_at=confirmed,
        terms_accepted_at=agreed,
    )
    assert agreed == START


async def test_an_answer_clickbook_refuses_at_confirm_is_asked_again_and_counted(
    world: World,
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to()
    wire(world).garble = (b"61412345678", b"6141234567x")

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.fix_named", fields="Phone")
    ann.assert_sees("submit.field_error", detail=PHONE_REFUSED)
    ann.assert_asks("phone")
    assert (await world.clickbook_state())["stubs"] == []
    assert world.store is not None
    assert await world.store.get_registration(ann.actor.id) is None
    # ClickBook looked at it: the submission counts towards the daily cap.
    day_ago = world.clock() - timedelta(days=1)
    assert await world.store.count_signup_attempts(ann.actor.id, day_ago) == 1
    await ann.fill_to(start_at="phone", stop_before="country")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")


async def test_the_job_leaves_the_result_to_the_confirm_that_is_telling_it(
    world: World, telegram: HeldEdit
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to()
    held = telegram
    held.armed = True

    confirming = asyncio.create_task(ann.tap("summary.confirm"))
    await asyncio.wait_for(held.holding.wait(), 5)
    # The account is active and the customer is being told: not the job's to tell again.
    await world.run_jobs()
    held.release.set()
    await asyncio.wait_for(confirming, 5)

    assert count_seen(ann, "submit.done", name="Ann Lee") == 1
    assert count_seen(ann, "submit.active", name="Ann Lee") == 0
