"""The Bot API methods the emulator implements, with Telegram's checks and refusals."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from bot.sandbox.telegram.commands import (
    BotDescriptions,
    CommandMenus,
    language_key,
    parse_commands,
    parse_description,
    scope_key,
)
from bot.sandbox.telegram.errors import api_error
from bot.sandbox.telegram.formatting import (
    FormattedText,
    HtmlParseError,
    parse_html,
    trim,
    utf16_len,
)
from bot.sandbox.telegram.markup import parse_reply_markup
from bot.sandbox.telegram.params import Params
from bot.sandbox.telegram.store import (
    CALLBACK_ANSWER_WINDOW_SECONDS,
    DELETE_WINDOW_SECONDS,
    Chat,
    ChatStore,
    GroupChat,
    StoredMessage,
)
from bot.sandbox.telegram.updates import UpdateHub, WebhookConfig

Handler = Callable[[Params], Awaitable[Any]]

MAX_TEXT = 4096
MAX_CALLBACK_ANSWER = 200
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


class BotApi:
    """Answer Bot API calls against the emulator's state."""

    def __init__(
        self,
        *,
        store: ChatStore,
        hub: UpdateHub,
        menus: CommandMenus,
        descriptions: BotDescriptions,
        now: Callable[[], float],
    ) -> None:
        self.store = store
        self.hub = hub
        self.menus = menus
        self.descriptions = descriptions
        self.now = now
        self.handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "logOut": self.log_out,
            "close": self.log_out,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "sendChatAction": self.send_chat_action,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setMyDescription": self.set_my_description,
            "getMyDescription": self.get_my_description,
            "setMyShortDescription": self.set_my_short_description,
            "getMyShortDescription": self.get_my_short_description,
        }
        # Telegram matches method names case-insensitively.
        self.canonical = {name.lower(): name for name in self.handlers}

    # the bot itself

    async def get_me(self, params: Params) -> Any:
        """getMe: the bot's own User, with its username."""
        return self.store.bot_user

    async def log_out(self, params: Params) -> Any:
        """logOut / close: nothing to release in the emulator."""
        return True

    # updates

    async def get_updates(self, params: Params) -> Any:
        """getUpdates: confirm by offset, then return queued updates or wait for some."""
        allowed = params.decoded("allowed_updates", error="allowed_updates_json")
        if allowed is not None and (
            not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed)
        ):
            raise api_error("allowed_updates_json")
        return await self.hub.get_updates(
            offset=params.integer("offset", 0) or 0,
            limit=params.integer("limit", 100) or 100,
            hold_seconds=params.number("timeout", 0.0),
            allowed_updates=allowed,
        )

    async def set_webhook(self, params: Params) -> Any:
        """setWebhook: validate the URL and secret, then push updates to the URL."""
        url = params.text("url") or ""
        drop = params.flag("drop_pending_updates")
        if not url:
            self.hub.delete_webhook(drop_pending=drop)
            return True
        parts = urlsplit(url)
        # Telegram insists on HTTPS; the emulator also takes http for local receivers.
        if parts.scheme not in ("http", "https"):
            raise api_error("webhook_https_required")
        if not parts.netloc:
            raise api_error("webhook_url_invalid")
        secret = params.text("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
            raise api_error("secret_token_invalid")
        allowed = params.decoded("allowed_updates", error="allowed_updates_json")
        if allowed is not None and not isinstance(allowed, list):
            raise api_error("allowed_updates_json")
        max_connections = params.integer("max_connections", 40) or 40
        config = WebhookConfig(url, secret, min(max(max_connections, 1), 100))
        self.hub.set_webhook(config, allowed_updates=allowed, drop_pending=drop)
        return True

    async def delete_webhook(self, params: Params) -> Any:
        """deleteWebhook: back to getUpdates, optionally dropping what is queued."""
        self.hub.delete_webhook(drop_pending=params.flag("drop_pending_updates"))
        return True

    async def get_webhook_info(self, params: Params) -> Any:
        """getWebhookInfo: the current webhook, queue size and last push error."""
        return self.hub.webhook_info()

    # messages

    def _formatted(self, params: Params, *, too_long: str) -> tuple[FormattedText, str]:
        raw = params.text("text")
        if raw is None:
            raise api_error("text_empty")
        mode = params.text("parse_mode")
        if mode is None:
            entities = params.decoded("entities", error="bad_request") or []
            if not isinstance(entities, list):
                raise api_error("bad_request")
            formatted = FormattedText(raw, entities)
        elif mode.lower() == "html":
            try:
                formatted = parse_html(raw)
            except HtmlParseError as exc:
                raise api_error("cant_parse_entities", detail=str(exc)) from None
        elif mode.lower() in ("markdown", "markdownv2"):
            raise api_error("parse_mode_not_emulated", mode=mode)
        else:
            raise api_error("unsupported_parse_mode")
        formatted = trim(formatted)
        if not formatted.text:
            raise api_error("text_empty")
        if utf16_len(formatted.text) > MAX_TEXT:
            raise api_error(too_long)
        return formatted, raw

    def _reply_target(self, chat: Chat, params: Params) -> int | None:
        reply = params.decoded("reply_parameters", error="bad_request")
        if isinstance(reply, dict):
            target = reply.get("message_id")
            allow_missing = bool(reply.get("allow_sending_without_reply"))
        else:
            target = params.integer("reply_to_message_id")
            allow_missing = params.flag("allow_sending_without_reply")
        if target is None:
            return None
        replied = chat.messages.get(int(target))
        if replied is None or replied.deleted:
            if allow_missing:
                return None
            raise api_error("reply_not_found")
        return int(target)

    def _open_chat(self, params: Params) -> Chat:
        chat = self.store.chat(params.get("chat_id"))
        if chat.blocked:
            raise api_error("bot_blocked")
        return chat

    async def send_message(self, params: Params) -> Any:
        """sendMessage: validate text and markup, store the message, return it."""
        chat = self._open_chat(params)
        formatted, raw = self._formatted(params, too_long="text_too_long")
        markup = parse_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        message = StoredMessage(
            chat_id=chat.id,
            message_id=0,
            from_bot=True,
            date=int(self.now()),
            kind="text",
            text=formatted.text,
            entities=formatted.entities,
            html=raw,
            reply_to=reply_to,
        )
        if markup is not None:
            kind, value = markup
            if kind == "inline":
                message.inline_markup = value
            else:
                message.other_markup = value
            if kind == "reply":
                chat.reply_keyboard = value
            elif kind == "remove":
                chat.reply_keyboard = None
        self.store.add_message(chat, message)
        return self.store.message_dict(message)

    def _message_to_edit(self, params: Params) -> tuple[Chat, StoredMessage]:
        if params.get("inline_message_id") is not None:
            raise api_error("inline_message_not_emulated")
        chat = self._open_chat(params)
        message_id = params.integer("message_id", error="message_id_missing")
        if message_id is None:
            raise api_error("message_id_missing")
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise api_error("message_to_edit_not_found")
        if not message.from_bot or message.kind != "text":
            raise api_error("message_cant_be_edited")
        return chat, message

    def _inline_markup(self, params: Params) -> dict[str, Any] | None:
        markup = parse_reply_markup(params.get("reply_markup"))
        if markup is None:
            return None
        kind, value = markup
        if kind != "inline":
            raise api_error("inline_keyboard_expected")
        return value

    async def edit_message_text(self, params: Params) -> Any:
        """editMessageText: new text (and inline keyboard, dropped if not given)."""
        _, message = self._message_to_edit(params)
        formatted, raw = self._formatted(params, too_long="edited_text_too_long")
        markup = self._inline_markup(params)
        if (
            formatted.text == message.text
            and formatted.entities == message.entities
            and markup == message.inline_markup
        ):
            raise api_error("message_not_modified")
        message.text = formatted.text
        message.entities = formatted.entities
        message.html = raw
        message.inline_markup = markup
        message.edit_date = int(self.now())
        return self.store.message_dict(message)

    async def edit_message_reply_markup(self, params: Params) -> Any:
        """editMessageReplyMarkup: replace or (without reply_markup) remove the keyboard."""
        _, message = self._message_to_edit(params)
        markup = self._inline_markup(params)
        if markup == message.inline_markup:
            raise api_error("message_not_modified")
        message.inline_markup = markup
        message.edit_date = int(self.now())
        return self.store.message_dict(message)

    async def delete_message(self, params: Params) -> Any:
        """deleteMessage: the bot's own; the user's in a private chat, or as a group's admin."""
        chat = self.store.chat(params.get("chat_id"))
        message_id = params.integer("message_id", error="message_id_missing")
        if message_id is None:
            raise api_error("message_id_missing")
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise api_error("message_to_delete_not_found")
        if self.now() - message.date > DELETE_WINDOW_SECONDS:
            raise api_error("message_cant_be_deleted")
        if isinstance(chat, GroupChat) and not message.from_bot and not chat.bot_is_admin:
            raise api_error("message_cant_be_deleted")
        message.deleted = True
        return True

    # callback queries and chat actions

    async def answer_callback_query(self, params: Params) -> Any:
        """answerCallbackQuery: once per query, within the answer window."""
        query = self.store.callbacks.get(params.text("callback_query_id") or "")
        if (
            query is None
            or query.answered
            or self.now() - query.created_at > CALLBACK_ANSWER_WINDOW_SECONDS
        ):
            raise api_error("query_invalid")
        text = params.text("text")
        if text is not None and len(text) > MAX_CALLBACK_ANSWER:
            raise api_error("callback_answer_too_long")
        query.answered = True
        query.answer_text = text
        query.show_alert = params.flag("show_alert")
        query.answer_url = params.text("url")
        return True

    async def send_chat_action(self, params: Params) -> Any:
        """sendChatAction: remember the action shown to the user."""
        chat = self._open_chat(params)
        action = params.text("action")
        if action not in CHAT_ACTIONS:
            raise api_error("chat_action_invalid")
        chat.chat_actions.append(action)
        return True

    # command menus

    def _scope(self, params: Params) -> tuple[Any, ...]:
        scope = scope_key(params.get("scope"))
        if len(scope) > 1:
            self.store.chat(scope[1])
        return scope

    async def set_my_commands(self, params: Params) -> Any:
        """setMyCommands: validate and store the list for one scope and language."""
        commands = parse_commands(params.get("commands") or "[]")
        scope = self._scope(params)
        language = language_key(params.get("language_code"))
        self.menus.set(scope, language, commands)
        return True

    async def get_my_commands(self, params: Params) -> Any:
        """getMyCommands: exactly the list for one scope and language."""
        scope = self._scope(params)
        language = language_key(params.get("language_code"))
        return [command._asdict() for command in self.menus.get(scope, language)]

    async def delete_my_commands(self, params: Params) -> Any:
        """deleteMyCommands: forget the list for one scope and language."""
        scope = self._scope(params)
        self.menus.delete(scope, language_key(params.get("language_code")))
        return True

    # descriptions

    def _set_text(self, kind: str, params: Params) -> Any:
        text = parse_description(kind, params.get(kind))
        self.descriptions.set(kind, language_key(params.get("language_code")), text)
        return True

    def _get_text(self, kind: str, params: Params) -> Any:
        return {kind: self.descriptions.get(kind, language_key(params.get("language_code")))}

    async def set_my_description(self, params: Params) -> Any:
        """setMyDescription: the text of an empty chat, per language (0-512 characters)."""
        return self._set_text("description", params)

    async def get_my_description(self, params: Params) -> Any:
        """getMyDescription: a BotDescription, exactly for one language."""
        return self._get_text("description", params)

    async def set_my_short_description(self, params: Params) -> Any:
        """setMyShortDescription: the profile's about text, per language (0-120 characters)."""
        return self._set_text("short_description", params)

    async def get_my_short_description(self, params: Params) -> Any:
        """getMyShortDescription: a BotShortDescription, exactly for one language."""
        return self._get_text("short_description", params)
