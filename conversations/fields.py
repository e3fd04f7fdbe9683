"""Form fields shared by the customer sign-up and the staff invite: names, email, phone.

Each field parses with the pure validators in :mod:`bot.domain` and turns their error codes
into localised messages (``error.<code>``) that say what was wrong and give an example.
"""

from __future__ import annotations

from telegram import Contact, KeyboardButton

from bot.domain import (
    FieldError,
    looks_like_password,
    parse_email,
    parse_name,
    parse_phone,
    readable_phone,
    suggest_email_fix,
)
from bot.i18n import Translator, escape
from bot.ui import Button, Screen
from conversations.form import Answer, Field, FormSession, Invalid, Outcome, Redisplay

EMAIL_CANDIDATE = "email_candidate"
PHONE_REGION = "phone_region"


def error_message(t: Translator, error: FieldError) -> str:
    """Render a validator's error code as a localised, example-giving message."""
    return "⚠️ " + t(f"error.{error.code}", **error.params)


class NameField(Field):
    """A first or last name; the Telegram profile's name is offered as a one-tap answer."""

    def __init__(
        self,
        key: str,
        *,
        profile_attribute: str,
        title_key: str,
        prompt_key: str,
        reply_buttons: bool = False,
    ) -> None:
        super().__init__(key, reply_buttons=reply_buttons)
        self.profile_attribute = profile_attribute
        self.title_key = title_key
        self.prompt_key = prompt_key

    def title(self, t: Translator) -> str:
        return t.plain(self.title_key)

    def _profile_name(self, session: FormSession) -> str | None:
        raw = getattr(session.user, self.profile_attribute, None)
        if not raw:
            return None
        try:
            return parse_name(raw)
        except FieldError:
            return None

    async def prompt(self, session: FormSession) -> Screen:
        offered = self._profile_name(session)
        rows = [[Button(offered, "profile")]] if offered else []
        return Screen(session.t(self.prompt_key), rows=rows)

    async def on_text(self, session: FormSession, text: str) -> Outcome:
        try:
            return Answer(parse_name(text))
        except FieldError as error:
            if error.code == "name.invalid_characters" and looks_like_password(text):
                # Even the offending characters would tell part of a password.
                error = FieldError("name.invalid_characters_unquoted")
            return Invalid(error_message(session.t, error))

    async def on_action(self, session: FormSession, action: str) -> Outcome | None:
        offered = self._profile_name(session)
        if action == "profile" and offered:
            return Answer(offered)
        return None


class EmailField(Field):
    """An email address, read back for a check; typos of common domains are pointed out."""

    def __init__(
        self,
        key: str = "email",
        *,
        optional: bool = False,
        prompt_key: str = "email.prompt",
        reply_buttons: bool = False,
    ) -> None:
        super().__init__(key, optional=optional, reply_buttons=reply_buttons)
        self.prompt_key = prompt_key

    def title(self, t: Translator) -> str:
        return t.plain("field.email")

    async def prompt(self, session: FormSession) -> Screen:
        candidate = session.scratch(EMAIL_CANDIDATE)
        if candidate:
            return self._read_back(session, candidate)
        return Screen(session.t(self.prompt_key))

    def _read_back(self, session: FormSession, candidate: str) -> Screen:
        # Reply-keyboard buttons, not inline ones: the next question (the phone number) comes
        # with a reply keyboard of its own that simply replaces these, where inline buttons
        # would cost one more Bot API call to take away.
        t = session.t
        suggestion = suggest_email_fix(candidate)
        if suggestion:
            text = t("email.typo", email=candidate, suggestion=suggestion)
            choices = [
                [Button(t.plain("email.use", email=suggestion), "fix")],
                [Button(t.plain("email.keep", email=candidate), "yes")],
            ]
        else:
            text = t("email.check", email=candidate)
            choices = [
                [Button(t.plain("email.yes"), "yes"), Button(t.plain("email.change"), "change")]
            ]
        return Screen(
            text,
            reply_keyboard=[[KeyboardButton(button.label) for button in row] for row in choices],
            text_actions=[button for row in choices for button in row],
        )

    async def on_text(self, session: FormSession, text: str) -> Outcome:
        try:
            email = parse_email(text)
        except FieldError as error:
            return Invalid(error_message(session.t, error))
        await session.set_scratch(EMAIL_CANDIDATE, email)
        return Redisplay(self._read_back(session, email))

    async def leave(self, session: FormSession) -> None:
        await session.set_scratch(EMAIL_CANDIDATE, None)

    async def on_action(self, session: FormSession, action: str) -> Outcome | None:
        candidate = session.scratch(EMAIL_CANDIDATE)
        if not candidate:
            return None
        if action == "change":
            await session.set_scratch(EMAIL_CANDIDATE, None)
            return Redisplay(Screen(session.t(self.prompt_key)))
        if action == "yes":
            await session.set_scratch(EMAIL_CANDIDATE, None)
            return Answer(candidate)
        if action == "fix":
            suggestion = suggest_email_fix(candidate)
            await session.set_scratch(EMAIL_CANDIDATE, None)
            return Answer(suggestion or candidate)
        return None


class PhoneField(Field):
    """A phone number: shared as the user's own contact, or typed in any usual format.

    Stored as the digits-only international form ClickBook wants; the country the number
    implies is kept beside it for the country picker.
    """

    def __init__(
        self,
        key: str = "phone",
        *,
        optional: bool = False,
        title_key: str = "field.phone",
        prompt_key: str = "phone.prompt",
        offer_contact: bool = True,
        default_region: str | None = None,
        allow_fictional: bool = False,
    ) -> None:
        super().__init__(key, optional=optional)
        self.title_key = title_key
        self.prompt_key = prompt_key
        self.offer_contact = offer_contact
        self.default_region = default_region
        self.allow_fictional = allow_fictional

    def title(self, t: Translator) -> str:
        return t.plain(self.title_key)

    def display(self, session: FormSession) -> str:
        value = session.fields.get(self.key)
        return escape(readable_phone(str(value))) if value else session.t("form.skipped")

    async def prompt(self, session: FormSession) -> Screen:
        keyboard = (
            [[KeyboardButton(session.t.plain("phone.share"), request_contact=True)]]
            if self.offer_contact
            else []
        )
        return Screen(
            session.t(self.prompt_key),
            reply_keyboard=keyboard,
            placeholder=session.t.plain("phone.placeholder") if keyboard else None,
        )

    async def _accept(self, session: FormSession, text: str, region: str | None) -> Outcome:
        try:
            phone = parse_phone(text, region, allow_fictional=self.allow_fictional)
        except FieldError as error:
            return Invalid(error_message(session.t, error))
        if self.key == "phone":
            await session.set_scratch(PHONE_REGION, phone.region)
        note = session.t("phone.saved", phone=phone.international) if self.offer_contact else None
        return Answer(phone.digits, note=note)

    async def on_text(self, session: FormSession, text: str) -> Outcome:
        return await self._accept(session, text, self.default_region)

    async def on_contact(self, session: FormSession, contact: Contact) -> Outcome:
        if self.offer_contact and contact.user_id != session.user.id:
            return Invalid(session.t("phone.not_yours"))
        number = contact.phone_number or ""
        if not number.startswith("+"):
            number = "+" + number
        return await self._accept(session, number, None)
