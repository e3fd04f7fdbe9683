"""``/privacy``: what the bot keeps about the customer, for how long, and deleting it.

::

    /privacy ──▶ what is kept (+ the privacy notice) ──Delete my data──▶ are you sure?
                                                        ──Yes──▶ deleted   ──Keep──▶ kept

One message, edited in place at each tap. The deletion itself is :mod:`bot.privacy`'s (the
same as ``clickbot forget``): every row that names the user, and their passwords in memory.
It is refused while their registration is on its way to ClickBook (see :mod:`bot.privacy`).

PTB keeps conversation states in memory and writes the changed ones to the database every few
seconds: the persistence is flushed *before* the rows are deleted, so no state written earlier
comes back afterwards. What PTB then still holds in memory for the user is only the step of a
conversation whose draft is gone, which every flow treats as "start afresh" (the draft is the
truth); it reaches the database again only if the user writes again, as new data.
"""

from __future__ import annotations

import contextlib
import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.domain.countries import country_name
from bot.i18n import Markup, Translator, current_translator
from bot.privacy import IN_FLIGHT, RETENTION, PersonalData, forget_customer, settled_by
from bot.services import Services
from bot.storage import Registration, RegistrationState
from bot.ui import Button, CallbackData, Screen, ScreenRenderer, answer_quietly, show
from conversations.common import NATIVE_NAMES

FLOW = "pv"
NONCE = "0"
SIGNUP_FLOW = "su"
SIGNUP_FIELDS = ("first_name", "last_name", "email", "phone", "country", "timezone")
"""Sign-up answers shown as they are kept (the password never is; terms show the time)."""
DELETE, CONFIRM, KEEP = "delete", "confirm", "keep"


def when(moment: datetime) -> str:
    """Format a stored (UTC) moment the way the screens show it."""
    return f"{moment:%Y-%m-%d %H:%M}"


