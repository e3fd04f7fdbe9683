"""What customers type into the sign-up: every refusal, odd messages, edits, markup, long text.

A refused answer shows its ``error.<code>`` message and the same question again, and loses
nothing already answered. Whatever arrives (markup, right-to-left names, 5000 characters, a
sticker, an edited message) the bot answers politely: the autouse check fails a test on any
failed Bot API call (Telegram refuses bad HTML and over-long messages), any unanswered tap or
any "something went wrong" message.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.sandbox.world import World
from tests.support.chat import STEP_PROMPTS, Customer, bot_problems, customer

MAX_TELEGRAM_TEXT = 4096


@pytest.fixture(autouse=True)
async def _nothing_failed(world: World) -> AsyncIterator[None]:
    yield
    assert bot_problems(world) == []


async def at_step(world: World, step: str, **kwargs: Any) -> Customer:
    """Return a customer who has answered everything before ``step``."""
    ann = customer(world, **kwargs)
    await ann.start()
    await ann.fill_to(None if step == "summary" else step)
    ann.assert_asks(step)
    return ann


def error(code: str, **params: Any) -> tuple[str, dict[str, Any]]:
    """Name an expected ``error.<code>`` message and its parameters."""
    return f"error.{code}", params


REFUSALS = [
    ("first_name", "   ", error("name.empty")),
    ("first_name", "\u200f\u200e", error("name.empty")),
    ("first_name", ".", error("name.no_letter")),
    ("first_name", "123", error("name.no_letter")),
    ("first_name", "B" * 5000, error("name.too_long", max=100)),
    ("first_name", "Bob 😀", error("name.invalid_characters", characters="😀")),
    ("first_name", "Bo\x07b", error("name.invalid_characters", characters="\x07")),
    ("first_name", "Bob \x1b[31m", error("name.invalid_characters", characters="\x1b[")),
    ("first_name", "<b>x</b> y", error("name.invalid_characters", characters="<>/")),
    ("last_name", "</VALUE> </FIELD>", error("name.invalid_characters", characters="</>")),
    ("first_name", "Str0ng-Passw0rd!", error("name.invalid_characters_unquoted")),
    ("last_name", "p@ssw0rd-2024", error("name.invalid_characters_unquoted")),
    ("last_name", "Lee & Co", error("name.invalid_characters", characters="&")),
    ("last_name", "L" * 101, error("name.too_long", max=100)),
    ("last_name", "-", error("name.no_letter")),
    ("email", "   ", error("email.empty")),
    ("email", "ann.example.com", error("email.missing_at")),
    ("email", "ann@@example.com", error("email.invalid")),
    ("email", "ann@example", error("email.invalid")),
    ("email", "анна@example.com", error("email.non_latin_local_part")),
    ("email", "ann😀@example.com", error("email.non_latin_local_part")),
    ("email", "a" * 5000, error("email.too_long", max=254)),
    ("email", "<b>x</b>@example.com", error("email.invalid")),
    ("email", "ann@example.com</VALUE></FIELD>", error("email.invalid")),
    ("phone", "call me", error("phone.invalid_characters")),
    ("phone", "<b>0412345678</b>", error("phone.invalid_characters")),
    ("phone", "📞 0412 345 678", error("phone.invalid_characters")),
    ("phone", "+", error("phone.invalid")),
    ("phone", "+61 4", error("phone.too_short")),
    ("phone", "+44 20", error("phone.too_short")),
    ("phone", "+999 1234 5678", error("phone.invalid_country_code")),
    ("phone", "+1 555 0123", error("phone.missing_area_code")),
    ("phone", "+61 412 345 678 901 234", error("phone.too_long")),
    ("phone", "1" * 5000, error("phone.too_long")),
    ("password", "        ", error("password.blank")),
    ("password", "abc\x01defgh1", error("password.invalid_characters")),
    ("password", "abc1", error("password.too_short", min=8)),
    ("password", "a1" * 65, error("password.too_long", max=128)),
    ("password", "x" * 5000, error("password.too_long", max=128)),
    ("password", "12345678", error("password.no_letter")),
    ("password", "abcdefgh", error("password.no_digit")),
]


@pytest.mark.parametrize(
    ("step", "typed", "expected"),
    REFUSALS,
    ids=[
        f"{i}-{expected[0].removeprefix('error.')}" for i, (_, _, expected) in enumerate(REFUSALS)
    ],
)
async def test_a_refused_answer_is_explained_and_the_question_asked_again(
    world: World, step: str, typed: str, expected: tuple[str, dict[str, Any]]
) -> None:
    ann = await at_step(world, step)
    before = await ann.draft_answers()

    await ann.send(typed)

    key, params = expected
    ann.assert_sees(key, **params)
    ann.assert_asks(step)
    assert await ann.draft_answers() == before
    if step == "password":
        assert ann.world.vault.get("su", ann.actor.id) is None
        assert not [m for m in ann.actor.transcript if not m.from_bot and m.text == typed]


@pytest.mark.parametrize(
    ("step", "typed", "key"),
    [
        ("country", "Atlantis", "country.no_match"),
        ("country", "<b>x</b> y", "country.no_match"),
        ("country", "</VALUE> </FIELD>", "country.no_match"),
        ("timezone", "Atlantis", "timezone.no_match"),
        ("timezone", "<i>Sydney</i> & co", "timezone.no_match"),
        ("timezone", "GMT +25", "timezone.no_match"),
    ],
)
async def test_a_search_without_results_echoes_the_query_as_text(
    world: World, step: str, typed: str, key: str
) -> None:
    ann = await at_step(world, step)
    before = await ann.draft_answers()

    await ann.send(typed)

    ann.assert_sees(key, query=typed)
    assert typed in ann.actor.last.text
    ann.assert_asks(step)
    assert await ann.draft_answers() == before


@pytest.mark.parametrize(
    ("step", "typed"),
    [
        ("timezone", "Str0ng-Passw0rd!"),
        ("timezone", "GMT+25"),
        ("country", "Str0ng-Passw0rd!"),
        ("country", "p@ssw0rd-2024"),
    ],
)
async def test_a_search_that_could_be_a_password_is_not_quoted(
    world: World, step: str, typed: str
) -> None:
    ann = await at_step(world, step)
    before = await ann.draft_answers()

    await ann.send(typed)

    ann.assert_sees(f"{step}.no_match_unquoted")
    assert not [m for m in ann.actor.bot_messages if typed in (m.text or "")]
    ann.assert_asks(step)
    assert await ann.draft_answers() == before


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("محمد", "علي"),
        ("דוד", "כהן"),
        ("\u200fسارا", "\u200fرضایی"),
        ("Zoë", "O'Connor-Núñez"),
        ("Анна", "Ли"),
    ],
    ids=["arabic", "hebrew", "persian-with-rtl-marks", "latin-accents", "cyrillic"],
)
async def test_names_in_any_script_reach_clickbook_unchanged(
    world: World, first: str, last: str
) -> None:
    ann = customer(world, first_name=first, last_name=last)
    await ann.start()
    ann.answers.update(first_name=first, last_name=last)
    await ann.fill_to()
    clean_first, clean_last = first.replace("\u200f", ""), last.replace("\u200f", "")
    ann.assert_sees("summary.title")
    assert f"{ann.label('field.first_name')}: {clean_first}" in ann.actor.last.text
    assert f"{ann.label('field.last_name')}: {clean_last}" in ann.actor.last.text

    await ann.tap("summary.confirm")

    ann.assert_sees("submit.done", name=f"{clean_first} {clean_last}")
    [user] = (await world.clickbook_state())["users"]
    assert (user["first_name"], user["last_name"]) == (clean_first, clean_last)


async def test_the_telegram_profile_name_is_offered_in_any_script(world: World) -> None:
    ann = customer(world, first_name="דוד", last_name="כהן")
    await ann.start()

    assert ["דוד"] in (ann.actor.reply_keyboard or [])
    await ann.actor.press("דוד")
    assert ["כהן"] in (ann.actor.reply_keyboard or [])
    await ann.actor.press("כהן")

    assert await ann.draft_answers() == {"first_name": "דוד", "last_name": "כהן"}


# Not text


@pytest.mark.parametrize("kind", ["sticker", "photo", "document"])
@pytest.mark.parametrize("step", ["first_name", "email", "phone", "password", "summary"])
async def test_a_sticker_photo_or_document_asks_for_text(
    world: World, step: str, kind: str
) -> None:
    ann = await at_step(world, step)
    before = await ann.draft_answers()

    if kind == "sticker":
        await ann.actor.send_sticker()
    elif kind == "photo":
        await ann.actor.send_photo(caption="Ann")
    else:
        await ann.actor.send_document()

    ann.assert_sees("form.text_expected")
    ann.assert_asks(step)
    assert await ann.draft_answers() == before


async def test_a_contact_where_none_was_asked_for_is_refused(world: World) -> None:
    ann = await at_step(world, "email")

    await ann.actor.share_contact()

    ann.assert_sees("form.contact_not_expected")
    ann.assert_asks("email")
    assert "phone" not in await ann.draft_answers()


async def test_a_contact_at_the_summary_is_refused_and_changes_nothing(world: World) -> None:
    ann = await at_step(world, "summary", phone="+61412000002")
    before = await ann.draft_answers()

    await ann.actor.share_contact(phone="+61412999999")

    ann.assert_sees("form.contact_not_expected")
    ann.assert_asks("summary")
    assert await ann.draft_answers() == before


# Edited messages


async def test_editing_a_sent_answer_changes_nothing_and_says_so(world: World) -> None:
    ann = await at_step(world, "last_name")
    [first_name_message] = [m for m in ann.actor.transcript if not m.from_bot and m.text == "Ann"]

    await ann.actor.edit(first_name_message.message_id, "Anna")

    ann.assert_sees("form.edit_ignored")
    ann.assert_asks("last_name")
    assert await ann.draft_answers() == {"first_name": "Ann"}
    await ann.send("Lee")
    ann.assert_asks("email")
    assert await ann.draft_answers() == {"first_name": "Ann", "last_name": "Lee"}


async def test_an_edit_on_the_summary_shows_the_summary_again(world: World) -> None:
    ann = await at_step(world, "summary")
    [email_message] = [m for m in ann.actor.transcript if not m.from_bot and m.text == ann.email]

    await ann.actor.edit(email_message.message_id, "ann@example.org")

    ann.assert_sees("form.edit_ignored")
    ann.assert_asks("summary")
    await ann.tap("summary.confirm")
    [user] = (await world.clickbook_state())["users"]
    assert user["email"] == ann.email


async def test_an_edit_outside_a_sign_up_gets_no_answer(world: World) -> None:
    ann = customer(world)
    message = await ann.actor.send("hello")
    before = len(ann.actor.bot_messages)

    await ann.actor.edit(message["message_id"], "hello again")

    assert len(ann.actor.bot_messages) == before


async def test_an_edit_after_signing_up_gets_no_answer(world: World) -> None:
    ann = customer(world)
    await ann.sign_up()
    [first_name_message] = [m for m in ann.actor.transcript if not m.from_bot and m.text == "Ann"]
    before = len(ann.actor.bot_messages)

    await ann.actor.edit(first_name_message.message_id, "Anna")

    assert len(ann.actor.bot_messages) == before


# Markup in what the user typed


async def test_markup_in_the_telegram_name_is_shown_as_text(world: World) -> None:
    ann = customer(world, first_name="<b>Ann</b> & <Co>", last_name="</VALUE></FIELD>")

    await ann.send("/start")

    ann.assert_sees("start.welcome", business="ClickBook", name="<b>Ann</b> & <Co>")
    assert "<b>Ann</b> & <Co>" in ann.actor.last.text
    await ann.tap("start.begin")
    ann.assert_asks("first_name")
    assert ann.actor.reply_keyboard == [[ann.label("form.cancel")]]  # not a name to offer
    await ann.send("Ann")
    assert ann.actor.reply_keyboard == [[ann.label("form.back"), ann.label("form.cancel")]]


async def test_user_text_is_escaped_on_every_screen_that_echoes_it(world: World) -> None:
    email = "o'neil&co@example.com"
    ann = customer(world, email=email)
    await ann.start()
    ann.answers.update(first_name="D'Arcy", last_name="O'Neil-Smith")

    await ann.send("<b>D'Arcy</b> Lee")
    ann.assert_sees("error.name.invalid_characters", characters="<>/")
    assert "but not <>/." in ann.actor.last.text
    await ann.fill_to("email")
    await ann.send(email)
    ann.assert_sees("email.check", email=email)
    assert email in ann.actor.last.text
    await ann.choose("email.yes")
    await ann.fill_to(start_at="phone")

    ann.assert_sees("summary.title")
    text = ann.actor.last.text
    assert f"Email: {email}" in text
    assert "First name: D'Arcy" in text
    assert "Last name: O'Neil-Smith" in text
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="D'Arcy O'Neil-Smith")
    [user] = (await world.clickbook_state())["users"]
    assert (user["first_name"], user["last_name"], user["email"]) == (
        "D'Arcy",
        "O'Neil-Smith",
        email,
    )
    await ann.send("/start")
    ann.assert_sees("start.registered", name="D'Arcy O'Neil-Smith", email=email)


async def test_a_password_with_markup_reaches_clickbook_and_signs_in(world: World) -> None:
    password = "</VALUE></FIELD><&>1a"  # noqa: S105 - a test account's password
    ann = customer(world, password=password)

    await ann.sign_up()

    ann.assert_sees("submit.done", name="Ann Lee")
    assert world.client is not None
    await world.client.login(ann.email, password)
    assert all(password not in (m.text or "") for m in ann.actor.transcript)


# Long messages


LONG = ["a" * 5000, "<&>" * 1667, "😀" * 5000]
LONG_REFUSAL = {
    "first_name": error("name.too_long", max=100),
    "last_name": error("name.too_long", max=100),
    "email": error("email.too_long", max=254),
    "phone": error("phone.too_long"),
    "country": ("country.no_match", {}),
    "timezone": ("timezone.no_match", {}),
    "password": error("password.too_long", max=128),
    "terms": ("terms.use_button", {}),
    "summary": ("form.use_buttons", {}),
}


@pytest.mark.parametrize("typed", LONG, ids=["letters", "markup", "emoji"])
@pytest.mark.parametrize("step", [*STEP_PROMPTS])
async def test_a_5000_character_message_gets_a_polite_answer(
    world: World, step: str, typed: str
) -> None:
    ann = await at_step(world, step)
    before = await ann.draft_answers()

    await ann.send(typed)

    key, params = LONG_REFUSAL[step]
    if key.endswith("no_match"):
        params = {"query": typed[:60]}  # the query is echoed, shortened
    ann.assert_sees(key, **params)
    ann.assert_asks(step)
    assert ann.actor.last.text is not None
    assert len(ann.actor.last.text) < MAX_TELEGRAM_TEXT
    assert await ann.draft_answers() == before
