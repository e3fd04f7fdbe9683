"""Read-only snapshots handed to tests: chat messages as the user sees them, and API calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.telegram.markup import inline_labels, reply_labels
from bot.sandbox.telegram.store import StoredMessage


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """A message as it is visible in the chat now (after edits)."""

    message_id: int
    from_bot: bool
    kind: str
    text: str | None
    html: str | None
    entities: list[dict[str, Any]]
    buttons: list[list[str]]
    reply_keyboard: list[list[str]] | None
    inline_keyboard: list[list[dict[str, Any]]]
    edited: bool
    date: int
    content: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, message: StoredMessage) -> ChatMessage:
        """Snapshot a stored message."""
        other = message.other_markup
        return cls(
            message_id=message.message_id,
            from_bot=message.from_bot,
            kind=message.kind,
            text=message.text,
            html=message.html,
            entities=[dict(entity) for entity in message.entities],
            buttons=inline_labels(message.inline_markup),
            reply_keyboard=reply_labels(other) if other and "keyboard" in other else None,
            inline_keyboard=[
                [dict(button) for button in row]
                for row in (message.inline_markup or {}).get("inline_keyboard", [])
            ],
            edited=message.edit_date is not None,
            date=message.date,
            content=dict(message.content),
        )

    def callback_data(self, label: str) -> str | None:
        """Return the callback data of the button with exactly this label, if any."""
        for row in self.inline_keyboard:
            for button in row:
                if button["text"] == label:
                    return button.get("callback_data")
        return None


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One Bot API call the bot made: what it asked and what the emulator answered."""

    method: str
    params: dict[str, Any]
    status: int
    description: str | None
    result: Any = None

    @property
    def ok(self) -> bool:
        """Return whether the call succeeded."""
        return self.status == 200
