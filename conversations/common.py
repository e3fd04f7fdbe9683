"""Commands every user has: /language, /help; and the answer to a button nobody handles."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.i18n import LANGUAGES, current_translator
from bot.services import Services
from bot.ui import Button, CallbackData, Screen, ScreenRenderer, answer_quietly, show
from conversations.staff_access import unknown_command

FLOW = "lg"
NATIVE_NAMES = {"en": "English", "es": "Español", "de": "Deutsch", "ru": "Русский"}
"""Each language named in itself, so anyone can find their own."""


HelpSection = Callable[[Update], Awaitable[str | None]]
"""What /help adds for the update's user (the staff's commands), or ``None``."""


@dataclass
class CommonCommands:
    """Language choice and help."""

    services: Services
    more_help: HelpSection | None = None

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
        await show(
            context.bot,
            query.message.chat.id if query.message else user.id,
            Screen(t("language.saved", language=NATIVE_NAMES[data.action])),
            ScreenRenderer(FLOW, "1"),
            edit=query.message,  # type: ignore[arg-type]
        )

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
