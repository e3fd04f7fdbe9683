"""PTB's debug logs, as production produces them (getUpdates, the update queue), leak nothing."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from telegram import Update

from bot.config import Settings
from bot.log_privacy import (
    HIDDEN,
    PAYLOAD_LOGGERS,
    URL_LOGGERS,
    BotTokenFilter,
    PayloadFilter,
    protect_logs,
)
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import TOKEN, World
from tests.support.chat import customer

PASSWORD = "Very$ecret42"  # noqa: S105 - the test user's


async def type_password_the_production_way(
    tmp_path: Path, settings: Settings, clock: ManualClock
) -> None:
    """Have a customer type ``PASSWORD`` and the bot read it by getUpdates and its update queue,
    the road whose DEBUG logs carry every payload."""
    world = await World.create(
        tmp_path / "bot.db", settings=settings, clock=clock, sandbox_clock=clock
    )
    try:
        ann = customer(world, password=PASSWORD)
        await ann.start()
        await ann.fill_to("password")
        application = world.application
        assert application is not None
        # From here on the update takes production's road: getUpdates, then the update queue.
        world.emulator.deliver_to(None)
        await ann.send(PASSWORD)
        await ann.send(PASSWORD)  # the second entry, to confirm it
        updates = await application.bot.get_updates(timeout=0)
        assert updates, "the password message was queued for getUpdates"
        await application.start()
        try:
            for update in updates:
                await application.update_queue.put(update)
            await application.update_queue.join()
        finally:
            await application.stop()
        ann.assert_sees("terms.prompt")
    finally:
        await world.stop()


async def test_debug_logs_never_show_a_typed_password_or_the_token(
    tmp_path: Path, settings: Settings, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await type_password_the_production_way(tmp_path, settings, clock)

    assert "getUpdates" in caplog.text, "PTB's debug log of Bot API calls was captured"
    assert "Processing update" in caplog.text, "PTB's debug log of the update queue was captured"
    assert PASSWORD not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text


def _record(level: int, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("telegram.ext.Updater", level, __file__, 1, msg, args, None)


def test_a_debug_records_text_arguments_are_hidden_and_names_kept() -> None:
    # PTB logs a webhook's raw body as one string argument.
    body = '{"message": {"text": "Very$ecret42"}}'
    record = _record(logging.DEBUG, "%s received %s (%d bytes)", "setWebhook", body, len(body))

    assert PayloadFilter().filter(record)

    assert record.getMessage() == f"setWebhook received {HIDDEN} ({len(body)} bytes)"


@pytest.mark.parametrize(
    "secret",
    [
        pytest.param("AAH-x_Yz09", id="dash-and-underscore"),
        pytest.param("-leading-dash", id="leading-dash"),
        pytest.param("_leading_underscore", id="leading-underscore"),
    ],
)
def test_the_whole_bot_token_is_hidden_in_urls(secret: str) -> None:
    url = f"https://api.telegram.org/bot123456:{secret}/getMe"
    record = _record(logging.INFO, "HTTP Request: POST %s", url)

    assert BotTokenFilter().filter(record)

    assert record.getMessage() == f"HTTP Request: POST https://api.telegram.org/bot{HIDDEN}/getMe"


def test_named_arguments_are_filtered_like_positional_ones() -> None:
    record = _record(logging.DEBUG, "%(endpoint)s got %(data)s, %(count)d", {})
    record.args = {"endpoint": "sendMessage", "data": "Very$ecret42", "count": 3}

    assert PayloadFilter().filter(record)

    assert record.getMessage() == f"sendMessage got {HIDDEN}, 3"


def test_updates_show_their_id_and_update_id_lists_are_kept() -> None:
    record = _record(
        logging.DEBUG,
        "%s %s %s %s %s",
        Update(update_id=41),
        [41, 42],
        [41, "Very$ecret42"],
        True,
        0.5,
    )

    assert PayloadFilter().filter(record)

    assert record.getMessage() == f"<update 41> [41, 42] {HIDDEN} True 0.5"


def test_records_above_debug_and_records_without_arguments_are_left_alone() -> None:
    info = _record(logging.INFO, "%s answered", "Very$ecret42")
    bare = _record(logging.DEBUG, "Very$ecret42 is the message itself")

    assert PayloadFilter().filter(info)
    assert PayloadFilter().filter(bare)

    assert info.args == ("Very$ecret42",)
    assert bare.getMessage() == "Very$ecret42 is the message itself"


def test_a_url_without_a_token_is_left_as_it_was() -> None:
    record = _record(logging.INFO, "HTTP Request: POST %s", "https://example.com/bots/x")

    assert BotTokenFilter().filter(record)

    assert record.msg == "HTTP Request: POST %s"
    assert record.args == ("https://example.com/bots/x",)


def test_protecting_the_logs_twice_installs_each_filter_once() -> None:
    protect_logs()
    protect_logs()

    for name in PAYLOAD_LOGGERS:
        kinds = [type(existing) for existing in logging.getLogger(name).filters]
        assert kinds.count(PayloadFilter) == 1, name
        assert kinds.count(BotTokenFilter) == 1, name
    for name in URL_LOGGERS:
        kinds = [type(existing) for existing in logging.getLogger(name).filters]
        assert kinds.count(BotTokenFilter) == 1, name
        assert PayloadFilter not in kinds, name
