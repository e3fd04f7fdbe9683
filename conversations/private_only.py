"""Keep every flow in private chats: from a group the bot takes nothing and says nothing there.

Sign-up and staff screens show names, emails and phone numbers, and whatever is typed in a
group is read by the whole group; so an update from any chat but a private one stops here,
before any flow sees it (none of them is taken as an answer, none is answered). A tap on one of
the bot's buttons in a group is acknowledged silently, only so the button stops spinning. The
staff chat's acceptance notice is a post the bot makes on its own, not an answer, and is
unaffected.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, BaseHandler, ContextTypes, TypeHandler

from bot.ui import answer_quietly


def from_private_chat(update: Update) -> bool:
    """Tell whether the update comes from a private chat (or from no chat and no button)."""
    chat = update.effective_chat
    if chat is None:
        # A tap with no chat is on an inline-mode message, which the bot never sends.
        return update.callback_query is None
    return chat.type == ChatType.PRIVATE


async def stop_outside_private_chats(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop an update from a group or channel before any flow handles it."""
    if not isinstance(update, Update) or from_private_chat(update):
        return
    await answer_quietly(update.callback_query)
    raise ApplicationHandlerStop


def private_only_handler() -> BaseHandler[Any, Any, Any]:
    """Return the handler, for a group of its own that runs first, that stops group updates."""
    return TypeHandler(Update, stop_outside_private_chats)
