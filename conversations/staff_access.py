"""Staff access: the role check every staff handler makes, per-chat menus, staff links.

::

    owner: /staff_link ──▶ t.me/<bot>?start=staff_<token>  (one use, expires)
    anyone: /start staff_<token> ──▶ becomes staff (menu set, the owner is told)
    owner: /staff ──▶ list ──Remove──▶ confirm ──▶ removed (menu deleted, they are told)

Every staff handler asks :meth:`StaffGate.admit` on each update: the role is read afresh
from the config and the store, so a removal takes effect at the very next update. Someone
who is not staff gets exactly the answer any unknown command gets (:func:`unknown_command`),
so staff commands are invisible to customers. The staff menus are per chat
(``BotCommandScopeChat``), written in the member's language; customers keep the default menu.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from babel.dates import format_timedelta
from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters
from telegram.helpers import create_deep_linked_url

from bot.crypto import KeyState
from bot.i18n import Translator, current_translator, escape
from bot.staff import JoinOutcome, Role, token_from_payload
from bot.staff_services import StaffServices
from bot.ui import Button, CallbackData, Screen, ScreenRenderer, answer_quietly, show
from conversations.callback_args import record_id

log = logging.getLogger(__name__)

FLOW = "sf"
STAFF_COMMANDS = ("invite", "pending", "signin", "signout")
OWNER_COMMANDS = ("staff_link", "staff", "stats")
EVERYONE_COMMANDS = ("start", "language", "help", "privacy")
LABEL_LIMIT = 32
PRIVATE = filters.ChatType.PRIVATE
"""Staff commands work in private chats only: their screens show clients' emails and phones."""
HANDLED = (*STAFF_COMMANDS, *OWNER_COMMANDS, *EVERYONE_COMMANDS, "cancel")
"""Every command some handler answers (``*_COMMANDS`` tuples are menus; /cancel is in none)."""
NOT_OUR_COMMAND = filters.UpdateType.MESSAGE & (
    filters.COMMAND
    & ~filters.Regex(re.compile(rf"^/({'|'.join(HANDLED)})(@\w+)?(\s|$)", re.IGNORECASE))
)
"""A message Telegram marks as a command the bot does not have: at a password step, a password
that starts with "/" (it must be deleted and read, not answered as an unknown command)."""


def ago(t: Translator, moment: datetime, now: datetime) -> str:
    """Return "2 days ago" in the translator's language."""
    # Babel calls a zero delta "in 0 seconds"; a moment ago is at least a second ago.
    elapsed = max(now - moment, timedelta(seconds=1))
    return format_timedelta(-elapsed, locale=t.language, add_direction=True)


def duration(t: Translator, delta: timedelta) -> str:
    """Return "15 minutes" in the translator's language."""
    return format_timedelta(delta, locale=t.language)


async def made_by(staff: StaffServices, t: Translator, author_id: int, viewer_id: int) -> str:
    """Return who made something as the viewer reads it: "you" for their own, else the name."""
    if author_id == viewer_id:
        return t.plain("pending.you")
    return await staff.directory.display_name(author_id)


