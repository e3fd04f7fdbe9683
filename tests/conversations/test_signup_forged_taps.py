"""Forged callback data (a modified client sends any 64 bytes with a tap) never crashes a step."""

from __future__ import annotations

import pytest

from bot.sandbox.world import World
from tests.support.chat import Customer, bot_problems, customer, forged_tap


def nonce_of(ann: Customer, label: str) -> str:
    """Return the nonce in the callback data of a button of the newest keyboard."""
    data = ann.actor.last.callback_data(label)
    assert data is not None, f"no {label!r} button: {ann.actor.last.buttons}"
    return data.split(":")[1]


COUNTRY = ("country", "country.other")
TIMEZONE = ("timezone", "timezone.all")
"""A picker step and a button of its first screen (whose data carries the nonce)."""


@pytest.mark.parametrize(
    ("step", "action"),
    [
        pytest.param(COUNTRY, "pg.²", id="superscript-page"),
        pytest.param(COUNTRY, "pg.٣", id="arabic-indic-page"),
        pytest.param(COUNTRY, "pg.99999999999999999999999", id="huge-page"),
        pytest.param(COUNTRY, "c.ZZ", id="unassigned-country"),
        pytest.param(COUNTRY, "c.ÄÖ", id="non-ascii-country"),
        pytest.param(COUNTRY, "c.", id="empty-country"),
        pytest.param(TIMEZONE, "z.²", id="superscript-zone"),
        pytest.param(TIMEZONE, "z.999999", id="zone-past-the-list"),
        pytest.param(TIMEZONE, "z.-1", id="negative-zone"),
        pytest.param(TIMEZONE, "pg.¹²", id="superscript-zone-page"),
        pytest.param(TIMEZONE, "ok", id="confirm-without-a-choice"),
    ],
)
async def test_a_forged_picker_tap_is_refused_and_changes_nothing(
    world: World, step: tuple[str, str], action: str
) -> None:
    field, button = step
    ann = customer(world)
    await ann.start()
    await ann.fill_to(field)
    draft = await ann.draft_answers()
    nonce = nonce_of(ann, ann.label(button))

    await forged_tap(ann.actor, f"su:{nonce}:{action}")

    assert bot_problems(world) == []
    assert await ann.draft_answers() == draft
    ann.assert_sees("form.stale")
    await ann.fill_to(start_at=field)
    ann.assert_asks("summary")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("su:²:begin", id="superscript-nonce"),
        pytest.param("su::", id="empty-parts"),
        pytest.param("su:1:" + "x" * 70, id="over-64"),
        pytest.param(":::", id="colons"),
    ],
)
async def test_forged_callback_data_of_any_shape_is_refused_politely(
    world: World, data: str
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("country")
    draft = await ann.draft_answers()

    await forged_tap(ann.actor, data)

    assert bot_problems(world) == []
    assert await ann.draft_answers() == draft


async def test_a_forged_country_already_in_a_draft_is_asked_again(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("terms")
    assert world.store is not None
    # As a draft written before country codes were checked would hold it.
    await world.store.set_draft_field(ann.actor.id, "su", "country", "ZZ", world.clock())

    await ann.send("/start")

    assert bot_problems(world) == []
    ann.assert_asks("country")
