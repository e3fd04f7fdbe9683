"""Sign-up when the outside world misbehaves: ClickBook down or slow at each step, Telegram
refusing calls, users blocking the bot, limits, and unexpected errors.

ClickBook failures are injected in the sandbox (contract section 7), Telegram failures in the
emulator; everything in between runs for real. The world's ClickBook client gets a short
timeout and a no-op backoff sleep, so retries cost no real time.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.config import Settings
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from bot.signup import retry_delay
from tests.support.chat import Customer, customer, visible
from tests.support.timing import SkippedTime, no_sleep

CLIENT_ATTEMPTS = 4
"""The ClickBook client's attempts for a request that is safe to repeat."""
TIMEOUT = 0.5  # generous against a busy machine; the delay faults last 30 s
"""Seconds the bot's ClickBook client waits; a ``delay`` fault longer than this times out."""
FLOW = "su"


async def make_world(
    tmp_path: Path, settings: Settings, clock: ManualClock, **options: Any
) -> World:
    """Start a world whose ClickBook client times out fast and retries without waiting."""
    return await World.create(
        tmp_path / "bot.db",
        settings=settings,
        clock=clock,
        sandbox_clock=clock,
        clickbook_timeout=TIMEOUT,
        clickbook_sleep=no_sleep,
        **options,
    )


@pytest.fixture
async def world(tmp_path: Path, settings: Settings, clock: ManualClock) -> AsyncIterator[World]:
    """The bot between the emulator and the sandbox, with a fast-failing ClickBook client."""
    instance = await make_world(tmp_path, settings, clock)
    try:
        yield instance
    finally:
        await instance.stop()


async def at_summary(world: World, **kwargs: Any) -> Customer:
    """Return a customer who answered everything and sees the summary."""
    ann = customer(world, **kwargs)
    await ann.start()
    await ann.fill_to()
    ann.assert_sees("summary.title")
    return ann


async def pending_faults(world: World) -> list[dict[str, Any]]:
    """Return the sandbox's fault rules not used up yet."""
    state = await world.clickbook_state()
    return list(state["faults"])


def texts_seen(ann: Customer) -> list[str]:
    """Return the visible text of every bot message in the chat, oldest first."""
    return [message.text or "" for message in ann.actor.bot_messages]


def count_seen(ann: Customer, key: str, **params: Any) -> int:
    """Count the visible bot messages that contain the text of ``key``."""
    expected = visible(ann.t(key, **params))
    return sum(expected in text for text in texts_seen(ann))


def assert_no_stale_progress(ann: Customer) -> None:
    """Fail if a "creating…" or "activating…" message is still on screen."""
    for stage in ("creating", "activating"):
        assert count_seen(ann, f"submit.{stage}") == 0, (stage, texts_seen(ann))


def signup_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return what the sign-up service logged, oldest first."""
    return [r.getMessage() for r in caplog.records if r.name == "bot.signup"]


async def attempts_counted(world: World, ann: Customer) -> int:
    """Return how many of the user's submissions count towards today's cap."""
    assert world.store is not None
    return await world.store.count_signup_attempts(ann.actor.id, world.clock() - timedelta(days=1))


async def registration_of(world: World, ann: Customer) -> Any:
    """Return the user's registration row (None before SETUSERFIELDS answered)."""
    assert world.store is not None
    return await world.store.get_registration(ann.actor.id)


# -- SETUSERFIELDS --------------------------------------------------------------------------


