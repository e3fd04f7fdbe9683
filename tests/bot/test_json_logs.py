"""``CLICKBOT_LOG_FORMAT=json``: one JSON object per line, with the text logs' redaction."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.runner import configure_logging
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import TOKEN
from tests.bot.test_log_privacy import PASSWORD, type_password_the_production_way


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Configure logging as ``clickbot run`` does with the JSON format, at DEBUG, into a buffer;
    put the root logger's level and formatters back afterwards."""
    root = logging.getLogger()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    libraries = ("httpx", "httpcore", "apscheduler", "aiosqlite")
    levels = {name: logging.getLogger(name).level for name in ("", *libraries)}
    formatters = {existing: existing.formatter for existing in root.handlers}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        configure_logging("DEBUG", "json")
        yield buffer
    finally:
        root.removeHandler(handler)
        for existing, formatter in formatters.items():
            existing.setFormatter(formatter)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def read(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


async def test_json_logs_keep_passwords_and_the_token_out(
    json_lines: io.StringIO, tmp_path: Path, settings: Settings, clock: ManualClock
) -> None:
    await type_password_the_production_way(tmp_path, settings, clock)

    entries = read(json_lines)
    assert entries, "nothing was logged"
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    messages = " ".join(str(entry["message"]) for entry in entries)
    assert "getUpdates" in messages, "PTB's debug log of Bot API calls was captured"
    raw = json_lines.getvalue()
    assert PASSWORD not in raw
    assert TOKEN.split(":")[1] not in raw


def test_an_exception_is_one_line_with_its_traceback(json_lines: io.StringIO) -> None:
    log = logging.getLogger("bot.example")
    try:
        raise ValueError("broken")
    except ValueError:
        log.exception("could not do it: %s", "step 3")

    lines = json_lines.getvalue().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "bot.example"
    assert entry["message"] == "could not do it: step 3"
    assert "ValueError: broken" in str(entry["exc_info"])
    assert str(entry["time"]).endswith("+00:00")
