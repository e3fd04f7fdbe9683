"""When Telegram itself refuses or fails a call, the bot does not answer with an apology.

An apology is one more call to the same chat: after a flood limit (429) it is exactly what
Telegram asked the bot not to do, and when Telegram is unreachable (502) it fails as well. The
user's answer is already on disk, so their next message simply continues.
"""

from __future__ import annotations

import logging

import pytest

from bot.sandbox.world import World
from tests.support.chat import customer, visible


@pytest.mark.parametrize(
    ("status", "retry_after"),
    [pytest.param(429, 30, id="flood-limit"), pytest.param(502, None, id="bad-gateway")],
)
async def test_a_refused_screen_gets_no_apology_and_the_next_message_continues(
    world: World, caplog: pytest.LogCaptureFixture, status: int, retry_after: int | None
) -> None:
    ann = customer(world)
    world.emulator.fail_next("sendMessage", status=status, retry_after=retry_after)

    with caplog.at_level(logging.WARNING):
        await ann.send("/start")

    texts = [message.text or "" for message in ann.actor.bot_messages]
    assert not [text for text in texts if visible(ann.t("errors.unexpected")) in text]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r for r in caplog.records if r.name == "bot.app" and r.levelno == logging.WARNING]
    await ann.send("/start")
    ann.assert_sees("start.welcome", business="ClickBook", name="Ann")
