"""``clickbot run``'s logging at DEBUG: libraries that print secrets or answers stay quiet."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.runner import configure_logging

LIBRARIES = ("httpx", "httpcore", "aiosqlite")


@pytest.fixture
def restored_levels() -> Iterator[None]:
    """Log everything at DEBUG, as ``CLICKBOT_LOG_LEVEL=DEBUG`` does; restore the levels after."""
    names = ("", *LIBRARIES)
    before = {name: logging.getLogger(name).level for name in names}
    # Under pytest the root logger has handlers already, so basicConfig leaves its level alone.
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        yield
    finally:
        for name, level in before.items():
            logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("restored_levels")
def test_debug_keeps_url_and_sql_loggers_quiet() -> None:
    configure_logging("DEBUG")

    # httpx prints Bot API URLs (the token); aiosqlite every statement with its parameters.
    for name in LIBRARIES:
        assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name
