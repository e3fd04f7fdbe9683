"""The home screen: what a registered customer can do next, so a sign-up never ends in a dead end.

Shown in place of the summary when the account is created, by the job that finishes a slow
registration, and whenever a registered customer sends /start or writes. Every choice is a URL
button, so the screen needs no handler of its own, and each is offered only when it leads
somewhere: booking with the business (``CLICKBOT_BOOKING_URL``), signing in to ClickBook,
resetting the password (``CLICKBOT_PASSWORD_RESET_URL``; else the sign-in page is named as the
place to reset it) and contacting the business (``CLICKBOT_CONTACT``: an @username or a URL is
a button, any other text is shown as it is).
"""

from __future__ import annotations

import re
from typing import Any

from telegram.ext import ExtBot

from bot.config import TELEGRAM_USERNAME, Settings
from bot.i18n import Translator
from bot.ui import Button, Screen

FALLBACK_BUSINESS_NAME = "ClickBook"
"""Only if the bot's own name is unknown (it is known once the application is initialised)."""
LINK = re.compile(r"(?:https?|tg)://\S+", re.IGNORECASE)
"""What Telegram accepts behind a URL button."""


def business_name(settings: Settings, bot: ExtBot[Any]) -> str:
    """Return the business's name: ``CLICKBOT_BUSINESS_NAME``, else the bot's name on Telegram.

    The bot's name (set with @BotFather) is what customers see at the top of the chat, so it is
    the name they already know the business by when none is configured.
    """
    if settings.business_name:
        return settings.business_name
    try:
        return bot.first_name or FALLBACK_BUSINESS_NAME
    except RuntimeError:  # PTB raises it for a bot that was never initialised
        return FALLBACK_BUSINESS_NAME


def contact_link(contact: str) -> str | None:
    """Return the URL a contact opens (an @username becomes its t.me link), or None for text."""
    username = TELEGRAM_USERNAME.fullmatch(contact)
    if username:
        return f"https://t.me/{username.group(1)}"
    if LINK.fullmatch(contact):
        return contact
    if contact.lower().startswith("t.me/") and " " not in contact:
        return f"https://{contact}"
    return None


def home_screen(t: Translator, settings: Settings, *, business: str, headline: str) -> Screen:
    """Return the home screen under ``headline`` (already rendered HTML)."""
    lines = [headline]
    rows: list[list[Button]] = []
    if settings.booking_url:
        lines.append(t("home.book", business=business))
        label = t.plain("home.book_button", business=business)
        rows.append([Button(label, url=settings.booking_url)])
    lines.append(t("home.sign_in"))
    rows.append([Button(t.plain("home.sign_in_button"), url=settings.sign_in_url)])
    if settings.password_reset_url:
        lines.append(t("home.reset"))
        rows.append([Button(t.plain("home.reset_button"), url=settings.password_reset_url)])
    else:
        lines.append(t("home.reset_on_sign_in"))
    if settings.contact:
        link = contact_link(settings.contact)
        if link is None:
            lines.append(t("home.contact_text", business=business, contact=settings.contact))
        else:
            rows.append([Button(t.plain("home.contact_button", business=business), url=link)])
    return Screen("\n\n".join(lines), rows=rows)