def notice_link(t: Translator, url: str | None) -> str:
    """Return the line linking the business's privacy notice, or "" when none is set."""
    if not url:
        return ""
    link = Markup(f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>')
    return t("privacy.notice_link", link=link)


def start_line(t: Translator, url: str | None) -> str:
    """Return the short privacy line of the /start welcome: /privacy, and the notice's link."""
    link = notice_link(t, url)
    return t("start.privacy_more") + (" " + link if link else "")


def _draft_lines(t: Translator, data: PersonalData) -> list[str]:
    lines = []
    for draft in data.drafts:
        until = when(draft.updated_at + RETENTION.draft)
        if draft.flow != SIGNUP_FLOW:
            lines.append(t("privacy.other_form", until=until, days=RETENTION.draft.days))
            continue
        answered = [key for key in SIGNUP_FIELDS if draft.fields.get(key) is not None]
        heading = "privacy.draft" if answered else "privacy.draft_empty"
        lines.append(t(heading, until=until, days=RETENTION.draft.days))
        for key in answered:
            value = draft.fields[key]
            if key == "timezone":
                value = draft.fields.get("timezone_label") or value
            if key == "country":
                with contextlib.suppress(KeyError):
                    value = country_name(str(value), t.language)
            lines.append(f"    {t('field.' + key)}: {html.escape(str(value), quote=False)}")
        consent = draft.fields.get("terms")
        if consent:
            lines.append("    " + t("privacy.consent", when=str(consent)[:16].replace("T", " ")))
    return lines


def _registration_lines(t: Translator, registration: Registration) -> list[str]:
    params = {
        "name": registration.full_name,
        "email": registration.email,
        "when": when(registration.created_at),
    }
    if registration.state == RegistrationState.FAILED:
        until = when(registration.updated_at + RETENTION.failed_registration)
        lines = [t("privacy.registration_failed", until=until, **params)]
    elif registration.state in IN_FLIGHT:
        lines = [t("privacy.registration_pending", **params)]
    else:
        lines = [t("privacy.registration", **params)]
    if registration.terms_accepted_at is not None:
        lines.append("    " + t("privacy.consent", when=when(registration.terms_accepted_at)))
    return lines


def kept_lines(t: Translator, data: PersonalData, *, password_held: bool) -> list[str]:
    """Describe, one bullet each, what is kept about the user and for how long."""
    lines: list[str] = []
    if data.language:
        name = NATIVE_NAMES.get(data.language, data.language)
        lines.append(t("privacy.language", language=name))
    if data.registration is not None:
        lines += _registration_lines(t, data.registration)
    lines += _draft_lines(t, data)
    if password_held:
        lines.append(t("privacy.password", minutes=int(RETENTION.password.total_seconds() // 60)))
    if data.signup_attempts:
        lines.append(
            t(
                "privacy.attempts",
                count=data.signup_attempts,
                days=RETENTION.signup_attempts.days,
            )
        )
    if data.conversations or data.documents:
        lines.append(t("privacy.conversation"))
    if data.invites:
        lines.append(t("privacy.invites", count=data.invites))
    return lines


@dataclass
class PrivacyCommand:
    """The customer's view of their data, and its deletion."""

    services: Services

    async def _overview(self, t: Translator, user_id: int) -> Screen:
        data = await self.services.store.personal_data(user_id)
        held = self.services.vault.holds(user_id)
        parts = [t("privacy.title"), t("privacy.notice")]
        link = notice_link(t, self.services.settings.privacy_url)
        if link:
            parts.append(link)
        kept = kept_lines(t, data, password_held=held)
        parts.append("\n".join([t("privacy.kept"), *kept]) if kept else t("privacy.nothing"))
        owner = user_id in self.services.settings.owner_ids
        if owner or await self.services.store.is_staff(user_id):
            parts.append(t("privacy.staff"))
        parts += [t("privacy.clickbook"), t("privacy.chat")]
        rows = []
        if kept:
            rows.append([Button(t.plain("privacy.delete"), DELETE)])
        return Screen("\n\n".join(parts), rows=rows)

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Show what is kept about the user, the notice, and the Delete button."""
        user = update.effective_user
        chat = update.effective_chat
        assert user is not None
        assert chat is not None
        screen = await self._overview(current_translator.get(), user.id)
        await show(context.bot, chat.id, screen, ScreenRenderer(FLOW, NONCE))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Ask to confirm a deletion, delete, or keep everything, in the tapped message."""
        query = update.callback_query
        user = update.effective_user
        assert query is not None
        assert user is not None
        t = current_translator.get()
        data = CallbackData.decode(query.data)
        action = data.action if data is not None else None
        if action == DELETE:
            screen = Screen(
                t("privacy.confirm_prompt") + "\n\n" + t("privacy.clickbook"),
                rows=[
                    [Button(t.plain("privacy.confirm"), CONFIRM)],
                    [Button(t.plain("privacy.keep"), KEEP)],
                ],
            )
        elif action == CONFIRM:
            screen = await self._delete(context, user.id)
        elif action == KEEP:
            screen = Screen(t("privacy.not_deleted"))
        else:
            await answer_quietly(query, t.plain("unknown.button"))
            return
        await answer_quietly(query)
        chat_id = query.message.chat.id if query.message else user.id
        await show(
            context.bot,
            chat_id,
            screen,
            ScreenRenderer(FLOW, NONCE),
            edit=query.message,  # type: ignore[arg-type]
        )

    async def _delete(self, context: ContextTypes.DEFAULT_TYPE, user_id: int) -> Screen:
        """Delete the user's data (flushing PTB's pending writes first); say how it went."""
        t = current_translator.get()
        # States PTB has not written yet would otherwise land after the deletion.
        await context.application.update_persistence()
        forgotten = await forget_customer(self.services.store, self.services.vault, user_id)
        if forgotten.blocked_by is not None:
            until = when(settled_by(forgotten.blocked_by))
            return Screen(t("privacy.busy", until=until))
        context.application.drop_user_data(user_id)
        context.application.drop_chat_data(user_id)
        return Screen(t("privacy.deleted") + "\n\n" + t("privacy.clickbook"))

    def handlers(self) -> list[BaseHandler[Any, Any, Any]]:
        """Return the /privacy command and its buttons' handler."""
        return [
            CommandHandler("privacy", self.command, filters.ChatType.PRIVATE),
            CallbackQueryHandler(self.on_button, pattern=f"^{FLOW}:"),
        ]
