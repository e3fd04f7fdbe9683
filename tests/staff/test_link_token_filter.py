"""The filter that blanks staff link tokens in log records: alone, and on the PTB loggers."""

from __future__ import annotations

import logging

import pytest

from bot.staff import BOT_API_LOGGERS, LinkTokenFilter, hide_link_tokens_in_logs

TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz012-_9"


def _record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("telegram.Bot", logging.DEBUG, __file__, 1, msg, args, None)


def test_a_link_token_is_hidden_and_the_record_kept() -> None:
    record = _record("Calling sendMessage with %s", f"t.me/clickbot?start=staff_{TOKEN} now")

    assert LinkTokenFilter().filter(record)

    assert record.getMessage() == "Calling sendMessage with t.me/clickbot?start=staff_<hidden> now"
    assert TOKEN not in record.getMessage()


def test_a_record_without_a_link_is_left_as_it_was() -> None:
    record = _record("Calling %s with %s", "getMe", "nothing secret")

    assert LinkTokenFilter().filter(record)

    assert (record.msg, record.args) == ("Calling %s with %s", ("getMe", "nothing secret"))


def test_the_bot_api_loggers_hide_link_tokens_with_one_filter_each(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hide_link_tokens_in_logs()
    hide_link_tokens_in_logs()  # every application built installs it; once is enough
    caplog.set_level(logging.DEBUG)

    for name in BOT_API_LOGGERS:  # as PTB logs a Bot API call's parameters
        logging.getLogger(name).debug("Calling sendMessage with %s", f"start=staff_{TOKEN}")

    # (A world built earlier in the process also hides DEBUG arguments there: read no text.)
    assert len([r for r in caplog.records if r.name in BOT_API_LOGGERS]) == 2
    assert TOKEN not in caplog.text
    assert len(BOT_API_LOGGERS) == 2
    for name in BOT_API_LOGGERS:
        filters = logging.getLogger(name).filters
        assert sum(isinstance(existing, LinkTokenFilter) for existing in filters) == 1
