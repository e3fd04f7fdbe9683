"""Staff invite a client: the shared form engine, then Private SETUSERFIELDS NewClientFile.

::

    /invite ──a kept draft──▶ [Finish it] (its step) / [New invitation] (a new draft)
    /invite ──▶ FIRST_NAME ▶ LAST_NAME ▶ PHONE ▶ MOBILE (Skip) ▶ EMAIL ▶ SUMMARY
                 (a shared or forwarded contact card fills in what it has, at any step)
    SUMMARY ──Confirm──▶ [a pending invite to that email? ──▶ Send anyway / Back / Don't send]
            ──▶ ClickBook creates the client file and emails the invitation ──▶ END
            ──▶ not signed in / session could not be renewed ──▶ stays at SUMMARY, draft kept

The draft (flow ``iv``) is the truth, as in the sign-up: the step shown is derived from it,
so Back, editing from the summary and resuming after a restart need nothing extra. These
steps are states of the one staff conversation (:mod:`conversations.staff`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from telegram import Contact, Message, Update
from telegram.ext import ContextTypes, ConversationHandler, ExtBot

from bot.domain import FieldError, parse_contact_phone, parse_email, parse_name
from bot.i18n import Translator, current_translator
from bot.invites import SendOutcome
from bot.staff_services import StaffServices
from bot.ui import Button, CallbackData, Screen, ScreenRenderer, answer_quietly, show
from conversations.fields import EmailField, PhoneField, error_message
from conversations.form import (
    BEGIN,
    SCRATCH_PREFIX,
    Answer,
    Field,
    Form,
    FormEngine,
    FormSession,
    Invalid,
    Outcome,
    match_label,
)
from conversations.staff_access import StaffGate, ago, made_by

log = logging.getLogger(__name__)

FLOW = "iv"
PARKED = "parked"
"""Scratch flag: the form was cancelled; it resumes only on /invite, not on any text."""
DUPLICATE_OK = "duplicate_ok"
"""Scratch: the email the staff member chose to invite again despite a pending invite."""
FRESH = "fresh"
"""The action of "New invitation" on /invite's offer to finish a kept draft."""
CHOOSING = "choosing"
"""Scratch flag: /invite's offer to finish the kept draft or start anew is on screen."""
DROP = "dup_drop"
"""The action of the duplicate warning's "Don't send": the draft is discarded."""

FIRST_NAME = "first_name"
LAST_NAME = "last_name"
PHONE = "phone"
MOBILE = "mobile"
EMAIL = "email"
PHONE_KEYS = (PHONE, MOBILE)
_VCARD_EMAIL = re.compile(r"^(?:item\d+\.)?EMAIL[^:\r\n]*:(.+)$", re.IGNORECASE | re.MULTILINE)


class InviteStep(StrEnum):
    """The invite's conversation states: one per question, plus the summary."""

    FIRST_NAME = "invite_first_name"
    LAST_NAME = "invite_last_name"
    PHONE = "invite_phone"
    MOBILE = "invite_mobile"
    EMAIL = "invite_email"
    SUMMARY = "invite_summary"

    @classmethod
    def of(cls, field_key: str | None) -> InviteStep:
        """Return the state that asks the field ``field_key`` (``None``: the summary)."""
        return cls(f"invite_{field_key or 'summary'}")


@dataclass(frozen=True)
class ContactCard:
    """What a shared or forwarded Telegram contact says about the client, validated."""

    first_name: str | None
    last_name: str | None
    phone: str | None
    """Digits only, as ClickBook wants them."""
    phone_display: str | None
    email: str | None

    @classmethod
    def read(cls, contact: Contact) -> ContactCard:
        """Take every value of the card that passes the form's own checks."""
        phone = None
        if contact.phone_number:
            try:
                phone = parse_contact_phone(contact.phone_number)
            except FieldError:
                phone = None
        match = _VCARD_EMAIL.search(contact.vcard or "")
        return cls(
            first_name=_valid(parse_name, contact.first_name),
            last_name=_valid(parse_name, contact.last_name),
            phone=phone.digits if phone else None,
            phone_display=phone.international if phone else None,
            email=_valid(parse_email, match.group(1).strip() if match else None),
        )

    def describe(self) -> str:
        """Return the card's values on one line, for the acknowledgement."""
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return " · ".join(part for part in (name, self.phone_display, self.email) if part)


