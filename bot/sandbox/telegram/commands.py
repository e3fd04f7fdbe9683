"""Command menus per scope and language (setMyCommands and friends), and the bot's descriptions."""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from bot.sandbox.telegram.errors import api_error

MAX_COMMANDS = 100
MAX_DESCRIPTION = 256
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_SCOPES_WITHOUT_CHAT = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}
)
_SCOPES_WITH_CHAT = frozenset({"chat", "chat_administrators", "chat_member"})

ScopeKey = tuple[Any, ...]


class BotCommand(NamedTuple):
    """One entry of a command menu; compares equal to a (command, description) tuple."""

    command: str
    description: str


def _decode(raw: Any, error_key: str) -> Any:
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            raise api_error(error_key) from None
    return raw


def scope_key(raw: Any) -> ScopeKey:
    """Return a hashable key for a `scope` parameter (a dict, JSON text or type name)."""
    if raw is None or raw == "":
        return ("default",)
    if isinstance(raw, str) and raw in _SCOPES_WITHOUT_CHAT:
        return (raw,)
    scope = _decode(raw, "scope_invalid")
    if not isinstance(scope, dict):
        raise api_error("scope_invalid")
    kind = scope.get("type")
    if kind in _SCOPES_WITHOUT_CHAT:
        return (kind,)
    if kind not in _SCOPES_WITH_CHAT:
        raise api_error("scope_invalid")
    try:
        chat_id = int(scope["chat_id"])
        if kind == "chat_member":
            return (kind, chat_id, int(scope["user_id"]))
    except (KeyError, TypeError, ValueError):
        raise api_error("scope_invalid") from None
    return (kind, chat_id)


def language_key(raw: Any) -> str:
    """Validate a `language_code` parameter: empty, or two lowercase letters."""
    code = "" if raw is None else str(raw)
    if code and not _LANGUAGE.fullmatch(code):
        raise api_error("language_code_invalid")
    return code


def parse_commands(raw: Any) -> list[BotCommand]:
    """Validate a `commands` parameter against Telegram's rules."""
    commands = _decode(raw, "commands_json")
    if not isinstance(commands, list):
        raise api_error("commands_json")
    if len(commands) > MAX_COMMANDS:
        raise api_error("too_many_commands")
    result: list[BotCommand] = []
    for entry in commands:
        if not isinstance(entry, dict):
            raise api_error("commands_json")
        for name in ("command", "description"):
            if name not in entry:
                raise api_error("bot_command_field", field=name)
        command, description = entry["command"], entry["description"]
        if not isinstance(command, str) or not _COMMAND.fullmatch(command):
            raise api_error("bot_command_invalid")
        if not isinstance(description, str) or not description.strip():
            raise api_error("command_description_empty")
        if len(description) > MAX_DESCRIPTION:
            raise api_error("command_description_too_long")
        result.append(BotCommand(command, description))
    return result


class CommandMenus:
    """The command lists the bot set, keyed by scope and language code."""

    def __init__(self) -> None:
        self._menus: dict[tuple[ScopeKey, str], list[BotCommand]] = {}

    def set(self, scope: ScopeKey, language: str, commands: list[BotCommand]) -> None:
        """Replace the list for one scope and language (an empty list deletes it)."""
        if commands:
            self._menus[(scope, language)] = list(commands)
        else:
            self._menus.pop((scope, language), None)

    def get(self, scope: ScopeKey, language: str) -> list[BotCommand]:
        """Return exactly the list set for this scope and language (no fallback)."""
        return list(self._menus.get((scope, language), []))

    def delete(self, scope: ScopeKey, language: str) -> None:
        """Forget the list for one scope and language."""
        self._menus.pop((scope, language), None)

    def for_private_chat(self, chat_id: int, language: str | None) -> list[BotCommand]:
        """Return the menu a user sees in their private chat, using Telegram's lookup order."""
        lang = (language or "").split("-")[0].lower()
        chain: list[tuple[ScopeKey, str]] = []
        for scope in (("chat", chat_id), ("all_private_chats",), ("default",)):
            if lang:
                chain.append((scope, lang))
            chain.append((scope, ""))
        for key in chain:
            if key in self._menus:
                return list(self._menus[key])
        return []


DESCRIPTION_LIMITS = {"description": 512, "short_description": 120}
"""Telegram's length limits of setMyDescription and setMyShortDescription."""


def parse_description(kind: str, raw: Any) -> str:
    """Validate a ``description`` or ``short_description`` parameter (empty removes it)."""
    text = "" if raw is None else str(raw)
    if len(text) > DESCRIPTION_LIMITS[kind]:
        raise api_error(f"{kind}_too_long")
    return text


class BotDescriptions:
    """The bot's description (shown in an empty chat) and short description, per language."""

    def __init__(self) -> None:
        self._texts: dict[tuple[str, str], str] = {}

    def set(self, kind: str, language: str, text: str) -> None:
        """Replace one text for one language (an empty text deletes it)."""
        if text:
            self._texts[(kind, language)] = text
        else:
            self._texts.pop((kind, language), None)

    def get(self, kind: str, language: str) -> str:
        """Return exactly the text set for this language, empty when none is."""
        return self._texts.get((kind, language), "")

    def for_user(self, kind: str, language: str | None) -> str:
        """Return what a user sees: the text of their app's language, else the default one."""
        lang = (language or "").split("-")[0].lower()
        return (lang and self._texts.get((kind, lang))) or self._texts.get((kind, ""), "")
