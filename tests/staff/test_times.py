"""Dates and times staff read are in their language and the business's zone, zone named."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.config import Settings
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from bot.staff_sessions import SIGNIN_FAILURE_LIMIT
from tests.staff.people import Person, person


@pytest.fixture
def settings() -> Settings:
    """A business in Berlin (the clock starts on 2 March 2026, 09:30 UTC: 10:30 there)."""
    return Settings(business_timezone="Europe/Berlin", terms_url="https://example.com/terms")


async def locked_out_member(world: World, owner: Person, language: str) -> Person:
    """A staff member who typed a wrong password as often as the limit allows."""
    member = person(world, "Bea", "Berger", language=language)
    await member.open_link(await owner.make_link())
    for attempt in range(SIGNIN_FAILURE_LIMIT):
        await member.sign_in(password=f"wrong-{attempt}")
    return member


async def test_the_retry_time_is_in_the_members_language_and_the_business_zone(
    world: World, owner: Person
) -> None:
    bea = await locked_out_member(world, owner, "de")

    await bea.sign_in()

    assert bea.sees_only("signin.limited")
    # The failures were at 09:30 UTC on 2 March; the limit lifts 24 hours later, to the
    # minute (09:30 or 09:31 UTC), which Berlin (UTC+1 until the end of March) calls 10:30.
    assert re.search(r"3\. März 2026, 10:3[01] MEZ \(in 1 Tag\)", bea.last_text), bea.last_text
    assert "AM" not in bea.last_text
    assert "PM" not in bea.last_text


async def test_a_near_retry_time_says_how_soon(
    world: World, owner: Person, clock: ManualClock
) -> None:
    bea = await locked_out_member(world, owner, "en")
    clock.advance(timedelta(hours=23, minutes=45))

    await bea.sign_in()

    # English in a German business: the British-style date of Babel's en_DE, and CET.
    assert re.search(r"3 Mar 2026, 10:3[01] CET \(in 1[56] minutes\)", bea.last_text), (
        bea.last_text
    )


async def test_a_zone_without_a_short_name_in_the_language_shows_its_offset(
    world: World, owner: Person
) -> None:
    vera = await locked_out_member(world, owner, "ru")

    await vera.sign_in()

    # CLDR has no Russian abbreviation for Central European Time: the offset then in force.
    assert re.search(
        r"3 мар\. 2026\s?г\., 10:3[01] GMT\+01:00 \(через 1 день\)", vera.last_text
    ), vera.last_text
