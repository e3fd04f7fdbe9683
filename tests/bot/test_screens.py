"""Every screen in every language stays inside Telegram's limits.

A customer goes through the whole sign-up in each language, visiting the long lists on the
way (every page of countries and of time zones, searches with and without results), with
100-character names on the summary; then every Bot API call the bot made is checked against
Telegram's limits for texts, keyboards, callback answers and command menus.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.domain.countries import country_name
from bot.i18n import LANGUAGES
from bot.sandbox.telegram import ApiCall
from bot.sandbox.world import World
from tests.support.chat import Customer, customer, replay_tap, visible

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
MAX_BUTTONS_PER_ROW = 8
MAX_BUTTONS = 100
MAX_CALLBACK_ANSWER = 200
MAX_PLACEHOLDER = 64
MAX_COMMAND_DESCRIPTION = 256
COMMAND = re.compile(r"[a-z0-9_]{1,32}")

LONG_FIRST_NAME = "Maximiliana" + "a" * 89
LONG_LAST_NAME = "Lee-" + "Abcdefghij" * 9 + "Klmnop"
LONG_EMAIL = "a" * 64 + "@" + "b" * 40 + ".example.com"


def _markup(call: ApiCall) -> dict[str, Any]:
    raw = call.params.get("reply_markup")
    if raw is None:
        return {}
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def problems_of(call: ApiCall) -> list[str]:
    """Return every way one Bot API call breaks Telegram's limits (empty when it does not)."""
    problems: list[str] = []
    method = call.method.lower()
    if method in ("sendmessage", "editmessagetext"):
        text = str(call.params.get("text", ""))
        shown = visible(text)
        if not shown:
            problems.append("empty text")
        if len(shown) > MAX_TEXT:
            problems.append(f"text of {len(shown)} characters")
        markup = _markup(call)
        rows = markup.get("inline_keyboard", [])
        if sum(len(row) for row in rows) > MAX_BUTTONS:
            problems.append(f"{sum(len(row) for row in rows)} buttons")
        for row in rows:
            if len(row) > MAX_BUTTONS_PER_ROW:
                problems.append(f"a row of {len(row)} buttons")
            for button in row:
                label = str(button.get("text", ""))
                if not label.strip():
                    problems.append("a button without a label")
                data = button.get("callback_data")
                if (data is None) == (button.get("url") is None):
                    problems.append(f"button {label!r} needs exactly one of callback_data, url")
                if data is not None and len(str(data).encode()) > MAX_CALLBACK_DATA:
                    problems.append(f"callback data {data!r} over {MAX_CALLBACK_DATA} bytes")
        for row in markup.get("keyboard", []):
            for button in row:
                if not str(button.get("text", "")).strip():
                    problems.append("a reply button without a label")
        placeholder = markup.get("input_field_placeholder")
        if placeholder is not None and not 1 <= len(placeholder) <= MAX_PLACEHOLDER:
            problems.append(f"placeholder {placeholder!r}")
    elif method == "answercallbackquery":
        text = call.params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER:
            problems.append(f"callback answer of {len(str(text))} characters")
    elif method == "setmycommands":
        raw = call.params.get("commands")
        commands = json.loads(raw) if isinstance(raw, str) else raw
        for command in commands:
            if not COMMAND.fullmatch(str(command["command"])):
                problems.append(f"command {command['command']!r}")
            if not 1 <= len(str(command["description"])) <= MAX_COMMAND_DESCRIPTION:
                problems.append(f"description of /{command['command']}")
    if not call.ok and call.status != 429:
        problems.append(f"refused with {call.status}: {call.description}")
    return [f"{call.method}: {problem}" for problem in problems]


def _call(method: str, **params: Any) -> ApiCall:
    return ApiCall(method=method, params=params, status=200, description=None)


