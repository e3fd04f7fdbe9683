"""Customer sign-up: a ClickBook account created inside the chat.

::

    /start ──▶ WELCOME ──Start──▶ FIRST_NAME ▶ LAST_NAME ▶ EMAIL ▶ PHONE ▶ COUNTRY
                                   ▶ TIMEZONE ▶ PASSWORD ▶ TERMS ▶ SUMMARY ──Confirm──▶ HOME
                 (Back, edit from the summary and resume re-derive the step from the draft)

    registered customer ──/start or any message──▶ HOME (:mod:`conversations.home`)

The conversation state only mirrors the step derived from the draft (see
:mod:`conversations.form`), so a state lost in a crash loses nothing: any message from a user
with a draft resumes the form where it stands.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from babel.lists import format_list
from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.i18n import Translator, current_translator
from bot.services import Services
from bot.signup import Outcome, SignupService, Stage
from bot.stats import STARTED, STARTED_KEY
from bot.ui import (
    Button,
    CallbackData,
    Screen,
    ScreenRenderer,
    answer_quietly,
    delete_quietly,
    show,
)
from conversations.fields import EmailField, NameField, PhoneField
from conversations.form import BEGIN, PARKED_KEY, Form, FormEngine, FormSession
from conversations.home import business_name, home_screen
from conversations.password import KEPT_MESSAGE, PasswordField
from conversations.pickers import CountryField, TimeZoneField
from conversations.privacy import start_line as privacy_line
from conversations.progress import DelayedProgress
from conversations.staff_access import NOT_OUR_COMMAND, unknown_command
from conversations.terms import TermsField

log = logging.getLogger(__name__)

FLOW = "su"
UNCERTAIN_EMAIL = "uncertain_email"
"""Scratch: the email of a submission whose answer never came (its stub may exist)."""


class Step(StrEnum):
    """The sign-up's conversation states: one per question, plus the summary."""

    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    EMAIL = "email"
    PHONE = "phone"
    COUNTRY = "country"
    TIMEZONE = "timezone"
    PASSWORD = "password"  # noqa: S105 - a step name, not a secret
    TERMS = "terms"
    SUMMARY = "summary"


