"""The sign-in limit counts per ClickBook account too, not only per staff member (issue 8, item 8).

ClickBook locks an account after five failed sign-ins in a row; the bot allows three per day.
Counted per Telegram user only, two staff members mistyping the same account's password
would reach six. What ClickBook saw is read from a network between the bot and the sandbox
that counts the LoginOK requests per email, and from the sandbox's failure count.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import re
import sqlite3
from collections import Counter
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.crypto import new_secret_key
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from bot.staff_sessions import SIGNIN_FAILURE_LIMIT
from tests.staff.conftest import behind
from tests.staff.people import STAFF_EMAIL, STAFF_PASSWORD, Person, person
from tests.staff.test_invite import NEW_PASSWORD, change_staff_password
from tests.support.network import HeldSignIn


class LoginCounter(HeldSignIn):
    """The network to ClickBook, counting the sign-ins (LoginOK) per email.

    Once ``armed``, it holds the next sign-in until ``release`` is set.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        super().__init__(inner)
        self.logins: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Count a LoginOK by the email in its Basic credentials; hold it if armed."""
        if "loginok" in request.url.path.lower():
            credentials = request.headers["Authorization"].removeprefix("Basic ")
            email = base64.b64decode(credentials).decode().split(":", 1)[0]
            self.logins[email.strip().lower()] += 1
        return await super().handle_async_request(request)


@pytest.fixture
def world_options(staff_settings: Settings) -> dict[str, Any]:
    """The staff world behind a network that counts sign-ins."""
    return behind(staff_settings, LoginCounter)  # the HTTP boundary, not our code


def network(world: World) -> LoginCounter:
    assert isinstance(world.clickbook_transport, LoginCounter)
    return world.clickbook_transport


def logins(world: World, email: str = STAFF_EMAIL) -> int:
    return network(world).logins[email.lower()]


def failures_at_clickbook(world: World) -> tuple[int, bool]:
    """Return ClickBook's consecutive failures for the staff account, and whether it is locked."""
    attempts = world.sandbox.state.sandbox.attempts[STAFF_EMAIL.lower()]
    return attempts.failures, attempts.locked_until is not None


async def carol_after_bob_used_the_attempts(world: World, owner: Person, bob: Person) -> Person:
    """Make Carol staff, then let Bob use up the staff account's attempts."""
    carol = person(world, "Carol", "Cook")
    await carol.open_link(await owner.make_link())
    for attempt in range(SIGNIN_FAILURE_LIMIT):
        await bob.sign_in(password=f"wrong-{attempt}")
    return carol


async def test_two_staff_members_share_the_accounts_three_attempts(
    world: World, owner: Person, bob: Person
) -> None:
    carol = await carol_after_bob_used_the_attempts(world, owner, bob)

    for attempt in range(SIGNIN_FAILURE_LIMIT):
        # The same account, however it is typed.
        await carol.sign_in(email=f"  {STAFF_EMAIL.upper()} ", password=f"typo-{attempt}")
        assert carol.sees_only("signin.limited")
    await carol.sign_in()

    assert carol.sees_only("signin.limited")
    assert "(in 1 day)" in carol.last_text  # when Bob's failures leave the window
    # Three, two below ClickBook's lockout at five, whoever types them.
    assert logins(world) == 3
    assert failures_at_clickbook(world) == (3, False)


async def test_the_accounts_last_attempt_says_when_the_account_is_free_again(
    world: World, bob: Person, carol: Person
) -> None:
    for attempt in range(SIGNIN_FAILURE_LIMIT - 1):
        await bob.sign_in(password=f"wrong-{attempt}")

    await carol.sign_in(password="typo")  # her first failure, the account's last

    carol.assert_sees("signin.wrong_last")
    assert "(in 1 day)" in carol.last_text


async def test_a_successful_sign_in_clears_the_accounts_failures_for_everyone(
    world: World, bob: Person, carol: Person
) -> None:
    for attempt in range(SIGNIN_FAILURE_LIMIT - 1):
        await carol.sign_in(password=f"typo-{attempt}")
    await bob.sign_in()  # ClickBook forgets the account's failures; so does the bot
    bob.assert_sees("signin.done", name="Sam Staff")

    await carol.sign_in(password="typo-again")

    carol.assert_sees("signin.wrong", attempts=SIGNIN_FAILURE_LIMIT - 1)


async def test_two_staff_members_signing_in_at_once_do_not_both_use_the_last_attempt(
    world: World, owner: Person, bob: Person
) -> None:
    carol = person(world, "Carol", "Cook")
    await carol.open_link(await owner.make_link())
    for attempt in range(SIGNIN_FAILURE_LIMIT - 1):
        await bob.sign_in(password=f"wrong-{attempt}")
    await carol.send("/signin")
    await carol.send(STAFF_EMAIL)
    await bob.send("/signin")
    await bob.send(STAFF_EMAIL)

    network(world).armed = True
    bobs = asyncio.create_task(bob.send("wrong-last"))
    await asyncio.wait_for(network(world).holding.wait(), 5)
    carols = asyncio.create_task(carol.send("typo-last"))
    # Carol's attempt has begun (the bot shows it is working) while Bob's is at ClickBook.
    await asyncio.wait_for(
        world.emulator.wait_until(
            lambda: any(
                call.method == "sendChatAction"
                and str(call.params.get("chat_id")) == str(carol.id)
                for call in world.emulator.calls
            )
        ),
        5,
    )
    network(world).release.set()
    await asyncio.wait_for(asyncio.gather(bobs, carols), 5)

    assert logins(world) == SIGNIN_FAILURE_LIMIT
    assert carol.sees_only("signin.limited")
    assert failures_at_clickbook(world) == (SIGNIN_FAILURE_LIMIT, False)


