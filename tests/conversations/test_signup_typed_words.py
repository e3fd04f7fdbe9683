"""Typed words that name a button act as that button, on every screen and in every language.

A customer who types "Back" at the first question, or "Skip" at one that must be answered,
is told that button is not there, and the word is never taken as their answer; "cancel"
typed anywhere cancels. Case and emoji do not matter.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.i18n import LANGUAGES
from bot.sandbox.world import World
from tests.support.chat import bot_problems, customer

BACK = {"en": "Back", "es": "atrás", "de": "ZURÜCK", "ru": "назад"}
SKIP = {"en": "skip", "es": "Omitir", "de": "überspringen", "ru": "ПРОПУСТИТЬ"}
NEXT = {"en": "Next", "es": "siguiente", "de": "weiter", "ru": "далее"}


@pytest.fixture(autouse=True)
async def _nothing_failed(world: World) -> AsyncIterator[None]:
    yield
    assert bot_problems(world) == []


@pytest.mark.parametrize("language", LANGUAGES)
async def test_back_typed_at_the_first_question_is_not_a_first_name(
    world: World, language: str
) -> None:
    ann = customer(world, language=language)
    await ann.start()

    await ann.send(BACK[language])

    ann.assert_sees("form.word_unavailable", button=ann.label("form.back"))
    ann.assert_asks("first_name")
    assert await ann.draft_answers() == {}
    await ann.send("Ann")
    ann.assert_asks("last_name")
    assert await ann.draft_answers() == {"first_name": "Ann"}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_skip_and_next_typed_where_no_such_button_are_no_answer(
    world: World, language: str
) -> None:
    ann = customer(world, language=language)
    await ann.start()
    await ann.fill_to("email")

    await ann.send(SKIP[language])
    ann.assert_sees("form.word_unavailable", button=ann.label("form.skip"))
    await ann.send(f"▶️ {NEXT[language]}")
    ann.assert_sees("form.word_unavailable", button=ann.label("picker.next"))

    ann.assert_asks("email")
    assert set(await ann.draft_answers()) == {"first_name", "last_name"}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_back_and_cancel_typed_without_emoji_act_as_the_buttons(
    world: World, language: str
) -> None:
    ann = customer(world, language=language)
    await ann.start()
    await ann.fill_to("email")

    await ann.send(BACK[language].lower())
    ann.assert_asks("last_name")
    await ann.send(ann.label("form.cancel").split(" ", 1)[1].upper())
    ann.assert_sees("form.cancelled")
    assert set(await ann.draft_answers()) == {"first_name", "last_name"}
