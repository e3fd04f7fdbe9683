"""Log records as JSON lines, for log collectors (``CLICKBOT_LOG_FORMAT=json``).

One object per line: ``time`` (ISO 8601, UTC), ``level``, ``logger``, ``message`` and, when
the record carries an exception, ``exc_info`` (the formatted traceback). The message is
``record.getMessage()`` after the loggers' filters ran, so :mod:`bot.log_privacy`'s
redaction applies exactly as it does to text logs.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a JSON object on one line."""
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)
