"""Staff sign-in to ClickBook (``/signin``) and sign-out (``/signout``).

::

    /signin ──▶ EMAIL ──email──▶ PASSWORD ──password (deleted at once)──▶ signed in ──▶ END
                  ▲                 │  wrong: ask again (attempts left) ──┘
                  └──Change email───┘  limit reached / locked out ──▶ END

The email is kept in the ``si`` draft, so a restart between the two steps loses nothing; the
password is read, deleted from the chat, sent to ClickBook and never stored in clear (what is
stored is the encrypted session, see :mod:`bot.staff_sessions`). These steps are states of
the one staff conversation (:mod:`conversations.staff`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import SecretStr
from telegram import Message, Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.domain import FieldError, parse_email
from bot.i18n import current_translator
from bot.staff_services import StaffServices
from bot.staff_sessions import SignInOutcome
from bot.ui import (
    Button,
    CallbackData,
    Screen,
    ScreenRenderer,
    answer_quietly,
    delete_quietly,
    show,
    show_typing,
)
from conversations.fields import error_message
from conversations.invite import FLOW as INVITE_FLOW
from conversations.staff_access import StaffGate
from conversations.staff_time import from_now, moment

FLOW = "si"
EMAIL_KEY = "email"
STARTED_KEY = "started"


class SignInStep(StrEnum):
    """The sign-in's conversation states."""

    EMAIL = "signin_email"
    PASSWORD = "signin_password"  # noqa: S105 - a step name, not a secret


