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

What the engine keeps in the draft besides the answers (keys starting with ``_``): the nonce of
the screen shown, that screen's button labels (so typed text is matched against what the user
actually sees, search results and pages included), whether a reply keyboard is up (so it is
taken down when the next screen needs inline buttons), the message whose inline buttons are
live (so a screen sent below it takes them away: only the newest screen has buttons), and
whether the form is *parked*: not on screen after Cancel or the welcome, so the next message
shows the step that is due instead of being taken as an answer to a question the user is not
looking at.

Screens follow the user's last action at the lowest cost in Bot API calls: a tap edits its
message in place; typed text is answered below it, and a question that waits for typed text
(a field with ``reply_buttons``, the welcome) then carries its buttons on a reply keyboard,
which the next screen replaces for free; a deleted message (a password) lets the screen above
it be edited in place again.
"""

from __future__ import annotations

import logging
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from telegram import Contact, KeyboardButton, Message, Update, User
from telegram.ext import ExtBot

from bot.i18n import Markup, Translator, current_translator, escape
from bot.storage import Store
from bot.ui import (
    Button,
    CallbackData,
    Screen,
    ScreenRenderer,
    answer_quietly,
    remove_reply_keyboard,
    show,
)

log = logging.getLogger(__name__)

SUMMARY = "summary"
NONCE_KEY = "_nonce"
SCRATCH_PREFIX = "_s_"
ERROR_PREFIX = "_e_"
LABELS_KEY = "_labels"
"""The buttons of the screen shown last, as ``[label, action]`` pairs."""
REPLY_KEYBOARD_KEY = "_reply_keyboard"
"""Set while the screen shown last came with a reply keyboard."""
PARKED_KEY = "_parked"
"""Set while the form is not on screen; holds the notice key to show when it comes back."""
SCREEN_KEY = "_screen"
"""The id of the form's message whose inline buttons are live, if any: a screen sent as a new
message takes them away, so only the newest screen ever has buttons."""
BELOW_KEY = "_below"
"""The id of the newest deleted message directly below the screen (``SCREEN_KEY``): the next
deleted message must follow it for the screen to still be the newest one in the chat."""
BEGIN = "begin"
"""The action of a welcome screen's Start button: show the step that is due."""
NAVIGATION_WORDS = {
    BEGIN: "start.begin",
    "back": "form.back",
    "cancel": "form.cancel",
    "skip": "form.skip",
    "keep": "form.keep",
    "next": "picker.next",
    "previous": "picker.previous",
}
"""Buttons whose words, typed, are never an answer, shown on the screen or not."""


@dataclass(frozen=True)
class Answer:
    """The field's value was accepted; ``value`` goes into the draft."""

    value: Any
    note: str | None = None
    """A message of its own before the next screen; it also takes a reply keyboard down."""
    notice: str | None = None
    """A short acknowledgement shown at the top of the next screen."""


@dataclass(frozen=True)
class Invalid:
    """The input was rejected; ``message`` (already localised) says why, with an example."""

    message: str


@dataclass(frozen=True)
class Redisplay:
    """Stay on this field and show ``screen`` (a page, search results, a confirmation)."""

    screen: Screen


@dataclass(frozen=True)
class Awaiting:
    """The input was taken, and the field waits for more (a second entry) on the same screen."""


Outcome = Answer | Invalid | Redisplay | Awaiting


