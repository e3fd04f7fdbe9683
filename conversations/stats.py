"""``/stats``: the owner's numbers in Telegram (:mod:`bot.stats`), in the owner's language.

Owners only (``CLICKBOT_OWNER_IDS``); staff and customers are told, politely, that the
numbers are for the owners. Private chats only, like every staff command.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes, filters

from bot.i18n import current_translator
from bot.services import Services
from bot.stats import format_report


@dataclass
class OwnerStats:
    """Answers ``/stats``."""

    services: Services

    async def show(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send the numbers to an owner; tell anyone else they are for owners."""
        t = current_translator.get()
        user = update.effective_user
        chat = update.effective_chat
        assert user is not None
        assert chat is not None
        if user.id not in self.services.settings.owner_ids:
            await context.bot.send_message(chat.id, t("stats.owners_only"))
            return
        report = await self.services.stats.report()
        await context.bot.send_message(chat.id, format_report(report, t))

    def handler(self) -> CommandHandler[ContextTypes.DEFAULT_TYPE, None]:
        """Return the ``/stats`` handler (register it before the flows' catch-alls)."""
        return CommandHandler("stats", self.show, filters.ChatType.PRIVATE)