async def test_clickbook_down_at_create_keeps_everything_and_confirm_works_later(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    ann = await at_summary(world)
    await world.fail_clickbook("SETUSERFIELDS", "http500")

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.unavailable")
    ann.assert_sees("summary.title")
    assert_no_stale_progress(ann)
    assert signup_log(caplog) == [
        f"SETUSERFIELDS refused for user {ann.actor.id}: ClickBookFaultError"
    ]
    assert await registration_of(world, ann) is None
    state = await world.clickbook_state()
    assert state["stubs"] == []
    assert state["users"] == []
    assert world.store is not None
    draft = await world.store.get_draft(ann.actor.id, FLOW)
    assert draft is not None
    for key in ("first_name", "last_name", "email", "phone", "country", "timezone", "terms"):
        assert key in draft.fields, key
    assert world.vault.get(FLOW, ann.actor.id) is not None

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.done", name="Ann Lee")
    [user] = (await world.clickbook_state())["users"]
    assert user["email"] == ann.email


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"kind": "drop"}, id="answer-lost"),
        pytest.param({"kind": "delay", "seconds": 30}, id="timeout"),
    ],
)
async def test_no_answer_to_create_is_uncertain_and_never_repeated(
    world: World, fault: dict[str, Any]
) -> None:
    ann = await at_summary(world)
    # Two rules: if the bot sent SETUSERFIELDS twice, the second would use up the second one.
    await world.fail_clickbook("SETUSERFIELDS", times=2, **fault)

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.uncertain")
    assert_no_stale_progress(ann)
    [left] = await pending_faults(world)
    assert left["operation"] == "SETUSERFIELDS"
    assert left["times"] == 1
    state = await world.clickbook_state()
    assert len(state["stubs"]) == (1 if fault["kind"] == "drop" else 0)
    assert state["users"] == []
    # Kept as "submitting" with no StubID: counted, and given up by the job only after the
    # stub that may exist has expired.
    unknown = await registration_of(world, ann)
    assert unknown.state == "submitting"
    assert unknown.stub_id is None

    await world.run_jobs()

    assert (await pending_faults(world))[0]["times"] == 1
    assert len((await world.clickbook_state())["stubs"]) == len(state["stubs"])


async def test_second_confirm_after_a_lost_answer_explains_the_unfinished_registration(
    world: World,
) -> None:
    ann = await at_summary(world)
    await world.fail_clickbook("SETUSERFIELDS", "drop")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.uncertain")

    await ann.tap("summary.confirm")

    # ClickBook now refuses the address because of the stub the lost answer created; telling
    # the user "this email already has an account, sign in with it" would send them to a
    # sign-in that cannot work.
    ann.assert_sees("submit.uncertain_taken")
    assert not ann.sees("submit.email_taken")
    ann.assert_sees("email.prompt")
    assert len((await world.clickbook_state())["stubs"]) == 1


async def test_email_already_registered_sends_back_to_exactly_the_email_step(
    world: World,
) -> None:
    first = customer(world)
    await first.sign_up()
    first.assert_sees("submit.done", name="Ann Lee")
    ben = customer(world, first_name="Ben", last_name="Ng", phone="+61498765432")
    ben.answers.update(first_name="Ben", last_name="Ng")
    await ben.start()
    await ben.fill_to()

    await ben.tap("summary.confirm")

    ben.assert_sees("submit.email_taken")
    ben.assert_sees("email.prompt")
    assert_no_stale_progress(ben)
    assert world.store is not None
    draft = await world.store.get_draft(ben.actor.id, FLOW)
    assert draft is not None
    assert "email" not in draft.fields
    assert draft.fields["first_name"] == "Ben"
    assert draft.fields["phone"] == "61498765432"
    assert await registration_of(world, ben) is None

    await ben.send("ben.ng@example.com")
    await ben.choose("email.yes")

    ben.assert_sees("summary.title")
    assert "ben.ng@example.com" in ben.actor.last.text
    await ben.tap("summary.confirm")
    ben.assert_sees("submit.done", name="Ben Ng")
    emails = sorted(user["email"] for user in (await world.clickbook_state())["users"])
    assert emails == ["ann.lee@example.com", "ben.ng@example.com"]


@pytest.mark.parametrize(
    ("first_name", "last_name", "sent"),
    [
        pytest.param("Ann", "Lee\u2010Smith", ("Ann", "Lee-Smith"), id="unicode-hyphen"),
        pytest.param(
            "\u0645\u062d\u0645\u062f\u200c\u0631\u0636\u0627",
            "Lee",
            ("\u0645\u062d\u0645\u062f\u0631\u0636\u0627", "Lee"),
            id="zero-width-non-joiner",
        ),
    ],
)
async def test_names_the_bot_accepts_are_sent_in_characters_clickbook_takes(
    world: World, first_name: str, last_name: str, sent: tuple[str, str]
) -> None:
    ann = customer(world)
    ann.answers.update(first_name=first_name, last_name=last_name)
    await ann.start()
    await ann.fill_to()

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.done", name=" ".join(sent))
    [user] = (await world.clickbook_state())["users"]
    assert (user["first_name"], user["last_name"]) == sent