class Field(ABC):
    """One question of a form."""

    key: str
    """The draft key the answer is stored under."""
    optional: bool = False
    reply_buttons: bool = False
    """The answer is typed: sent as a new message, the question carries its buttons on a reply
    keyboard, which the next screen replaces at no cost, where inline buttons would need one
    more Bot API call to be taken away once the answer arrives below them."""

    def __init__(self, key: str, *, optional: bool = False, reply_buttons: bool = False) -> None:
        self.key = key
        self.optional = optional
        self.reply_buttons = reply_buttons

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

    async def leave(self, session: FormSession) -> None:
        """Forget half-done work (a candidate awaiting confirmation, a page) on Back or Keep."""
        return


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
    input_removed: bool = False
    """The user's message was deleted (a password) and came right below the screen, which is
    the newest message again and can be edited in place (see :meth:`input_deleted`)."""
    _changed: dict[str, Any] = field(default_factory=dict, repr=False)
    _removed: set[str] = field(default_factory=set, repr=False)
    _editing_changed: bool = field(default=False, repr=False)

    async def input_deleted(self, message_id: int) -> None:
        """Note that the user's message ``message_id`` was deleted from the chat.

        In a private chat both sides' messages share one sequence of ids, so a deleted message
        whose id follows the screen's (or the previous deleted one's) proves nothing else was
        posted in between: an edit of the screen is then seen where a new message would be.
        """
        screen = self.fields.get(SCREEN_KEY)
        below = self.fields.get(BELOW_KEY, screen)
        self.input_removed = isinstance(below, int) and message_id == below + 1
        if self.input_removed:
            await self.save(BELOW_KEY, message_id)
        else:
            await self.forget(BELOW_KEY)

    @property
    def nonce(self) -> str:
        """Return the nonce of the screen currently shown."""
        return str(self.fields.get(NONCE_KEY, 0))

    @property
    def has_answers(self) -> bool:
        """Tell whether the draft holds an answer, not only the engine's bookkeeping."""
        return any(not key.startswith("_") for key in self.fields)

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
        """Change one draft value; it is written with the others by :meth:`flush`."""
        self.fields[key] = value
        self._changed[key] = value
        self._removed.discard(key)

    async def forget(self, key: str) -> None:
        """Remove one draft value (written by :meth:`flush`)."""
        if key in self.fields:
            del self.fields[key]
            self._changed.pop(key, None)
            self._removed.add(key)

    async def send_back(self, key: str, reason: str) -> None:
        """Forget an answer ClickBook refused and keep why, so the form asks for it again."""
        await self.forget(key)
        await self.save(ERROR_PREFIX + key, "⚠️ " + reason)

    async def set_editing(self, key: str | None) -> None:
        """Mark which field is being re-asked (``None``: derive the step again)."""
        if self.editing != key:
            self.editing = key
            self._editing_changed = True

    @classmethod
    async def load(
        cls, update: Update, form: Form, *, store: Store, services: Any, now: datetime
    ) -> FormSession:
        """Load the sender's draft of ``form`` for one update, in the update's language."""
        user = update.effective_user
        chat = update.effective_chat
        assert user is not None
        assert chat is not None
        draft = await store.get_draft(user.id, form.flow)
        return cls(
            flow=form.flow,
            user=user,
            chat_id=chat.id,
            t=current_translator.get(),
            store=store,
            now=now,
            fields=dict(draft.fields) if draft else {},
            editing=draft.editing if draft else None,
            services=services,
            form=form,
        )

    async def flush(self) -> None:
        """Write every change since the last flush in one statement.

        The engine flushes before anything is shown to the user and when an update is done,
        so what the user sees is always on disk ("the draft is the truth"), at the cost of
        one statement per update instead of one per value.
        """
        if not (self._changed or self._removed or self._editing_changed):
            return
        await self.store.update_draft(
            self.user.id,
            self.flow,
            set_fields=self._changed,
            remove_fields=sorted(self._removed),
            editing=self.editing if self._editing_changed else ...,
            now=self.now,
        )
        self._changed = {}
        self._removed = set()
        self._editing_changed = False

    async def delete(self) -> None:
        """Delete the whole draft (the form is done), dropping unwritten changes."""
        self._changed = {}
        self._removed = set()
        self._editing_changed = False
        self.fields = {}
        self.editing = None
        await self.store.delete_draft(self.user.id, self.flow)

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
Began = Callable[[FormSession], Awaitable[None]]
"""Called when the user presses the welcome's Start (tapped, pressed or typed)."""


@dataclass
class Form:
    """The ordered fields of one flow and the callbacks around them."""

    flow: str
    fields: Sequence[Field]
    summary_title: str
    """Catalog key of the summary's heading."""
    confirm_label: str = "form.confirm"
    confirm_toast: str | None = None
    """Catalog key of the toast a Confirm tap is answered with: instant feedback that costs no
    chat-bound Bot API call while the submission runs."""
    resume_notice: str = "start.resume"
    """Catalog key of the notice shown when a parked (cancelled) form comes back."""

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


