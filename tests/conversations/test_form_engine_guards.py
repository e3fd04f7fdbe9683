"""The form engine's guards: what a tap, a typed label or an old keyboard may and may not do."""

from __future__ import annotations

import pytest

from bot.domain.countries import all_countries
from bot.sandbox.world import World
from bot.ui import Button
from conversations.form import match_label
from tests.conversations.test_signup_forged_taps import nonce_of
from tests.conversations.test_signup_reliability import FLOW
from tests.support.chat import bot_problems, customer, forged_tap, tap_with_data, visible


def test_typed_text_matching_two_buttons_chooses_neither() -> None:
    buttons = [Button("✅ Yes", "yes"), Button("Yes!", "confirm"), Button("No", "no")]

    assert match_label("yes", buttons) is None
    assert match_label("no", buttons) == "no"
    assert match_label("YES", [Button("Yes", "yes"), Button("✅ yes", "yes")]) == "yes"


async def test_text_typed_at_the_welcome_is_not_taken_as_the_first_answer(world: World) -> None:
    ann = customer(world)
    await ann.send("/start")

    await ann.send("Annabel")

    ann.assert_asks("first_name")
    assert "first_name" not in await ann.draft_answers()


async def test_a_forged_skip_on_a_required_field_is_refused(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("terms")
    nonce = nonce_of(ann, ann.label("form.cancel"))

    await forged_tap(ann.actor, f"{FLOW}:{nonce}:skip")

    ann.assert_asks("terms")
    assert "terms" not in await ann.draft_answers()


async def test_a_keyboard_ten_screens_old_is_still_stale(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("terms")
    old = ann.actor.last
    cancel = old.callback_data(ann.label("form.cancel"))
    assert cancel is not None
    for _ in range(10):
        await ann.send("1234")  # refused: each refusal is a new screen
        ann.assert_asks("terms")

    await tap_with_data(ann.actor, old.message_id, cancel)

    ann.assert_sees("form.stale")
    assert not ann.sees("form.cancelled")


async def test_the_last_page_of_the_country_list_is_reachable(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("country")
    await ann.tap("country.other")
    next_label = ann.label("picker.next")
    names = [country.name for country in all_countries("en")]

    while next_label in str(ann.actor.last.buttons):
        await ann.tap("picker.next")

    assert names[-1] in str(ann.actor.last.buttons)
    await ann.actor.tap(names[-1])
    await ann.tap("country.keep", country=names[-1])  # the phone number is Australian
    assert (await ann.draft_answers())["country"] == all_countries("en")[-1].code


async def test_clickbooks_note_goes_once_the_field_is_answered_again(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to()
    assert world.store is not None
    # A draft kept from before ClickBook changed its list of time zones.
    await world.store.set_draft_field(
        ann.actor.id, FLOW, "timezone", "Z=-10$DO=0$ZX=66$ZN=Atlantis", world.clock()
    )
    await ann.tap("summary.confirm")
    ann.assert_sees("timezone.prompt")
    [note] = [line for line in ann.actor.last.text.splitlines() if line.startswith("⚠️")]
    await ann.fill_to(start_at="timezone", stop_before="password")
    ann.assert_sees("summary.title")

    await ann.tap("form.edit_field", field=ann.t.plain("field.timezone"))

    ann.assert_sees("timezone.prompt")
    assert note not in ann.actor.last.text


async def test_a_forged_action_no_field_knows_is_refused(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("terms")
    answers = await ann.draft_answers()
    nonce = nonce_of(ann, ann.label("form.cancel"))

    await forged_tap(ann.actor, f"{FLOW}:{nonce}:drop_tables")

    assert bot_problems(world) == []
    ann.assert_sees("form.stale")
    ann.assert_asks("terms")
    assert await ann.draft_answers() == answers


@pytest.mark.parametrize(
    ("at", "action", "notice"),
    [
        pytest.param("terms", "keep", "form.stale", id="keep-when-nothing-is-re-asked"),
        pytest.param("terms", "edit.email", "form.stale", id="edit-before-the-summary"),
        pytest.param("terms", "confirm", None, id="confirm-before-the-summary"),
        pytest.param("terms", "begin", None, id="start-again"),
        pytest.param("summary", "edit.no_such_field", None, id="edit-an-unknown-field"),
        pytest.param("summary", "skip", None, id="skip-on-the-summary"),
        pytest.param("summary", "agree", None, id="a-fields-action-on-the-summary"),
    ],
)
async def test_a_forged_engine_tap_shows_the_same_step_and_changes_nothing(
    world: World, at: str, action: str, notice: str | None
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to(None if at == "summary" else at)
    shown = ann.actor.last
    assert world.store is not None
    before = await world.store.get_draft(ann.actor.id, FLOW)
    assert before is not None
    nonce = nonce_of(ann, ann.label("form.cancel"))

    await forged_tap(ann.actor, f"{FLOW}:{nonce}:{action}")

    # The same step again, with "that step has changed" for an action it has no button for,
    # and a quiet answer to the tap: no "creating your account" toast.
    question = [visible(ann.t("form.step", number=8, total=8)), visible(ann.t("terms.prompt"))]
    same = shown.text if at == "summary" else "\n".join(question)
    stale = [visible(ann.t(notice))] if notice else []
    assert ann.actor.last.text == "\n\n".join([*stale, same])
    assert ann.actor.last.buttons == shown.buttons
    if notice is None:
        assert ann.actor.last.message_id == shown.message_id
    assert ann.actor.callbacks[-1].answer_text is None
    after = await world.store.get_draft(ann.actor.id, FLOW)
    assert after is not None
    assert after.editing is None
    assert {k: v for k, v in after.fields.items() if not k.startswith("_")} == {
        k: v for k, v in before.fields.items() if not k.startswith("_")
    }
    assert (await world.clickbook_state())["users"] == []
    assert bot_problems(world) == []
