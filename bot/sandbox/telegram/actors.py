"""User actors: play a Telegram user in a private chat with the bot, and read what they see."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from bot.sandbox.telegram.commands import BotCommand, CommandMenus
from bot.sandbox.telegram.formatting import utf16_len
from bot.sandbox.telegram.markup import reply_labels
from bot.sandbox.telegram.store import CallbackQuery, ChatStore, PrivateChat, StoredMessage
from bot.sandbox.telegram.updates import ChangeSignal, UpdateHub
from bot.sandbox.telegram.views import ChatMessage

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?")
T = TypeVar("T")


class ActorError(AssertionError):
    """Raised when a user action is impossible: no such button, no keyboard, bot blocked."""


def pick_by_label(label: str, candidates: Iterable[tuple[str, T]], *, what: str) -> T:
    """Choose the candidate whose label matches: exact, then case-insensitive, then contains."""
    options = list(candidates)
    wanted = label.casefold()
    rules: list[Callable[[str], bool]] = [
        lambda text: text == label,
        lambda text: text.casefold() == wanted,
        lambda text: wanted in text.casefold(),
    ]
    for rule in rules:
        found = [value for text, value in options if rule(text)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            matching = [text for text, _ in options if rule(text)]
            raise ActorError(f"{what} {label!r} is ambiguous: it matches {matching}")
    available = [text for text, _ in options]
    raise ActorError(f"no {what} matches {label!r}; available: {available}")


class UserActor:
    """One user in their private chat with the bot (see `TelegramEmulator.user`)."""

    def __init__(
        self,
        *,
        chat: PrivateChat,
        store: ChatStore,
        hub: UpdateHub,
        menus: CommandMenus,
        signal: ChangeSignal,
        now: Callable[[], float],
    ) -> None:
        self._chat = chat
        self._store = store
        self._hub = hub
        self._menus = menus
        self._signal = signal
        self._now = now

    def __repr__(self) -> str:
        return f"UserActor(id={self.id}, first_name={self.first_name!r})"

    # who

    @property
    def id(self) -> int:
        """Return the user id (also the private chat id)."""
        return self._chat.id

    @property
    def chat_id(self) -> int:
        """Return the private chat id."""
        return self._chat.id

    @property
    def first_name(self) -> str:
        """Return the user's first name."""
        return str(self._chat.user["first_name"])

    @property
    def phone(self) -> str | None:
        """Return the phone number the user shares as their own contact."""
        return self._chat.phone

    @property
    def user_dict(self) -> dict[str, Any]:
        """Return the Telegram `User` object of this user."""
        return dict(self._chat.user)

    @property
    def language_code(self) -> str | None:
        """Return the language the user's Telegram app reports."""
        return self._chat.user.get("language_code")

    def set_language(self, language_code: str | None) -> None:
        """Change the app language reported in the user's next updates."""
        if language_code:
            self._chat.user["language_code"] = language_code
        else:
            self._chat.user.pop("language_code", None)

    # actions

    def _check_not_blocked(self) -> None:
        if self._chat.blocked:
            raise ActorError(f"{self.first_name} has blocked the bot; call unblock() first")

    async def _post(self, kind: str, **fields: Any) -> dict[str, Any]:
        self._check_not_blocked()
        message = StoredMessage(
            chat_id=self.chat_id,
            message_id=0,
            from_bot=False,
            date=int(self._now()),
            kind=kind,
            **fields,
        )
        self._store.add_message(self._chat, message)
        payload = self._store.message_dict(message)
        self._signal.notify()
        await self._hub.publish("message", payload)
        return payload

    async def send(self, text: str) -> dict[str, Any]:
        """Send a text message (a leading /command gets its bot_command entity)."""
        if not text:
            raise ActorError("Telegram does not send empty messages")
        return await self._post("text", text=text, html=text, entities=command_entities(text))

    async def tap(self, label: str, *, message_id: int | None = None) -> dict[str, Any]:
        """Tap an inline button on the newest keyboard (or on `message_id`)."""
        self._check_not_blocked()
        message = self._keyboard_message(message_id)
        buttons = [
            (button["text"], button)
            for row in (message.inline_markup or {}).get("inline_keyboard", [])
            for button in row
        ]
        button = pick_by_label(label, buttons, what="inline button")
        if "callback_data" not in button:
            raise ActorError(
                f"button {button['text']!r} opens {_action_of(button)}, not a callback"
            )
        payload = self._store.callback_payload(
            self._chat, message, button["callback_data"], self._chat.user, self._now()
        )
        self._signal.notify()
        await self._hub.publish("callback_query", payload)
        return payload

    def _keyboard_message(self, message_id: int | None) -> StoredMessage:
        if message_id is not None:
            message = self._chat.messages.get(message_id)
            if message is None or message.deleted:
                raise ActorError(f"message {message_id} is not in {self.first_name}'s chat")
            if not message.inline_markup:
                raise ActorError(f"message {message_id} has no inline keyboard")
            return message
        for message in reversed(self._chat.messages.values()):
            if message.from_bot and not message.deleted and message.inline_markup:
                return message
        raise ActorError(f"no bot message with an inline keyboard in {self.first_name}'s chat")

    async def use(self, label: str) -> dict[str, Any]:
        """Use the button whose label contains ``label``: the reply keyboard's, else inline."""
        wanted = label.casefold()
        shown = [text for row in self.reply_keyboard or [] for text in row]
        if any(wanted in text.casefold() for text in shown):
            return await self.press(label)
        return await self.tap(label)

    async def press(self, label: str) -> dict[str, Any]:
        """Press a button of the reply keyboard shown now (contact buttons share the contact)."""
        self._check_not_blocked()
        keyboard = self._chat.reply_keyboard
        if keyboard is None:
            raise ActorError(f"no reply keyboard is shown to {self.first_name}")
        buttons = [(button["text"], button) for row in keyboard["keyboard"] for button in row]
        button = pick_by_label(label, buttons, what="reply keyboard button")
        if keyboard.get("one_time_keyboard"):
            self._chat.reply_keyboard = None
        if button.get("request_contact"):
            return await self.share_contact()
        unsupported = [key for key, value in button.items() if key != "text" and value]
        if unsupported:
            raise ActorError(f"the emulator cannot press a {unsupported[0]} button")
        return await self.send(button["text"])

    async def share_contact(
        self,
        phone: str | None = None,
        user_id: int | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
    ) -> dict[str, Any]:
        """Share the user's own contact by default, or someone else's card."""
        if phone is None and user_id is None and first_name is None:
            if self.phone is None:
                raise ActorError(f"{self.first_name} has no phone; pass phone= to emulator.user")
            contact: dict[str, Any] = {
                "phone_number": self.phone,
                "first_name": self.first_name,
                "user_id": self.id,
            }
            if self._chat.user.get("last_name"):
                contact["last_name"] = self._chat.user["last_name"]
        else:
            if phone is None:
                raise ActorError("a contact card needs a phone number")
            contact = {"phone_number": phone, "first_name": first_name or "Contact"}
            if last_name:
                contact["last_name"] = last_name
            if user_id is not None:
                contact["user_id"] = user_id
        return await self._post("contact", content={"contact": contact})

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        """Send a sticker."""
        file_id = f"sticker-{self.chat_id}-{self._chat.last_message_id + 1}"
        sticker = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return await self._post("sticker", content={"sticker": sticker})

    async def send_photo(self, caption: str | None = None) -> dict[str, Any]:
        """Send a photo (two sizes, as Telegram sends them)."""
        file_id = f"photo-{self.chat_id}-{self._chat.last_message_id + 1}"
        sizes = [
            {
                "file_id": f"{file_id}-s",
                "file_unique_id": f"u-{file_id}-s",
                "width": 90,
                "height": 90,
            },
            {"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 800, "height": 800},
        ]
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        return await self._post("photo", content=content)

    async def send_document(
        self, file_name: str = "document.pdf", mime_type: str = "application/pdf"
    ) -> dict[str, Any]:
        """Send a document."""
        file_id = f"document-{self.chat_id}-{self._chat.last_message_id + 1}"
        document = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": 1024,
        }
        return await self._post("document", content={"document": document})

    async def edit(self, message_id: int, text: str) -> dict[str, Any]:
        """Edit one of the user's own text messages (an edited_message update)."""
        self._check_not_blocked()
        message = self._chat.messages.get(message_id)
        if message is None or message.deleted or message.from_bot or message.kind != "text":
            raise ActorError(f"{self.first_name} has no text message {message_id} to edit")
        message.text = message.html = text
        message.entities = command_entities(text)
        message.edit_date = int(self._now())
        payload = self._store.message_dict(message)
        self._signal.notify()
        await self._hub.publish("edited_message", payload)
        return payload

    def block(self) -> None:
        """Block the bot: its sends to this user now fail with 403."""
        self._chat.blocked = True
        self._signal.notify()

    def unblock(self) -> None:
        """Unblock the bot."""
        self._chat.blocked = False
        self._signal.notify()

    # what the user sees

    @property
    def transcript(self) -> list[ChatMessage]:
        """Return the visible messages of the chat, both sides, oldest first."""
        return [ChatMessage.of(m) for m in self._chat.messages.values() if not m.deleted]

    @property
    def bot_messages(self) -> list[ChatMessage]:
        """Return the visible bot messages, oldest first."""
        return [
            ChatMessage.of(m) for m in self._chat.messages.values() if m.from_bot and not m.deleted
        ]

    @property
    def last(self) -> ChatMessage:
        """Return the newest visible bot message."""
        for message in reversed(self._chat.messages.values()):
            if message.from_bot and not message.deleted:
                return ChatMessage.of(message)
        raise AssertionError(f"the bot has sent no visible message to {self.first_name}")

    def message(self, message_id: int) -> ChatMessage:
        """Return one visible message of the chat by id."""
        message = self._chat.messages.get(message_id)
        if message is None or message.deleted:
            raise AssertionError(f"message {message_id} is not visible in the chat")
        return ChatMessage.of(message)

    def is_visible(self, message_id: int) -> bool:
        """Return whether a message exists in the chat and was not deleted."""
        message = self._chat.messages.get(message_id)
        return message is not None and not message.deleted

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Return the rows of the reply keyboard shown now, or None."""
        keyboard = self._chat.reply_keyboard
        return reply_labels(keyboard) if keyboard is not None else None

    @property
    def callbacks(self) -> list[CallbackQuery]:
        """Return every callback query of this user, oldest first."""
        return list(self._chat.callbacks)

    @property
    def unanswered_callbacks(self) -> list[CallbackQuery]:
        """Return the callback queries the bot has not answered."""
        return [query for query in self._chat.callbacks if not query.answered]

    @property
    def chat_actions(self) -> list[str]:
        """Return the chat actions ("typing", ...) the bot has shown, oldest first."""
        return list(self._chat.chat_actions)

    @property
    def blocked(self) -> bool:
        """Return whether the user has blocked the bot."""
        return self._chat.blocked

    @property
    def command_menu(self) -> list[BotCommand]:
        """Return the command menu this user sees (Telegram's scope and language lookup)."""
        return self._menus.for_private_chat(self.chat_id, self.language_code)

    async def wait_for_bot_message(self, after: int | None = None) -> ChatMessage:
        """Wait for the first visible bot message after `after` (default: the user's last one).

        Never times out by itself: wrap it in `asyncio.wait_for`.
        """
        if after is None:
            after = self._last_own_message_id()
        while True:
            oldest_new: StoredMessage | None = None
            for message in reversed(self._chat.messages.values()):
                if message.message_id <= after:
                    break
                if message.from_bot and not message.deleted:
                    oldest_new = message
            if oldest_new is not None:
                return ChatMessage.of(oldest_new)
            await self._signal.wait()

    def _last_own_message_id(self) -> int:
        for message in reversed(self._chat.messages.values()):
            if not message.from_bot:
                return message.message_id
        return 0


def command_entities(text: str) -> list[dict[str, Any]]:
    """Return the bot_command entity Telegram marks on a text that starts with a command."""
    match = _COMMAND.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]


def _action_of(button: dict[str, Any]) -> str:
    return next((key for key in button if key != "text"), "nothing")