async def test_answer_clickbook_no_longer_takes_is_asked_again(world: World) -> None:
    ann = await at_summary(world)
    assert world.store is not None
    # A draft kept from before ClickBook changed its list of time zones.
    await world.store.set_draft_field(
        ann.actor.id, FLOW, "timezone", "Z=-10$DO=0$ZX=66$ZN=Atlantis", world.clock()
    )

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.fix_named", fields="Time zone")
    ann.assert_sees("timezone.prompt")
    assert_no_stale_progress(ann)
    assert (await world.clickbook_state())["stubs"] == []
    assert await attempts_counted(world, ann) == 0  # it never left: not counted
    await ann.fill_to(start_at="timezone", stop_before="password")
    ann.assert_sees("summary.title")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")


async def test_rejection_without_field_details_keeps_every_answer(world: World) -> None:
    ann = await at_summary(world)
    await world.fail_clickbook("SETUSERFIELDS", "code", code=400)

    await ann.tap("summary.confirm")

    # No field is named, so no answer is thrown away: the user sees the summary again.
    ann.assert_sees("submit.rejected")
    ann.assert_sees("summary.title")
    assert world.store is not None
    draft = await world.store.get_draft(ann.actor.id, FLOW)
    assert draft is not None
    assert draft.fields["email"] == ann.email
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")


# -- PROCESSREGSTUB and sign-in: the background finisher ------------------------------------


async def test_failure_after_the_stub_is_finished_by_the_job_with_one_message(
    world: World, clock: ManualClock
) -> None:
    ann = await at_summary(world)
    state_after = "stub_created"
    await world.fail_clickbook("PROCESSREGSTUB", "http500", times=CLIENT_ATTEMPTS)

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.pending")
    assert_no_stale_progress(ann)
    assert await pending_faults(world) == []
    registration = await registration_of(world, ann)
    [stub] = (await world.clickbook_state())["stubs"]
    assert registration.stub_id == stub["id"]
    assert registration.state == state_after
    messages_before = len(ann.actor.bot_messages)

    clock.advance(retry_delay(world.settings.registration_retry, 0) - timedelta(seconds=1))
    await world.run_jobs()

    assert len(ann.actor.bot_messages) == messages_before
    assert (await registration_of(world, ann)).state == state_after

    clock.advance(timedelta(seconds=2))
    await world.run_jobs()

    ann.assert_sees("submit.done", name="Ann Lee")
    assert len(ann.actor.bot_messages) == messages_before + 1
    assert (await registration_of(world, ann)).state == "active"
    [user] = (await world.clickbook_state())["users"]
    assert user["email"] == ann.email
    assert world.store is not None
    assert await world.store.get_draft(ann.actor.id, FLOW) is None
    assert world.vault.get(FLOW, ann.actor.id) is None

    clock.advance(timedelta(hours=2))
    await world.run_jobs()

    assert len(ann.actor.bot_messages) == messages_before + 1
    assert count_seen(ann, "submit.done", name="Ann Lee") == 1


