"""Fixtures of the staff tests: a world with an owner, a secret key and instant retries."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.crypto import new_secret_key
from bot.sandbox.world import World
from tests.staff.people import Person, person
from tests.support.timing import no_sleep

OWNER_ID = 10_000_001
"""The emulator numbers users from here, so the first user created is the owner."""


@pytest.fixture
def staff_settings(settings: Settings) -> Settings:
    """Settings with one owner and a valid secret key."""
    return settings.model_copy(
        update={"owner_ids": frozenset({OWNER_ID}), "secret_key": SecretStr(new_secret_key())}
    )


@pytest.fixture
def world_options(staff_settings: Settings) -> dict[str, Any]:
    """The real bot with an owner and a secret key configured, and instant retries."""
    return {"settings": staff_settings, "clickbook_sleep": no_sleep}


def behind(staff_settings: Settings, network: Any) -> dict[str, Any]:
    """The staff world's options with ``network`` between the bot and ClickBook."""
    return {"settings": staff_settings, "clickbook_sleep": no_sleep, "clickbook_network": network}


@pytest.fixture
def owner(world: World) -> Person:
    """Olga, the owner configured in CLICKBOT_OWNER_IDS."""
    olga = person(world, "Olga", "Owner")
    assert olga.id == OWNER_ID
    return olga


async def joined(owner: Person, first_name: str, last_name: str) -> Person:
    """A new person who became staff through a link of ``owner``'s (not signed in yet)."""
    member = person(owner.world, first_name, last_name)
    await member.open_link(await owner.make_link())
    member.assert_sees("staff.link.joined")
    return member


@pytest.fixture
async def bob(owner: Person) -> Person:
    """Bob, who became staff through Olga's link (not signed in yet)."""
    return await joined(owner, "Bob", "Baker")


@pytest.fixture
async def carol(owner: Person) -> Person:
    """Carol, who became staff through another of Olga's links (not signed in yet)."""
    return await joined(owner, "Carol", "Cook")
