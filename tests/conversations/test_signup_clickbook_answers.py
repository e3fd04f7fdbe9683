"""Sign-up against unusual ClickBook answers: a garbled body, an address taken meanwhile."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.conversations.test_signup_reliability import at_summary, make_world, signup_log
from tests.support.chat import customer


async def test_garbled_answer_to_setuserfields_is_an_unknown_outcome_not_a_retry_prompt(
    tmp_path: Path, settings: Settings, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    world = await make_world(tmp_path, settings, clock)
    try:
        ann = await at_summary(world)
        await world.fail_clickbook("SETUSERFIELDS", "malformed")

        await ann.tap("summary.confirm")

        ann.assert_sees("submit.uncertain")
        unknown_outcome = (
            f"SETUSERFIELDS outcome unknown for user {ann.actor.id}: ClickBookResponseError"
        )
        assert signup_log(caplog) == [unknown_outcome]
        assert world.store is not None
        unknown = await world.store.get_registration(ann.actor.id)
        assert unknown is not None
        assert (unknown.state, unknown.stub_id) == ("submitting", None)
    finally:
        await world.stop()


async def test_address_registered_elsewhere_before_activation_sends_the_user_back_to_email(
    tmp_path: Path, settings: Settings, clock: ManualClock
) -> None:
    world = await make_world(tmp_path, settings, clock)
    try:
        ann = await at_summary(world)
        await world.fail_clickbook("PROCESSREGSTUB", "http500", times=10)
        await ann.tap("summary.confirm")
        ann.assert_sees("submit.pending")
        # Meanwhile the same address gets an account through a staff invitation.
        staff = world.sandbox.state.sandbox.account_by_email("staff@sandbox.example")
        client_file = world.sandbox.state.sandbox.create_client_file(
            {
                "inp-firstname": "Ann",
                "inp-lastname": "Lee",
                "inp-telfixed": "61298765432",
                "inp-newemailaddress1": ann.email,
            },
            staff,
        )
        await world.control(
            "POST", f"/_sandbox/invitations/{client_file.id}/accept", {"password": "Other-pw-1"}
        )
        await world.control("DELETE", "/_sandbox/faults")
        clock.advance(timedelta(hours=1))

        await world.run_jobs()

        ann.assert_sees("submit.email_taken")
        await ann.send("/start")
        ann.assert_sees("email.prompt")
        await ann.send("ann.new@example.com")
        await ann.choose("email.yes")
        ann.assert_asks("password")  # an hour later the password has left memory
        await ann.type_password()
        ann.assert_sees("summary.title")
    finally:
        await world.stop()


async def test_stranger_without_a_draft_is_greeted_on_any_message(world: World) -> None:
    bob = customer(world, first_name="Bob", last_name="Stone")

    await bob.send("hello")

    bob.assert_sees("start.welcome", business="ClickBook", name="Bob")
