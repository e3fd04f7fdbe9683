"""/invite: the shared form, a contact card, duplicates, ClickBook failures, expired sessions."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.crypto import CredentialCipher
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.clickbook.state import PasswordHash
from bot.sandbox.world import World
from tests.staff.people import STAFF_EMAIL, Person, outbox_id

NEW_PASSWORD = "changed-on-clickbook-2"  # noqa: S105 - a test value


def change_staff_password(world: World, password: str = NEW_PASSWORD) -> None:
    """Change the staff account's password on ClickBook (as its owner would on the website)."""
    account = world.sandbox.state.sandbox.account_by_email(STAFF_EMAIL)
    account.password = PasswordHash.of(password)


async def test_an_invitation_is_emailed_and_recorded(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await bob.sign_in()

    await bob.invite(mobile="0412 345 678")

    bob.assert_sees("invite.sent", email="ann@example.com", name="Ann Lee")
    client_file_id = await outbox_id(world, "ann@example.com")
    [client_file] = (await world.clickbook_state())["client_files"]
    assert client_file["id"] == client_file_id
    assert (client_file["first_name"], client_file["last_name"]) == ("Ann", "Lee")
    assert client_file["telfixed"] == "61298765432"
    assert client_file["telmobile"] == "61412345678"
    assert client_file["created_by"] == STAFF_EMAIL
    assert world.store is not None
    [invite] = await world.store.pending_invites()
    assert invite.client_file_id == client_file_id
    assert invite.inviter_id == bob.id
    assert invite.created_at == clock()
    assert invite.email == "ann@example.com"
    assert await world.store.get_draft(bob.id, "iv") is None


async def test_the_summary_shows_every_answer_with_edit_buttons(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in()
    await bob.fill_invite()

    bob.assert_sees("invite.summary.title")
    for value in ("Ann", "Lee", "+61 2 9876 5432", "ann@example.com"):
        assert value in bob.last_text
    await bob.tap("form.edit_field", field=bob.t.plain("field.last_name"))
    await bob.send("Li")
    bob.assert_sees("invite.summary.title")
    await bob.tap("invite.summary.confirm")
    bob.assert_sees("invite.sent", email="ann@example.com", name="Ann Li")


async def test_a_shared_contact_card_fills_in_what_it_has(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in()
    await bob.send("/invite")

    await bob.actor.share_contact(phone="61298765432", first_name="Ann", last_name="Lee")

    assert bob.received("invite.contact.used", card="Ann Lee · +61 2 9876 5432")
    bob.assert_sees("invite.mobile_prompt")
    await bob.tap("form.skip")
    await bob.send("ann@example.com")
    await bob.choose("email.yes")
    bob.assert_sees("invite.summary.title")
    assert "+61 2 9876 5432" in bob.last_text


async def test_a_card_without_the_asked_value_fills_the_rest(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in()
    await bob.send("/invite")
    await bob.send("Ann")

    await bob.actor.share_contact(phone="+61298765432", first_name="Annie")

    bob.assert_sees("invite.contact.partly", card="Annie · +61 2 9876 5432", field="Last name")
    bob.assert_sees("invite.last_prompt")
    await bob.send("Lee")
    bob.assert_sees("invite.mobile_prompt")


async def test_a_pending_invite_to_the_same_email_is_flagged_before_sending(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await bob.sign_in()
    await bob.invite()
    clock.advance(timedelta(days=2))
    await bob.sign_in()
    await bob.fill_invite(first="Annie")

    await bob.tap("invite.summary.confirm")

    bob.assert_sees(
        "invite.duplicate",
        name="Ann Lee",
        email="ann@example.com",
        inviter="you",  # his own invitation: "by you", as /pending says
        age="2 days ago",
    )
    await bob.tap("invite.duplicate_back")
    bob.assert_sees("invite.summary.title")
    assert len(await world.control("GET", "/_sandbox/outbox")) == 1
    await bob.tap("invite.summary.confirm")
    await bob.tap("invite.duplicate_send")
    bob.assert_sees("invite.sent", email="ann@example.com", name="Annie Lee")
    assert len(await world.control("GET", "/_sandbox/outbox")) == 2


async def test_clickbook_down_while_inviting_keeps_the_answers(
    world: World, owner: Person, bob: Person, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.invites")
    await bob.sign_in()
    await bob.fill_invite()
    await world.fail_clickbook("SETUSERFIELDS", "http500")

    await bob.tap("invite.summary.confirm")

    bob.assert_sees("invite.unavailable")
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.invites"]
    assert logged == [f"NewClientFile by {bob.id} failed: ClickBookFaultError"]
    bob.assert_sees("invite.summary.title")
    assert await world.control("GET", "/_sandbox/outbox") == []
    assert world.store is not None
    assert await world.store.pending_invites() == []
    await bob.tap("invite.summary.confirm")
    bob.assert_sees("invite.sent", email="ann@example.com", name="Ann Lee")


async def test_a_lost_answer_from_clickbook_is_not_sent_again_blindly(
    world: World, owner: Person, bob: Person, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.invites")
    await bob.sign_in()
    await bob.fill_invite()
    await world.fail_clickbook("SETUSERFIELDS", "drop")

    await bob.tap("invite.summary.confirm")

    bob.assert_sees("invite.uncertain")
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.invites"]
    assert logged == [f"NewClientFile by {bob.id}: outcome unknown (ClickBookTransportError)"]
    assert len(await world.control("GET", "/_sandbox/outbox")) == 1
    bob.assert_sees("invite.summary.title")
    await bob.tap("invite.summary.confirm")
    assert bob.sees_only("invite.duplicate_uncertain_yours")  # his own: "you", not his name
    assert "Bob Baker" not in bob.last_text


@pytest.mark.parametrize("restart", [False, True], ids=["in-memory", "read-back"])
async def test_an_expired_session_is_renewed_without_asking(
    world: World,
    owner: Person,
    bob: Person,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    restart: bool,
) -> None:
    await bob.sign_in()
    if restart:
        await world.restart()  # the sign-in is read back from the store before it is renewed
    assert world.store is not None
    assert world.settings.secret_key is not None
    cipher = CredentialCipher(world.settings.secret_key)
    before = cipher.open(await world.store.get_staff_credentials(bob.id) or b"")
    clock.advance(timedelta(minutes=45))
    caplog.set_level(logging.INFO, logger="bot.staff_sessions")

    await bob.invite()

    bob.assert_sees("invite.sent", email="ann@example.com", name="Ann Lee")
    after = cipher.open(await world.store.get_staff_credentials(bob.id) or b"")
    assert after.cookie.get_secret_value() != before.cookie.get_secret_value()
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.staff_sessions"]
    assert logged == [f"staff {bob.id}: ClickBook session renewed and stored"]


async def test_a_failed_renewal_asks_to_sign_in_again_and_keeps_the_answers(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await bob.sign_in()
    await bob.fill_invite()
    change_staff_password(world)
    clock.advance(timedelta(minutes=45))

    await bob.tap("invite.summary.confirm")

    bob.assert_sees("invite.signed_out")
    assert world.store is not None
    assert await world.store.get_staff_credentials(bob.id) is None
    assert await world.store.get_draft(bob.id, "iv") is not None
    await bob.sign_in(password=NEW_PASSWORD)
    bob.assert_sees("signin.invite_waiting")
    await bob.send("/invite")
    await bob.choose("invite.unfinished_finish")
    bob.assert_sees("invite.summary.title")
    await bob.tap("invite.summary.confirm")
    bob.assert_sees("invite.sent", email="ann@example.com", name="Ann Lee")


async def test_inviting_needs_a_sign_in(world: World, owner: Person, bob: Person) -> None:
    await bob.send("/invite")

    bob.assert_sees("invite.sign_in_first")


@pytest.mark.parametrize("crash", [False, True], ids=["clean-restart", "crash"])
async def test_a_restart_in_the_middle_of_the_form_loses_nothing(
    world: World, owner: Person, bob: Person, crash: bool
) -> None:
    await bob.sign_in()
    await bob.send("/invite")
    await bob.send("Ann")
    await bob.send("Lee")

    await world.restart(crash=crash)
    await bob.send("+61 2 9876 5432")

    bob.assert_sees("invite.mobile_prompt")
    await bob.tap("form.skip")
    await bob.send("ann@example.com")
    await bob.choose("email.yes")
    await bob.tap("invite.summary.confirm")
    bob.assert_sees("invite.sent", email="ann@example.com", name="Ann Lee")


async def test_cancel_keeps_the_draft_for_the_next_invite(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in()
    await bob.send("/invite")
    await bob.send("Ann")
    await bob.tap("form.cancel")
    bob.assert_sees("form.cancelled")

    await bob.send("/invite")

    bob.assert_sees("invite.unfinished", draft="Ann")
    await bob.choose("invite.unfinished_finish")
    bob.assert_sees("invite.last_prompt")


async def test_sign_in_from_the_middle_of_the_form_leaves_it_resumable(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in()
    await bob.send("/invite")
    await bob.send("Ann")

    await bob.sign_in()
    bob.assert_sees("signin.invite_waiting")
    await bob.send("/invite")
    await bob.choose("invite.unfinished_finish")

    bob.assert_sees("invite.last_prompt")


async def test_clickbook_down_while_renewing_sends_nothing(
    world: World, owner: Person, bob: Person, clock: ManualClock
) -> None:
    await bob.sign_in()
    await bob.fill_invite()
    clock.advance(timedelta(minutes=45))
    await world.fail_clickbook("LOGIN", "drop", times=4)

    await bob.tap("invite.summary.confirm")

    bob.assert_sees("invite.unavailable")
    assert await world.control("GET", "/_sandbox/outbox") == []
    await bob.tap("invite.summary.confirm")
    bob.assert_sees("invite.sent", email="ann@example.com", name="Ann Lee")
