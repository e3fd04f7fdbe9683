"""The form engine shared by the customer sign-up and the staff invite.

A form is an ordered list of :class:`Field`s. The draft in SQLite is the truth: every accepted
answer is written at once, and the step to show is *derived* from the draft rather than kept
in memory::

    current step = the field being edited (from the summary or Back)
                   else the first unanswered field
                   else the summary

so resuming after a restart, after days, editing from the summary and Back all fall out of one
function (:meth:`FormSession.current`). Each field parses and validates its own input and
renders its own prompt; the engine adds what every step has: the step counter, Back, Skip on
optional fields, "keep the current answer" while editing, Cancel, a summary with an edit button
per field, stale-button detection (a nonce in every callback) and typed text that matches a
button label counting as a tap.
"""

from __future__ import annotations

import logging
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram import Contact, Message, Update, User
from telegram.ext import ExtBot

from bot.i18n import Translator, escape
from bot.storage import Store
from bot.ui import Button, CallbackData, Screen, ScreenRenderer, show

log = logging.getLogger(__name__)

SUMMARY = "summary"
NONCE_KEY = "_nonce"
SCRATCH_PREFIX = "_s_"
ERROR_PREFIX = "_e_"


@dataclass(frozen=True)
class Answer:
    """The field's value was accepted; ``value`` goes into the draft."""

    value: Any
    note: str | None = None
    """A short acknowledgement sent before the next screen (e.g. after a shared contact)."""


@dataclass(frozen=True)
class Invalid:
    """The input was rejected; ``message`` (already localised) says why, with an example."""

    message: str


@dataclass(frozen=True)
class Redisplay:
    """Stay on this field and show ``screen`` (a page, search results, a confirmation)."""

    screen: Screen


Outcome = Answer | Invalid | Redisplay


class Field(ABC):
    """One question of a form."""

    key: str
    """The draft key the answer is stored under."""
    optional: bool = False

    def __init__(self, key: str, *, optional: bool = False) -> None:
        self.key = key
        self.optional = optional

    def is_answered(self, session: FormSession) -> bool:
        """Tell whether the draft already holds an answer (a skipped optional field counts)."""
        return self.key in session.fields

    @abstractmethod
    def title(self, t: Translator) -> str:
        """Return the field's short name for the summary and its edit button (plain text)."""

    def display(self, session: FormSession) -> str:
        """Return the stored answer as HTML for the summary."""
        value = session.fields.get(self.key)
        return escape(value) if value not in (None, "") else session.t("form.skipped")

    @abstractmethod
    async def prompt(self, session: FormSession) -> Screen:
        """Return the question's screen (the engine adds navigation buttons)."""

    async def on_text(self, session: FormSession, text: str) -> Outcome:
        """Parse typed text; by default the field takes no text."""
        return Invalid(session.t("form.use_buttons"))

    async def on_action(self, session: FormSession, action: str) -> Outcome | None:
        """Handle one of this field's own buttons; ``None`` if the action is unknown."""
        return None

    async def on_contact(self, session: FormSession, contact: Contact) -> Outcome:
        """Handle a shared contact card; by default it is not what this field asks for."""
        return Invalid(session.t("form.contact_not_expected"))


@dataclass
class FormSession:
    """One user's form as loaded for one update: the draft plus what fields need around it."""

    flow: str
    user: User
    chat_id: int
    t: Translator
    store: Store
    now: datetime
    fields: dict[str, Any]
    editing: str | None
    services: Any
    """The flow's own services (ClickBook client, settings, vault...)."""
    form: Form

    @property
    def nonce(self) -> str:
        """Return the nonce of the screen currently shown."""
        return str(self.fields.get(NONCE_KEY, 0))

    def current(self) -> Field | None:
        """Derive the step to show; ``None`` means the summary."""
        if self.editing:
            edited = self.form.field(self.editing)
            if edited is not None:
                return edited
        for form_field in self.form.fields:
            if not form_field.is_answered(self):
                return form_field
        return None

    async def save(self, key: str, value: Any) -> None:
        """Write one draft value at once (the draft is the truth)."""
        self.fields[key] = value
        await self.store.set_draft_field(self.user.id, self.flow, key, value, self.now)

    async def forget(self, key: str) -> None:
        """Remove one draft value."""
        if key in self.fields:
            del self.fields[key]
            await self.store.remove_draft_field(self.user.id, self.flow, key, self.now)

    async def set_editing(self, key: str | None) -> None:
        """Mark which field is being re-asked (``None``: derive the step again)."""
        if self.editing != key:
            self.editing = key
            await self.store.set_draft_editing(self.user.id, self.flow, key, self.now)

    def scratch(self, name: str, default: Any = None) -> Any:
        """Return a field's working value (a candidate awaiting confirmation, a page...)."""
        return self.fields.get(SCRATCH_PREFIX + name, default)

    async def set_scratch(self, name: str, value: Any) -> None:
        """Keep a field's working value in the draft, so it survives a restart too."""
        if value is None:
            await self.forget(SCRATCH_PREFIX + name)
        else:
            await self.save(SCRATCH_PREFIX + name, value)

    async def next_nonce(self) -> str:
        """Advance the nonce for a new screen, so the previous keyboard becomes stale."""
        value = (int(self.fields.get(NONCE_KEY, 0)) + 1) % 10_000
        await self.save(NONCE_KEY, value)
        return str(value)


