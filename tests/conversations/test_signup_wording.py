"""Wording that tells the customer what is true: what works on a step, and when they agreed."""

from __future__ import annotations

import pytest

from bot.sandbox.world import World
from tests.support.chat import customer, visible


async def test_typing_at_the_terms_step_says_only_what_works_there(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("terms")

    await ann.send("ok, fine")

    ann.assert_sees("terms.use_button")
    ann.assert_asks("terms")
    assert "type" not in visible(ann.t("terms.use_button")).lower()


async def test_typing_at_the_summary_does_not_invite_typing(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to()

    await ann.send("looks good")

    ann.assert_sees("form.use_buttons")
    ann.assert_asks("summary")
    assert "type" not in visible(ann.t("form.use_buttons")).lower()


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "agreed on Mar 2, 2026, 8:30\u202fPM"),
        ("de", "zugestimmt am 2. März 2026, 20:30"),
        ("es", "aceptadas el 2 mar 2026, 20:30"),
        ("ru", "приняты 2 мар. 2026\u202fг., 20:30"),
    ],
)
async def test_the_consent_time_is_shown_in_the_customers_zone_and_language(
    world: World, language: str, shown: str
) -> None:
    ann = customer(world, language=language)
    await ann.start()

    await ann.fill_to()  # consent at 09:30 UTC, 20:30 in Sydney (summer time, UTC+11)

    ann.assert_asks("summary")
    [terms_line] = [line for line in ann.actor.last.text.splitlines() if shown in line]
    assert "UTC" not in terms_line
