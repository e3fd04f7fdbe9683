"""Every refusal the emulator can give, worded as Telegram words it, in one table.

Bot code should match short fragments of these case-insensitively: Telegram has changed the
case of some of them over time (for example "query ID").
"""

from __future__ import annotations

from typing import Any, Final

#: key -> (HTTP status = error_code, description template). Keys marked "emulator wording"
#: below have no public sample of Telegram's exact text; they follow Telegram's style.
ERRORS: Final[dict[str, tuple[int, str]]] = {
    "unauthorized": (401, "Unauthorized"),
    "not_found": (404, "Not Found"),
    "too_many_requests": (429, "Too Many Requests: retry after {retry_after}"),
    "bad_request": (400, "Bad Request"),
    "forbidden": (403, "Forbidden"),
    "conflict": (409, "Conflict"),
    "internal": (500, "Internal Server Error"),
    "bad_gateway": (502, "Bad Gateway"),
    "unavailable": (503, "Service Unavailable"),
    # chats and users
    "chat_id_empty": (400, "Bad Request: chat_id is empty"),
    "chat_not_found": (400, "Bad Request: chat not found"),
    "bot_blocked": (403, "Forbidden: bot was blocked by the user"),
    # message text
    "text_empty": (400, "Bad Request: message text is empty"),
    "text_too_long": (400, "Bad Request: message is too long"),
    "edited_text_too_long": (400, "Bad Request: MESSAGE_TOO_LONG"),
    "cant_parse_entities": (400, "Bad Request: can't parse entities: {detail}"),
    "unsupported_parse_mode": (400, "Bad Request: unsupported parse_mode"),
    # emulator wording: Telegram supports these modes, the emulator does not parse them
    "parse_mode_not_emulated": (
        400,
        "Bad Request: parse_mode {mode} is not implemented by the emulator; use HTML",
    ),
    # editing, deleting, replying
    "message_id_missing": (400, "Bad Request: message identifier is not specified"),
    "message_to_edit_not_found": (400, "Bad Request: message to edit not found"),
    "message_cant_be_edited": (400, "Bad Request: message can't be edited"),
    "message_not_modified": (
        400,
        "Bad Request: message is not modified: specified new message content and reply markup"
        " are exactly the same as a current content and reply markup of the message",
    ),
    "message_to_delete_not_found": (400, "Bad Request: message to delete not found"),
    "message_cant_be_deleted": (400, "Bad Request: message can't be deleted for everyone"),
    "reply_not_found": (400, "Bad Request: message to be replied not found"),
    # emulator wording: inline mode is outside the emulator
    "inline_message_not_emulated": (
        400,
        "Bad Request: inline_message_id is not implemented by the emulator",
    ),
    # callback queries
    "query_invalid": (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    ),
    "callback_answer_too_long": (400, "Bad Request: MESSAGE_TOO_LONG"),
    # keyboards
    "reply_markup_json": (400, "Bad Request: can't parse reply keyboard markup JSON object"),
    "inline_keyboard_not_arrays": (
        400,
        'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array'
        " of Arrays",
    ),
    "keyboard_not_arrays": (
        400,
        'Bad Request: field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays',
    ),
    "inline_button_json": (400, "Bad Request: can't parse inline keyboard button: {detail}"),
    "keyboard_button_json": (400, "Bad Request: can't parse keyboard button: {detail}"),
    "text_buttons_unallowed": (
        400,
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the"
        " inline keyboard",
    ),
    "button_data_invalid": (400, "Bad Request: BUTTON_DATA_INVALID"),
    "button_url_invalid": (400, "Bad Request: BUTTON_URL_INVALID"),
    "reply_markup_too_long": (400, "Bad Request: reply markup is too long"),
    # emulator wording
    "placeholder_invalid": (
        400,
        "Bad Request: input_field_placeholder must be 1-64 characters long",
    ),
    # emulator wording: only inline keyboards can be attached by an edit
    "inline_keyboard_expected": (400, "Bad Request: inline keyboard expected"),
    # updates and webhooks
    "webhook_active": (
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to"
        " delete the webhook first",
    ),
    "terminated_by_other_poll": (
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot"
        " instance is running",
    ),
    "webhook_https_required": (
        400,
        "Bad Request: bad webhook: HTTPS url must be provided for webhook",
    ),
    "webhook_url_invalid": (400, "Bad Request: can't parse URL"),
    "secret_token_invalid": (400, "Bad Request: secret token contains unallowed characters"),
    # emulator wording
    "allowed_updates_json": (400, "Bad Request: can't parse allowed_updates JSON array"),
    # chat actions
    "chat_action_invalid": (400, "Bad Request: wrong parameter action in request"),
    # bot commands
    "commands_json": (400, "Bad Request: can't parse commands JSON object"),
    "bot_command_field": (
        400,
        "Bad Request: can't parse BotCommand: Can't find field \"{field}\"",
    ),
    "bot_command_invalid": (400, "Bad Request: BOT_COMMAND_INVALID"),
    "command_description_empty": (400, "Bad Request: command description must be non-empty"),
    # emulator wording
    "command_description_too_long": (400, "Bad Request: command description is too long"),
    "too_many_commands": (400, "Bad Request: too many commands specified"),
    "scope_invalid": (400, "Bad Request: can't parse BotCommandScope JSON object"),
    "language_code_invalid": (400, "Bad Request: invalid language code specified"),
    # bot descriptions (emulator wording)
    "description_too_long": (400, "Bad Request: description is too long"),
    "short_description_too_long": (400, "Bad Request: short description is too long"),
}

#: Description used by fault injection when none is given, by HTTP status.
DEFAULT_KEY_BY_STATUS: Final[dict[int, str]] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    429: "too_many_requests",
    500: "internal",
    502: "bad_gateway",
    503: "unavailable",
}


class ApiError(Exception):
    """Raised inside the emulator to answer a Bot API call with `ok: false`."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """Return the JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def api_error(key: str, **values: Any) -> ApiError:
    """Build the ApiError for a table key, filling the template's placeholders."""
    status, template = ERRORS[key]
    retry_after = values.get("retry_after") if status == 429 else None
    return ApiError(status, template.format(**values), retry_after=retry_after)


def describe_status(status: int, retry_after: int | None = None) -> str:
    """Return the default description for an injected fault with this status."""
    key = DEFAULT_KEY_BY_STATUS.get(status)
    if key is None:
        return f"Error {status}"
    return ERRORS[key][1].format(retry_after=retry_after)
