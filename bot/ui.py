"""Screens: one message with its buttons, shown by sending it or by editing it in place.

A flow describes what the user should see as a :class:`Screen`; :func:`show` puts it on
Telegram. Tapping a button edits the message that carried it (one message per screen); typed
input gets a fresh message. Callback data is ``<flow>:<nonce>:<action>``: short ASCII, far
below Telegram's 64 bytes, and the nonce lets a flow recognise a tap on an outdated keyboard.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

log = logging.getLogger(__name__)

CALLBACK_DATA_LIMIT = 64


@dataclass(frozen=True)
class Button:
    """An inline button: it either runs ``action`` in the flow or opens ``url``."""

    label: str
    action: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Screen:
    """What the user sees at one step: HTML text, inline buttons, or a reply keyboard."""

    text: str
    rows: Sequence[Sequence[Button]] = ()
    reply_keyboard: Sequence[Sequence[KeyboardButton]] = ()
    placeholder: str | None = None
    remove_reply_keyboard: bool = False
    new_message: bool = False
    """Always send a fresh message (e.g. after deleting the user's password message)."""
    text_actions: Sequence[Button] = ()
    """Actions offered as reply-keyboard text buttons, recognised by their label."""

    def labels(self) -> list[Button]:
        """Return every actionable button, for matching typed text against labels."""
        inline = [button for row in self.rows for button in row if button.action]
        return [*inline, *self.text_actions]


@dataclass(frozen=True)
class CallbackData:
    """A decoded ``<flow>:<nonce>:<action>`` callback string."""

    flow: str
    nonce: str
    action: str

    def encode(self) -> str:
        """Return the wire form, refusing anything Telegram would reject."""
        data = f"{self.flow}:{self.nonce}:{self.action}"
        if len(data.encode()) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
        return data

    @classmethod
    def decode(cls, data: str | None) -> CallbackData | None:
        """Parse callback data; ``None`` for anything that is not ours (forged data included)."""
        if not data or len(data) > CALLBACK_DATA_LIMIT:
            return None
        flow, sep1, rest = data.partition(":")
        nonce, sep2, action = rest.partition(":")
        if not (sep1 and sep2 and flow and action and nonce.isascii() and nonce.isdecimal()):
            return None
        return cls(flow, nonce, action)


@dataclass
class ScreenRenderer:
    """Turns screens into Telegram calls for one flow prefix and nonce."""

    flow: str
    nonce: str
    extra_rows: list[list[Button]] = field(default_factory=list)

    def inline_markup(self, screen: Screen) -> InlineKeyboardMarkup | None:
        """Build the inline keyboard, encoding every action with this flow's nonce."""
        rows = [list(row) for row in screen.rows if row]
        if not rows:
            return None
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(button.label, url=button.url)
                    if button.url
                    else InlineKeyboardButton(
                        button.label,
                        callback_data=CallbackData(
                            self.flow, self.nonce, button.action or ""
                        ).encode(),
                    )
                    for button in row
                ]
                for row in rows
            ]
        )


async def answer_quietly(query: CallbackQuery | None, text: str | None = None) -> None:
    """Answer a callback query, ignoring Telegram's refusal (e.g. a tap older than ~15 s).

    The answer only stops the button's spinner; the tap itself must still be handled, so a
    late or repeated answer is logged rather than allowed to abort the handler.
    """
    if query is None:
        return
    try:
        await query.answer(text)
    except TelegramError as error:
        log.info("could not answer a callback query: %s", error)


async def delete_quietly(message: Message) -> bool:
    """Delete a message the user sent with a password in it; ``False`` if Telegram refused.

    A refusal is logged, never raised: the caller tells the user to delete it themselves.
    """
    try:
        await message.delete()
    except TelegramError as error:
        log.warning("could not delete a password message: %s", error)
        return False
    return True


async def show_typing(bot: ExtBot, chat_id: int) -> None:
    """Show "typing…" before a slow call; a refusal is not fatal and only logged."""
    try:
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError as error:
        log.info("chat action failed (not fatal): %s", error)


def is_not_modified(error: BadRequest) -> bool:
    """Tell whether Telegram refused an edit only because nothing changed."""
    return "message is not modified" in error.message.lower()


async def show(
    bot: ExtBot,
    chat_id: int,
    screen: Screen,
    renderer: ScreenRenderer,
    *,
    edit: Message | int | None = None,
    retire: int | None = None,
) -> Message | None:
    """Show ``screen``: edit ``edit`` in place when possible, else send a new message.

    ``edit`` is the message (or the id of a message with inline buttons) the screen replaces.
    When a new message replaces it (a reply keyboard cannot be edited in), the old message's
    buttons are taken away, so nobody taps an outdated keyboard; so are those of ``retire``,
    an older screen with inline buttons the screen no longer shows on (typed text came after
    it, or ``edit`` is another message).

    Returns the message now showing the screen, or ``None`` when the user blocked the bot.
    """
    markup = renderer.inline_markup(screen)
    edit_id = edit if isinstance(edit, int) else edit.message_id if edit else None
    can_edit = edit_id is not None and not screen.reply_keyboard and not screen.new_message
    if can_edit and edit_id is not None:
        try:
            result = await bot.edit_message_text(
                screen.text,
                chat_id=chat_id,
                message_id=edit_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        except BadRequest as error:
            if is_not_modified(error):
                return edit if isinstance(edit, Message) else None
            log.info("could not edit message %s, sending a new one: %s", edit_id, error)
        except Forbidden:
            return None
        else:
            if retire is not None and retire != edit_id:
                await _take_buttons_away(bot, chat_id, retire)
            if isinstance(result, Message):
                return result
            return edit if isinstance(edit, Message) else None
    reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = markup
    if screen.reply_keyboard:
        reply_markup = ReplyKeyboardMarkup(
            [list(row) for row in screen.reply_keyboard],
            resize_keyboard=True,
            one_time_keyboard=True,
            input_field_placeholder=screen.placeholder,
        )
    elif screen.remove_reply_keyboard and markup is None:
        reply_markup = ReplyKeyboardRemove()
    try:
        sent = await bot.send_message(
            chat_id, screen.text, parse_mode=ParseMode.HTML, reply_markup=reply_markup
        )
    except Forbidden:
        log.info("chat %s blocked the bot; screen not shown", chat_id)
        return None
    if edit_id is not None and (not isinstance(edit, Message) or edit.reply_markup is not None):
        await _take_buttons_away(bot, chat_id, edit_id)
    if retire is not None and retire != edit_id:
        await _take_buttons_away(bot, chat_id, retire)
    return sent


async def _take_buttons_away(bot: ExtBot, chat_id: int, message_id: int) -> None:
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
    except (BadRequest, Forbidden) as error:
        log.info("could not remove the buttons of message %s: %s", message_id, error)


async def remove_reply_keyboard(bot: ExtBot, chat_id: int) -> None:
    """Take a reply keyboard off the screen when the next screen needs inline buttons.

    A message cannot carry both, so a one-character message removes the keyboard and is deleted
    at once (a removed keyboard stays removed).
    """
    try:
        carrier = await bot.send_message(chat_id, "…", reply_markup=ReplyKeyboardRemove())
    except Forbidden:
        return
    try:
        await carrier.delete()
    except (BadRequest, Forbidden) as error:
        log.info("could not delete the keyboard-removing message: %s", error)