@dataclass
class SignInFlow:
    """``/signin`` and ``/signout`` for staff."""

    staff: StaffServices
    gate: StaffGate

    def _renderer(self) -> ScreenRenderer:
        return ScreenRenderer(FLOW, "0")

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
        """Ask for the ClickBook email (saying who is signed in now, if anyone)."""
        if await self.gate.admit(update, context, needs_key=True) is None:
            return ConversationHandler.END
        user = update.effective_user
        chat = update.effective_chat
        assert user is not None
        assert chat is not None
        t = current_translator.get()
        store = self.staff.services.store
        await store.delete_draft(user.id, FLOW)
        # An open sign-in is a draft too, so a lost conversation state can still resume it.
        await store.set_draft_field(user.id, FLOW, STARTED_KEY, True, self.staff.services.clock())
        session = await self.staff.sessions.session(user.id)
        intro = (
            t("signin.current", name=session.usercn or session.email, email=session.email)
            if session is not None
            else t("signin.intro")
        )
        await show(
            context.bot,
            chat.id,
            Screen(
                intro + "\n\n" + t("signin.email_prompt"),
                rows=[[Button(t.plain("form.cancel"), "cancel")]],
                remove_reply_keyboard=True,
            ),
            self._renderer(),
        )
        return SignInStep.EMAIL

    async def on_email(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
        """Store the email in the draft and ask for the password."""
        message = update.message
        if message is None:
            # An edited message: the answer was taken (or refused) when it was sent.
            return SignInStep.EMAIL
        if await self.gate.admit(update, context, needs_key=True) is None:
            return ConversationHandler.END
        user = update.effective_user
        assert user is not None
        t = current_translator.get()
        if not message.text:
            await self._ask(context, message.chat_id, t("signin.email_prompt"))
            return SignInStep.EMAIL
        try:
            email = parse_email(message.text)
        except FieldError as error:
            # Whatever is not an address may be the password typed one step early (and a
            # password may well hold an "@"): it must not stay in the chat.
            deleted = await delete_quietly(message)
            refusal = error_message(t, error) + "\n\n"
            refusal += t(
                "signin.not_an_email_deleted" if deleted else "signin.not_an_email_not_deleted"
            )
            await self._ask(context, message.chat_id, refusal + "\n\n" + t("signin.email_prompt"))
            return SignInStep.EMAIL
        await self.staff.services.store.set_draft_field(
            user.id, FLOW, EMAIL_KEY, email, self.staff.services.clock()
        )
        await self._ask_password(context, message.chat_id, email)
        return SignInStep.PASSWORD

    async def _ask(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str) -> None:
        t = current_translator.get()
        await show(
            context.bot,
            chat_id,
            Screen(text, rows=[[Button(t.plain("form.cancel"), "cancel")]]),
            self._renderer(),
        )

    async def _ask_password(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        email: str,
        notice: str | None = None,
    ) -> None:
        t = current_translator.get()
        text = t("signin.password_prompt", email=email)
        await show(
            context.bot,
            chat_id,
            Screen(
                f"{notice}\n\n{text}" if notice else text,
                rows=[
                    [
                        Button(t.plain("signin.change_email"), "email"),
                        Button(t.plain("form.cancel"), "cancel"),
                    ]
                ],
            ),
            self._renderer(),
        )

    async def on_password(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
        """Delete the password message at once, sign in, and store the session encrypted."""
        message = update.message
        if message is None:
            # An edited message: a password typed into it was read (or refused) when sent.
            return SignInStep.PASSWORD
        password = SecretStr(message.text or "")
        deleted = not message.text or await delete_quietly(message)
        if await self.gate.admit(update, context, needs_key=True) is None:
            return ConversationHandler.END
        user = update.effective_user
        assert user is not None
        t = current_translator.get()
        # Telegram refused to delete it: every answer below says so and asks the user to.
        kept = "" if deleted else "\n\n" + t("password.not_deleted")
        store = self.staff.services.store
        draft = await store.get_draft(user.id, FLOW)
        email = draft.fields.get(EMAIL_KEY) if draft else None
        if not email:
            await self._ask(context, message.chat_id, t("signin.email_prompt") + kept)
            return SignInStep.EMAIL
        if not password.get_secret_value().strip():
            await self._ask_password(context, message.chat_id, email, kept.strip() or None)
            return SignInStep.PASSWORD
        await show_typing(context.bot, message.chat_id)
        result = await self.staff.sessions.sign_in(user.id, email, password)
        outcome = result.outcome
        if outcome is SignInOutcome.SIGNED_IN:
            await store.delete_draft(user.id, FLOW)
            await self.staff.invites.resume_polling(user.id)
            role = await self.gate.role(update)
            await self.gate.show_menu(context.bot, message.chat_id, role, t)
            text = t("signin.done", name=result.name)
            if await store.get_draft(user.id, INVITE_FLOW) is not None:
                text += "\n\n" + t("signin.invite_waiting")
            else:
                text += "\n\n" + t("signin.next")
            await context.bot.send_message(message.chat_id, text + kept)
            return ConversationHandler.END
        if outcome is SignInOutcome.WRONG and result.attempts_left > 0:
            notice = t("signin.wrong", attempts=result.attempts_left) + kept
            await self._ask_password(context, message.chat_id, email, notice)
            return SignInStep.PASSWORD
        if outcome is SignInOutcome.UNAVAILABLE:
            notice = t("signin.unavailable") + kept
            await self._ask_password(context, message.chat_id, email, notice)
            return SignInStep.PASSWORD
        if outcome in (SignInOutcome.LIMITED, SignInOutcome.WRONG):
            services = self.staff.services
            now = services.clock()
            when = result.retry_at or now
            text = t(
                "signin.limited",
                time=moment(
                    t,
                    when,
                    zone=services.settings.business_timezone,
                    region=services.home_region,
                ),
                relative=from_now(t, when, now),
            )
            if outcome is SignInOutcome.WRONG:
                text = t("signin.wrong_last") + "\n\n" + text
        elif outcome is SignInOutcome.LOCKED_OUT:
            text = t("signin.locked_out")
        else:
            text = t(f"staff.off.{self.staff.key_state.value}")
        await store.delete_draft(user.id, FLOW)
        await context.bot.send_message(message.chat_id, text + kept)
        return ConversationHandler.END

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
        """Handle Cancel and Change email."""
        query = update.callback_query
        assert query is not None
        if await self.gate.admit(update, context) is None:
            return ConversationHandler.END
        t = current_translator.get()
        data = CallbackData.decode(query.data)
        await answer_quietly(query)
        chat_id = query.message.chat.id if query.message else query.from_user.id
        edit = query.message if isinstance(query.message, Message) else None
        if data is not None and data.action == "email":
            await show(
                context.bot,
                chat_id,
                Screen(
                    t("signin.email_prompt"), rows=[[Button(t.plain("form.cancel"), "cancel")]]
                ),
                self._renderer(),
                edit=edit,
            )
            return SignInStep.EMAIL
        await self.staff.services.store.delete_draft(query.from_user.id, FLOW)
        await show(
            context.bot, chat_id, Screen(t("signin.cancelled")), self._renderer(), edit=edit
        )
        return ConversationHandler.END

    async def sign_out(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Sign out of ClickBook and delete the stored sign-in."""
        if await self.gate.admit(update, context) is None:
            return
        user = update.effective_user
        chat = update.effective_chat
        assert user is not None
        assert chat is not None
        t = current_translator.get()
        was_signed_in = await self.staff.sessions.sign_out(user.id)
        text = t("signout.done" if was_signed_in else "signout.not_signed_in")
        pending = await self.staff.services.store.pending_invites(inviter_id=user.id)
        if was_signed_in and pending:
            text += "\n\n" + t("signout.pending", count=len(pending))
        await context.bot.send_message(chat.id, text)