def short_label(text: str, limit: int = LABEL_LIMIT) -> str:
    """Cut a button label to Telegram-friendly length, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def full_name(update: Update) -> str:
    """Return the Telegram user's name as it should appear to other staff."""
    user = update.effective_user
    return user.full_name if user is not None else ""


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a command the user may not use exactly like a command that does not exist."""
    chat = update.effective_chat
    t = current_translator.get()
    if update.callback_query is not None:
        await answer_quietly(update.callback_query, t.plain("unknown.button"))
        return
    if chat is not None:
        await context.bot.send_message(chat.id, t("unknown.command"))


def menu_for(role: Role, t: Translator) -> list[BotCommand]:
    """Return the command menu of a staff member (owners get the staff management too)."""
    names = [*STAFF_COMMANDS]
    if role is Role.OWNER:
        names += OWNER_COMMANDS
    names += EVERYONE_COMMANDS
    return [BotCommand(name, t.plain(f"command.{name}")) for name in names]


def help_for(role: Role, t: Translator) -> str | None:
    """Return what /help adds for a member: their commands by role (``None`` for customers)."""
    if not role.is_staff:
        return None
    sections: list[tuple[str, tuple[str, ...]]] = [("help.staff_title", STAFF_COMMANDS)]
    if role is Role.OWNER:
        sections.append(("help.owner_title", OWNER_COMMANDS))
    parts = []
    for title, names in sections:
        lines = [f"<b>{t(title)}</b>"]
        lines += [f"/{name}: {escape(t.plain(f'command.{name}'))}" for name in names]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


@dataclass
class StaffGate:
    """The role check, the staff's per-chat menus and their profiles."""

    staff: StaffServices

    async def role(self, update: Update) -> Role:
        """Return the role of the update's user."""
        user = update.effective_user
        return Role.CUSTOMER if user is None else await self.staff.directory.role(user.id)

    async def admit(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        *,
        owner: bool = False,
        needs_key: bool = False,
    ) -> Role | None:
        """Return the role if the user may go on; otherwise answer as for an unknown command.

        ``needs_key`` staff actions explain that they are off when no usable key is set.
        """
        role = await self.role(update)
        if not role.is_staff or (owner and role is not Role.OWNER):
            await unknown_command(update, context)
            return None
        await self._touch(update, context, role)
        if needs_key and self.staff.key_state is not KeyState.READY:
            await self.explain_off(update, context)
            return None
        return role

    async def explain_off(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Tell a staff member why the staff features are off."""
        t = current_translator.get()
        chat = update.effective_chat
        if update.callback_query is not None:
            await answer_quietly(update.callback_query)
        if chat is not None:
            await context.bot.send_message(chat.id, t(f"staff.off.{self.staff.key_state.value}"))

    async def _touch(self, update: Update, context: ContextTypes.DEFAULT_TYPE, role: Role) -> None:
        """Remember the member's name and language; refresh their menu when it changed."""
        user = update.effective_user
        assert user is not None
        t = current_translator.get()
        changed = await self.staff.directory.remember_profile(
            user.id, name=user.full_name, language=t.language
        )
        if changed:
            await self.show_menu(context.bot, user.id, role, t)

    async def show_menu(self, bot: Any, chat_id: int, role: Role, t: Translator) -> bool:
        """Give the chat the staff command menu in the member's language; ``True`` if set."""
        try:
            await bot.set_my_commands(menu_for(role, t), scope=BotCommandScopeChat(chat_id))
        except TelegramError as error:
            log.info("could not set the staff menu of chat %s: %s", chat_id, error)
            return False
        return True

    async def remove_menu(self, bot: Any, chat_id: int) -> None:
        """Take the staff menu away: the chat falls back to the customer menu."""
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
        except TelegramError as error:
            log.info("could not delete the staff menu of chat %s: %s", chat_id, error)

    async def refresh_menus(self, bot: Any) -> set[int]:
        """Set every owner's and staff member's menu (at start-up); return whose were set."""
        directory = self.staff.directory
        members = [(owner, Role.OWNER) for owner in sorted(directory.owner_ids)]
        members += [
            (member.telegram_id, Role.STAFF)
            for member in await directory.members()
            if member.telegram_id not in directory.owner_ids
        ]
        done = set()
        for telegram_id, role in members:
            t = await self.staff.translator_for(telegram_id)
            if await self.show_menu(bot, telegram_id, role, t):
                done.add(telegram_id)
        return done


@dataclass
class StaffAccess:
    """``/staff_link``, opening a staff link, and ``/staff`` (list and remove)."""

    staff: StaffServices
    gate: StaffGate

    async def staff_link(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Owners: make a one-time staff link and show it."""
        if await self.gate.admit(update, context, owner=True) is None:
            return
        user = update.effective_user
        chat = update.effective_chat
        assert user is not None
        assert chat is not None
        t = current_translator.get()
        link = await self.staff.directory.create_link(user.id)
        url = create_deep_linked_url(context.bot.username, link.payload)
        minutes = self.staff.directory.link_lifetime
        await context.bot.send_message(
            chat.id,
            t("staff.link.created", link=url, valid=duration(t, minutes)),
            disable_web_page_preview=True,
        )

    async def join(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Anyone: open a staff link (``/start staff_<token>``) and become staff."""
        user = update.effective_user
        chat = update.effective_chat
        assert user is not None
        assert chat is not None
        t = current_translator.get()
        token = token_from_payload(context.args[0]) if context.args else None
        if token is None:
            await context.bot.send_message(chat.id, t("staff.link.unknown"))
            return
        result = await self.staff.directory.join(token, user.id)
        await context.bot.send_message(chat.id, t(f"staff.link.{result.outcome.value}"))
        if result.outcome is not JoinOutcome.JOINED:
            return
        role = await self.gate.role(update)
        await self.staff.directory.remember_profile(
            user.id, name=user.full_name, language=t.language
        )
        await self.gate.show_menu(context.bot, chat.id, role, t)
        if result.created_by is not None:
            await self._tell(
                context,
                result.created_by,
                "staff.link.joined_owner",
                name=user.full_name,
            )

    async def _tell(
        self, context: ContextTypes.DEFAULT_TYPE, telegram_id: int, key: str, **params: Any
    ) -> None:
        """Send a staff member a message in their own language; failures are only logged."""
        t = await self.staff.translator_for(telegram_id)
        try:
            await context.bot.send_message(telegram_id, t(key, **params))
        except TelegramError as error:
            log.info("could not tell %s (%s): %s", telegram_id, key, error)

    async def staff_list(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Owners: list the owners and staff, with a remove button per staff member."""
        if await self.gate.admit(update, context, owner=True) is None:
            return
        chat = update.effective_chat
        assert chat is not None
        assert update.effective_user is not None
        screen = await self._list_screen(update.effective_user.id)
        await show(context.bot, chat.id, screen, ScreenRenderer(FLOW, "0"))

    async def _list_screen(self, viewer_id: int, notice: str | None = None) -> Screen:
        t = current_translator.get()
        directory = self.staff.directory
        now = self.staff.services.clock()
        owners = [await directory.display_name(owner) for owner in sorted(directory.owner_ids)]
        lines = [f"<b>{t('staff.list.title')}</b>", ""]
        if notice:
            lines = [notice, "", *lines]
        lines.append(t("staff.list.owners", names=", ".join(owners) or "—"))
        members = [
            m for m in await directory.members() if m.telegram_id not in directory.owner_ids
        ]
        rows: list[list[Button]] = []
        if not members:
            lines += ["", t("staff.list.empty")]
        for number, member in enumerate(members, start=1):
            name = await directory.display_name(member.telegram_id)
            signed_in = await self.staff.sessions.session(member.telegram_id) is not None
            lines.append("")
            added = ago(t, member.added_at, now)
            if member.added_by == viewer_id:  # one's own: "by you", as /pending says
                line = t("staff.list.member_yours", number=number, name=name, added=added)
            else:
                by = await directory.display_name(member.added_by)
                line = t("staff.list.member", number=number, name=name, added=added, by=by)
            lines.append(line)
            lines.append(t("staff.list.signed_in" if signed_in else "staff.list.signed_out"))
            label = short_label(t.plain("staff.list.remove", name=name))
            rows.append([Button(label, f"r.{member.telegram_id}")])
        return Screen("\n".join(lines), rows=rows)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Owners: handle Remove, its confirmation and Back on the staff list."""
        query = update.callback_query
        assert query is not None
        if await self.gate.admit(update, context, owner=True) is None:
            return
        t = current_translator.get()
        data = CallbackData.decode(query.data)
        action, _, argument = (data.action if data else "").partition(".")
        chat_id = query.message.chat.id if query.message else query.from_user.id
        edit = query.message if query.message else None
        renderer = ScreenRenderer(FLOW, "0")
        member_id = record_id(argument)
        if action == "r" and member_id is not None:
            await answer_quietly(query)
            name = await self.staff.directory.display_name(member_id)
            screen = Screen(
                t("staff.remove.confirm", name=name),
                rows=[
                    [
                        Button(t.plain("staff.remove.yes"), f"rc.{member_id}"),
                        Button(t.plain("staff.remove.no"), "list"),
                    ]
                ],
            )
            await show(context.bot, chat_id, screen, renderer, edit=edit)  # type: ignore[arg-type]
            return
        notice = None
        if action == "rc" and member_id is not None:
            removed_id = member_id
            name = await self.staff.directory.display_name(removed_id)
            if await self.staff.directory.remove(removed_id):
                self.staff.sessions.forget(removed_id)
                await self.gate.remove_menu(context.bot, removed_id)
                await self._tell(context, removed_id, "staff.remove.told")
                notice = t("staff.remove.done", name=name)
            else:
                notice = t("staff.remove.gone", name=name)
        await answer_quietly(query)
        screen = await self._list_screen(query.from_user.id, notice)
        await show(context.bot, chat_id, screen, renderer, edit=edit)  # type: ignore[arg-type]

    def join_handler(self) -> BaseHandler[Any, Any, Any]:
        """Return the ``/start staff_<token>`` handler; it must come before the sign-up's."""
        return CommandHandler(
            "start",
            self.join,
            filters.ChatType.PRIVATE & filters.Regex(r"^/start(@\w+)?\s+staff_"),
        )

    def handlers(self) -> list[BaseHandler[Any, Any, Any]]:
        """Return the owners' command handlers."""
        return [
            CommandHandler("staff_link", self.staff_link, PRIVATE),
            CommandHandler("staff", self.staff_list, PRIVATE),
            CallbackQueryHandler(self.on_button, pattern=f"^{FLOW}:"),
        ]
