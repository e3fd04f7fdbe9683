"""The filter that blanks staff link tokens in log records, on its own."""

from __future__ import annotations

import logging

from bot.staff import LinkTokenFilter

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