@pytest.mark.parametrize(
    ("call", "problem"),
    [
        (_call("sendMessage", text="x" * 4097), "text of 4097"),
        (_call("sendMessage", text="<b></b>"), "empty text"),
        (
            _call(
                "sendMessage",
                text="x",
                reply_markup=json.dumps(
                    {"inline_keyboard": [[{"text": "a", "callback_data": "d" * 65}]]}
                ),
            ),
            "over 64 bytes",
        ),
        (
            _call(
                "editMessageText",
                text="x",
                reply_markup=json.dumps(
                    {"inline_keyboard": [[{"text": "a", "callback_data": "d"}] * 9]}
                ),
            ),
            "a row of 9",
        ),
        (
            _call(
                "sendMessage",
                text="x",
                reply_markup=json.dumps(
                    {"inline_keyboard": [[{"text": "a", "callback_data": "d"}]] * 101}
                ),
            ),
            "101 buttons",
        ),
        (
            _call(
                "sendMessage",
                text="x",
                reply_markup=json.dumps({"inline_keyboard": [[{"text": " ", "url": "u"}]]}),
            ),
            "without a label",
        ),
        (_call("answerCallbackQuery", text="x" * 201), "callback answer of 201"),
        (
            _call("setMyCommands", commands=json.dumps([{"command": "Start", "description": ""}])),
            "command 'Start'",
        ),
    ],
)
def test_the_limit_check_catches_each_violation(call: ApiCall, problem: str) -> None:
    assert any(problem in found for found in problems_of(call)), problems_of(call)


async def _page_through(ann: Customer) -> int:
    """Tap "next" until the last page; return how many pages were shown."""
    pages = 1
    while ann.label("picker.next") in str(ann.actor.last.buttons):
        await ann.tap("picker.next")
        pages += 1
    await ann.tap("picker.previous")
    return pages


async def drive_every_screen(world: World, language: str) -> Customer:
    """Go through the whole sign-up in ``language``, visiting every long list on the way."""
    ann = customer(world, language=language, first_name=LONG_FIRST_NAME[:64])
    ann.answers.update(first_name=LONG_FIRST_NAME, last_name=LONG_LAST_NAME)
    await ann.send("/help")
    await ann.send("/language")
    await ann.send("/start")
    await ann.tap("start.begin")
    await ann.fill_to("email")

    await ann.send("ann.lee@gmial.com")
    ann.assert_sees("email.typo", email="ann.lee@gmial.com", suggestion="ann.lee@gmail.com")
    await ann.choose("email.use", email="ann.lee@gmail.com")
    await ann.fill_to(start_at="phone", stop_before="country")
    older_screen = ann.actor.last

    await ann.tap("country.other")
    assert await _page_through(ann) > 20
    await ann.send("a")
    ann.assert_sees("country.results")
    await ann.send("qqqzzzxx")
    ann.assert_sees("country.no_match", query="qqqzzzxx")
    await ann.send(country_name("AU", language)[:4])
    ann.assert_sees("country.results")
    await ann.fill_to(start_at="country", stop_before="timezone")

    await ann.tap("timezone.all")
    assert await _page_through(ann) > 10
    await ann.send("+10")
    ann.assert_sees("timezone.results")
    await ann.send("qqqzzzxx")
    ann.assert_sees("timezone.no_match", query="qqqzzzxx")
    await ann.send("Sydney")  # one hit: straight to its confirmation
    await ann.tap("timezone.no")
    await ann.fill_to(start_at="timezone", stop_before="password")

    await ann.send("short")
    await ann.fill_to(start_at="password")
    ann.assert_sees("summary.title")
    assert LONG_FIRST_NAME in ann.actor.last.text
    assert LONG_LAST_NAME in ann.actor.last.text
    await ann.tap("form.edit_field", field=ann.t.plain("field.email"))
    await ann.send(LONG_EMAIL)
    await ann.choose("email.change")
    await ann.send(LONG_EMAIL)
    await ann.choose("email.yes")
    assert LONG_EMAIL in ann.actor.last.text
    await ann.tap("form.edit_field", field=ann.t.plain("field.country"))
    await ann.tap("form.keep")
    await replay_tap(ann.actor, older_screen, ann.label("form.back"))
    ann.assert_sees("form.stale")
    await ann.send("/cancel")
    await ann.send("/start")
    await ann.type_password()  # Cancel took it out of memory: asked again
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name=f"{LONG_FIRST_NAME} {LONG_LAST_NAME}")
    await ann.send("/start")
    return ann


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_screen_respects_telegrams_limits(world: World, language: str) -> None:
    await drive_every_screen(world, language)

    calls = world.emulator.calls
    methods = {call.method for call in calls}
    assert {"sendMessage", "editMessageText", "answerCallbackQuery", "setMyCommands"} <= methods
    assert len(calls) > 100
    problems = [problem for call in calls for problem in problems_of(call)]
    assert problems == []