def _valid(parse: Callable[[str], object], value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(parse(value))
    except FieldError:
        return None


async def fill_from_contact(session: FormSession, contact: Contact, current: Field) -> Outcome:
    """Pre-fill every unanswered field the card has a value for; answer the current one."""
    card = ContactCard.read(contact)
    values: dict[str, str | None] = {
        FIRST_NAME: card.first_name,
        LAST_NAME: card.last_name,
        EMAIL: card.email,
    }
    values[current.key if current.key in PHONE_KEYS else PHONE] = card.phone
    own = values.pop(current.key, None)
    filled = False
    for key, value in values.items():
        if value and key not in session.fields:
            await session.save(key, value)
            filled = True
    t = session.t
    if own:
        return Answer(own, note=t("invite.contact.used", card=card.describe()))
    field_name = current.title(t)
    if filled:
        return Invalid(t("invite.contact.partly", card=card.describe(), field=field_name))
    return Invalid(t("invite.contact.nothing", field=field_name))


class ClientNameField(Field):
    """The client's first or last name (the staff member's own name is never offered)."""

    def __init__(self, key: str, *, title_key: str, prompt_key: str) -> None:
        super().__init__(key)
        self.title_key = title_key
        self.prompt_key = prompt_key

    def title(self, t: Translator) -> str:
        return t.plain(self.title_key)

    async def prompt(self, session: FormSession) -> Screen:
        return Screen(session.t(self.prompt_key))

    async def on_text(self, session: FormSession, text: str) -> Outcome:
        try:
            return Answer(parse_name(text))
        except FieldError as error:
            return Invalid(error_message(session.t, error))

    async def on_contact(self, session: FormSession, contact: Contact) -> Outcome:
        return await fill_from_contact(session, contact, self)


class ClientPhoneField(PhoneField):
    """The client's phone or mobile: typed, or taken from any contact card."""

    async def on_contact(self, session: FormSession, contact: Contact) -> Outcome:
        return await fill_from_contact(session, contact, self)


class ClientEmailField(EmailField):
    """Where ClickBook emails the invitation, read back for a check."""

    async def on_contact(self, session: FormSession, contact: Contact) -> Outcome:
        return await fill_from_contact(session, contact, self)


@dataclass
class InviteFlow:
    """Wires the invite form to Telegram and to :class:`bot.invites.InviteService`."""

    staff: StaffServices
    gate: StaffGate

    def __post_init__(self) -> None:
        region = self.staff.services.home_region
        fictional = self.staff.services.settings.allow_fictional_phones
        self.form = Form(
            flow=FLOW,
            fields=[
                ClientNameField(
                    FIRST_NAME, title_key="field.first_name", prompt_key="invite.first_prompt"
                ),
                ClientNameField(
                    LAST_NAME, title_key="field.last_name", prompt_key="invite.last_prompt"
                ),
                ClientPhoneField(
                    PHONE,
                    prompt_key="invite.phone_prompt",
                    offer_contact=False,
                    default_region=region,
                    allow_fictional=fictional,
                ),
                ClientPhoneField(
                    MOBILE,
                    optional=True,
                    title_key="field.mobile",
                    prompt_key="invite.mobile_prompt",
                    offer_contact=False,
                    default_region=region,
                    allow_fictional=fictional,
                ),
                ClientEmailField(EMAIL, prompt_key="invite.email_prompt"),
            ],
            summary_title="invite.summary.title",
            confirm_label="invite.summary.confirm",
        )
        self.engine = FormEngine(self.form, self._submit)

    async def _session(self, update: Update) -> FormSession:
        return await FormSession.load(
            update,
            self.form,
            store=self.staff.services.store,
            services=self.staff,
            now=self.staff.services.clock(),
        )

    @staticmethod
    def state(session: FormSession) -> InviteStep:
        """Return the conversation state that mirrors the step derived from the draft."""
        current = session.current()
        return InviteStep.of(current.key if current is not None else None)

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
        """Begin an invitation, or resume the kept draft where it stands."""
        if await self.gate.admit(update, context, needs_key=True) is None:
            return ConversationHandler.END
        user = update.effective_user
        chat = update.effective_chat
        assert user is not None
        assert chat is not None
        t = current_translator.get()
        if await self.staff.sessions.session(user.id) is None:
            await context.bot.send_message(chat.id, t("invite.sign_in_first"))
            return ConversationHandler.END
        session = await self._session(update)
        await session.set_scratch(PARKED, None)
        if session.has_answers:
            await self._offer_choice(context.bot, session)
        else:
            await self.engine.render(context.bot, session, notice=t("invite.intro"))
        return self.state(session)

    async def _offer_choice(
        self, bot: ExtBot[Any], session: FormSession, notice: str | None = None
    ) -> None:
        """Show the kept draft with [Finish it] [New invitation]; typing is read as a choice."""
        await session.set_scratch(CHOOSING, True)
        screen = self._unfinished(session)
        if notice:
            screen = replace(screen, text=f"{notice}\n\n{screen.text}")
        await self.engine.show_intro(bot, session, screen)

    @staticmethod
    def _unfinished(session: FormSession) -> Screen:
        """Offer to finish the kept draft or to start a new invitation instead."""
        t = session.t
        fields = session.fields
        name = " ".join(str(fields[key]) for key in (FIRST_NAME, LAST_NAME) if fields.get(key))
        shown = [part for part in (name, fields.get(EMAIL) or fields.get(PHONE)) if part]
        return Screen(
            t("invite.unfinished", draft=" · ".join(str(part) for part in shown)),
            rows=[
                [Button(t.plain("invite.unfinished_finish"), BEGIN)],
                [Button(t.plain("invite.unfinished_new"), FRESH)],
            ],
        )

    async def _start_over(
        self, update: Update, bot: ExtBot[Any], session: FormSession, edit: Message | None
    ) -> str:
        """Drop the kept draft and ask the first question of a new invitation."""
        await session.delete()
        fresh = await self._session(update)
        await self.engine.render(bot, fresh, edit=edit, notice=fresh.t("invite.intro"))
        return self.state(fresh)

    async def _drop(self, bot: ExtBot[Any], session: FormSession, edit: Message | None) -> None:
        """Discard the draft after the duplicate warning: nothing is sent."""
        await session.delete()
        await show(
            bot,
            session.chat_id,
            Screen(session.t("invite.dropped")),
            ScreenRenderer(FLOW, "0"),
            edit=edit,
        )

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
        """Route any input inside the invite to the form engine."""
        if await self.gate.admit(update, context, needs_key=True) is None:
            return ConversationHandler.END
        session = await self._session(update)
        query = update.callback_query
        t = session.t
        if not session.fields:
            if query is not None:
                await answer_quietly(query, t.plain("invite.finished_toast"))
                return ConversationHandler.END
            return await self.start(update, context)
        if session.scratch(CHOOSING):
            await session.set_scratch(CHOOSING, None)
            message = update.effective_message if query is None else None
            if message is not None:
                choice = self._unfinished(session)
                action = match_label(message.text or "", choice.labels())
                if action == FRESH:
                    return await self._start_over(update, context.bot, session, None)
                if action != BEGIN:
                    # Typed over the choice: neither an answer to the old draft nor a new one.
                    await self._offer_choice(context.bot, session, t("invite.unfinished_tap"))
                    return self.state(session)
                await self.engine.render(context.bot, session)
                return self.state(session)
        data = CallbackData.decode(query.data if query else None)
        if (
            query is not None
            and data is not None
            and data.flow == FLOW
            and data.nonce == session.nonce
            and data.action in ("dup_send", "dup_back", DROP, FRESH)
        ):
            await answer_quietly(query)
            edit = query.message if isinstance(query.message, Message) else None
            if data.action == FRESH:
                return await self._start_over(update, context.bot, session, edit)
            if data.action == DROP:
                await self._drop(context.bot, session, edit)
                return ConversationHandler.END
            if data.action == "dup_send":
                await session.set_scratch(DUPLICATE_OK, session.fields.get(EMAIL))
                ended = await self._submit(session, context.bot, edit)
                return ConversationHandler.END if ended else self.state(session)
            await self.engine.render(context.bot, session, edit=edit)
            return self.state(session)
        ended = await self.engine.handle(update, context.bot, session)
        if not ended:
            return self.state(session)
        if await self.staff.services.store.get_draft(session.user.id, FLOW) is not None:
            await session.set_scratch(PARKED, True)
        return ConversationHandler.END

    async def park(self, telegram_id: int) -> None:
        """Mark a kept draft as cancelled (/cancel): only /invite brings it back."""
        store = self.staff.services.store
        if await store.get_draft(telegram_id, FLOW) is not None:
            await store.set_draft_field(
                telegram_id, FLOW, SCRATCH_PREFIX + PARKED, True, self.staff.services.clock()
            )

    async def _submit(
        self, session: FormSession, bot: ExtBot[Any], screen_message: Message | None
    ) -> bool:
        t = session.t
        email = session.fields.get(EMAIL)
        invites = self.staff.invites
        duplicate = await invites.pending_for_email(email) if email else None
        if duplicate is not None and session.scratch(DUPLICATE_OK) != email:
            inviter = await made_by(self.staff, t, duplicate.inviter_id, session.user.id)
            if duplicate.client_file_id is not None:
                key = "invite.duplicate"
            elif duplicate.inviter_id == session.user.id:
                key = "invite.duplicate_uncertain_yours"
            else:
                key = "invite.duplicate_uncertain"
            nonce = await session.next_nonce()
            await show(
                bot,
                session.chat_id,
                Screen(
                    t(
                        key,
                        name=duplicate.full_name,
                        email=email,
                        inviter=inviter,
                        age=ago(t, duplicate.created_at, session.now),
                    ),
                    rows=[
                        [Button(t.plain("invite.duplicate_send"), "dup_send")],
                        [Button(t.plain("invite.duplicate_back"), "dup_back")],
                        [Button(t.plain("invite.duplicate_drop"), DROP)],
                    ],
                ),
                ScreenRenderer(FLOW, nonce),
                edit=screen_message,
            )
            return False
        progress = await show(
            bot,
            session.chat_id,
            Screen(t("invite.sending", email=email)),
            ScreenRenderer(FLOW, session.nonce),
            edit=screen_message,
        )
        result = await invites.send(session.user.id, session.fields)
        outcome = result.outcome
        if outcome is SendOutcome.SENT:
            await session.delete()
            invite = result.invite
            assert invite is not None
            await show(
                bot,
                session.chat_id,
                Screen(t("invite.sent", email=invite.email, name=invite.full_name)),
                ScreenRenderer(FLOW, "0"),
                edit=progress,
            )
            return True
        if outcome is SendOutcome.FIELD_ERRORS:
            for key, detail in result.field_errors.items():
                await session.send_back(key, t("invite.field_error", detail=detail or "—"))
            await self.engine.render(bot, session, edit=progress, notice=t("submit.fix_fields"))
            return False
        notice = t(f"invite.{outcome.value}")
        if outcome is SendOutcome.OFF:
            notice = t(f"staff.off.{self.staff.key_state.value}")
        await self.engine.render(bot, session, edit=progress, notice=notice)
        return False
