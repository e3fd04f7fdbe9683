"""Everything staff do, wired together: access, sign-in, invite, pending, acceptance job.

Sign-in and invite are states of **one** conversation handler (``staff``), so a staff member
is in at most one of them: ``/signin`` in the middle of an invitation leaves the form (its
draft is kept; ``/invite`` resumes it) instead of leaving two conversations competing for
the next message::

    /signin ──▶ signin_email ▶ signin_password ──▶ END
    /invite ──▶ invite_first_name ▶ … ▶ invite_summary ──▶ END
    (/signin, /invite and /cancel work from any state)

The conversation state is persisted like the sign-up's, and it only mirrors the drafts. If a
crash loses it, :class:`ActiveStaff` (users with an open sign-in or an unparked invite draft,
loaded at start-up) lets their next message resume the right step instead of falling through
to the customer sign-up.

Order matters (:meth:`StaffFeature.handlers`): the ``/start staff_<token>`` deep link and
the staff conversation come before the sign-up conversation, whose ``/start`` and catch-all
entry points would otherwise take those updates.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.i18n import current_translator, negotiate
from bot.staff import Role
from bot.staff_services import StaffServices
from bot.ui import Screen, ScreenRenderer, show
from conversations import invite as invite_module
from conversations import staff_signin
from conversations.invite import InviteFlow, InviteStep
from conversations.pending import AcceptanceNotifier, PendingInvites
from conversations.staff_access import (
    NOT_OUR_COMMAND,
    PRIVATE,
    StaffAccess,
    StaffGate,
    help_for,
    unknown_command,
)
from conversations.staff_signin import SignInFlow, SignInStep

log = logging.getLogger(__name__)

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]]
MAX_JOB_INTERVAL = timedelta(seconds=60)
"""The poll job runs at least this often; each invite's own schedule decides if it is due."""


class ActiveStaff:
    """The users inside the staff conversation, as a live filter for its resume entry."""

    def __init__(self) -> None:
        self.filter = filters.User(allow_empty=False)

    def enter(self, telegram_id: int) -> None:
        """Mark the user as inside a staff form."""
        self.filter.add_user_ids(telegram_id)

    def leave(self, telegram_id: int) -> None:
        """Mark the user as outside any staff form."""
        self.filter.remove_user_ids(telegram_id)

    def __contains__(self, telegram_id: int) -> bool:
        return telegram_id in self.filter.user_ids


