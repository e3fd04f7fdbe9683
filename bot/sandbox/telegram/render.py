"""Render a chat message for the terminal demo: text, `[ inline ]` and `( reply )` buttons."""

from __future__ import annotations

from bot.sandbox.telegram.views import ChatMessage


def _body(message: ChatMessage) -> str:
    content = message.content
    if message.kind == "text":
        return message.text or ""
    if message.kind == "contact":
        contact = content["contact"]
        name = " ".join(filter(None, [contact.get("first_name"), contact.get("last_name")]))
        return f"[contact: {name} {contact['phone_number']}]"
    if message.kind == "sticker":
        return f"[sticker {content['sticker'].get('emoji', '')}]".replace(" ]", "]")
    if message.kind == "document":
        return f"[document: {content['document'].get('file_name', '')}]"
    caption = content.get("caption")
    return f"[{message.kind}]" + (f" {caption}" if caption else "")


def render_message(message: ChatMessage) -> str:
    """Return the message as terminal text, with its buttons as rows below it."""
    lines = [_body(message)]
    lines.extend(" ".join(f"[ {label} ]" for label in row) for row in message.buttons)
    lines.extend(" ".join(f"( {label} )" for label in row) for row in message.reply_keyboard or [])
    return "\n".join(lines)
