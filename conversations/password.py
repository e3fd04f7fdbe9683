"""The sign-up's password: typed twice, each message deleted at once, kept in memory only.

::

    prompt ──1st entry──▶ (deleted; the screen stays) ──2nd entry, the same──▶ next step
                                                      ──2nd entry, different──▶ "they differ",
                                                        and the prompt asks from the 1st again

The prompt asks for both entries up front, and the first one changes nothing on screen: its
deletion is the only Bot API call it costs, so the extra entry keeps a sign-up within 1.2
chat-bound calls per action. Whatever answers the second entry (the next step, or the prompt
again) replaces the prompt in place, because the entries typed below it were deleted and it
is still the newest message; so the password step leaves no old screen behind.

Both entries live in :class:`bot.vault.PasswordVault` (memory only, never the draft). The draft
keeps only that a first entry was taken, so that a second entry arriving after the first was
dropped (a restart, 30 minutes idle) is not mistaken for a first one.
"""

from __future__ import annotations

from pydantic import SecretStr

from bot.domain import FieldError, check_password
from bot.i18n import Translator
from bot.services import Services
from bot.ui import Screen
from conversations.fields import error_message
from conversations.form import (
    Answer,
    Awaiting,
    Field,
    FormSession,
    Invalid,
    Outcome,
    Redisplay,
)

KEPT_MESSAGE = "kept_message"
"""Scratch: Telegram refused to delete the message read at the password step."""
FIRST_TAKEN = "password_first"
"""Scratch: a first entry was taken (the entry itself is in the vault, never in the draft)."""


class PasswordField(Field):
    """The ClickBook password: typed twice, each message deleted, kept in memory only."""

    sensitive = True

    def __init__(self, key: str, services: Services, flow: str) -> None:
        super().__init__(key)
        self.services = services
        self.flow = flow
        self.first_flow = f"{flow}.first"
        """The vault's name for a first entry awaiting its confirmation."""

    def title(self, t: Translator) -> str:
        return t.plain("field.password")

    def is_answered(self, session: FormSession) -> bool:
        return self.services.vault.get(self.flow, session.user.id) is not None

    def display(self, session: FormSession) -> str:
        return "••••••••"

    def forget(self, user_id: int) -> None:
        """Drop both the confirmed password and a first entry awaiting confirmation."""
        self.services.vault.forget(self.flow, user_id)
        self.services.vault.forget(self.first_flow, user_id)

    async def prompt(self, session: FormSession) -> Screen:
        t = session.t
        if self.services.vault.get(self.first_flow, session.user.id) is not None:
            return Screen(t("password.repeat"))
        text = t("password.prompt")
        if session.fields.get(self.key) and not self.is_answered(session):
            # Given before a restart emptied the vault: say why it is asked again.
            text = t("password.again") + "\n\n" + text
        return Screen(text)

    async def on_text(self, session: FormSession, text: str) -> Outcome:
        t = session.t
        # The message was deleted before this is called; say so only if it really was.
        kept = bool(session.scratch(KEPT_MESSAGE))
        warning = "\n\n" + t("password.not_deleted") if kept else ""
        vault = self.services.vault
        user_id = session.user.id
        if vault.get(self.first_flow, user_id) is None:
            if session.scratch(FIRST_TAKEN):
                # The first entry left memory meanwhile: this one cannot be checked against it.
                await session.set_scratch(FIRST_TAKEN, None)
                return Invalid(t("password.again") + warning)
            try:
                password = check_password(text)
            except FieldError as error:
                return Invalid(error_message(t, error) + warning)
            vault.put(self.first_flow, user_id, SecretStr(password))
            await session.set_scratch(FIRST_TAKEN, True)
            if kept:
                return Redisplay(Screen(t("password.not_deleted") + "\n\n" + t("password.repeat")))
            return Awaiting()
        same = vault.matches(self.first_flow, user_id, text)
        first = vault.get(self.first_flow, user_id)
        vault.forget(self.first_flow, user_id)
        await session.set_scratch(FIRST_TAKEN, None)
        if not same or first is None:
            return Invalid(t("password.mismatch") + warning)
        vault.put(self.flow, user_id, first)
        notice = t("password.received") + warning if kept else t("password.saved")
        return Answer(True, notice=notice)

    async def leave(self, session: FormSession) -> None:
        self.services.vault.forget(self.first_flow, session.user.id)
        await session.set_scratch(FIRST_TAKEN, None)
