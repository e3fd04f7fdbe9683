"""Commands every user has: /language, /help; and the answer to a button nobody handles."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Message, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.i18n import LANGUAGES, Translator, current_translator
from bot.services import Services
from bot.ui import Button, CallbackData, Screen, ScreenRenderer, answer_quietly, show
from conversations.staff_access import unknown_command

log = logging.getLogger(__name__)

FLOW = "lg"
CUSTOMER_COMMANDS = ("start", "cancel", "language", "privacy", "help")
NATIVE_NAMES = {"en": "English", "es": "Español", "de": "Deutsch", "ru": "Русский"}
"""Each language named in itself, so anyone can find their own."""

MenuOf = Callable[[Update, Translator], Awaitable[list[BotCommand]]]
"""The command menu of an update's user in a language (staff members have their own)."""
Reshow = Callable[[Update, ContextTypes.DEFAULT_TYPE, Message | None, str], Awaitable[bool]]
"""Shows a form in progress again in the new language on the picker, under the notice;
``False`` when the user has no form on screen."""


def customer_menu(t: Translator) -> list[BotCommand]:
    """Return the customers' command menu in the translator's language."""
    return [BotCommand(name, t.plain(f"command.{name}")) for name in CUSTOMER_COMMANDS]


async def _customers_menu(update: Update, t: Translator) -> list[BotCommand]:
    return customer_menu(t)


HelpSection = Callable[[Update], Awaitable[str | None]]
"""What /help adds for the update's user (the staff's commands), or ``None``."""


@dataclass
class CommonCommands:
    """Language choice and help."""

    services: Services
    more_help: HelpSection | None = None
    menu_of: MenuOf = _customers_menu
    forms: Sequence[Reshow] = ()

    async def language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Offer every shipped language as a button."""
        t = current_translator.get()
        chat = update.effective_chat
        assert chat is not None
        buttons = [Button(NATIVE_NAMES[code], code) for code in LANGUAGES]
        await show(
            context.bot,
            chat.id,
            Screen(t("language.prompt"), rows=[buttons[:2], buttons[2:]]),
            ScreenRenderer(FLOW, "1"),
        )

    async def choose(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Save the tapped language and confirm in it."""
        query = update.callback_query
        user = update.effective_user
        assert query is not None
        assert user is not None
        data = CallbackData.decode(query.data)
        if data is None or data.action not in LANGUAGES:
            await answer_quietly(query)
            return
        await self.services.store.set_language(user.id, data.action)
        t = self.services.catalogs.translator(data.action)
        current_translator.set(t)
        await answer_quietly(query, t.plain("language.saved_toast"))
        chat_id = query.message.chat.id if query.message else user.id
        await self._set_menu(update, context, chat_id, t)
        saved = t("language.saved", language=NATIVE_NAMES[data.action])
        picker = query.message if isinstance(query.message, Message) else None
        for reshow in self.forms:
            if await reshow(update, context, picker, saved):
                return
        await show(context.bot, chat_id, Screen(saved), ScreenRenderer(FLOW, "1"), edit=picker)

    async def _set_menu(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int, t: Translator
    ) -> None:
        """Give the chat its command menu in the chosen language, whatever the app's language.

        A chat's menu set without a language code comes before any other in Telegram's lookup;
        one with the chosen language's code would be shown only to apps set to that language.
        """
        try:
            await context.bot.set_my_commands(
                await self.menu_of(update, t), scope=BotCommandScopeChat(chat_id)
            )
        except TelegramError as error:
            log.info("could not set the menu of chat %s: %s", chat_id, error)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Explain what the bot does and which commands this user has (staff: by role)."""
        t = current_translator.get()
        chat = update.effective_chat
        assert chat is not None
        text = t("help.text")
        more = await self.more_help(update) if self.more_help is not None else None
        if more:
            text += "\n\n" + more
        await show(context.bot, chat.id, Screen(text), ScreenRenderer(FLOW, "1"))

    def handlers(self) -> list[BaseHandler[Any, Any, Any]]:
        """Return the handlers of the common commands."""
        return [
            CommandHandler("language", self.language),
            CallbackQueryHandler(self.choose, pattern=f"^{FLOW}:"),
            CommandHandler("help", self.help),
            # Last: a tap whose data no flow claims (forged, or from a retired flow).
            CallbackQueryHandler(unknown_command),
        ]
