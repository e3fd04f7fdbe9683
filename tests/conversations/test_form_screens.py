"""The form engine's screens exactly: text, buttons, keyboards, and what each action costs.

One customer walks the sign-up, goes back, keeps, edits from the summary, types Back, Keep and
Cancel and comes back, and after every action the test reads the newest screen whole (its text
line by line, its inline buttons row by row, its reply keyboard) and the chat-bound Bot API
calls the action cost. Exact screens pin what the engine adds to every question (the step
counter, the earlier answer, Keep, Back, Skip, Cancel, the summary's edit buttons two by two)
and the calls pin how it shows them (an edit in place, a new message, a reply keyboard taken
away, an older keyboard retired).
"""

from __future__ import annotations

from bot.domain.countries import country_name
from bot.domain.zones import city_name
from bot.sandbox.world import World
from tests.support.chat import bot_problems, customer
from tests.support.screens import Screens

FIELDS = ["first_name", "last_name", "email", "phone", "country", "timezone", "password", "terms"]


def summary_rows(s: Screens) -> list[list[str]]:
    """Return the sign-up summary's buttons: an edit button per field two by two, Confirm..."""
    return [
        *s.edit_rows([f"field.{key}" for key in FIELDS]),
        [s.label("summary.confirm")],
        [s.label("form.back"), s.label("form.cancel")],
    ]


async def test_every_screen_of_a_sign_up_and_what_it_costs(world: World) -> None:
    ann = customer(world)
    s = Screens(world, ann, total=8)
    back, cancel, keep = s.label("form.back"), s.label("form.cancel"), s.label("form.keep")
    nav = [back, cancel]

    await ann.send("/start")
    assert s.calls() == ["sendMessage"]
    assert ann.actor.last.reply_keyboard == [[s.label("start.begin")]]

    await ann.tap("start.begin")
    assert s.calls() == ["sendMessage"]
    assert ann.actor.last.text == s.step(1, s.text("name.first_prompt"))
    assert ann.actor.last.reply_keyboard == [["Ann"], [cancel]]
    assert ann.actor.last.buttons == []

    await ann.send("Ann")
    assert s.calls() == ["sendMessage"]
    assert ann.actor.last.text == s.step(2, s.text("name.last_prompt"))
    assert ann.actor.last.reply_keyboard == [["Lee"], nav]

    await ann.send("Lee")
    assert s.calls() == ["sendMessage"]
    assert ann.actor.last.text == s.step(3, s.text("email.prompt"))
    assert ann.actor.last.reply_keyboard == [nav]

    await ann.send(ann.email)
    assert s.calls() == ["sendMessage"]
    assert ann.actor.last.text.startswith(s.step(3, ""))
    assert ann.actor.last.reply_keyboard == [[s.label("email.yes"), s.label("email.change")], nav]

    await ann.choose("email.yes")
    assert s.calls() == ["sendMessage"]
    assert ann.actor.last.text == s.step(4, s.text("phone.prompt"))
    assert ann.actor.last.reply_keyboard == [[s.label("phone.share")], nav]

    # The number's note takes the reply keyboard down; the country question comes below it.
    await ann.send("+61 412 345 678")
    assert s.calls() == ["sendMessage", "sendMessage"]
    assert ann.actor.reply_keyboard is None
    note, question = ann.actor.transcript[-2:]
    assert note.text == s.text("phone.saved", phone="+61 412 345 678")
    assert note.buttons == []
    assert question.text == s.step(5, s.text("country.from_phone", country="Australia"))
    assert question.buttons == [["Australia"], [s.label("country.other")], nav]
    assert question.reply_keyboard is None
    screen = question.message_id

    # Taps edit the screen in place.
    await ann.actor.tap(country_name("AU", "en"))
    assert s.calls() == ["editMessageText"]
    assert ann.actor.last.message_id == screen
    assert ann.actor.last.text.startswith(s.step(6, s.text("timezone.prompt")))
    assert ann.actor.last.buttons[-1] == nav

    await ann.actor.tap(city_name("Australia/Sydney", "en"))
    assert s.calls() == ["editMessageText"]
    assert ann.actor.last.buttons == [[s.label("timezone.yes"), s.label("timezone.no")], nav]

    await ann.tap("timezone.yes")
    assert s.calls() == ["editMessageText"]
    assert ann.actor.last.text == s.step(7, s.text("password.prompt"))
    assert ann.actor.last.buttons == [nav]

    # A deleted message right below the screen lets it be edited in place.
    await ann.send(ann.password)
    assert s.calls() == ["deleteMessage"]
    await ann.send(ann.password)
    assert s.calls() == ["deleteMessage", "editMessageText"]
    assert ann.actor.last.message_id == screen
    assert ann.actor.last.text == "\n\n".join(
        [s.text("password.saved"), s.step(8, s.text("terms.prompt"))]
    )
    terms_rows = [[s.label("terms.read")], [s.label("terms.agree")]]
    assert ann.actor.last.buttons == [*terms_rows, nav]

    await ann.tap("terms.agree")
    assert s.calls() == ["editMessageText"]
    summary = ann.actor.last.text
    assert summary.splitlines()[:6] == [
        s.text("summary.title"),
        "",
        f"{s.label('field.first_name')}: Ann",
        f"{s.label('field.last_name')}: Lee",
        f"{s.label('field.email')}: ann.lee@example.com",
        f"{s.label('field.phone')}: +61 412 345 678",
    ]
    assert len(summary.splitlines()) == 10
    assert ann.actor.last.buttons == summary_rows(s)

    # Back from the summary re-asks the last question, its answer the default.
    await ann.tap("form.back")
    assert s.calls() == ["editMessageText"]
    agreed = summary.splitlines()[-1].split(": ", 1)[1]
    assert ann.actor.last.text == s.step(8, s.text("terms.prompt"), current=agreed)
    assert ann.actor.last.buttons == [*terms_rows, [keep], nav]

    await ann.tap("form.keep")
    assert s.calls() == ["editMessageText"]
    assert ann.actor.last.text == summary
    assert ann.actor.last.buttons == summary_rows(s)

    await ann.tap("form.edit_field", field=s.label("field.email"))
    assert s.calls() == ["editMessageText"]
    assert ann.actor.last.text == s.step(3, s.text("email.prompt"), current="ann.lee@example.com")
    assert ann.actor.last.buttons == [[keep], nav]

    # Typed, Back answers below: a reply keyboard, and the screen above loses its buttons.
    await ann.send("back")
    assert s.calls() == ["sendMessage", "editMessageReplyMarkup"]
    assert ann.actor.last.text == s.step(2, s.text("name.last_prompt"), current="Lee")
    assert ann.actor.last.reply_keyboard == [["Lee"], [keep], nav]
    assert [m.message_id for m in ann.actor.transcript if m.buttons] == []

    # Keep, typed: the summary needs inline buttons, so the reply keyboard is taken away.
    await ann.send(keep)
    assert s.calls() == ["sendMessage", "deleteMessage", "sendMessage"]
    assert ann.actor.last.text == summary
    assert ann.actor.last.buttons == summary_rows(s)
    assert ann.actor.last.reply_keyboard is None

    await ann.tap("form.cancel")
    assert s.calls() == ["editMessageText"]
    assert ann.actor.last.text == s.text("form.cancelled")
    assert ann.actor.last.buttons == []

    # Cancel let the password go: back, the form asks for it (and deletes what was typed).
    await ann.send("hello")
    assert s.calls() == ["deleteMessage", "sendMessage"]
    assert ann.actor.last.text.startswith("\n\n".join([s.text("start.resume"), s.step(7, "")]))
    assert ann.actor.last.text.endswith(s.text("password.prompt"))
    assert ann.actor.last.buttons == [nav]
    assert bot_problems(world) == []


