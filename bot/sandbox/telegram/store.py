"""What the emulator remembers: users, their private chats, groups, messages, callback queries."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.telegram.errors import api_error

#: Telegram lets bots delete messages (their own, and the user's in private chats) this long.
DELETE_WINDOW_SECONDS = 48 * 3600
#: How long a callback query can still be answered (Telegram does not document it).
CALLBACK_ANSWER_WINDOW_SECONDS = 15.0


@dataclass(slots=True)
class StoredMessage:
    """One message in a chat, as it stands now (after edits; `deleted` once deleted)."""

    chat_id: int
    message_id: int
    from_bot: bool
    date: int
    kind: str
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    html: str | None = None
    inline_markup: dict[str, Any] | None = None
    other_markup: dict[str, Any] | None = None
    content: dict[str, Any] = field(default_factory=dict)
    reply_to: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    sender: dict[str, Any] | None = None
    """Who wrote a user's message in a group (in a private chat it is the chat's user)."""


@dataclass(slots=True)
class CallbackQuery:
    """A tap on an inline button and what the bot answered to it."""

    id: str
    chat_id: int
    message_id: int
    data: str
    created_at: float
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False
    answer_url: str | None = None


@dataclass(slots=True, kw_only=True)
class ChatHistory:
    """What every chat holds: its messages, the reply keyboard up, taps and chat actions."""

    messages: dict[int, StoredMessage] = field(default_factory=dict)
    last_message_id: int = 0
    reply_keyboard: dict[str, Any] | None = None
    blocked: bool = False
    callbacks: list[CallbackQuery] = field(default_factory=list)
    chat_actions: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PrivateChat(ChatHistory):
    """A user and their private chat with the bot."""

    user: dict[str, Any]
    phone: str | None

    @property
    def id(self) -> int:
        """Return the chat id (equal to the user id in private chats)."""
        return int(self.user["id"])

    def chat_dict(self) -> dict[str, Any]:
        """Return the Telegram `Chat` object of this chat."""
        chat: dict[str, Any] = {"id": self.id, "type": "private"}
        for key in ("first_name", "last_name", "username"):
            if self.user.get(key):
                chat[key] = self.user[key]
        return chat


@dataclass(slots=True)
class GroupChat(ChatHistory):
    """A basic group the bot is a member of; its members write there through their actors.

    ``bot_is_admin`` decides what Telegram lets the bot do there: an admin bot receives every
    message and may delete its members' messages; otherwise privacy mode applies (the bot sees
    commands, mentions and replies to its own messages only) and it may delete only its own.
    """

    group_id: int
    title: str
    bot_is_admin: bool = False

    @property
    def id(self) -> int:
        """Return the group's chat id (negative, as Telegram's group ids are)."""
        return self.group_id

    def chat_dict(self) -> dict[str, Any]:
        """Return the Telegram `Chat` object of this group."""
        return {"id": self.id, "type": "group", "title": self.title}


Chat = PrivateChat | GroupChat
"""Any chat the bot can be in."""


class ChatStore:
    """Users, chats, per-chat message ids and callback queries; the emulator's memory."""

    def __init__(self, bot_user: dict[str, Any]) -> None:
        self.bot_user = bot_user
        self.chats: dict[int, PrivateChat] = {}
        self.groups: dict[int, GroupChat] = {}
        self.callbacks: dict[str, CallbackQuery] = {}
        self._user_ids = itertools.count(10_000_001)
        self._group_ids = itertools.count(-4_000_000_001, -1)
        self._callback_ids = itertools.count(1)

    def add_user(
        self,
        *,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
        phone: str | None,
    ) -> PrivateChat:
        """Create a user and their private chat with a fresh, unique id."""
        user: dict[str, Any] = {"id": next(self._user_ids), "is_bot": False}
        user["first_name"] = first_name
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        chat = PrivateChat(user=user, phone=phone)
        self.chats[chat.id] = chat
        return chat

    def add_group(self, *, title: str, bot_is_admin: bool) -> GroupChat:
        """Create a group with the bot in it, under a fresh negative id."""
        group = GroupChat(group_id=next(self._group_ids), title=title, bot_is_admin=bot_is_admin)
        self.groups[group.id] = group
        return group

    def chat(self, chat_id: Any) -> Chat:
        """Return the chat for a `chat_id` parameter, or refuse with "chat not found"."""
        if chat_id is None or chat_id == "":
            raise api_error("chat_id_empty")
        try:
            key = int(chat_id)
        except (TypeError, ValueError):
            raise api_error("chat_not_found") from None
        chat = self.chats.get(key) or self.groups.get(key)
        if chat is None:
            raise api_error("chat_not_found")
        return chat

    def add_message(self, chat: Chat, message: StoredMessage) -> StoredMessage:
        """Store a new message under the chat's next message id."""
        chat.last_message_id += 1
        message.message_id = chat.last_message_id
        chat.messages[message.message_id] = message
        return message

    def new_callback(self, chat: Chat, message_id: int, data: str, now: float) -> CallbackQuery:
        """Record a new callback query with a unique id."""
        query = CallbackQuery(
            id=f"{chat.id}{next(self._callback_ids):08d}",
            chat_id=chat.id,
            message_id=message_id,
            data=data,
            created_at=now,
        )
        self.callbacks[query.id] = query
        chat.callbacks.append(query)
        return query

    def callback_payload(
        self, chat: Chat, message: StoredMessage, data: str, user: dict[str, Any], now: float
    ) -> dict[str, Any]:
        """Record ``user``'s tap on ``message`` carrying ``data``; return the CallbackQuery."""
        query = self.new_callback(chat, message.message_id, data, now)
        return {
            "id": query.id,
            "from": dict(user),
            "message": self.message_dict(message),
            "chat_instance": f"ci{chat.id}",
            "data": query.data,
        }

    def message_dict(self, message: StoredMessage, *, with_reply: bool = True) -> dict[str, Any]:
        """Return the Telegram `Message` object for a stored message."""
        chat = self.chat(message.chat_id)
        if message.from_bot:
            author = self.bot_user
        elif message.sender is not None:
            author = message.sender
        else:
            assert isinstance(chat, PrivateChat), "a user's group message names its sender"
            author = chat.user
        result: dict[str, Any] = {
            "message_id": message.message_id,
            "from": dict(author),
            "chat": chat.chat_dict(),
            "date": message.date,
        }
        if message.text is not None:
            result["text"] = message.text
            if message.entities:
                result["entities"] = [dict(entity) for entity in message.entities]
        result.update(message.content)
        if message.inline_markup is not None:
            result["reply_markup"] = message.inline_markup
        if message.edit_date is not None:
            result["edit_date"] = message.edit_date
        if with_reply and message.reply_to is not None:
            replied = chat.messages.get(message.reply_to)
            if replied is not None and not replied.deleted:
                result["reply_to_message"] = self.message_dict(replied, with_reply=False)
        return result
