"""Group chats: the bot as a member of a group, and users writing and tapping buttons there.

A group's messages reach the bot the way Telegram delivers them: with privacy mode on (the
emulated bot's ``can_read_all_group_messages`` is false) a bot that is not an admin receives
only commands, messages that mention it and replies to its own messages; an admin receives
everything. Taps on the bot's buttons in a group always reach the bot.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.sandbox.telegram.actors import ActorError, UserActor, command_entities, pick_by_label
from bot.sandbox.telegram.store import ChatStore, GroupChat, StoredMessage
from bot.sandbox.telegram.updates import ChangeSignal, UpdateHub
from bot.sandbox.telegram.views import ChatMessage


class Group:
    """A group chat with the bot in it (see `TelegramEmulator.group`)."""

    def __init__(
        self,
        *,
        chat: GroupChat,
        store: ChatStore,
        hub: UpdateHub,
        signal: ChangeSignal,
        now: Callable[[], float],
    ) -> None:
        self._chat = chat
        self._store = store
        self._hub = hub
        self._signal = signal
        self._now = now

    def __repr__(self) -> str:
        return f"Group(id={self.id}, title={self._chat.title!r})"

    @property
    def id(self) -> int:
        """Return the group's chat id."""
        return self._chat.id

    def member(self, actor: UserActor) -> GroupMember:
        """Return ``actor`` as a member writing in this group."""
        return GroupMember(group=self, actor=actor)

    @property
    def transcript(self) -> list[ChatMessage]:
        """Return the visible messages of the group, everyone's, oldest first."""
        return [ChatMessage.of(m) for m in self._chat.messages.values() if not m.deleted]

    @property
    def bot_messages(self) -> list[ChatMessage]:
        """Return the bot's visible messages in the group, oldest first."""
        return [message for message in self.transcript if message.from_bot]

    def is_visible(self, message_id: int) -> bool:
        """Return whether a message exists in the group and was not deleted."""
        message = self._chat.messages.get(message_id)
        return message is not None and not message.deleted

    def _bot_receives(self, message: StoredMessage) -> bool:
        if self._chat.bot_is_admin:
            return True
        text = message.text or ""
        username = self._store.bot_user.get("username")
        replied = self._chat.messages.get(message.reply_to) if message.reply_to else None
        return (
            bool(message.entities)
            or (bool(username) and f"@{username}".casefold() in text.casefold())
            or (replied is not None and replied.from_bot)
        )

    async def post(self, actor: UserActor, text: str, reply_to: int | None) -> dict[str, Any]:
        """Store ``actor``'s text in the group and deliver it if the bot may read it."""
        message = StoredMessage(
            chat_id=self.id,
            message_id=0,
            from_bot=False,
            date=int(self._now()),
            kind="text",
            text=text,
            html=text,
            entities=command_entities(text),
            reply_to=reply_to,
            sender=actor.user_dict,
        )
        self._store.add_message(self._chat, message)
        payload = self._store.message_dict(message)
        self._signal.notify()
        if self._bot_receives(message):
            await self._hub.publish("message", payload)
        return payload

    async def tap(self, actor: UserActor, label: str, message_id: int | None) -> dict[str, Any]:
        """Tap, as ``actor``, a button of the bot's newest keyboard here (or `message_id`)."""
        message = self._keyboard_message(message_id)
        buttons = [
            (button["text"], button)
            for row in (message.inline_markup or {}).get("inline_keyboard", [])
            for button in row
        ]
        button = pick_by_label(label, buttons, what="inline button")
        if "callback_data" not in button:
            raise ActorError(f"button {button['text']!r} is not a callback button")
        payload = self._store.callback_payload(
            self._chat, message, button["callback_data"], actor.user_dict, self._now()
        )
        self._signal.notify()
        await self._hub.publish("callback_query", payload)
        return payload

    def _keyboard_message(self, message_id: int | None) -> StoredMessage:
        candidates = [
            message
            for message in self._chat.messages.values()
            if message.from_bot and not message.deleted and message.inline_markup
        ]
        if message_id is not None:
            candidates = [m for m in candidates if m.message_id == message_id]
        if not candidates:
            raise ActorError(f"no bot message with an inline keyboard in {self!r}")
        return candidates[-1]


class GroupMember:
    """One user acting in a group: sending text and tapping the bot's buttons there."""

    def __init__(self, *, group: Group, actor: UserActor) -> None:
        self.group = group
        self.actor = actor

    def __repr__(self) -> str:
        return f"GroupMember({self.actor.first_name!r} in {self.group!r})"

    async def send(self, text: str, *, reply_to: int | None = None) -> dict[str, Any]:
        """Write in the group (a leading /command gets its bot_command entity)."""
        if not text:
            raise ActorError("Telegram does not send empty messages")
        return await self.group.post(self.actor, text, reply_to)

    async def tap(self, label: str, *, message_id: int | None = None) -> dict[str, Any]:
        """Tap an inline button of the bot's newest keyboard in the group (or `message_id`)."""
        return await self.group.tap(self.actor, label, message_id)
