"""Staff sign-in: a success wipes the failures, and a refused password never reaches the logs."""

from __future__ import annotations

import logging

import pytest

from bot.sandbox.world import World
from bot.staff_sessions import SIGNIN_FAILURE_LIMIT
from tests.staff.people import STAFF_EMAIL, Person

WRONG = "Wrong-passw0rd-77"


async def test_a_successful_sign_in_gives_back_every_attempt(
    world: World, owner: Person, bob: Person
) -> None:
    for attempt in range(SIGNIN_FAILURE_LIMIT - 1):
        await bob.sign_in(password=f"wrong-{attempt}")
    await bob.sign_in()
    bob.assert_sees("signin.done", name="Sam Staff")
    await bob.send("/signout")

    await bob.send("/signin")
    await bob.send(STAFF_EMAIL)
    for attempt in range(1, SIGNIN_FAILURE_LIMIT):
        await bob.send(f"typo-{attempt}")
        bob.assert_sees("signin.wrong", attempts=SIGNIN_FAILURE_LIMIT - attempt)


@pytest.mark.parametrize("clickbook_down", [False, True], ids=["refused", "unavailable"])
async def test_a_password_that_did_not_sign_in_is_not_logged(
    world: World,
    owner: Person,
    bob: Person,
    caplog: pytest.LogCaptureFixture,
    clickbook_down: bool,
) -> None:
    caplog.set_level(logging.DEBUG)
    if clickbook_down:
        await world.fail_clickbook("LOGIN", "http500", times=4)

    await bob.sign_in(password=WRONG)

    assert bob.received_any("signin.unavailable" if clickbook_down else "signin.wrong")
    [logged] = [r.getMessage() for r in caplog.records if r.name == "bot.staff_sessions"]
    if clickbook_down:
        assert logged.startswith(f"staff {bob.id}: sign-in failed: ClickBook"), logged
    else:
        assert logged == f"staff {bob.id}: ClickBook refused a sign-in (ClickBookCredentialsError)"
    assert WRONG not in caplog.text