@dataclass
class StaffFeature:
    """Builds the staff handlers and the acceptance job from the staff services."""

    staff: StaffServices
    active: ActiveStaff = field(default_factory=ActiveStaff)

    def __post_init__(self) -> None:
        self.menus_set: set[int] = set()
        self.gate = StaffGate(self.staff)
        self.access = StaffAccess(self.staff, self.gate)
        self.signin = SignInFlow(self.staff, self.gate)
        self.invite = InviteFlow(self.staff, self.gate)
        self.notifier = AcceptanceNotifier(self.staff)
        self.pending = PendingInvites(self.staff, self.gate, self.notifier)

    async def help_section(self, update: Update) -> str | None:
        """Return the commands /help lists for a staff member or owner (``None``: customer)."""
        return help_for(await self.gate.role(update), current_translator.get())

    def _tracked(self, callback: Callback) -> Callback:
        """Wrap a conversation callback so that ``active`` follows the state it returns."""

        async def tracked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
            state = await callback(update, context)
            user = update.effective_user
            if user is not None:
                if state == ConversationHandler.END:
                    self.active.leave(user.id)
                else:
                    self.active.enter(user.id)
            return state

        tracked.__doc__ = callback.__doc__
        return tracked

    async def resume(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        """Continue the open sign-in or invitation after the conversation state was lost."""
        user = update.effective_user
        assert user is not None
        draft = await self.staff.services.store.get_draft(user.id, staff_signin.FLOW)
        if draft is not None:
            if draft.fields.get(staff_signin.EMAIL_KEY):
                return await self.signin.on_password(update, context)
            return await self.signin.on_email(update, context)
        return await self.invite.on_update(update, context)

    async def resume_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        """Read a "command" the bot does not have as the open sign-in's answer, state lost.

        A password may start with "/": after a restart lost the conversation state it must
        still be read and deleted, not answered as an unknown command and left in the chat.
        """
        user = update.effective_user
        assert user is not None
        if await self.staff.services.store.get_draft(user.id, staff_signin.FLOW) is not None:
            return await self.resume(update, context)
        await unknown_command(update, context)
        return None

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """Leave the staff form on /cancel; an invitation's draft is kept for /invite."""
        user = update.effective_user
        chat = update.effective_chat
        assert user is not None
        assert chat is not None
        await self.staff.services.store.delete_draft(user.id, staff_signin.FLOW)
        await self.invite.park(user.id)
        t = current_translator.get()
        await show(
            context.bot,
            chat.id,
            Screen(t("form.cancelled"), remove_reply_keyboard=True),
            ScreenRenderer(invite_module.FLOW, "0"),
        )
        return ConversationHandler.END

    def conversation(self) -> ConversationHandler[Any]:
        """Return the staff conversation: sign-in and invite steps, one state at a time."""
        track = self._tracked
        anything = ~filters.COMMAND & ~filters.StatusUpdate.ALL & filters.ChatType.PRIVATE
        signin_button = CallbackQueryHandler(
            track(self.signin.on_button), pattern=f"^{staff_signin.FLOW}:"
        )
        invite_input = [
            CallbackQueryHandler(track(self.invite.on_update), pattern=f"^{invite_module.FLOW}:"),
            MessageHandler(anything, track(self.invite.on_update)),
        ]
        commands = [
            CommandHandler("signin", track(self.signin.start), PRIVATE),
            CommandHandler("invite", track(self.invite.start), PRIVATE),
        ]
        states: dict[object, list[BaseHandler[Any, Any, Any]]] = {
            SignInStep.EMAIL: [
                MessageHandler(anything, track(self.signin.on_email)),
                signin_button,
            ],
            SignInStep.PASSWORD: [
                MessageHandler(anything, track(self.signin.on_password)),
                MessageHandler(NOT_OUR_COMMAND & PRIVATE, track(self.signin.on_password)),
                signin_button,
            ],
        }
        states.update({step: list(invite_input) for step in InviteStep})
        with warnings.catch_warnings():
            # Mixing text and buttons needs per_message=False; PTB warns about exactly that.
            warnings.filterwarnings(
                "ignore", message=".*per_message=False", category=PTBUserWarning
            )
            return ConversationHandler(
                entry_points=[
                    *commands,
                    signin_button,
                    invite_input[0],
                    MessageHandler(anything & self.active.filter, track(self.resume)),
                    MessageHandler(
                        NOT_OUR_COMMAND & PRIVATE & self.active.filter,
                        track(self.resume_command),
                    ),
                ],
                states=states,
                fallbacks=[*commands, CommandHandler("cancel", track(self.cancel), PRIVATE)],
                name="staff",
                persistent=True,
                allow_reentry=False,
            )

    def handlers(self) -> list[BaseHandler[Any, Any, Any]]:
        """Return the staff handlers that must come before the sign-up conversation."""
        return [
            self.access.join_handler(),
            self.conversation(),
            *self.access.handlers(),
            *self.pending.handlers(),
            CommandHandler("signout", self.signin.sign_out, PRIVATE),
        ]

    def unknown_command_handler(self) -> BaseHandler[Any, Any, Any]:
        """Return the last handler: commands nobody handled get the "unknown command" answer."""
        return MessageHandler(
            filters.COMMAND & filters.ChatType.PRIVATE & ~filters.Regex(r"^/cancel(@\w+)?\b"),
            unknown_command,
        )

    def owner_menu_handler(self) -> BaseHandler[Any, Any, Any]:
        """Return a handler (for a group of its own) giving owners their menu on first contact.

        At start-up Telegram refuses a menu for a chat that does not exist yet, which is the
        case for an owner who has never written to the bot.
        """
        return TypeHandler(Update, self._owner_menu)

    async def _owner_menu(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Set an owner's menu the first time this process sees them."""
        user = update.effective_user if isinstance(update, Update) else None
        if user is None or user.id not in self.staff.directory.owner_ids:
            return
        if user.id in self.menus_set:
            return
        services = self.staff.services
        language = negotiate(
            await services.store.get_language(user.id),
            user.language_code,
            services.settings.default_language,
        )
        translator = services.catalogs.translator(language)
        if await self.gate.show_menu(context.bot, user.id, Role.OWNER, translator):
            self.menus_set.add(user.id)

    async def post_init(self, bot: Any) -> None:
        """Set the staff menus and find forms whose conversation state may have been lost."""
        self.menus_set.update(await self.gate.refresh_menus(bot))
        store = self.staff.services.store
        directory = self.staff.directory
        members = set(directory.owner_ids) | {m.telegram_id for m in await directory.members()}
        for telegram_id in members:
            if await store.get_draft(telegram_id, staff_signin.FLOW) is not None:
                self.active.enter(telegram_id)
                continue
            draft = await store.get_draft(telegram_id, invite_module.FLOW)
            if draft is not None and not draft.fields.get(
                invite_module.SCRATCH_PREFIX + invite_module.PARKED
            ):
                self.active.enter(telegram_id)

    def job_interval(self) -> timedelta:
        """Return how often the acceptance job runs."""
        return min(
            timedelta(seconds=self.staff.services.settings.invite_poll_seconds), MAX_JOB_INTERVAL
        )
