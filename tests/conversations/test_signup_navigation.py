"""Moving around the customer sign-up: Back, edit from the summary, Cancel and resume, stale and
double taps, typed button labels, the country and time zone pickers, email typos and the phone.

Every test plays the user in the Telegram emulator and checks what they see (by catalog key)
and what the ClickBook sandbox received. An autouse check after each test makes sure no Bot API
call failed, every tap was answered and nobody saw the "something went wrong" message.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.clickbook import ClickBookError
from bot.clickbook.timezones import TimeZone
from bot.domain.countries import all_countries, country_name
from bot.domain.phones import readable_phone
from bot.domain.zones import parse_offset_query, real_label
from bot.i18n import LANGUAGES, Markup
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.telegram.views import ChatMessage
from bot.sandbox.world import World
from conversations.form import (
    BEGIN,
    BELOW_KEY,
    LABELS_KEY,
    NONCE_KEY,
    PARKED_KEY,
    REPLY_KEYBOARD_KEY,
    SCREEN_KEY,
)
from tests.support.chat import (
    FLOW,
    Customer,
    bot_problems,
    customer,
    replay_tap,
    tap_with_data,
    visible,
)

STEPS = ("first_name", "last_name", "email", "phone", "country", "timezone", "password", "terms")
SYDNEY_LABEL = "Sydney (UTC+11:00)"
"""The Sydney zone as shown in March, in summer time (ClickBook's label says GMT+10:00)."""
NEW_PASSWORD = "NewSecret456"  # noqa: S105 - a test account's password


@pytest.fixture(autouse=True)
async def _nothing_failed(world: World) -> AsyncIterator[None]:
    yield
    assert bot_problems(world) == []


async def draft_state(world: World, ann: Customer) -> tuple[dict[str, Any], str | None]:
    """Return everything in the draft except the screen bookkeeping, and the field edited."""
    assert world.store is not None
    draft = await world.store.get_draft(ann.actor.id, FLOW)
    assert draft is not None
    bookkeeping = (NONCE_KEY, LABELS_KEY, PARKED_KEY, REPLY_KEYBOARD_KEY, SCREEN_KEY, BELOW_KEY)
    kept = {k: v for k, v in draft.fields.items() if k not in bookkeeping}
    return kept, draft.editing


def shown_answer(ann: Customer, step: str) -> str:
    """Return, as HTML, how the default answers of ``fill_to`` are shown back to the user."""
    values = {
        "first_name": "Ann",
        "last_name": "Lee",
        "email": ann.email,
        "phone": "+61 412 345 678",
        "country": "Australia",
        "timezone": SYDNEY_LABEL,
        "password": "••••••••",
    }
    if step == "terms":
        return ann.t("terms.agreed", when="Mar 2, 2026, 8:30\u202fPM")  # 09:30 UTC in Sydney
    return values[step]


async def zone(world: World, place: str) -> TimeZone:
    """Return the ClickBook zone whose label names ``place``."""
    assert world.client is not None
    return next(z for z in await world.client.get_timezones() if place in z.label)


async def give_new_answer(ann: Customer, world: World, clock: ManualClock, step: str) -> None:
    """Answer ``step`` with something other than ``fill_to``'s default."""
    if step == "first_name":
        await ann.send("Anna")
    elif step == "last_name":
        await ann.send("Li")
    elif step == "email":
        await ann.send("ann@example.org")
        await ann.choose("email.yes")
    elif step == "phone":
        await ann.send("+61 400 111 222")
    elif step == "country":
        await ann.send("New Zealand")  # one hit: taken at once
        keep_zone = ann.label("country.keep_zone", zone="Sydney")
        if keep_zone in str(ann.actor.last.buttons):  # a zone was chosen already
            await ann.actor.tap(keep_zone)
    elif step == "timezone":
        await ann.actor.tap("Perth")
        await ann.tap("timezone.yes")
    elif step == "password":
        await ann.send(NEW_PASSWORD)
        await ann.send(NEW_PASSWORD)
    else:
        clock.advance(timedelta(minutes=20))  # a later consent, while the password is kept
        await ann.tap("terms.agree")


async def assert_new_answer_in_draft(
    ann: Customer, world: World, step: str, draft: dict[str, Any]
) -> None:
    """Fail unless the draft holds the answer ``give_new_answer`` gave to ``step``."""
    if step == "password":
        secret = world.vault.get(FLOW, ann.actor.id)
        assert secret is not None
        assert secret.get_secret_value() == NEW_PASSWORD
        return
    expected: dict[str, Any] = {
        "first_name": "Anna",
        "last_name": "Li",
        "email": "ann@example.org",
        "phone": "61400111222",
        "country": "NZ",
        "timezone": (await zone(world, "Perth")).value,
        "terms": "2026-03-02T09:50:00+00:00",
    }
    assert draft[step] == expected[step]


# Back


@pytest.mark.parametrize("mode", ["keep", "change"])
@pytest.mark.parametrize("step", [*STEPS[1:], "summary"])
async def test_back_reasks_the_previous_question_and_then_continues_where_it_was(
    world: World, clock: ManualClock, step: str, mode: str
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to(None if step == "summary" else step)
    previous = STEPS[STEPS.index(step) - 1] if step != "summary" else "terms"
    before = await ann.draft_answers()

    await ann.choose("form.back")

    ann.assert_asks(previous)
    ann.assert_sees("form.current", value=Markup(shown_answer(ann, previous)))
    if mode == "keep":
        await ann.choose("form.keep")
        assert await ann.draft_answers() == before
    else:
        await give_new_answer(ann, world, clock, previous)
        await assert_new_answer_in_draft(ann, world, previous, await ann.draft_answers())
    ann.assert_asks(step)
    assert not ann.sees("form.current", value=Markup(shown_answer(ann, previous)))


async def test_back_goes_back_step_by_step_to_the_first_question(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("terms")

    for step in reversed(STEPS[:-1]):
        await ann.choose("form.back")
        ann.assert_asks(step)
    assert ann.label("form.back") not in str(ann.actor.last.buttons)

    await ann.tap("form.keep")  # back to where the user was, not one step on

    ann.assert_asks("terms")
    assert ann.actor.reply_keyboard is None


async def test_typed_back_on_the_phone_step_takes_the_reply_keyboard_away(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("phone")
    assert ann.actor.reply_keyboard is not None
    assert [ann.label("form.back"), ann.label("form.cancel")] in ann.actor.reply_keyboard

    await ann.send(ann.label("form.back"))

    ann.assert_asks("email")
    # The email question's own keyboard (Keep, Back, Cancel) replaced the phone's.
    assert ann.actor.reply_keyboard == [
        [ann.label("form.keep")],
        [ann.label("form.back"), ann.label("form.cancel")],
    ]
    await ann.tap("form.keep")
    ann.assert_asks("phone")
    assert ann.actor.reply_keyboard is not None


# Edit from the summary


async def assert_account_has_new_answer(
    world: World, ann: Customer, step: str, user: dict[str, Any]
) -> None:
    """Fail unless ClickBook's account carries the answer ``give_new_answer`` gave."""
    details = user["details"]
    if step == "first_name":
        assert user["first_name"] == "Anna"
    elif step == "last_name":
        assert user["last_name"] == "Li"
    elif step == "email":
        assert user["email"] == "ann@example.org"
    elif step == "phone":
        assert details["inp-telfixed"] == "61400111222"
    elif step == "country":
        assert details["inp-country"] == "New Zealand"
    elif step == "timezone":
        assert details["inp-timezone"] == (await zone(world, "Perth")).value
    elif step == "password":
        assert world.client is not None
        await world.client.login(user["email"], NEW_PASSWORD)
        with pytest.raises(ClickBookError):
            await world.client.login(user["email"], ann.password)
    else:
        assert details["inp-agreeterms"] == "1"


NEW_SHOWN = {
    "first_name": "First name: Anna",
    "last_name": "Last name: Li",
    "email": "Email: ann@example.org",
    "phone": "Phone: +61 400 111 222",
    "country": "Country: New Zealand",
    "timezone": "Time zone: Perth (UTC+08:00)",
    "password": "Password: ••••••••",
    "terms": "Terms: agreed on Mar 2, 2026, 8:50\u202fPM",  # 09:50 UTC in Sydney (UTC+11)
}


@pytest.mark.parametrize("mode", ["change", "keep"])
@pytest.mark.parametrize("step", STEPS)
async def test_edit_from_the_summary_changes_exactly_that_answer(
    world: World, clock: ManualClock, step: str, mode: str
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to()
    summary_before = ann.actor.last.text
    title = ann.label(f"field.{step}")

    await ann.tap("form.edit_field", field=title)

    ann.assert_asks(step)
    ann.assert_sees("form.current", value=Markup(shown_answer(ann, step)))
    if mode == "change":
        await give_new_answer(ann, world, clock, step)
        ann.assert_sees("summary.title")
        assert NEW_SHOWN[step] in ann.actor.last.text
        changed = [line for line in ann.actor.last.text.splitlines() if line.startswith(title)]
        # A new password is acknowledged above the summary, since its message was deleted.
        acknowledged = {visible(ann.t("password.saved"))} if step == "password" else set()
        if step == "timezone":
            # The same moment of consent, now shown in the new zone (Perth, UTC+8).
            consent = visible(ann.t("terms.agreed", when="Mar 2, 2026, 5:30\u202fPM"))
            acknowledged.add(f"{ann.label('field.terms')}: {consent}")
        others = set(ann.actor.last.text.splitlines()) - set(changed) - acknowledged
        assert others <= set(summary_before.splitlines())
    else:
        await ann.choose("form.keep")
        ann.assert_sees("summary.title")
        assert ann.actor.last.text == summary_before

    await ann.tap("summary.confirm")

    first = "Anna" if (step, mode) == ("first_name", "change") else "Ann"
    last = "Li" if (step, mode) == ("last_name", "change") else "Lee"
    ann.assert_sees("submit.done", name=f"{first} {last}")
    [user] = (await world.clickbook_state())["users"]
    if mode == "change":
        await assert_account_has_new_answer(world, ann, step, user)
    else:
        assert (user["first_name"], user["last_name"], user["email"]) == ("Ann", "Lee", ann.email)
        assert user["details"]["inp-telfixed"] == "61412345678"
        assert user["details"]["inp-country"] == "Australia"
        assert user["details"]["inp-timezone"] == (await zone(world, "Sydney")).value


# Cancel and resume


@pytest.mark.parametrize("how", ["button", "command"])
@pytest.mark.parametrize("step", ["last_name", "email", "phone", "timezone", "summary"])
async def test_cancel_keeps_the_draft_and_start_resumes_at_the_same_step(
    world: World, step: str, how: str
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to(None if step == "summary" else step)
    before = await draft_state(world, ann)

    if how == "button":
        await ann.send(ann.label("form.cancel")) if step == "phone" else await ann.tap(
            "form.cancel"
        )
    else:
        await ann.send("/cancel")

    ann.assert_sees("form.cancelled")
    assert ann.actor.reply_keyboard is None
    assert (await draft_state(world, ann))[0] == before[0]

    await ann.send("Bob")  # not an answer to a question nobody is looking at

    # Cancel takes the password from memory: a finished form asks for it again.
    resumed = "password" if step == "summary" else step
    ann.assert_sees("start.resume")
    ann.assert_asks(resumed)
    assert (await draft_state(world, ann))[0] == before[0]
    await ann.send("/cancel")
    await ann.send("/start")
    ann.assert_sees("start.resume")
    ann.assert_asks(resumed)

    if step == "summary":
        await ann.type_password()
    else:
        await ann.fill_to(start_at=step)
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")
    state = await world.clickbook_state()
    assert [user["email"] for user in state["users"]] == [ann.email]


async def test_typing_at_the_welcome_shows_the_first_question_instead_of_answering_it(
    world: World,
) -> None:
    ann = customer(world)
    await ann.send("/start")
    ann.assert_sees("start.welcome", business="ClickBook", name="Ann")

    await ann.send("Start")

    ann.assert_asks("first_name")
    await ann.send("Hello")
    ann.assert_asks("last_name")
    assert await ann.draft_answers() == {"first_name": "Hello"}


# Stale buttons


async def _typed_text_leaves_the_terms_behind(ann: Customer) -> tuple[ChatMessage, str]:
    await ann.fill_to("terms")
    terms = ann.actor.last
    await ann.send("ok")  # not an answer: the question again, in a new message
    return terms, "terms.prompt"


async def _typed_edit_leaves_the_summary_behind(ann: Customer) -> tuple[ChatMessage, str]:
    await ann.fill_to()
    summary = ann.actor.last
    await ann.send("Email")  # a typed label: edits the email, in a new message
    return summary, "email.prompt"


STALE = [
    ("terms-back", _typed_text_leaves_the_terms_behind, "form.back"),
    ("terms-cancel", _typed_text_leaves_the_terms_behind, "form.cancel"),
    ("summary-confirm", _typed_edit_leaves_the_summary_behind, "summary.confirm"),
    ("summary-edit-phone", _typed_edit_leaves_the_summary_behind, "form.edit_field"),
]


@pytest.mark.parametrize(
    ("reach", "button"),
    [(reach, button) for _, reach, button in STALE],
    ids=[name for name, *_ in STALE],
)
async def test_a_tap_on_an_older_screen_is_stale_and_changes_nothing(
    world: World, reach: Callable[[Customer], Awaitable[tuple[ChatMessage, str]]], button: str
) -> None:
    ann = customer(world)
    await ann.start()
    old_screen, now_showing = await reach(ann)
    assert old_screen.message_id != ann.actor.last.message_id
    assert ann.actor.message(old_screen.message_id).buttons == []
    before = await draft_state(world, ann)
    params = {"field": ann.label("field.phone")} if button == "form.edit_field" else {}

    # Tapped just before its buttons went away: Telegram still delivers the tap.
    await replay_tap(ann.actor, old_screen, ann.label(button, **params))

    ann.assert_sees("form.stale")
    ann.assert_sees(
        now_showing, **({"email": "ann@example.org"} if "check" in now_showing else {})
    )
    assert ann.actor.callbacks[-1].answer_text == ann.label("form.stale_toast")
    assert await draft_state(world, ann) == before
    state = await world.clickbook_state()
    assert state["users"] == []
    assert state["stubs"] == []


async def test_the_start_button_of_an_older_welcome_is_stale(world: World) -> None:
    ann = customer(world)
    await ann.send("/start")
    first_welcome = ann.actor.last.message_id
    await ann.send("/start")

    # The inline Start of a welcome sent before Start moved to the reply keyboard.
    await tap_with_data(ann.actor, first_welcome, f"{FLOW}:1:{BEGIN}")

    ann.assert_sees("form.stale")
    ann.assert_asks("first_name")
    await ann.send("Ann")
    ann.assert_asks("last_name")


# Double taps


async def _at_email_check(ann: Customer) -> None:
    await ann.fill_to("email")
    await ann.send(ann.email)


async def _at_phone_country(ann: Customer) -> None:
    await ann.fill_to("country")


async def _at_terms(ann: Customer) -> None:
    await ann.fill_to("terms")


DOUBLE_TAPS = [
    ("back", _at_terms, "form.back", "password"),
    ("country", _at_phone_country, "Australia", "timezone"),
    ("terms-agree", _at_terms, "terms.agree", "summary"),
]


@pytest.mark.parametrize(
    ("reach", "label", "lands_on"),
    [case[1:] for case in DOUBLE_TAPS],
    ids=[case[0] for case in DOUBLE_TAPS],
)
async def test_a_double_tap_acts_once(
    world: World, reach: Callable[[Customer], Awaitable[None]], label: str, lands_on: str
) -> None:
    ann = customer(world)
    await ann.start()
    await reach(ann)
    snapshot = ann.actor.last
    text = ann.label(label) if "." in label else label
    await ann.actor.tap(text)
    after_first = await draft_state(world, ann)

    await replay_tap(ann.actor, snapshot, text)

    ann.assert_sees("form.stale")
    ann.assert_asks(lands_on)
    assert await draft_state(world, ann) == after_first


async def test_a_double_press_at_the_email_check_keeps_the_email(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await _at_email_check(ann)
    label = ann.label("email.yes")

    await asyncio.gather(ann.actor.send(label), ann.actor.send(label))

    assert (await ann.draft_answers())["email"] == ann.email
    assert "phone" not in await ann.draft_answers()
    ann.assert_asks("phone")


async def test_a_double_tap_on_create_my_account_creates_one_account(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to()
    summary = ann.actor.last
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")

    await replay_tap(ann.actor, summary, ann.label("summary.confirm"))

    state = await world.clickbook_state()
    assert len(state["users"]) == 1
    assert len(state["stubs"]) == 1
    ann.assert_sees("start.registered", name="Ann Lee", email=ann.email)


# Typed text that matches a button label


async def _typed_at_email_check(ann: Customer, text: str) -> None:
    await ann.fill_to("email")
    await ann.send(ann.email)
    await ann.send(text)


async def _typed_at_terms(ann: Customer, text: str) -> None:
    await ann.fill_to("terms")
    await ann.send(text)


async def _typed_at_zone_confirmation(ann: Customer, text: str) -> None:
    await ann.fill_to("timezone")
    await ann.actor.tap("Sydney")
    await ann.send(text)


TYPED = [
    ("email-full-label", _typed_at_email_check, "✅ Yes, that's right", "phone"),
    ("email-label-text", _typed_at_email_check, "Yes, that's right", "phone"),
    ("email-lowercase", _typed_at_email_check, "yes, that's right", "phone"),
    ("terms", _typed_at_terms, "I agree", "summary"),
    ("zone-confirmation", _typed_at_zone_confirmation, "Yes", "password"),
]


@pytest.mark.parametrize(
    ("reach", "text", "lands_on"),
    [case[1:] for case in TYPED],
    ids=[case[0] for case in TYPED],
)
async def test_typing_a_button_label_counts_as_a_tap(
    world: World,
    reach: Callable[[Customer, str], Awaitable[None]],
    text: str,
    lands_on: str,
) -> None:
    ann = customer(world)
    await ann.start()

    await reach(ann, text)

    ann.assert_asks(lands_on)
    draft = await ann.draft_answers()
    assert draft["email"] == ann.email
    if lands_on == "summary":
        assert draft["terms"] == "2026-03-02T09:30:00+00:00"
    if lands_on == "password":
        assert draft["timezone"] == (await zone(world, "Sydney")).value


async def test_typing_a_label_of_a_list_page_turns_the_page(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("country")
    names = [country.name for country in all_countries("en")]
    await ann.tap("country.other")
    await ann.tap("picker.next")
    await ann.tap("picker.next")

    await ann.send("Previous")

    assert names[8] in str(ann.actor.last.buttons)
    assert names[16] not in str(ann.actor.last.buttons)


async def test_typing_a_label_of_search_results_chooses_it(
    world: World, clock: ManualClock
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("timezone")
    await ann.send("+10")

    await ann.send(f"Brisbane · {local(clock, 'Australia/Brisbane')}")

    ann.assert_sees("timezone.confirm", zone="Brisbane (UTC+10:00)", time="19:30")


# Country picker


@pytest.mark.parametrize(
    ("language", "query", "code"),
    [
        ("en", "new zea", "NZ"),
        ("es", "alem", "DE"),
        ("de", "österr", "AT"),
        ("ru", "росс", "RU"),
        ("ru", "герм", "DE"),
    ],
)
async def test_country_search_in_the_users_language(
    world: World, language: str, query: str, code: str
) -> None:
    ann = customer(world, language=language)
    await ann.start()
    await ann.fill_to("country")

    await ann.send(query)

    name = country_name(code, language)
    if ann.sees("country.results"):
        assert [name] in ann.actor.last.buttons
        await ann.actor.tap(name)
    # The phone number is Australian: the other country is confirmed once.
    await ann.tap("country.keep", country=name)
    ann.assert_sees("timezone.prompt")
    assert (await ann.draft_answers())["country"] == code


@pytest.mark.parametrize("language", LANGUAGES)
async def test_country_list_pages_forward_and_back(world: World, language: str) -> None:
    ann = customer(world, language=language)
    await ann.start()
    await ann.fill_to("country")
    names = [country.name for country in all_countries(language)]

    def shown() -> list[str]:
        return [label for row in ann.actor.last.buttons for label in row if label in names]

    await ann.tap("country.other")
    assert shown() == names[:8]
    assert ann.label("picker.previous") not in str(ann.actor.last.buttons)
    await ann.tap("picker.next")
    assert shown() == names[8:16]
    await ann.tap("picker.next")
    assert shown() == names[16:24]
    await ann.tap("picker.previous")
    assert shown() == names[8:16]

    await ann.actor.tap(names[9])
    await ann.tap("country.keep", country=names[9])
    assert (await ann.draft_answers())["country"] == all_countries(language)[9].code


async def test_a_search_without_a_match_can_still_open_the_list(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("country")

    await ann.send("Atlantis")

    ann.assert_sees("country.no_match", query="Atlantis")
    await ann.send("united")
    ann.assert_sees("country.results")
    await ann.tap("country.other")
    ann.assert_sees("country.prompt")


# Time zone picker


def local(clock: ManualClock, iana: str) -> str:
    """Return the wall-clock time now in an IANA zone, as the buttons show it."""
    return clock().astimezone(ZoneInfo(iana)).strftime("%H:%M")


@pytest.mark.parametrize(
    ("query", "button", "label_place", "iana"),
    [
        ("Chicago", "Chicago", "Central Time", "America/Chicago"),
        ("perth", "Perth", "Perth", "Australia/Perth"),
        ("+10", "Brisbane", "Brisbane", "Australia/Brisbane"),
        ("GMT-5", "Bogotá", "Bogota", "America/Bogota"),
        ("UTC+5:30", "Kolkata", "Kolkata", "Asia/Kolkata"),
        ("+0530", "Kolkata", "Kolkata", "Asia/Kolkata"),
    ],
)
async def test_zone_search_by_city_and_by_offset_shows_the_local_time(
    world: World, clock: ManualClock, query: str, button: str, label_place: str, iana: str
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("timezone")

    await ann.send(query)

    if parse_offset_query(query) is not None:
        ann.assert_sees("timezone.results")
        label = f"{button} · {local(clock, iana)}"
        assert [label] in ann.actor.last.buttons
        await ann.actor.tap(label)
    # else: a city search with one hit goes straight to its confirmation.
    offset = clock().astimezone(ZoneInfo(iana)).strftime("%z")
    shown = f"{button} (UTC{offset[:3]}:{offset[3:]})"
    ann.assert_sees("timezone.confirm", zone=shown, time=local(clock, iana))
    await ann.tap("timezone.yes")
    ann.assert_sees("password.prompt")
    assert (await ann.draft_answers())["timezone"] == (await zone(world, label_place)).value


@pytest.mark.parametrize(
    ("hours_later", "sydney"),
    [(0, "20:30"), (12, "08:30"), (24 * 40, "19:30")],
    ids=["summer", "next-morning", "after-dst-ends"],
)
async def test_the_confirmation_shows_the_zones_time_at_the_clock(
    world: World, clock: ManualClock, hours_later: int, sydney: str
) -> None:
    clock.advance(timedelta(hours=hours_later))
    assert local(clock, "Australia/Sydney") == sydney
    ann = customer(world)
    await ann.start()
    await ann.fill_to("timezone")
    # The business's zone comes first, marked as such, then the country's.
    assert [f"🏢 Sydney · {sydney}", f"Perth · {local(clock, 'Australia/Perth')}"] in (
        ann.actor.last.buttons
    )

    await ann.actor.tap(f"Sydney · {sydney}")

    offset = clock().astimezone(ZoneInfo("Australia/Sydney")).strftime("%z")
    ann.assert_sees("timezone.confirm", zone=f"Sydney (UTC{offset[:3]}:00)", time=sydney)


async def test_all_time_zones_in_pages_and_choose_again(world: World, clock: ManualClock) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("timezone")
    assert world.client is not None
    zones = await world.client.get_timezones()
    labels = [real_label(z, clock()) for z in zones]

    def shown() -> list[str]:
        return [label for row in ann.actor.last.buttons for label in row if label in labels]

    await ann.tap("timezone.all")
    ann.assert_sees("timezone.page")
    assert shown() == labels[:8]
    await ann.tap("picker.next")
    assert shown() == labels[8:16]
    await ann.tap("picker.previous")
    assert shown() == labels[:8]
    await ann.tap("picker.next")

    chosen = zones[9]
    await ann.actor.tap(labels[9])
    ann.assert_sees(
        "timezone.confirm", zone=labels[9], time=chosen.local_time(clock()).strftime("%H:%M")
    )

    await ann.tap("timezone.no")

    ann.assert_sees("timezone.prompt")
    assert "timezone" not in await ann.draft_answers()
    await ann.actor.tap("Sydney")
    await ann.tap("timezone.yes")
    assert (await ann.draft_answers())["timezone"] == (await zone(world, "Sydney")).value


async def test_search_results_lead_back_to_the_whole_list(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("timezone")

    await ann.send("Central")
    ann.assert_sees("timezone.results")
    await ann.tap("timezone.all")

    ann.assert_sees("timezone.page")


async def test_back_from_a_zone_confirmation_forgets_the_candidate(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("timezone")
    await ann.actor.tap("Perth")

    await ann.tap("form.back")
    await ann.send("New Zealand")  # one hit: taken at once

    ann.assert_sees("timezone.prompt")
    assert any("Auckland" in label for row in ann.actor.last.buttons for label in row)


# Email typo suggestion


@pytest.mark.parametrize(
    ("button", "kept"),
    [("email.use", "ann@gmail.com"), ("email.keep", "ann@gmial.com")],
    ids=["use-suggestion", "keep-typed"],
)
async def test_an_email_typo_is_pointed_out(world: World, button: str, kept: str) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("email")

    await ann.send("ann@GMIAL.com")

    ann.assert_sees("email.typo", email="ann@gmial.com", suggestion="ann@gmail.com")
    await ann.choose(button, email="ann@gmail.com" if button == "email.use" else "ann@gmial.com")
    ann.assert_sees("phone.prompt")
    await ann.fill_to(start_at="phone")
    await ann.tap("summary.confirm")
    state = await world.clickbook_state()
    assert [user["email"] for user in state["users"]] == [kept]


async def test_change_it_asks_for_the_email_again(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("email")
    await ann.send("ann@example.org")

    await ann.choose("email.change")

    ann.assert_sees("email.prompt")
    assert "email" not in await ann.draft_answers()
    await ann.send("ann@example.net")
    ann.assert_sees("email.check", email="ann@example.net")


# Phone


@pytest.mark.parametrize("own_number", ["+61412345678", "61412345678"])
async def test_sharing_ones_own_contact_gives_the_phone(world: World, own_number: str) -> None:
    ann = customer(world, phone=own_number)
    await ann.start()
    await ann.fill_to("phone")

    await ann.actor.press(ann.label("phone.share"))

    ann.assert_sees("country.from_phone", country="Australia")
    assert ann.actor.reply_keyboard is None
    await ann.fill_to(start_at="country")
    await ann.tap("summary.confirm")
    [user] = (await world.clickbook_state())["users"]
    assert user["details"]["inp-telfixed"] == "61412345678"


@pytest.mark.parametrize("with_user_id", [True, False], ids=["telegram-user", "plain-card"])
async def test_someone_elses_contact_is_refused(world: World, with_user_id: bool) -> None:
    ann = customer(world)
    bob = world.emulator.user(first_name="Bob", phone="+61400999888")
    await ann.start()
    await ann.fill_to("phone")

    await ann.actor.share_contact(
        phone="+61400999888", user_id=bob.id if with_user_id else None, first_name="Bob"
    )

    ann.assert_sees("phone.not_yours")
    ann.assert_sees("phone.prompt")
    assert "phone" not in await ann.draft_answers()
    await ann.actor.press(ann.label("phone.share"))
    assert (await ann.draft_answers())["phone"] == "61412345678"


@pytest.mark.parametrize(
    ("typed", "digits", "region"),
    [
        ("+61 412 345 678", "61412345678", "AU"),
        ("0412 345 678", "61412345678", "AU"),
        ("+1 (212) 736-5000", "12127365000", "US"),
        ("00 44 20 7946 0000", "442079460000", "GB"),
        ("+49 30 1234 5678", "493012345678", "DE"),
    ],
)
async def test_a_typed_phone_reaches_clickbook_as_digits_and_picks_the_country(
    world: World, typed: str, digits: str, region: str
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("phone")

    await ann.send(typed)

    ann.assert_sees("country.from_phone", country=country_name(region, "en"))
    assert ann.actor.last.buttons[0] == [country_name(region, "en")]
    await ann.actor.tap(country_name(region, "en"))
    # The zone the number's area lies in comes first (Sydney's is on the US's second page).
    ann.answers["zone_button"] = ann.actor.last.buttons[0][0].split(" · ")[0]
    await ann.fill_to(start_at="timezone")
    ann.assert_sees("summary.title")
    # Shown grouped for people to read, as phonenumbers groups it in that country.
    assert f"Phone: {readable_phone(digits)}" in ann.actor.last.text
    assert " " in readable_phone(digits)
    await ann.tap("summary.confirm")
    [user] = (await world.clickbook_state())["users"]
    assert user["details"]["inp-telfixed"] == digits
    assert user["details"]["inp-country"] == country_name(region, "en")


async def test_the_phone_saved_note_echoes_the_number(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("phone")

    await ann.send("+1 (415) 555-0123")

    notes = [m.text for m in ann.actor.bot_messages if m.text and "+1 415-555-0123" in m.text]
    assert notes == [visible(ann.t("phone.saved", phone="+1 415-555-0123"))]