Submit = Callable[[FormSession, ExtBot[Any], Message | None], Awaitable[bool]]
"""Sends the finished form; returns True when the conversation is over."""


@dataclass
class Form:
    """The ordered fields of one flow and the callbacks around them."""

    flow: str
    fields: Sequence[Field]
    summary_title: str
    """Catalog key of the summary's heading."""
    confirm_label: str = "form.confirm"
    field_error_keys: dict[str, str] = field(default_factory=dict)

    def field(self, key: str) -> Field | None:
        """Return the field stored under ``key``."""
        return next((f for f in self.fields if f.key == key), None)

    def index(self, form_field: Field) -> int:
        """Return the field's position in the form."""
        return list(self.fields).index(form_field)


def normalise_label(text: str) -> str:
    """Fold a label or typed text so that "✅ Yes", "yes" and " YES " compare equal."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LNZ")
    return " ".join(kept.split())


def match_label(text: str, buttons: Sequence[Button]) -> str | None:
    """Return the action of the button whose label the user typed, if exactly one matches."""
    wanted = normalise_label(text)
    if not wanted:
        return None
    matches = [button.action for button in buttons if normalise_label(button.label) == wanted]
    return matches[0] if len(set(matches)) == 1 else None


class FormEngine:
    """Runs a :class:`Form` for Telegram updates."""

    def __init__(self, form: Form, submit: Submit) -> None:
        self.form = form
        self.submit = submit

    async def screen_for(self, session: FormSession, notice: str | None = None) -> Screen:
        """Return the full screen of the current step, navigation included."""
        current = session.current()
        if current is None:
            screen = self.summary(session)
        else:
            screen = await current.prompt(session)
            screen = self._with_navigation(session, current, screen)
        error = session.fields.get(ERROR_PREFIX + current.key) if current else None
        parts = [part for part in (notice, error, screen.text) if part]
        return Screen(
            text="\n\n".join(parts),
            rows=screen.rows,
            reply_keyboard=screen.reply_keyboard,
            placeholder=screen.placeholder,
            remove_reply_keyboard=screen.remove_reply_keyboard,
            new_message=screen.new_message,
        )

    def _with_navigation(self, session: FormSession, current: Field, screen: Screen) -> Screen:
        t = session.t
        position = self.form.index(current)
        header = t("form.step", number=position + 1, total=len(self.form.fields))
        nav: list[Button] = []
        if session.editing and current.key in session.fields:
            nav.append(Button(t.plain("form.keep"), "keep"))
        elif position > 0 or session.editing:
            nav.append(Button(t.plain("form.back"), "back"))
        if current.optional:
            nav.append(Button(t.plain("form.skip"), "skip"))
        nav.append(Button(t.plain("form.cancel"), "cancel"))
        return Screen(
            text=f"<i>{header}</i>\n{screen.text}",
            rows=[*screen.rows, nav],
            reply_keyboard=screen.reply_keyboard,
            placeholder=screen.placeholder,
            remove_reply_keyboard=screen.remove_reply_keyboard,
            new_message=screen.new_message,
        )

    def summary(self, session: FormSession) -> Screen:
        """Return the summary card: every answer, an edit button per field, Confirm, Cancel."""
        t = session.t
        lines = [f"<b>{t(self.form.summary_title)}</b>", ""]
        lines += [f"{escape(f.title(t))}: {f.display(session)}" for f in self.form.fields]
        edit_buttons = [
            Button(t.plain("form.edit_field", field=f.title(t)), f"edit.{f.key}")
            for f in self.form.fields
        ]
        rows = [edit_buttons[i : i + 2] for i in range(0, len(edit_buttons), 2)]
        rows.append(
            [
                Button(t.plain(self.form.confirm_label), "confirm"),
                Button(t.plain("form.cancel"), "cancel"),
            ]
        )
        return Screen(text="\n".join(lines), rows=rows)

    async def render(
        self,
        bot: ExtBot,  # type: ignore[type-arg]
        session: FormSession,
        *,
        edit: Message | None = None,
        notice: str | None = None,
    ) -> Message | None:
        """Show the current step, with a fresh nonce so older keyboards become stale."""
        screen = await self.screen_for(session, notice)
        nonce = await session.next_nonce()
        return await show(
            bot, session.chat_id, screen, ScreenRenderer(self.form.flow, nonce), edit=edit
        )

    async def handle(self, update: Update, bot: ExtBot, session: FormSession) -> bool:  # type: ignore[type-arg]
        """Process one update for this form; return True when the conversation ended."""
        query = update.callback_query
        message = update.effective_message
        if query is not None:
            data = CallbackData.decode(query.data)
            if data is None or data.flow != self.form.flow or data.nonce != session.nonce:
                await query.answer(session.t.plain("form.stale_toast"))
                await self.render(bot, session, notice=session.t("form.stale"))
                return False
            await query.answer()
            return await self._act(bot, session, data.action, query.message)  # type: ignore[arg-type]
        if message is None:
            return False
        current = session.current()
        if message.contact is not None:
            if current is None:
                await self.render(bot, session, notice=session.t("form.contact_not_expected"))
                return False
            return await self._apply(
                bot, session, current, await current.on_contact(session, message.contact), None
            )
        if message.text is None:
            await self.render(bot, session, notice=session.t("form.text_expected"))
            return False
        screen = await self.screen_for(session)
        action = match_label(message.text, screen.labels())
        if action is not None:
            return await self._act(bot, session, action, None)
        if current is None:
            await self.render(bot, session, notice=session.t("form.use_buttons"))
            return False
        outcome = await current.on_text(session, message.text)
        return await self._apply(bot, session, current, outcome, None)

    async def _act(
        self,
        bot: ExtBot,
        session: FormSession,
        action: str,
        edit: Message | None,  # type: ignore[type-arg]
    ) -> bool:
        current = session.current()
        if action == "cancel":
            await show(
                bot,
                session.chat_id,
                Screen(session.t("form.cancelled"), remove_reply_keyboard=True),
                ScreenRenderer(self.form.flow, await session.next_nonce()),
                edit=edit,
            )
            return True
        if action == "confirm" and current is None:
            return await self.submit(session, bot, edit)
        if action.startswith("edit.") and current is None:
            target = self.form.field(action.removeprefix("edit."))
            if target is not None:
                await session.set_editing(target.key)
            await self.render(bot, session, edit=edit)
            return False
        if action == "keep" and session.editing:
            await session.set_editing(None)
            await self.render(bot, session, edit=edit)
            return False
        if action == "back":
            await self._back(session, current)
            await self.render(bot, session, edit=edit)
            return False
        if current is None:
            await self.render(bot, session, edit=edit)
            return False
        if action == "skip" and current.optional:
            return await self._apply(bot, session, current, Answer(None), edit)
        outcome = await current.on_action(session, action)
        if outcome is None:
            await self.render(bot, session, notice=session.t("form.stale"))
            return False
        return await self._apply(bot, session, current, outcome, edit)

    async def _back(self, session: FormSession, current: Field | None) -> None:
        if current is None:
            await session.set_editing(self.form.fields[-1].key)
            return
        if session.editing and current.key in session.fields:
            await session.set_editing(None)
            return
        position = self.form.index(current)
        if position > 0:
            await session.set_editing(self.form.fields[position - 1].key)

    async def _apply(
        self,
        bot: ExtBot,  # type: ignore[type-arg]
        session: FormSession,
        current: Field,
        outcome: Outcome,
        edit: Message | None,
    ) -> bool:
        if isinstance(outcome, Invalid):
            await self.render(bot, session, notice=outcome.message)
            return False
        if isinstance(outcome, Redisplay):
            nonce = await session.next_nonce()
            screen = self._with_navigation(session, current, outcome.screen)
            await show(
                bot, session.chat_id, screen, ScreenRenderer(self.form.flow, nonce), edit=edit
            )
            return False
        await session.save(current.key, outcome.value)
        await session.forget(ERROR_PREFIX + current.key)
        await session.set_editing(None)
        if outcome.note:
            await show(
                bot,
                session.chat_id,
                Screen(outcome.note, remove_reply_keyboard=True),
                ScreenRenderer(self.form.flow, session.nonce),
            )
            edit = None
        await self.render(bot, session, edit=edit)
        return False
