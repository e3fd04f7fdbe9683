"""/signout while ClickBook cannot be reached: the bot forgets the sign-in anyway, and says why."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

import pytest

from bot.config import Settings
from bot.crypto import CredentialCipher
from bot.sandbox.world import World
from tests.staff.conftest import behind
from tests.staff.people import STAFF_PASSWORD, Person
from tests.support.network import SignOutDown


@pytest.fixture
def world_options(staff_settings: Settings) -> dict[str, Any]:
    """The staff world behind a network where ClickBook's sign-out page is down."""
    # The HTTP boundary, not our code.
    return behind(staff_settings, partial(SignOutDown, unreachable=True))


async def test_signing_out_while_clickbook_is_unreachable_still_forgets_the_sign_in(
    world: World, owner: Person, bob: Person, caplog: pytest.LogCaptureFixture
) -> None:
    await bob.sign_in()
    assert world.store is not None
    assert world.settings.secret_key is not None
    blob = await world.store.get_staff_credentials(bob.id)
    cookie = CredentialCipher(world.settings.secret_key).open(blob or b"").cookie
    caplog.set_level(logging.DEBUG)

    await bob.send("/signout")

    bob.assert_sees("signout.done")
    assert await world.store.get_staff_credentials(bob.id) is None
    [logged] = [r.getMessage() for r in caplog.records if r.name == "bot.staff_sessions"]
    assert logged.startswith(f"staff {bob.id}: ClickBook sign-out failed: ClickBook LOGOUT: ")
    assert cookie.get_secret_value() not in caplog.text
    assert STAFF_PASSWORD not in caplog.text
    await bob.send("/invite")
    bob.assert_sees("invite.sign_in_first")
