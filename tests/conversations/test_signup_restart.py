"""Restarts during the sign-up: at every step the draft survives and the user carries on.

The bot is stopped (cleanly, or killed without its final persistence flush) and a new one is
started on the same SQLite file. Memory is lost, the typed password with it, so the bot must
ask for the password again if it had been given, and nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.support.chat import Customer, customer

FLOW = "su"
CLIENT_ATTEMPTS = 4


@dataclass(frozen=True)
class Stop:
    """A point in the sign-up to restart at, and how to go on from there afterwards."""

    name: str
    reach: Callable[[Customer], Awaitable[None]]
    shows: str
    """The catalog key of the screen the user must see on resuming."""
    go_on: Callable[[Customer], Awaitable[None]]
    password_given: bool = False


async def _welcome(ann: Customer) -> None:
    await ann.send("/start")


def _fill_until(field: str) -> Callable[[Customer], Awaitable[None]]:
    async def reach(ann: Customer) -> None:
        await ann.start()
        await ann.fill_to(field)

    return reach


def _fill_from(field: str | None) -> Callable[[Customer], Awaitable[None]]:
    async def go_on(ann: Customer) -> None:
        if field is not None:
            await ann.fill_to(start_at=field)

    return go_on


async def _email_typed(ann: Customer) -> None:
    await _fill_until("email")(ann)
    await ann.send(ann.email)


async def _confirm_email_then_fill(ann: Customer) -> None:
    await ann.choose("email.yes")
    await ann.fill_to(start_at="phone")


async def _zone_tapped(ann: Customer) -> None:
    await _fill_until("timezone")(ann)
    await ann.actor.tap("Sydney")


async def _confirm_zone_then_fill(ann: Customer) -> None:
    await ann.tap("timezone.yes")
    await ann.fill_to(start_at="password")


async def _type_password_again(ann: Customer) -> None:
    await ann.type_password()


async def _at_summary(ann: Customer) -> None:
    await ann.start()
    await ann.fill_to()


STOPS = [
    Stop("welcome", _welcome, "name.first_prompt", _fill_from("first_name")),
    Stop("first_name", _fill_until("first_name"), "name.first_prompt", _fill_from("first_name")),
    Stop("last_name", _fill_until("last_name"), "name.last_prompt", _fill_from("last_name")),
    Stop("email", _fill_until("email"), "email.prompt", _fill_from("email")),
    Stop("email_read_back", _email_typed, "email.check", _confirm_email_then_fill),
    Stop("phone", _fill_until("phone"), "phone.prompt", _fill_from("phone")),
    Stop("country", _fill_until("country"), "country.from_phone", _fill_from("country")),
    Stop("timezone", _fill_until("timezone"), "timezone.prompt", _fill_from("timezone")),
    Stop("zone_confirmation", _zone_tapped, "timezone.confirm", _confirm_zone_then_fill),
    Stop("password", _fill_until("password"), "password.prompt", _fill_from("password")),
    Stop("terms", _fill_until("terms"), "password.prompt", _fill_from("password"), True),
    Stop("summary", _at_summary, "password.prompt", _type_password_again, True),
]

NOTHING_ANSWERED = {"welcome", "first_name"}
"""Stops before the first answer: /start greets the user afresh rather than "welcome back"."""

SCREEN_PARAMS = {
    "email.check": {"email": "ann.lee@example.com"},
    "country.from_phone": {"country": "Australia"},
}


def _assert_on_screen(ann: Customer, key: str) -> None:
    if key == "timezone.confirm":
        # The local time in the text moves with the clock; the buttons identify the screen.
        assert ann.label("timezone.yes") in str(ann.actor.last.buttons), ann.actor.last.text
        assert "Sydney" in ann.actor.last.text
        return
    ann.assert_sees(key, **SCREEN_PARAMS.get(key, {}))


async def _assert_account_has_every_answer(world: World, ann: Customer) -> None:
    state = await world.clickbook_state()
    [user] = state["users"]
    assert user["email"] == ann.email
    assert (user["first_name"], user["last_name"]) == ("Ann", "Lee")
    assert user["details"]["inp-telfixed"] == "61412345678"
    assert user["details"]["inp-country"] == "Australia"
    assert "ZN=AUS Eastern" in user["details"]["inp-timezone"]
    assert user["details"]["inp-agreeterms"] == "1"
    assert len(state["stubs"]) == 1


@pytest.mark.parametrize("resume", ["/start", "sticker"])
@pytest.mark.parametrize("crash", [False, True], ids=["clean-stop", "crash"])
@pytest.mark.parametrize("stop", STOPS, ids=[stop.name for stop in STOPS])
async def test_restart_at_every_step_keeps_the_draft(
    world: World, stop: Stop, crash: bool, resume: str
) -> None:
    ann = customer(world)
    await stop.reach(ann)
    assert world.store is not None
    before = await world.store.get_draft(ann.actor.id, FLOW)
    assert before is not None

    await world.restart(crash=crash)

    after = await world.store.get_draft(ann.actor.id, FLOW)
    assert after is not None
    assert {k: v for k, v in after.fields.items() if k != "_nonce"} == {
        k: v for k, v in before.fields.items() if k != "_nonce"
    }
    if resume == "/start" and stop.name in NOTHING_ANSWERED:
        await ann.send("/start")
        ann.assert_sees("start.welcome", business="ClickBook", name="Ann")
        await ann.tap("start.begin")
    elif resume == "/start":
        await ann.send("/start")
        ann.assert_sees("start.resume")
    else:
        await ann.actor.send_sticker()
        ann.assert_sees("form.text_expected")
    _assert_on_screen(ann, stop.shows)
    if stop.password_given:
        ann.assert_sees("password.again")
        assert world.vault.get(FLOW, ann.actor.id) is None
    else:
        assert not ann.sees("password.again")

    await stop.go_on(ann)

    ann.assert_sees("summary.title")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")
    await _assert_account_has_every_answer(world, ann)
    assert await world.store.get_draft(ann.actor.id, FLOW) is None


@pytest.mark.parametrize("crash", [False, True], ids=["clean-stop", "crash"])
async def test_old_confirm_button_after_a_restart_asks_for_the_password_again(
    world: World, crash: bool
) -> None:
    ann = customer(world)
    await _at_summary(ann)

    await world.restart(crash=crash)
    await ann.tap("summary.confirm")

    ann.assert_sees("password.again")
    ann.assert_sees("password.prompt")
    assert not ann.sees("form.stale")
    assert (await world.clickbook_state())["stubs"] == []
    await ann.type_password()
    ann.assert_sees("summary.title")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")
    await _assert_account_has_every_answer(world, ann)


@pytest.mark.parametrize("crash", [False, True], ids=["clean-stop", "crash"])
async def test_old_buttons_still_work_after_a_restart(world: World, crash: bool) -> None:
    ann = customer(world)
    await _email_typed(ann)

    await world.restart(crash=crash)
    await ann.choose("email.yes")

    ann.assert_sees("phone.prompt")
    await ann.fill_to(start_at="phone")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")


@pytest.mark.parametrize("crash", [False, True], ids=["clean-stop", "crash"])
async def test_restart_while_the_account_is_pending(
    world: World, clock: ManualClock, crash: bool
) -> None:
    ann = customer(world)
    await _at_summary(ann)
    await world.fail_clickbook("PROCESSREGSTUB", "http500", times=CLIENT_ATTEMPTS)
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.pending")

    await world.restart(crash=crash)
    await ann.send("/start")
    ann.assert_sees("start.pending")
    clock.advance(timedelta(minutes=5))
    await world.run_jobs()

    # The password went with the old process: the account is activated, not signed in.
    ann.assert_sees("submit.active", name="Ann Lee")
    await _assert_account_has_every_answer(world, ann)
    await ann.send("/start")
    ann.assert_sees("start.registered", name="Ann Lee", email=ann.email)