async def test_the_customer_hears_of_the_account_before_the_sign_in_check(
    world: World, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    ann = await at_summary(world)
    await world.fail_clickbook("LOGIN", "http500", times=CLIENT_ATTEMPTS)

    await ann.tap("summary.confirm")

    # The account is active: the customer is told at once, and a sign-in check that
    # ClickBook cannot answer changes nothing for them.
    ann.assert_sees("submit.done", name="Ann Lee")
    assert await pending_faults(world) == []
    assert (await registration_of(world, ann)).state == "processed"
    assert signup_log(caplog) == [
        f"sign-in check of user {ann.actor.id} failed: ClickBookResponseError"
    ]
    messages = len(ann.actor.bot_messages)
    clock.advance(timedelta(hours=2))
    await world.run_jobs()
    assert len(ann.actor.bot_messages) == messages
    assert world.vault.get(FLOW, ann.actor.id) is None


async def test_sign_in_refused_after_activation_is_not_retried(
    world: World, clock: ManualClock
) -> None:
    ann = await at_summary(world)
    await world.fail_clickbook("LOGIN", "code", code=401, times=CLIENT_ATTEMPTS)

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.done", name="Ann Lee")
    # The account exists; hammering the sign-in would only get it locked out.
    assert (await pending_faults(world))[0]["times"] == CLIENT_ATTEMPTS - 1
    messages = len(ann.actor.bot_messages)
    clock.advance(timedelta(hours=2))
    await world.run_jobs()
    assert len(ann.actor.bot_messages) == messages
    assert (await pending_faults(world))[0]["times"] == CLIENT_ATTEMPTS - 1
    await ann.send("/start")
    ann.assert_sees("start.registered", name="Ann Lee", email=ann.email)


async def test_pending_user_is_not_asked_anything_again(world: World) -> None:
    ann = await at_summary(world)
    await world.fail_clickbook("PROCESSREGSTUB", "http500", times=CLIENT_ATTEMPTS)
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.pending")

    await ann.send("hello?")

    ann.assert_sees("start.pending")
    await ann.send("/start")
    ann.assert_sees("start.pending")
    assert not ann.sees("summary.title")
    assert len((await world.clickbook_state())["stubs"]) == 1


async def test_job_retries_with_backoff_while_clickbook_stays_down(
    world: World, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.signup")
    ann = await at_summary(world)
    await world.fail_clickbook("PROCESSREGSTUB", "http500", times=3 * CLIENT_ATTEMPTS)
    await ann.tap("summary.confirm")
    first = world.settings.registration_retry

    clock.advance(retry_delay(first, 0))
    await world.run_jobs()

    registration = await registration_of(world, ann)
    assert registration.attempts == 2
    assert registration.next_attempt_at == clock.now() + retry_delay(first, 1)
    assert registration.last_error_code == "ClickBookFaultError"
    retried = f"registration of user {ann.actor.id} will be retried: ClickBookFaultError"
    assert [r.getMessage() for r in caplog.records if r.name == "bot.signup"] == [retried] * 2
    clock.advance(retry_delay(first, 1))
    await world.run_jobs()
    assert (await registration_of(world, ann)).attempts == 3

    clock.advance(retry_delay(first, 2))
    await world.run_jobs()

    ann.assert_sees("submit.done", name="Ann Lee")


async def test_stub_expired_by_clickbook_is_reported_by_the_job(
    world: World, clock: ManualClock
) -> None:
    ann = await at_summary(world)
    await world.fail_clickbook("PROCESSREGSTUB", "http500", times=CLIENT_ATTEMPTS)
    await ann.tap("summary.confirm")
    await world.fail_clickbook("PROCESSREGSTUB", "code", code=410)

    clock.advance(timedelta(minutes=5))
    await world.run_jobs()

    ann.assert_sees("submit.expired")
    assert (await registration_of(world, ann)).state == "failed"
    messages = len(ann.actor.bot_messages)
    clock.advance(timedelta(hours=2))
    await world.run_jobs()
    assert len(ann.actor.bot_messages) == messages


async def test_stub_expired_after_a_day_and_the_user_submits_again(
    world: World, clock: ManualClock
) -> None:
    ann = await at_summary(world)
    await world.fail_clickbook("PROCESSREGSTUB", "http500", times=CLIENT_ATTEMPTS)
    await ann.tap("summary.confirm")
    [old_stub] = (await world.clickbook_state())["stubs"]

    clock.advance(timedelta(hours=25))
    await world.run_jobs()

    ann.assert_sees("submit.expired")
    await ann.send("/start")
    ann.assert_asks("password")  # a day later the password has long left memory
    await ann.type_password()
    ann.assert_sees("summary.title")
    await ann.tap("summary.confirm")

    ann.assert_sees("submit.done", name="Ann Lee")
    registration = await registration_of(world, ann)
    assert registration.state == "active"
    assert registration.stub_id != old_stub["id"]
    [user] = (await world.clickbook_state())["users"]
    assert user["email"] == ann.email


async def test_after_a_restart_the_job_activates_without_the_password_and_says_so_once(
    world: World, clock: ManualClock
) -> None:
    ann = await at_summary(world)
    await world.fail_clickbook("PROCESSREGSTUB", "http500", times=CLIENT_ATTEMPTS)
    await ann.tap("summary.confirm")
    await world.restart()
    messages = len(ann.actor.bot_messages)

    for _ in range(3):
        clock.advance(timedelta(hours=1))
        await world.run_jobs()

    assert len(ann.actor.bot_messages) == messages + 1
    ann.assert_sees("submit.active", name="Ann Lee")
    [user] = (await world.clickbook_state())["users"]
    assert user["email"] == ann.email
    await ann.send("/start")
    ann.assert_sees("start.registered", name="Ann Lee", email=ann.email)


# -- Limits ---------------------------------------------------------------------------------


async def test_daily_cap_on_submissions(tmp_path: Path, clock: ManualClock) -> None:
    settings = Settings(
        business_timezone="Australia/Sydney",
        terms_url="https://example.com/terms",
        signups_per_day=2,
    )
    world = await make_world(tmp_path, settings, clock)
    try:
        ann = await at_summary(world)
        # Failures that never reached ClickBook's validation do not count against the user...
        await world.fail_clickbook("SETUSERFIELDS", "http500", times=2)
        for _ in range(2):
            await ann.tap("summary.confirm")
            ann.assert_sees("submit.unavailable")
        # ...submissions ClickBook looked at and refused do.
        await world.fail_clickbook("SETUSERFIELDS", "code", code=400, times=2)
        for _ in range(2):
            await ann.tap("summary.confirm")
            ann.assert_sees("submit.rejected")

        await ann.tap("summary.confirm")

        ann.assert_sees("submit.limited")
        assert (await world.clickbook_state())["stubs"] == []

        clock.advance(timedelta(days=1, minutes=1))
        await ann.tap("summary.confirm")
        ann.assert_asks("password")  # a day later the password has long left memory
        await ann.type_password()
        await ann.tap("summary.confirm")

        ann.assert_sees("submit.done", name="Ann Lee")
    finally:
        await world.stop()


# -- Telegram misbehaving -------------------------------------------------------------------


async def test_telegram_flood_limit_is_waited_out(
    tmp_path: Path, settings: Settings, clock: ManualClock
) -> None:
    # The production rate limiter, on a clock that jumps over its waits.
    time = SkippedTime()
    world = await make_world(
        tmp_path, settings, clock, rate_limiter=True, **time.for_the_limiter()
    )
    try:
        ann = customer(world)
        world.emulator.fail_next("sendMessage", status=429, retry_after=1)

        await ann.send("/start")

        ann.assert_sees("start.welcome", business="ClickBook", name="Ann")
        [refused] = [call for call in world.emulator.calls if call.status == 429]
        assert refused.method == "sendMessage"
        assert time.slept == [1.0], "the welcome was sent again once Telegram's second passed"
        await ann.tap("start.begin")
        await ann.fill_to()
        await ann.tap("summary.confirm")
        ann.assert_sees("submit.done", name="Ann Lee")
    finally:
        await world.stop()


async def test_user_blocking_the_bot_mid_flow_causes_no_error_loop(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("country")
    application = world.application
    assert application is not None
    calls_before = len(world.emulator.calls)

    async def block_then_deliver(payload: dict[str, Any]) -> None:
        # The user taps, then blocks the bot before it answers.
        ann.actor.block()
        await application.process_update(Update.de_json(payload, application.bot))

    world.emulator.deliver_to(block_then_deliver)
    await ann.tap("country.other")
    await world.run_jobs()

    refused = [call for call in world.emulator.calls[calls_before:] if call.status == 403]
    assert len(refused) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]

    world.emulator.deliver_to(lambda payload: world_deliver(world, payload))
    ann.actor.unblock()
    await ann.send("/start")

    ann.assert_sees("start.resume")
    ann.assert_sees("country.prompt")
    await ann.send("Australia")  # one hit: taken at once
    await ann.fill_to(start_at="timezone")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")


async def world_deliver(world: World, payload: dict[str, Any]) -> None:
    """Hand an update to the world's bot, as the world itself does."""
    application = world.application
    assert application is not None
    await application.process_update(Update.de_json(payload, application.bot))


async def test_finished_registration_of_a_user_who_blocked_the_bot(
    world: World, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    ann = await at_summary(world)
    await world.fail_clickbook("PROCESSREGSTUB", "http500", times=CLIENT_ATTEMPTS)
    await ann.tap("summary.confirm")
    ann.actor.block()

    for _ in range(3):
        clock.advance(timedelta(minutes=5))
        await world.run_jobs()

    assert len([call for call in world.emulator.calls if call.status == 403]) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert (await registration_of(world, ann)).state == "active"
    ann.actor.unblock()
    await ann.send("/start")
    ann.assert_sees("start.registered", name="Ann Lee", email=ann.email)


async def test_a_tap_after_the_answer_window_still_moves_the_user_on(
    tmp_path: Path, settings: Settings, clock: ManualClock
) -> None:
    world = await make_world(tmp_path, settings, clock, telegram_clock=clock)
    try:
        ann = customer(world)
        await ann.start()
        await ann.fill_to("terms")

        async def deliver_late(payload: dict[str, Any]) -> None:
            # The bot was busy or down: Telegram no longer takes an answer to this tap.
            clock.advance(timedelta(seconds=20))
            await world_deliver(world, payload)

        world.emulator.deliver_to(deliver_late)
        await ann.tap("terms.agree")

        ann.assert_asks("summary")
        assert [call for call in world.emulator.calls_to("answerCallbackQuery") if not call.ok]
    finally:
        await world.stop()


async def test_command_menu_failure_is_logged_not_fatal(
    tmp_path: Path, settings: Settings, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    world = await make_world(tmp_path, settings, clock)
    try:
        world.emulator.fail_next("setMyCommands", status=500, retry_after=None, times=20)
        caplog.set_level(logging.WARNING)

        await world.restart()

        assert "command menu" in caplog.text
        await customer(world).sign_up()
        assert world.emulator.calls_to("setMyCommands")
    finally:
        await world.stop()


async def test_unexpected_error_gets_the_localized_apology(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    ann = customer(world, language="de")
    world.emulator.fail_next("sendMessage", status=400, retry_after=None, description="nope")
    caplog.set_level(logging.ERROR)

    await ann.send("/start")

    ann.assert_sees("errors.unexpected")
    assert len(ann.actor.bot_messages) == 1
    assert "unexpected error" in caplog.text
    await ann.send("/start")
    ann.assert_sees("start.welcome", business="ClickBook", name="Ann")


@pytest.mark.parametrize(
    ("kind", "times"),
    # A garbled answer is not repeated; a dropped connection and a 5xx are, to the limit.
    [("drop", CLIENT_ATTEMPTS), ("http500", CLIENT_ATTEMPTS), ("malformed", 1)],
)
async def test_clickbook_down_before_the_submit_is_explained_and_nothing_is_lost(
    world: World, kind: str, times: int
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("country")
    await world.restart()  # a new process: ClickBook's zone list is no longer cached
    await world.fail_clickbook("GETTIMEZONEINFO", kind, times=times)

    await ann.actor.tap("Australia")

    ann.assert_sees("errors.clickbook_unavailable")
    assert await pending_faults(world) == []
    assert world.store is not None
    draft = await world.store.get_draft(ann.actor.id, FLOW)
    assert draft is not None
    assert draft.fields["country"] == "AU"
    await ann.send("/start")
    ann.assert_sees("timezone.prompt")
    await ann.fill_to(start_at="timezone")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")


def test_the_retry_delay_doubles_from_the_first_up_to_an_hour() -> None:
    first = timedelta(minutes=1)
    delays = [retry_delay(first, attempts) for attempts in range(8)]
    assert delays[:7] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert retry_delay(first, 10_000) == timedelta(hours=1)