def on_reply_keyboard(screen: Screen) -> Screen:
    """Move a screen's inline action buttons onto a reply keyboard (not if it has a link)."""
    buttons = [button for row in screen.rows for button in row]
    if screen.reply_keyboard or not buttons or any(button.url for button in buttons):
        return screen
    return replace(
        screen,
        rows=(),
        reply_keyboard=[[KeyboardButton(button.label) for button in row] for row in screen.rows],
        text_actions=[*screen.text_actions, *buttons],
    )


def navigation_word(text: str, t: Translator) -> tuple[str, str] | None:
    """Return the action and label of the navigation button whose words ``text`` is."""
    wanted = normalise_label(text)
    for action, key in NAVIGATION_WORDS.items():
        label = t.plain(key)
        if wanted and normalise_label(label) == wanted:
            return action, label
    return None


class FormEngine:
    """Runs a :class:`Form` for Telegram updates."""

    def __init__(self, form: Form, submit: Submit, began: Began | None = None) -> None:
        self.form = form
        self.submit = submit
        self.began = began

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
        return replace(screen, text="\n\n".join(parts))

    def _with_navigation(self, session: FormSession, current: Field, screen: Screen) -> Screen:
        t = session.t
        position = self.form.index(current)
        header = f"<i>{t('form.step', number=position + 1, total=len(self.form.fields))}</i>"
        nav_rows: list[list[Button]] = []
        if session.editing == current.key and current.is_answered(session):
            # Re-asked (Back or the summary's edit button): the earlier answer is the default.
            answer = t("form.current", value=Markup(current.display(session)))
            header = f"{header}\n{answer}"
            nav_rows.append([Button(t.plain("form.keep"), "keep")])
        nav: list[Button] = []
        if position > 0:
            nav.append(Button(t.plain("form.back"), "back"))
        if current.optional:
            nav.append(Button(t.plain("form.skip"), "skip"))
        nav.append(Button(t.plain("form.cancel"), "cancel"))
        nav_rows.append(nav)
        text = f"{header}\n{screen.text}"
        if screen.reply_keyboard:
            # A message carries one keyboard: beside a reply keyboard, navigation becomes text
            # buttons there, which match_label turns back into these actions.
            return replace(
                screen,
                text=text,
                reply_keyboard=[
                    *screen.reply_keyboard,
                    *([KeyboardButton(b.label) for b in row] for row in nav_rows),
                ],
                text_actions=[
                    *screen.text_actions,
                    *(button for row in nav_rows for button in row),
                ],
            )
        return replace(screen, text=text, rows=[*screen.rows, *nav_rows])

    def summary(self, session: FormSession) -> Screen:
        """Return the summary card: the answers, an edit button each, Confirm, Back, Cancel."""
        t = session.t
        lines = [f"<b>{t(self.form.summary_title)}</b>", ""]
        lines += [f"{escape(f.title(t))}: {f.display(session)}" for f in self.form.fields]
        edit_buttons = [
            Button(t.plain("form.edit_field", field=f.title(t)), f"edit.{f.key}")
            for f in self.form.fields
        ]
        rows = [edit_buttons[i : i + 2] for i in range(0, len(edit_buttons), 2)]
        rows.append([Button(t.plain(self.form.confirm_label), "confirm")])
        rows.append(
            [Button(t.plain("form.back"), "back"), Button(t.plain("form.cancel"), "cancel")]
        )
        return Screen(text="\n".join(lines), rows=rows)

    async def render(
        self,
        bot: ExtBot,
        session: FormSession,
        *,
        edit: Message | None = None,
        notice: str | None = None,
    ) -> Message | None:
        """Show the current step, with a fresh nonce so older keyboards become stale."""
        await session.forget(PARKED_KEY)
        screen = await self.screen_for(session, notice)
        return await self.show(bot, session, screen, edit=edit)

    async def show(
        self,
        bot: ExtBot,
        session: FormSession,
        screen: Screen,
        *,
        edit: Message | None = None,
        typed: bool | None = None,
    ) -> Message | None:
        """Show any screen of this form with a fresh nonce, remembering its button labels.

        A screen that waits for typed text (``typed``; by default, a question whose field has
        ``reply_buttons``) and is sent as a new message gets its buttons on a reply keyboard.
        Typed text that follows a deleted message edits the screen above it in place.
        """
        target: Message | int | None = edit
        on_screen = session.fields.get(SCREEN_KEY)
        if target is None and session.input_removed and isinstance(on_screen, int):
            target = on_screen
        if typed is None:
            current = session.current()
            typed = current is not None and current.reply_buttons
        if typed and (
            target is None or screen.new_message or REPLY_KEYBOARD_KEY in session.fields
        ):
            # With a reply keyboard up, a new one replaces it where an edit would need it taken
            # down first (two calls).
            screen = on_reply_keyboard(screen)
        nonce = await session.next_nonce()
        keyboard_up = REPLY_KEYBOARD_KEY in session.fields and not screen.reply_keyboard
        if screen.reply_keyboard:
            await session.save(REPLY_KEYBOARD_KEY, True)
        else:
            await session.forget(REPLY_KEYBOARD_KEY)
        labels = [[button.label, button.action] for button in screen.labels()]
        if labels:
            await session.save(LABELS_KEY, labels)
        else:
            await session.forget(LABELS_KEY)
        # Written before the user can see (and tap) the screen it describes.
        await session.flush()
        if keyboard_up and (screen.rows or not screen.remove_reply_keyboard):
            await remove_reply_keyboard(bot, session.chat_id)
        renderer = ScreenRenderer(self.form.flow, nonce)
        shown = await show(
            bot,
            session.chat_id,
            screen,
            renderer,
            edit=target,
            retire=on_screen if isinstance(on_screen, int) else None,
        )
        await self._remember_screen(session, shown, renderer.inline_markup(screen) is not None)
        return shown

    async def _remember_screen(
        self, session: FormSession, shown: Message | None, has_buttons: bool
    ) -> None:
        """Keep the id of the message whose inline buttons are live (written at once)."""
        if shown is None:
            return  # blocked, or an unchanged edit: what the draft says still holds
        if not has_buttons:
            await session.forget(SCREEN_KEY)
            await session.forget(BELOW_KEY)
        elif session.fields.get(SCREEN_KEY) != shown.message_id:
            await session.save(SCREEN_KEY, shown.message_id)
            await session.forget(BELOW_KEY)
        # Edited in place, the screen keeps what was deleted below it.
        await session.flush()

    async def show_intro(
        self,
        bot: ExtBot,
        session: FormSession,
        screen: Screen,
    ) -> Message | None:
        """Show a welcome screen before the first question (its Start button's action: BEGIN).

        The form is parked meanwhile: whatever the user sends first brings up the question
        that is due rather than being taken as its answer.
        """
        await session.save(PARKED_KEY, "")
        return await self.show(bot, session, screen, typed=True)

    async def cancel(
        self,
        bot: ExtBot,
        session: FormSession,
        edit: Message | None = None,
    ) -> None:
        """Say the form is cancelled and park it; the draft stays for later."""
        await session.save(PARKED_KEY, self.form.resume_notice)
        await self.show(
            bot,
            session,
            Screen(session.t("form.cancelled"), remove_reply_keyboard=True),
            edit=edit,
        )

    def _shown_buttons(self, session: FormSession) -> list[Button] | None:
        """Return the buttons of the screen shown last, if the draft remembers them."""
        labels = session.fields.get(LABELS_KEY)
        if not isinstance(labels, list):
            return None
        return [Button(str(label), str(action)) for label, action in labels]

    async def handle(self, update: Update, bot: ExtBot, session: FormSession) -> bool:
        """Process one update for this form; return True when the conversation ended."""
        try:
            return await self._handle(update, bot, session)
        finally:
            await session.flush()

    async def _handle(self, update: Update, bot: ExtBot, session: FormSession) -> bool:
        query = update.callback_query
        message = update.effective_message
        if query is not None:
            data = CallbackData.decode(query.data)
            if data is None or data.flow != self.form.flow or data.nonce != session.nonce:
                await answer_quietly(query, session.t.plain("form.stale_toast"))
                await self.render(bot, session, notice=session.t("form.stale"))
                return False
            submitting = data.action == "confirm" and session.current() is None
            toast = self.form.confirm_toast if submitting else None
            await answer_quietly(query, session.t.plain(toast) if toast else None)
            return await self._act(bot, session, data.action, query.message)  # type: ignore[arg-type]
        if message is None:
            return False
        if update.edited_message is not None:
            # An edit cannot reach back into an answer already taken; say so rather than
            # letting the user believe the summary will show the edited text.
            await self.render(bot, session, notice=session.t("form.edit_ignored"))
            return False
        if PARKED_KEY in session.fields:
            notice_key = session.fields[PARKED_KEY]
            # After Cancel anything brings the form back; after the welcome only text would
            # be mistaken for an answer (a sticker or a contact is refused as usual).
            if notice_key:
                await self.render(bot, session, notice=session.t(notice_key))
                return False
            if message.text is not None:
                # Text after the welcome is its Start, pressed on the reply keyboard or typed.
                return await self._act(bot, session, BEGIN, None)
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
        buttons = self._shown_buttons(session)
        if buttons is None:
            buttons = (await self.screen_for(session)).labels()
        action = match_label(message.text, buttons)
        if action is not None:
            return await self._act(bot, session, action, None)
        word = navigation_word(message.text, session.t)
        if word is not None:
            return await self._navigate(bot, session, *word)
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
        edit: Message | None,
    ) -> bool:
        current = session.current()
        if action == "cancel":
            await self.cancel(bot, session, edit)
            return True
        if action == BEGIN:
            if self.began is not None:
                await self.began(session)
            await self.render(bot, session, edit=edit)
            return False
        if action == "confirm" and current is None:
            await session.flush()  # the answers are on disk before ClickBook hears of them
            return await self.submit(session, bot, edit)
        if action.startswith("edit.") and current is None:
            target = self.form.field(action.removeprefix("edit."))
            if target is not None:
                await session.set_editing(target.key)
            await self.render(bot, session, edit=edit)
            return False
        if action == "keep" and session.editing:
            if current is not None:
                await current.leave(session)
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

    async def _navigate(
        self,
        bot: ExtBot,
        session: FormSession,
        action: str,
        label: str,
    ) -> bool:
        """Act on a typed navigation word the screen shows no button for.

        Cancel works everywhere, and Start (pressed twice on the welcome) shows the step that
        is due; any other such word ("Back" at the first question, "Skip" on
        a question that must be answered) is said to be unavailable, never taken as an answer.
        """
        if action in ("cancel", BEGIN):
            return await self._act(bot, session, action, None)
        notice = session.t("form.word_unavailable", button=label)
        await self.render(bot, session, notice=notice)
        return False

    async def _back(self, session: FormSession, current: Field | None) -> None:
        if current is None:
            await session.set_editing(self.form.fields[-1].key)
            return
        await current.leave(session)
        position = self.form.index(current)
        if position > 0:
            await session.set_editing(self.form.fields[position - 1].key)
        else:
            await session.set_editing(None)

    async def _apply(
        self,
        bot: ExtBot,
        session: FormSession,
        current: Field,
        outcome: Outcome,
        edit: Message | None,
    ) -> bool:
        if isinstance(outcome, Invalid):
            await self.render(bot, session, edit=edit, notice=outcome.message)
            return False
        if isinstance(outcome, Awaiting):
            return False
        if isinstance(outcome, Redisplay):
            await self.show(
                bot, session, self._with_navigation(session, current, outcome.screen), edit=edit
            )
            return False
        await session.save(current.key, outcome.value)
        await session.forget(ERROR_PREFIX + current.key)
        await current.leave(session)
        await session.set_editing(None)
        if outcome.note:
            await session.flush()  # the answer is on disk before it is acknowledged
            await show(
                bot,
                session.chat_id,
                Screen(outcome.note, remove_reply_keyboard=True),
                ScreenRenderer(self.form.flow, session.nonce),
            )
            await session.forget(REPLY_KEYBOARD_KEY)
            edit = None
            session.input_removed = False  # the note is below the screen now
        await self.render(bot, session, edit=edit, notice=outcome.notice)
        return False