@dataclass
class SignupFlow:
    """Wires the sign-up form to Telegram and to :class:`bot.signup.SignupService`."""

    services: Services

    def __post_init__(self) -> None:
        settings = self.services.settings
        self.signup = SignupService(
            client=self.services.clickbook,
            store=self.services.store,
            clock=self.services.clock,
            daily_limit=settings.signups_per_day,
            first_retry=settings.registration_retry,
        )
        self.password = PasswordField(Step.PASSWORD, self.services, FLOW)
        self.form = Form(
            flow=FLOW,
            fields=[
                NameField(
                    Step.FIRST_NAME,
                    profile_attribute="first_name",
                    title_key="field.first_name",
                    prompt_key="name.first_prompt",
                    reply_buttons=True,
                ),
                NameField(
                    Step.LAST_NAME,
                    profile_attribute="last_name",
                    title_key="field.last_name",
                    prompt_key="name.last_prompt",
                    reply_buttons=True,
                ),
                EmailField(Step.EMAIL, reply_buttons=True),
                PhoneField(
                    Step.PHONE,
                    default_region=self.services.home_region,
                    allow_fictional=settings.allow_fictional_phones,
                ),
                CountryField(Step.COUNTRY, zones=self.services.clickbook.get_timezones),
                TimeZoneField(
                    Step.TIMEZONE,
                    zones=self.services.clickbook.get_timezones,
                    business_zone=settings.business_timezone,
                ),
                self.password,
                TermsField(
                    Step.TERMS,
                    terms_url=settings.terms_url,
                    business_zone=settings.business_timezone,
                ),
            ],
            summary_title="summary.title",
            confirm_label="summary.confirm",
            confirm_toast="submit.creating",
        )
        self.engine = FormEngine(self.form, self._submit, self._began)

    async def _session(self, update: Update) -> FormSession:
        return await FormSession.load(
            update,
            self.form,
            store=self.services.store,
            services=self.services,
            now=self.services.clock(),
        )

    def _state(self, session: FormSession) -> Step:
        current = session.current()
        return Step(current.key) if current is not None else Step.SUMMARY

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step | int:
        """Greet on /start; resume a draft; tell a registered user they are done."""
        t = current_translator.get()
        user = update.effective_user
        chat = update.effective_chat
        assert user is not None
        assert chat is not None
        registration = await self.services.store.get_registration(user.id)
        if registration is not None and registration.state in ("active", "processed"):
            headline = t("start.registered", name=registration.full_name, email=registration.email)
            home = self._home(t, context.bot, headline)
            await show(context.bot, chat.id, home, ScreenRenderer(FLOW, "0"))
            return ConversationHandler.END
        if registration is not None and registration.state == "stub_created":
            await context.bot.send_message(chat.id, t("start.pending"), parse_mode="HTML")
            return ConversationHandler.END
        session = await self._session(update)
        # Only real answers make a draft worth resuming; a nonce alone means the welcome
        # was shown (or failed to show) and nothing was answered yet.
        if session.has_answers:
            await self.engine.render(context.bot, session, notice=t("start.resume"))
            return self._state(session)
        await self.engine.show_intro(
            context.bot,
            session,
            Screen(
                t(
                    "start.welcome",
                    name=user.first_name,
                    business=business_name(self.services.settings, context.bot),
                )
                + "\n\n"
                + t("start.privacy")
                + "\n"
                + privacy_line(t, self.services.settings.privacy_url),
                rows=[[Button(t.plain("start.begin"), BEGIN)]],
            ),
        )
        return Step.FIRST_NAME

    async def reshow(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        picker: Message | None,
        notice: str,
    ) -> bool:
        """Show the step due again, in the language just chosen on ``picker``, under ``notice``.

        ``False`` when no sign-up is on screen (none started, cancelled, or submitted).
        """
        user = update.effective_user
        assert user is not None
        registration = await self.services.store.get_registration(user.id)
        if registration is not None and registration.state not in ("failed", "submitting"):
            return False
        session = await self._session(update)
        if not session.fields or PARKED_KEY in session.fields:
            return False
        await self.engine.render(context.bot, session, edit=picker, notice=notice)
        return True

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step | int:
        """Route any input of a user inside the sign-up to the form engine."""
        user = update.effective_user
        assert user is not None
        if update.edited_message is not None:
            if self._is_password(update.edited_message):
                await delete_quietly(update.edited_message)
            return await self.on_edit(update, context)
        registration = await self.services.store.get_registration(user.id)
        if registration is not None and registration.state not in ("failed", "submitting"):
            # Submitted already: the form must not be offered (and sent) a second time.
            if update.callback_query is not None:
                await answer_quietly(update.callback_query)
            return await self.start(update, context)
        session = await self._session(update)
        if not session.fields:
            return await self.start(update, context)
        query = update.callback_query
        data = CallbackData.decode(query.data if query else None)
        if (
            query is not None
            and data is not None
            and data.nonce == session.nonce
            and (data.action == "begin" or (data.action == "confirm" and session.current()))
        ):
            # Start, or Confirm on a summary whose form is no longer complete (a restart lost
            # the password): show the step that is due, which is not a stale tap.
            await answer_quietly(update.callback_query)
            if data.action == "begin":
                await self._began(session)
            await self.engine.render(context.bot, session, edit=query.message)  # type: ignore[arg-type]
            return self._state(session)
        current = session.current()
        message = update.message
        if getattr(current, "sensitive", False) and message is not None and message.text:
            deleted = await delete_quietly(message)
            await session.set_scratch(KEPT_MESSAGE, None if deleted else True)
            if deleted:
                await session.input_deleted(message.message_id)
        elif message is not None and self._is_password(message):
            return await self._refuse_password(context, session, message)
        ended = await self.engine.handle(update, context.bot, session)
        if ended and session.fields.get(PARKED_KEY):
            self.password.forget(session.user.id)  # Cancel takes the password too
        return ConversationHandler.END if ended else self._state(session)

    async def _began(self, session: FormSession) -> None:
        """Count a sign-up as started, once, when Start is first pressed."""
        if session.scratch(STARTED) is None:
            await session.set_scratch(STARTED, session.now.isoformat())
            await self.services.stats.signup_started()

    def _is_password(self, message: Message) -> bool:
        """Tell whether the message is the password the vault holds for its sender."""
        user = message.from_user
        return bool(
            message.text
            and user is not None
            and self.services.vault.matches(FLOW, user.id, message.text)
        )

    async def _refuse_password(
        self, context: ContextTypes.DEFAULT_TYPE, session: FormSession, message: Message
    ) -> Step:
        """Delete the password typed at a step that does not ask for it, and ask again."""
        t = session.t
        if await delete_quietly(message):
            await session.input_deleted(message.message_id)
            notice = t("password.elsewhere_deleted")
        else:
            notice = t("password.elsewhere") + "\n\n" + t("password.not_deleted")
        await self.engine.render(context.bot, session, notice=notice)
        return self._state(session)

    async def on_command_text(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE
    ) -> Step | int | None:
        """Read a "command" the bot does not have as the password, where it may be one.

        A password may start with "/". At the password step (also when a restart lost the
        conversation state, which the draft still knows) it is read and deleted; typed where
        the vault's password is no answer, it is deleted too. Otherwise it is an unknown
        command, answered as such.
        """
        message = update.message
        assert message is not None
        session = await self._session(update)
        current = session.current() if session.fields else None
        if getattr(current, "sensitive", False) or self._is_password(message):
            return await self.on_update(update, context)
        await unknown_command(update, context)
        return None

    async def on_edit(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step | int:
        """Explain, inside a sign-up, that editing a sent message changes no answer."""
        user = update.effective_user
        assert user is not None
        session = await self._session(update)
        started = session.has_answers
        if not started or await self.services.store.get_registration(user.id) is not None:
            return ConversationHandler.END
        await self.engine.handle(update, context.bot, session)
        return self._state(session)

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """Leave the form on /cancel; the draft stays for later."""
        chat = update.effective_chat
        assert chat is not None
        session = await self._session(update)
        if session.fields:
            # Parked like the Cancel button: old buttons go stale, and text is no answer.
            await self.engine.cancel(context.bot, session)
            self.password.forget(session.user.id)
            return ConversationHandler.END
        t = current_translator.get()
        await show(
            context.bot,
            chat.id,
            Screen(t("form.cancelled"), remove_reply_keyboard=True),
            ScreenRenderer(FLOW, "0"),
        )
        return ConversationHandler.END

    async def _submit(
        self, session: FormSession, bot: ExtBot[Any], screen_message: Message | None
    ) -> bool:
        t = session.t
        password = self.services.vault.get(FLOW, session.user.id)
        if password is None:
            await self.engine.render(bot, session)
            return False
        progress_message = screen_message

        async def display(stage: Stage) -> None:
            nonlocal progress_message
            progress_message = await show(
                bot,
                session.chat_id,
                Screen(t(f"submit.{stage.value}")),
                ScreenRenderer(FLOW, session.nonce),
                edit=progress_message,
            )

        progress = DelayedProgress(display)
        try:
            result = await self.signup.submit(
                telegram_id=session.user.id,
                chat_id=session.chat_id,
                language=t.language,
                fields=session.fields,
                password=password,
                progress=progress,
            )
        finally:
            await progress.close()
        outcome = result.outcome
        store = self.services.store
        if outcome in (Outcome.DONE, Outcome.ACTIVE):
            email = str(session.fields["email"])
            await self.services.stats.signup_completed(session.scratch(STARTED))
            self.password.forget(session.user.id)
            await session.delete()
            # Told first, marked after: a crash in between repeats the message (the job sends
            # it), where the other order would lose it.
            await show(
                bot,
                session.chat_id,
                self._home(t, bot, t(f"submit.{outcome.value}", name=result.name)),
                ScreenRenderer(FLOW, "0"),
                edit=progress_message,
            )
            await store.mark_registration_user_notified(session.user.id, self.services.clock())
            if result.check_sign_in:
                self.services.background.start(
                    self.signup.check_sign_in(session.user.id, email, password),
                    name="sign-in check",
                )
            return True
        if outcome == Outcome.PENDING:
            await show(
                bot,
                session.chat_id,
                Screen(t("submit.pending")),
                ScreenRenderer(FLOW, "0"),
                edit=progress_message,
            )
            return True
        if outcome == Outcome.EMAIL_TAKEN:
            # After a submission whose answer was lost, the address is most likely taken by
            # that very registration, which nobody can finish now: say so, not "sign in".
            earlier = session.scratch(UNCERTAIN_EMAIL)
            taken_key = (
                "submit.uncertain_taken"
                if earlier and earlier == session.fields.get("email")
                else "submit.email_taken"
            )
            await self._send_back(session, {"email": t(taken_key)})
            await self.engine.render(
                bot, session, edit=progress_message, notice=self._fix_notice(t, ["email"])
            )
            return False
        if outcome == Outcome.FIELD_ERRORS and result.field_errors:
            await self._send_back(
                session,
                {
                    key: t("submit.field_error", detail=detail or "—")
                    for key, detail in result.field_errors.items()
                },
            )
            notice = self._fix_notice(t, list(result.field_errors))
            await self.engine.render(bot, session, edit=progress_message, notice=notice)
            return False
        if outcome == Outcome.FIELD_ERRORS:
            # Rejected without naming a field: keep every answer and show the summary again.
            notice = t("submit.rejected")
        else:
            notice = t(f"submit.{outcome.value}")
        if outcome in (Outcome.UNCERTAIN, Outcome.STUB_UNSAVED):
            await session.set_scratch(UNCERTAIN_EMAIL, session.fields.get("email"))
        await self.engine.render(bot, session, edit=progress_message, notice=notice)
        return False

    def _fix_notice(self, t: Translator, keys: list[str]) -> str:
        """Say which answers ClickBook asked to correct, by their names on the summary."""
        fields = [self.form.field(key) for key in keys]
        titles = [field.title(t) for field in fields if field is not None]
        if not titles:
            return t("submit.fix_fields")
        return t("submit.fix_named", fields=format_list(titles, locale=t.language))

    def _home(self, t: Translator, bot: ExtBot[Any], headline: str) -> Screen:
        """Return the home screen of a registered customer under ``headline``."""
        settings = self.services.settings
        return home_screen(t, settings, business=business_name(settings, bot), headline=headline)

    async def _send_back(self, session: FormSession, errors: dict[str, str]) -> None:
        """Forget the answers ClickBook refused and keep why, so the form asks for them again."""
        for key, message in errors.items():
            if key == Step.PASSWORD:
                self.password.forget(session.user.id)
            await session.send_back(key, message)

    async def finish_pending(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Job: finish stored stubs whose retry is due and tell their users."""
        vault = self.services.vault
        results = await self.signup.finish_due(lambda user_id: vault.peek(FLOW, user_id))
        store = self.services.store
        for record, result in results:
            t = self.services.catalogs.translator(record.language)
            password = vault.peek(FLOW, record.telegram_id)
            if result.outcome in (Outcome.DONE, Outcome.ACTIVE):
                vault.forget(FLOW, record.telegram_id)
                draft = await store.get_draft(record.telegram_id, FLOW)
                await self.services.stats.signup_completed(draft and draft.fields.get(STARTED_KEY))
                await store.delete_draft(record.telegram_id, FLOW)
                headline = t(f"submit.{result.outcome.value}", name=result.name)
                screen = self._home(t, context.bot, headline)
            elif result.outcome == Outcome.EXPIRED:
                screen = Screen(t("submit.expired"))
            elif result.outcome == Outcome.EMAIL_TAKEN:
                # Someone registered the address meanwhile: /start resumes at the email step.
                await store.remove_draft_field(
                    record.telegram_id, FLOW, Step.EMAIL, self.services.clock()
                )
                screen = Screen(t("submit.email_taken"))
            else:
                continue
            try:
                await show(context.bot, record.chat_id, screen, ScreenRenderer(FLOW, "0"))
            except TelegramError as error:
                log.info(
                    "could not tell user %s about their registration: %s",
                    record.telegram_id,
                    error,
                )
            # The final word goes out once (an account activated without the password stays
            # "processed" and must not be announced on every run); marked after sending, so a
            # crash in between repeats it rather than losing it.
            await store.mark_registration_user_notified(record.telegram_id, self.services.clock())
            if result.check_sign_in and password is not None:
                await self.signup.check_sign_in(record.telegram_id, record.email, password)

    def handlers(self) -> list[BaseHandler[Any, Any, Any]]:
        """Return the sign-up's conversation handler."""
        routed: list[BaseHandler[Any, Any, Any]] = [
            CallbackQueryHandler(self.on_update, pattern=f"^{FLOW}:"),
            MessageHandler(
                (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE)
                & ~filters.COMMAND
                & ~filters.StatusUpdate.ALL,
                self.on_update,
            ),
        ]
        with warnings.catch_warnings():
            # Mixing text and buttons needs per_message=False; PTB warns about exactly that.
            warnings.filterwarnings(
                "ignore", message=".*per_message=False", category=PTBUserWarning
            )
            conversation = ConversationHandler(
                entry_points=[
                    CommandHandler("start", self.start, filters.ChatType.PRIVATE),
                    *routed,
                    # An entry point, so it works when a restart lost the conversation state.
                    MessageHandler(NOT_OUR_COMMAND, self.on_command_text),
                ],
                states={step: list(routed) for step in Step},
                fallbacks=[
                    CommandHandler("start", self.start),
                    CommandHandler("cancel", self.cancel),
                ],
                name="signup",
                persistent=True,
                allow_reentry=True,
            )
        return [conversation]
