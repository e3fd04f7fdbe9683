"""Validate `reply_markup` the way Telegram does and read button labels back out of it."""

from __future__ import annotations

import json
from typing import Any, Literal
from urllib.parse import urlsplit

from bot.sandbox.telegram.errors import api_error

MarkupKind = Literal["inline", "reply", "remove", "force_reply"]

MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_INLINE_PER_ROW = 8
MAX_REPLY_BUTTONS = 300
MAX_REPLY_PER_ROW = 12
MAX_PLACEHOLDER = 64

INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
REPLY_REQUESTS = (
    "request_contact",
    "request_location",
    "request_poll",
    "request_users",
    "request_chat",
    "web_app",
)
_URL_SCHEMES = frozenset({"http", "https", "tg", "mailto"})


def load_json_object(raw: Any) -> Any:
    """Return `raw` decoded from JSON when it came as a form string."""
    if isinstance(raw, str | bytes):
        try:
            return json.loads(raw)
        except ValueError:
            raise api_error("reply_markup_json") from None
    return raw


def parse_reply_markup(raw: Any) -> tuple[MarkupKind, dict[str, Any]] | None:
    """Validate a `reply_markup` parameter; return its kind and normalised form, or None."""
    if raw is None or raw == "":
        return None
    markup = load_json_object(raw)
    if not isinstance(markup, dict):
        raise api_error("reply_markup_json")
    if "inline_keyboard" in markup:
        return "inline", _inline(markup)
    if "keyboard" in markup:
        return "reply", _reply(markup)
    if markup.get("remove_keyboard") is True:
        return "remove", {"remove_keyboard": True, **_flag(markup, "selective")}
    if markup.get("force_reply") is True:
        _check_placeholder(markup)
        return "force_reply", dict(markup)
    raise api_error("reply_markup_json")


def _flag(markup: dict[str, Any], name: str) -> dict[str, Any]:
    return {name: markup[name]} if name in markup else {}


def _rows(markup: dict[str, Any], field: str, error_key: str) -> list[list[Any]]:
    rows = markup.get(field)
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise api_error(error_key)
    return rows


def _inline(markup: dict[str, Any]) -> dict[str, Any]:
    rows = _rows(markup, "inline_keyboard", "inline_keyboard_not_arrays")
    total = 0
    for row in rows:
        if len(row) > MAX_INLINE_PER_ROW:
            raise api_error("reply_markup_too_long")
        total += len(row)
        for button in row:
            _inline_button(button)
    if total > MAX_INLINE_BUTTONS:
        raise api_error("reply_markup_too_long")
    return {"inline_keyboard": [[dict(button) for button in row] for row in rows if row]}


def _inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise api_error("inline_button_json", detail="InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str):
        raise api_error("inline_button_json", detail='Can\'t find field "text"')
    actions = [name for name in INLINE_ACTIONS if name in button]
    if not actions:
        raise api_error("text_buttons_unallowed")
    if len(actions) > 1:
        raise api_error(
            "inline_button_json",
            detail=f"a button must have exactly one action, got {', '.join(actions)}",
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise api_error("button_data_invalid")
    if "url" in button and not _plausible_url(button["url"]):
        raise api_error("button_url_invalid")


def _plausible_url(url: Any) -> bool:
    if not isinstance(url, str) or not url or any(char.isspace() for char in url):
        return False
    parts = urlsplit(url)
    if parts.scheme not in _URL_SCHEMES:
        return False
    return bool(parts.netloc) or parts.scheme in {"tg", "mailto"}


def _reply(markup: dict[str, Any]) -> dict[str, Any]:
    rows = _rows(markup, "keyboard", "keyboard_not_arrays")
    normalised: list[list[dict[str, Any]]] = []
    total = 0
    for row in rows:
        if len(row) > MAX_REPLY_PER_ROW:
            raise api_error("reply_markup_too_long")
        total += len(row)
        normalised.append([_reply_button(button) for button in row])
    if total > MAX_REPLY_BUTTONS:
        raise api_error("reply_markup_too_long")
    _check_placeholder(markup)
    return {**markup, "keyboard": [row for row in normalised if row]}


def _reply_button(button: Any) -> dict[str, Any]:
    if isinstance(button, str):
        button = {"text": button}
    if not isinstance(button, dict):
        raise api_error("keyboard_button_json", detail="KeyboardButton must be an Object")
    if not isinstance(button.get("text"), str) or not button["text"]:
        raise api_error("keyboard_button_json", detail='Can\'t find field "text"')
    requests = [name for name in REPLY_REQUESTS if button.get(name) not in (None, False)]
    if len(requests) > 1:
        raise api_error(
            "keyboard_button_json",
            detail=f"a button can request only one thing, got {', '.join(requests)}",
        )
    return dict(button)


def _check_placeholder(markup: dict[str, Any]) -> None:
    if "input_field_placeholder" not in markup:
        return
    placeholder = markup["input_field_placeholder"]
    if not isinstance(placeholder, str) or not 1 <= len(placeholder) <= MAX_PLACEHOLDER:
        raise api_error("placeholder_invalid")


def inline_labels(markup: dict[str, Any] | None) -> list[list[str]]:
    """Return the rows of inline button labels, or an empty list."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [[button["text"] for button in row] for row in markup["inline_keyboard"]]


def reply_labels(markup: dict[str, Any] | None) -> list[list[str]]:
    """Return the rows of reply-keyboard button labels, or an empty list."""
    if not markup or "keyboard" not in markup:
        return []
    return [[button["text"] for button in row] for row in markup["keyboard"]]
