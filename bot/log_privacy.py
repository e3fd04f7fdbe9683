"""Keep what users type, and the bot token, out of the libraries' logs, at every level.

python-telegram-bot logs at DEBUG every Bot API call with its parameters and its return value
(so every text the bot sends, and in getUpdates' return value every message users type:
passwords, emails, phone numbers, staff link tokens), every update it takes from the queue,
every webhook body, and the Bot API URL, which contains the bot token; httpx logs every
request URL at INFO, the token again.

:func:`protect_logs` puts filters on those loggers (filters on a logger see its own records,
so each one is named). The records are kept, so DEBUG still shows which endpoints were called
and which update ids were processed, but every other argument is replaced by ``<hidden>``.
This holds always, not only while a form expects a password: the getUpdates line is written
before any handler has seen the update, so the bot cannot know in time what it contains.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from telegram import Update

HIDDEN = "<hidden>"
PAYLOAD_LOGGERS = (
    "telegram.Bot",
    "telegram.ext.ExtBot",
    "telegram.ext.Application",
    "telegram.ext.Updater",
)
"""PTB's loggers whose DEBUG records carry Bot API payloads, updates or the token."""
URL_LOGGERS = ("httpx",)
"""Loggers that print request URLs, in which the Bot API puts the token."""
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
"""An argument that is only a name (an endpoint, a method) is safe to show."""
BOT_TOKEN_IN_URL = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")


def _safe(argument: Any) -> Any:
    if isinstance(argument, bool | int | float):
        return argument
    if isinstance(argument, str) and NAME.match(argument):
        return argument
    if isinstance(argument, Update):
        return f"<update {argument.update_id}>"
    if isinstance(argument, list) and all(isinstance(item, int) for item in argument):
        return argument  # update ids
    return HIDDEN


class PayloadFilter(logging.Filter):
    """Replace the payload arguments of PTB's DEBUG records by ``<hidden>``; drop nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite a DEBUG record's arguments; leave records of other levels alone."""
        if record.levelno > logging.DEBUG or not record.args:
            return True
        if isinstance(record.args, Mapping):
            record.args = {key: _safe(value) for key, value in record.args.items()}
        else:
            record.args = tuple(_safe(argument) for argument in record.args)
        return True


class BotTokenFilter(logging.Filter):
    """Replace the bot token in logged URLs (``/bot<id>:<secret>``) by ``/bot<hidden>``."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without the token; never drop the record."""
        message = record.getMessage()
        if BOT_TOKEN_IN_URL.search(message):
            record.msg = BOT_TOKEN_IN_URL.sub("/bot" + HIDDEN, message)
            record.args = ()  # pragma: no mutate: getMessage skips None and () alike
        return True


def _install(names: tuple[str, ...], kind: type[logging.Filter]) -> None:
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, kind) for existing in logger.filters):
            logger.addFilter(kind())


def protect_logs() -> None:
    """Install the filters (once); call before the Bot is built, which logs its URL."""
    _install(PAYLOAD_LOGGERS, PayloadFilter)
    _install(PAYLOAD_LOGGERS + URL_LOGGERS, BotTokenFilter)