async def test_cancel_typed_takes_the_reply_keyboard_away_and_anything_brings_it_back(
    world: World,
) -> None:
    ann = customer(world)
    s = Screens(world, ann, total=8)
    await ann.start()
    await ann.send("Ann")
    s.calls()

    await ann.send("CANCEL")
    assert s.calls() == ["sendMessage"]
    assert ann.actor.last.text == s.text("form.cancelled")
    assert ann.actor.reply_keyboard is None

    await ann.actor.send_sticker()
    assert s.calls() == ["sendMessage"]
    assert ann.actor.last.text == "\n\n".join(
        [s.text("start.resume"), s.step(2, s.text("name.last_prompt"))]
    )
    assert ann.actor.reply_keyboard == [["Lee"], [s.label("form.back"), s.label("form.cancel")]]
    await ann.send("Lee")
    assert ann.actor.last.text == s.step(3, s.text("email.prompt"))
    assert await ann.draft_answers() == {"first_name": "Ann", "last_name": "Lee"}


async def test_a_sticker_at_the_welcome_asks_for_text_and_the_next_text_is_the_answer(
    world: World,
) -> None:
    ann = customer(world)
    s = Screens(world, ann, total=8)
    await ann.send("/start")
    s.calls()

    await ann.actor.send_sticker()
    assert s.calls() == ["sendMessage"]
    assert ann.actor.last.text == "\n\n".join(
        [s.text("form.text_expected"), s.step(1, s.text("name.first_prompt"))]
    )

    await ann.send("Annabel")
    assert ann.actor.last.text == s.step(2, s.text("name.last_prompt"))
    assert await ann.draft_answers() == {"first_name": "Annabel"}


async def test_a_contact_card_where_none_is_asked_for_is_refused(world: World) -> None:
    ann = customer(world)
    s = Screens(world, ann, total=8)
    await ann.start()
    await ann.fill_to("terms")
    question = s.step(8, s.text("terms.prompt"))

    await ann.actor.share_contact()
    assert ann.actor.last.text == "\n\n".join([s.text("form.contact_not_expected"), question])
    assert "terms" not in await ann.draft_answers()
