"""``/pending`` and the acceptance notices.

::

    /pending ──▶ this business's pending invites, newest first, with age and inviter
             ──🔄 Check n──▶ GETUSERFIELDS now ──Registered──▶ the inviter is told
             ──🗑 Forget n──▶ confirm ──▶ no longer followed

The background job (:meth:`AcceptanceNotifier.run`) polls the due invites with each inviter's
session (:meth:`bot.invites.InviteService.poll_due`), asks inviters whose session could not
be renewed to sign in again (once), and delivers every recorded, undelivered acceptance:
the inviter gets "✅ Ann Lee accepted your invitation from 2 days ago" and, when
``CLICKBOT_STAFF_CHAT_ID`` is set, the staff chat gets a short notice without email or
phone. An acceptance is marked delivered only after the inviter's message went out, so a
crash in between means it is sent on the next run rather than never.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from telegram import Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.crypto import KeyState
from bot.i18n import Translator, current_translator, escape
from bot.invites import CheckOutcome
from bot.staff_services import StaffServices
from bot.storage import Invite
from bot.ui import Button, CallbackData, Screen, ScreenRenderer, answer_quietly, show
from conversations.callback_args import number as parse_number
from conversations.callback_args import record_id
from conversations.staff_access import PRIVATE, StaffGate, ago, made_by

log = logging.getLogger(__name__)

FLOW = "pd"
PAGE_SIZE = 5


@dataclass
class PendingInvites:
    """``/pending``: list, check now, forget."""

    staff: StaffServices
    gate: StaffGate
    notifier: AcceptanceNotifier

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Show the pending invites."""
        if await self.gate.admit(update, context) is None:
            return
        chat = update.effective_chat
        user = update.effective_user
        assert chat is not None
        assert user is not None
        screen = await self.screen(user.id, page=0)
        await show(context.bot, chat.id, screen, ScreenRenderer(FLOW, "0"))

    async def screen(self, viewer_id: int, *, page: int, notice: str | None = None) -> Screen:
        """Return one page of the pending invites with their buttons."""
        t = current_translator.get()
        invites = await self.staff.invites.pending()
        pages = max(1, -(-len(invites) // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        lines = [notice, ""] if notice else []
        if not invites:
            lines.append(t("pending.empty"))
            return Screen("\n".join(lines))
        lines.append(t("pending.title", count=len(invites)))
        now = self.staff.services.clock()
        rows: list[list[Button]] = []
        first = page * PAGE_SIZE
        for number, invite in enumerate(invites[first : first + PAGE_SIZE], start=first + 1):
            inviter = await made_by(self.staff, t, invite.inviter_id, viewer_id)
            lines.append("")
            lines.append(_invite_line(t, number, invite))
            lines.append(t("pending.invited", age=ago(t, invite.created_at, now), inviter=inviter))
            rows.append(
                [
                    Button(t.plain("pending.check", number=number), f"c.{invite.id}.{page}"),
                    Button(t.plain("pending.forget", number=number), f"f.{invite.id}.{page}"),
                ]
            )
        if pages > 1:
            nav = []
            if page > 0:
                nav.append(Button(t.plain("picker.previous"), f"p.0.{page - 1}"))
            if page < pages - 1:
                nav.append(Button(t.plain("picker.next"), f"p.0.{page + 1}"))
            rows.append(nav)
            lines += ["", t("pending.page", page=page + 1, pages=pages)]
        return Screen("\n".join(lines), rows=rows)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Handle Check, Forget (with its confirmation) and paging."""
        query = update.callback_query
        assert query is not None
        if await self.gate.admit(update, context) is None:
            return
        t = current_translator.get()
        viewer = query.from_user.id
        data = CallbackData.decode(query.data)
        action, invite_id, page = parse_action(data.action if data else "")
        chat_id = query.message.chat.id if query.message else viewer
        edit = query.message if isinstance(query.message, Message) else None
        renderer = ScreenRenderer(FLOW, "0")
        invite = await self.staff.services.store.get_invite(invite_id) if invite_id else None
        name = invite.full_name if invite else ""
        notice = None
        if action == "c":
            if self.staff.key_state is not KeyState.READY:
                await self.gate.explain_off(update, context)
                return
            outcome = await self.staff.invites.check(invite_id, viewer)
            await answer_quietly(query, t.plain(f"pending.toast.{outcome.value}", name=name))
            notice = t(f"pending.checked.{outcome.value}", name=name)
            if outcome is CheckOutcome.REGISTERED:
                await self.notifier.deliver(context.bot)
        elif action == "f" and invite is not None:
            await answer_quietly(query)
            screen = Screen(
                t("pending.forget_confirm", name=name),
                rows=[
                    [
                        Button(t.plain("pending.forget_yes"), f"fc.{invite_id}.{page}"),
                        Button(t.plain("pending.forget_no"), f"p.0.{page}"),
                    ]
                ],
            )
            await show(context.bot, chat_id, screen, renderer, edit=edit)
            return
        elif action == "fc":
            await answer_quietly(query)
            forgotten = await self.staff.invites.forget(invite_id)
            notice = t("pending.forgotten" if forgotten else "pending.checked.gone", name=name)
            if forgotten:
                log.info("staff %s stopped following invite %s", viewer, invite_id)
        else:
            await answer_quietly(query)
            if action != "p":
                notice = t("pending.checked.gone", name=name)
        screen = await self.screen(viewer, page=page, notice=notice)
        await show(context.bot, chat_id, screen, renderer, edit=edit)

    def handlers(self) -> list[BaseHandler[Any, Any, Any]]:
        """Return the ``/pending`` handlers."""
        return [
            CommandHandler("pending", self.command, PRIVATE),
            CallbackQueryHandler(self.on_button, pattern=f"^{FLOW}:"),
        ]


def parse_action(action: str) -> tuple[str, int, int]:
    """Split ``c.<invite id>.<page>`` into its parts (0 for anything missing or malformed)."""
    kind, _, rest = action.partition(".")
    invite_id, _, page = rest.partition(".")
    return kind, record_id(invite_id) or 0, parse_number(page) or 0


def _invite_line(t: Translator, number: int, invite: Invite) -> str:
    email = f" · {escape(invite.email)}" if invite.email else ""
    return f"{number}. <b>{escape(invite.full_name)}</b>{email}"


@dataclass
class AcceptanceNotifier:
    """The background job: poll due invites and tell inviters about acceptances."""

    staff: StaffServices
    _delivering: asyncio.Lock = field(default_factory=asyncio.Lock)
    """The job and a "check now" may both deliver; one at a time, so nothing goes out twice."""

    async def run(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Job: check the due invites, ask for sign-ins, deliver the acceptances."""
        if self.staff.sessions.enabled:
            report = await self.staff.invites.poll_due()
            if report.checked or report.signed_out:
                log.info(
                    "invite poll: %d checked, %d accepted, %d errors, %d asked to sign in",
                    report.checked,
                    len(report.registered),
                    report.errors,
                    len(report.signed_out),
                )
            for inviter in report.signed_out:
                await self._ask_to_sign_in(context.bot, inviter)
        await self.deliver(context.bot)

    async def _ask_to_sign_in(self, bot: Any, inviter: int) -> None:
        if not (await self.staff.directory.role(inviter)).is_staff:
            return
        t = await self.staff.translator_for(inviter)
        pending = await self.staff.services.store.pending_invites(inviter_id=inviter)
        try:
            await bot.send_message(inviter, t("notice.sign_in_again", count=len(pending)))
        except TelegramError as error:
            log.info("could not ask staff %s to sign in again: %s", inviter, error)

    async def deliver(self, bot: Any) -> int:
        """Tell each inviter about their recorded acceptances; return how many were delivered."""
        delivered = 0
        staff_chat = self.staff.services.settings.staff_chat_id is not None
        invites = self.staff.invites
        async with self._delivering:
            # Each notice is marked right after it went out, so a crash repeats only the one
            # whose mark it interrupted (Telegram has no idempotency key to close that gap).
            for invite in await invites.acceptances_to_deliver(staff_chat=staff_chat):
                if invite.notified_at is None:
                    if not await self._tell_inviter(bot, invite):
                        continue
                    if await invites.mark_delivered(invite.id):
                        delivered += 1
                if (
                    staff_chat
                    and invite.staff_chat_notified_at is None
                    and await self._tell_staff_chat(bot, invite)
                ):
                    await invites.mark_staff_chat_delivered(invite.id)
        return delivered

    async def _tell_inviter(self, bot: Any, invite: Invite) -> bool:
        """Send the inviter the acceptance; ``False`` means "try again on the next run"."""
        if not (await self.staff.directory.role(invite.inviter_id)).is_staff:
            log.info("invite %s accepted; its inviter is no longer staff", invite.id)
            return True
        t = await self.staff.translator_for(invite.inviter_id)
        now = self.staff.services.clock()
        text = t("notice.accepted", name=invite.full_name, age=ago(t, invite.created_at, now))
        try:
            await bot.send_message(invite.inviter_id, text)
        except Forbidden as error:
            log.info(
                "staff %s blocked the bot; acceptance %s dropped: %s",
                invite.inviter_id,
                invite.id,
                error,
            )
            return True
        except TelegramError as error:
            log.warning(
                "could not tell staff %s about invite %s: %s", invite.inviter_id, invite.id, error
            )
            return False
        return True

    async def _tell_staff_chat(self, bot: Any, invite: Invite) -> bool:
        """Post the acceptance to the staff chat; ``False`` means "try again on the next run"."""
        chat_id = self.staff.services.settings.staff_chat_id
        if chat_id is None:
            return True
        t = self.staff.default_translator()
        inviter = await self.staff.directory.display_name(invite.inviter_id)
        try:
            await bot.send_message(
                chat_id, t("notice.accepted_staff_chat", name=invite.full_name, inviter=inviter)
            )
        except (Forbidden, BadRequest) as error:
            # The bot was removed from the chat, or the chat id is wrong: retrying cannot help.
            log.warning("could not post acceptance %s to the staff chat: %s", invite.id, error)
        except TelegramError as error:
            log.warning("posting acceptance %s to the staff chat failed: %s", invite.id, error)
            return False
        return True