async def test_a_slow_sign_in_to_one_account_holds_up_no_other_account(
    world: World, bob: Person, carol: Person
) -> None:
    await bob.send("/signin")
    await bob.send(STAFF_EMAIL)
    network(world).armed = True
    bobs = asyncio.create_task(bob.send(STAFF_PASSWORD))
    await asyncio.wait_for(network(world).holding.wait(), 5)

    # Only sign-ins to the same account wait for each other.
    await asyncio.wait_for(carol.sign_in(email="someone.else@sandbox.example"), 5)

    carol.assert_sees("signin.wrong", attempts=SIGNIN_FAILURE_LIMIT - 1)
    network(world).release.set()
    await asyncio.wait_for(bobs, 5)
    bob.assert_sees("signin.done", name="Sam Staff")


async def test_a_failed_renewal_counts_towards_the_account(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    carol = person(world, "Carol", "Cook")
    await carol.open_link(await owner.make_link())
    await bob.sign_in()
    await bob.invite()
    change_staff_password(world)
    for attempt in range(SIGNIN_FAILURE_LIMIT - 1):
        await carol.sign_in(password=f"typo-{attempt}")
    clock.advance(timedelta(hours=1))  # Bob's session expired: the poll must renew it

    await world.run_jobs()
    await carol.sign_in(password=NEW_PASSWORD)

    assert carol.sees_only("signin.limited")
    assert failures_at_clickbook(world) == (SIGNIN_FAILURE_LIMIT, False)
    assert logins(world) == 1 + SIGNIN_FAILURE_LIMIT  # Bob's sign-in, then three failures


async def test_a_failed_renewal_signs_out_every_holder_of_the_account(
    world: World, bob: Person, carol: Person, clock: ManualClock
) -> None:
    await bob.sign_in()
    await carol.sign_in()
    await bob.invite()
    await carol.invite(first="Cid", last="Cruz", email="cid@example.com")
    change_staff_password(world)
    clock.advance(timedelta(hours=1))  # both sessions expired: Bob's invite is checked first

    await world.run_jobs()

    # One refused renewal at ClickBook: Carol's sign-in, the same dead password, is not tried.
    assert failures_at_clickbook(world) == (1, False)
    assert logins(world) == 2 + 1
    for member in (bob, carol):
        assert len(member.received("notice.sign_in_again", count=1)) == 1
        assert world.store is not None
        assert await world.store.get_staff_credentials(member.id) is None


async def test_a_stored_sign_in_of_an_account_past_its_limit_is_not_used(
    world: World, bob: Person, carol: Person, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    await bob.sign_in()
    for attempt in range(SIGNIN_FAILURE_LIMIT):
        await carol.sign_in(password=f"typo-{attempt}")
    assert logins(world) == 1 + SIGNIN_FAILURE_LIMIT
    clock.advance(timedelta(hours=2))  # still inside the day's window
    await world.restart()  # Bob's sign-in is read back from the store
    caplog.set_level(logging.INFO, logger="bot.staff_sessions")

    await bob.send("/invite")

    bob.assert_sees("invite.sign_in_first")
    assert world.store is not None
    assert await world.store.get_staff_credentials(bob.id) is None
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.staff_sessions"]
    assert logged == [f"staff {bob.id}: the stored sign-in's account is past its limit"]


async def test_the_account_is_counted_by_a_keyed_hash_never_by_its_email(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in(password="wrong-0")

    with sqlite3.connect(world.database) as conn:
        [(account,)] = conn.execute("SELECT account FROM signin_failures").fetchall()
    assert re.fullmatch("[0-9a-f]{64}", account)
    assert account != hashlib.sha256(STAFF_EMAIL.encode()).hexdigest()  # not a bare hash


async def test_own_failures_for_another_account_leave_a_stored_sign_in_usable(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in()
    for attempt in range(SIGNIN_FAILURE_LIMIT):
        await bob.sign_in(email="someone.else@sandbox.example", password=f"wrong-{attempt}")
    await world.restart()  # the sign-in is read back from the store

    await bob.invite()

    bob.assert_sees("invite.sent", email="ann@example.com", name="Ann Lee")


async def test_a_new_key_put_first_keeps_counting_the_accounts_failures(
    world: World, owner: Person, bob: Person
) -> None:
    carol = await carol_after_bob_used_the_attempts(world, owner, bob)
    assert world.settings.secret_key is not None
    old_key = world.settings.secret_key.get_secret_value()
    new_keys = SecretStr(f"{new_secret_key()},{old_key}")
    world.settings = world.settings.model_copy(update={"secret_key": new_keys})
    await world.restart()

    for attempt in range(2):
        await carol.sign_in(password=f"typo-{attempt}")
        assert carol.sees_only("signin.limited")

    assert failures_at_clickbook(world) == (SIGNIN_FAILURE_LIMIT, False)
