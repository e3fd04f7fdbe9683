"""Staff sign-in: the password never stays, the session is kept encrypted, failures are capped."""

from __future__ import annotations

import base64
import logging
from datetime import timedelta

import httpx
import pytest

from bot.crypto import CredentialCipher
from bot.sandbox.clickbook import ManualClock, SandboxTransport
from bot.sandbox.world import CLICKBOOK_ORIGIN, World
from bot.staff_sessions import SIGNIN_FAILURE_LIMIT, SIGNIN_FAILURE_WINDOW
from tests.staff.people import STAFF_EMAIL, STAFF_PASSWORD, Person


def cipher(world: World) -> CredentialCipher:
    """The cipher of the world's configured key."""
    assert world.settings.secret_key is not None
    return CredentialCipher(world.settings.secret_key)


async def test_sign_in_keeps_only_an_encrypted_session(
    world: World, owner: Person, bob: Person, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    await bob.sign_in()

    bob.assert_sees("signin.done", name="Sam Staff")
    assert not [m for m in bob.actor.transcript if STAFF_PASSWORD in (m.text or "")]
    assert world.store is not None
    blob = await world.store.get_staff_credentials(bob.id)
    assert blob is not None
    assert STAFF_PASSWORD.encode() not in blob
    assert STAFF_EMAIL.encode() not in blob
    session = cipher(world).open(blob)
    assert (session.email, session.usercn) == (STAFF_EMAIL, "Sam Staff")
    assert world.application is not None
    await world.application.update_persistence()
    for path in world.database.parent.iterdir():
        assert STAFF_PASSWORD.encode() not in path.read_bytes(), path
    assert STAFF_PASSWORD not in caplog.text
    assert session.cookie.get_secret_value() not in caplog.text
    # The operator's trail names who signed in (and nothing secret).
    assert f"staff {bob.id} signed in to ClickBook" in caplog.messages


async def test_wrong_passwords_stop_at_the_limit_before_clickbook_locks(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await bob.send("/signin")
    await bob.send(STAFF_EMAIL)
    for attempt in range(1, SIGNIN_FAILURE_LIMIT):
        await bob.send(f"wrong-password-{attempt}")
        bob.assert_sees("signin.wrong", attempts=SIGNIN_FAILURE_LIMIT - attempt)

    await bob.send("wrong-password-last")

    bob.assert_sees("signin.wrong_last")
    assert bob.received_any("signin.limited")  # in the same message
    assert "(in 1 day)" in bob.last_text  # the three failures leave the window in a day
    # Two more wrong tries would lock the ClickBook account, had the bot sent them on.
    for _ in range(2):
        await bob.sign_in(password="still-wrong")
        assert bob.sees_only("signin.limited")
    state = await world.clickbook_state()
    assert state["locked_out"] == []
    await bob.sign_in()
    assert bob.sees_only("signin.limited")
    assert world.store is not None
    assert await world.store.get_staff_credentials(bob.id) is None

    clock.advance(SIGNIN_FAILURE_WINDOW + timedelta(minutes=3))
    await bob.sign_in()

    bob.assert_sees("signin.done", name="Sam Staff")


async def test_the_limit_is_per_staff_member(world: World, owner: Person, bob: Person) -> None:
    for attempt in range(SIGNIN_FAILURE_LIMIT):
        await bob.sign_in(email="someone.else@sandbox.example", password=f"wrong-{attempt}")
    await owner.sign_in()

    owner.assert_sees("signin.done", name="Sam Staff")
    await bob.sign_in()  # another account, but his own three failures count
    assert bob.sees_only("signin.limited")
    assert "(in 1 day)" in bob.last_text


async def test_clickbook_lockout_is_shown_as_such(
    world: World, owner: Person, bob: Person
) -> None:
    wrong = base64.b64encode(f"{STAFF_EMAIL}:typo".encode()).decode()
    async with httpx.AsyncClient(transport=SandboxTransport(world.sandbox)) as website:
        for _ in range(5):
            await website.get(
                f"{CLICKBOOK_ORIGIN}/auth/auth.nsf/LoginOK?Open",
                headers={"Authorization": f"Basic {wrong}"},
            )

    await bob.sign_in()

    bob.assert_sees("signin.locked_out")
    assert world.store is not None
    assert await world.store.get_staff_credentials(bob.id) is None


async def test_clickbook_down_at_sign_in_asks_for_the_password_again(
    world: World, owner: Person, bob: Person
) -> None:
    await world.fail_clickbook("LOGIN", "http500", times=4)

    await bob.sign_in()

    bob.assert_sees("signin.unavailable")
    bob.assert_sees("signin.password_prompt", email=STAFF_EMAIL)
    await bob.send(STAFF_PASSWORD)
    bob.assert_sees("signin.done", name="Sam Staff")
    assert world.store is not None
    assert await world.store.count_signin_failures(bob.id, world.clock() - timedelta(days=1)) == 0


async def test_a_typo_in_the_email_is_asked_again(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.send("/signin")
    await bob.send("staff@@sandbox")

    bob.assert_sees("signin.email_prompt")
    await bob.send(STAFF_EMAIL)
    await bob.tap("signin.change_email")
    bob.assert_sees("signin.email_prompt")
    await bob.send(STAFF_EMAIL)
    await bob.send(STAFF_PASSWORD)
    bob.assert_sees("signin.done", name="Sam Staff")


async def test_sign_out_ends_the_session_and_deletes_it(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in()
    assert len((await world.clickbook_state())["sessions"]) == 1

    await bob.send("/signout")

    bob.assert_sees("signout.done")
    assert world.store is not None
    assert await world.store.get_staff_credentials(bob.id) is None
    assert (await world.clickbook_state())["sessions"] == []
    await bob.send("/signout")
    bob.assert_sees("signout.not_signed_in")
    await bob.send("/invite")
    bob.assert_sees("invite.sign_in_first")


async def test_cancel_leaves_the_sign_in(world: World, owner: Person, bob: Person) -> None:
    await bob.send("/signin")
    await bob.tap("form.cancel")

    bob.assert_sees("signin.cancelled")
    assert world.store is not None
    assert await world.store.get_draft(bob.id, "si") is None


@pytest.mark.parametrize("crash", [False, True], ids=["clean-restart", "crash"])
async def test_a_restart_between_email_and_password_loses_nothing(
    world: World, owner: Person, bob: Person, crash: bool
) -> None:
    await bob.send("/signin")
    await bob.send(STAFF_EMAIL)

    await world.restart(crash=crash)
    await bob.send(STAFF_PASSWORD)

    bob.assert_sees("signin.done", name="Sam Staff")
    assert not [m for m in bob.actor.transcript if STAFF_PASSWORD in (m.text or "")]


async def test_a_password_typed_for_the_email_is_deleted(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.send("/signin")

    await bob.send(STAFF_PASSWORD)

    assert not [m for m in bob.actor.transcript if STAFF_PASSWORD in (m.text or "")]
    bob.assert_sees("signin.not_an_email_deleted")
    bob.assert_sees("signin.email_prompt")
    await bob.send(STAFF_EMAIL)
    await bob.send(STAFF_PASSWORD)
    bob.assert_sees("signin.done", name="Sam Staff")
