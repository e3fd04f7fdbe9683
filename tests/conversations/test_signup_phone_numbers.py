"""Issue 9 item 1: only phone numbers in use reach ClickBook, however they are typed.

The business is in Sydney (the shared fixture), so a number typed without ``+`` is read as
Australian; ``00`` and national prefixes are read as people mean them.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import Settings
from bot.sandbox.world import World
from tests.support.chat import Customer, customer, visible


async def typed_phone(world: World, typed: str) -> Customer:
    """Return a customer who typed ``typed`` at the phone step."""
    ann = customer(world)
    await ann.start()
    await ann.fill_to("phone")
    await ann.send(typed)
    return ann


def was_told(ann: Customer, key: str, **params: Any) -> bool:
    """Tell whether any bot message so far showed the catalog text of ``key``."""
    expected = visible(ann.t(key, **params))
    return any(m.from_bot and expected in m.text for m in ann.actor.transcript)


async def finish(ann: Customer) -> dict[str, Any]:
    """Accept every suggestion from the country on, confirm, return ClickBook's user."""
    await ann.fill_to(start_at="country")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")
    [user] = (await ann.world.clickbook_state())["users"]
    return dict(user)


async def test_a_number_nobody_has_is_refused_politely(world: World) -> None:
    ann = await typed_phone(world, "12345")

    ann.assert_sees("error.phone.not_in_use")
    ann.assert_asks("phone")
    assert "phone" not in await ann.draft_answers()

    await ann.send("0412 345 678")
    user = await finish(ann)
    assert user["details"]["inp-telfixed"] == "61412345678"


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("0061 412 345 678", id="00-international-prefix"),
        pytest.param("0412 345 678", id="national-trunk-prefix"),
        pytest.param("+61 (0)412 345 678", id="trunk-in-brackets"),
    ],
)
async def test_international_and_national_prefixes_read_right(world: World, typed: str) -> None:
    ann = await typed_phone(world, typed)

    assert was_told(ann, "phone.saved", phone="+61 412 345 678")
    user = await finish(ann)
    assert user["details"]["inp-telfixed"] == "61412345678"


async def test_a_fictional_number_is_refused_unless_the_setting_allows_it(
    world: World,
) -> None:
    ann = await typed_phone(world, "+1 555 010 2000")

    ann.assert_sees("error.phone.not_in_use")
    assert "phone" not in await ann.draft_answers()


class TestFictionalNumbersAllowed:
    """The sandbox and the demo turn ``CLICKBOT_ALLOW_FICTIONAL_PHONES`` on."""

    @pytest.fixture
    def settings(self) -> Settings:
        return Settings(
            business_timezone="Australia/Sydney",
            terms_url="https://example.com/terms",
            allow_fictional_phones=True,
        )

    async def test_a_fictional_number_is_taken(self, world: World) -> None:
        ann = await typed_phone(world, "+44 7700 900123")

        assert was_told(ann, "phone.saved", phone="+44 7700 900123")
        assert (await ann.draft_answers())["phone"] == "447700900123"


def test_the_setting_is_read_from_the_environment() -> None:
    settings = Settings.from_env({"CLICKBOT_ALLOW_FICTIONAL_PHONES": "true"})
    assert settings.allow_fictional_phones
    assert not Settings.from_env({}).allow_fictional_phones
