"""The bot's profile in every language, and /language in the middle of the sign-up.

Customers get their command menu (``/cancel`` included) in private chats in their app's language,
and the bot's description and short description in it; an app in another language gets the
default language's. Choosing a language with /language shows the question the customer was
answering again, in the new language, and gives their chat the menu in that language.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import BotCommandScopeAllPrivateChats

from bot.i18n import LANGUAGES, Translator
from bot.sandbox.telegram import BotCommand
from bot.sandbox.world import World
from tests.support.chat import Customer, bot_problems, customer

NATIVE = {"en": "English", "es": "Español", "de": "Deutsch", "ru": "Русский"}


@pytest.fixture(autouse=True)
async def _nothing_failed(world: World) -> AsyncIterator[None]:
    yield
    assert bot_problems(world) == []


def customer_menu(t: Translator) -> list[BotCommand]:
    """Return the customers' menu as the emulator holds it."""
    names = ("start", "cancel", "language", "privacy", "help")
    return [BotCommand(name, t.plain(f"command.{name}")) for name in names]


async def choose_language(ann: Customer, language: str) -> None:
    """Send /language and tap the language, then read the chat in it."""
    await ann.send("/language")
    await ann.actor.tap(NATIVE[language])
    ann.language = language


@pytest.mark.parametrize("language", LANGUAGES)
async def test_customers_get_the_menu_and_descriptions_of_their_language(
    world: World, language: str
) -> None:
    ann = customer(world, language=language)

    assert ann.actor.command_menu == customer_menu(ann.t)
    scope = BotCommandScopeAllPrivateChats()
    assert world.emulator.commands(scope, language) == customer_menu(ann.t)
    assert world.emulator.commands() == []
    assert world.emulator.description(language) == ann.t.plain("bot.description")
    short = world.emulator.description(language, short=True)
    assert short == ann.t.plain("bot.short_description")


async def test_an_app_in_another_language_gets_the_default_one(world: World) -> None:
    french = world.emulator.user("Jean", language_code="fr")
    english = world.catalogs.translator("en")

    assert french.command_menu == customer_menu(english)
    assert world.emulator.description() == english.plain("bot.description")
    assert world.emulator.description(short=True) == english.plain("bot.short_description")


@pytest.mark.parametrize("step", ["first_name", "email", "country", "password", "summary"])
async def test_language_mid_form_asks_the_same_question_in_the_new_language(
    world: World, step: str
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to(None if step == "summary" else step)

    await choose_language(ann, "de")

    ann.assert_sees("language.saved", language="Deutsch")
    ann.assert_asks(step)
    assert ann.actor.command_menu == customer_menu(ann.t)
    assert [message for message in ann.actor.transcript[:-1] if message.buttons] == []
    if step != "summary":
        await ann.fill_to(start_at=step)
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")


async def test_language_after_cancel_only_confirms(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("email")
    await ann.tap("form.cancel")

    await choose_language(ann, "ru")

    ann.assert_sees("language.saved", language="Русский")
    assert not ann.sees("email.prompt")
    assert ann.actor.command_menu == customer_menu(ann.t)
