"""Customer sign-up end to end: a user in the Telegram emulator, ClickBook in the sandbox."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES
from bot.sandbox.world import World
from conversations.progress import PROGRESS_DELAY
from tests.support.chat import customer


@pytest.mark.parametrize("language", LANGUAGES)
async def test_happy_path_creates_an_active_clickbook_account(world: World, language: str) -> None:
    ann = customer(world, language=language)

    await ann.sign_up()

    ann.assert_sees("submit.done", name="Ann Lee")
    state = await world.clickbook_state()
    [user] = state["users"]
    assert user["email"] == "ann.lee@example.com"
    assert (user["first_name"], user["last_name"]) == ("Ann", "Lee")
    assert user["details"]["inp-country"] == "Australia"
    assert user["details"]["inp-telfixed"] == "61412345678"
    assert "ZN=AUS Eastern" in user["details"]["inp-timezone"]
    [stub] = state["stubs"]
    assert stub["processed_at"] is not None
    assert world.store is not None
    registration = await world.store.get_registration(ann.actor.id)
    assert registration is not None
    assert registration.state == "active"
    assert registration.stub_id == stub["id"]
    assert await world.store.get_draft(ann.actor.id, "su") is None


async def test_a_quick_submission_goes_straight_to_its_result(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to()
    summary_id = ann.actor.last.message_id
    edits_before = len(world.emulator.calls_to("editMessageText"))

    await ann.tap("summary.confirm")

    # The tap's toast says what is happening; the screen changes once, to the result.
    assert world.emulator.calls_to("answerCallbackQuery")[-1].params["text"] == ann.t.plain(
        "submit.creating"
    )
    assert ann.actor.last.message_id == summary_id
    [edit] = world.emulator.calls_to("editMessageText")[edits_before:]
    assert edit.params["text"].startswith(ann.t("submit.done", name="Ann Lee"))
    assert world.emulator.calls_to("sendChatAction") == []


async def test_a_slow_submission_shows_its_progress_in_place(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to()
    summary_id = ann.actor.last.message_id
    await world.fail_clickbook("SETUSERFIELDS", "delay", seconds=PROGRESS_DELAY + 0.5)

    await ann.tap("summary.confirm")

    assert ann.actor.last.message_id == summary_id
    edits = [
        call.params["text"]
        for call in world.emulator.calls_to("editMessageText")
        if str(call.params.get("message_id")) == str(summary_id)
    ]
    progress = edits[edits.index(ann.t("submit.creating")) :]
    assert progress[-1].startswith(ann.t("submit.done", name="Ann Lee"))


@pytest.mark.parametrize("status", [400, 502], ids=["refused", "telegram-down"])
async def test_a_progress_edit_telegram_refuses_is_not_fatal(world: World, status: int) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to()
    await world.fail_clickbook("SETUSERFIELDS", "delay", seconds=PROGRESS_DELAY + 0.5)
    world.emulator.fail_next("editMessageText", status=status, retry_after=None)

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.done", name="Ann Lee")
    assert [call for call in world.emulator.calls_to("editMessageText") if not call.ok]
    assert len((await world.clickbook_state())["users"]) == 1


async def test_password_message_is_deleted_and_never_stored(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    ann = customer(world, password="Very$ecret42")
    await ann.start()
    await ann.fill_to("password")

    await ann.type_password()

    assert not [m for m in ann.actor.transcript if "Very$ecret42" in (m.text or "")]
    await ann.tap("terms.agree")
    ann.assert_sees("summary.title")
    assert "Very$ecret42" not in ann.actor.last.text
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")
    assert world.application is not None
    await world.application.update_persistence()
    for path in world.database.parent.iterdir():
        assert b"Very$ecret42" not in path.read_bytes(), path
    assert "Very$ecret42" not in caplog.text


async def test_already_registered_user_is_told_so(world: World) -> None:
    ann = customer(world)
    await ann.sign_up()

    await ann.send("/start")

    ann.assert_sees("start.registered", name="Ann Lee", email="ann.lee@example.com")
    assert ann.label("start.begin") not in str(ann.actor.last.buttons)
