"""A password never stays in the chat by the bot's doing, and the bot never claims it deleted one
it could not delete."""

from __future__ import annotations

import pytest

from bot.sandbox.world import World
from tests.support.chat import Customer, customer, refuse_next_delete, visible


def shows_password(ann: Customer) -> bool:
    """Tell whether the password is visible anywhere in the chat."""
    return any(ann.password in (m.text or "") for m in ann.actor.transcript)


def deletion_claims(ann: Customer) -> int:
    """Count the bot messages saying a password message was deleted."""
    claims = [visible(ann.t(key)) for key in ("password.saved", "password.elsewhere_deleted")]
    return sum(any(claim in (m.text or "") for claim in claims) for m in ann.actor.bot_messages)


async def test_the_password_typed_at_the_terms_step_is_deleted(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("terms")
    draft = await ann.draft_answers()

    await ann.send(ann.password)

    assert not shows_password(ann)
    ann.assert_sees("password.elsewhere_deleted")
    ann.assert_asks("terms")
    assert await ann.draft_answers() == draft


async def test_the_password_typed_at_the_summary_is_deleted(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to()
    ann.assert_asks("summary")

    await ann.send(ann.password)

    assert not shows_password(ann)
    ann.assert_sees("password.elsewhere_deleted")
    await ann.tap("summary.confirm")
    ann.assert_sees("submit.done", name="Ann Lee")


async def test_a_password_starting_with_a_slash_typed_at_the_terms_step_is_deleted(
    world: World,
) -> None:
    ann = customer(world, password="/Secret1234")
    await ann.start()
    await ann.fill_to("terms")

    await ann.send(ann.password)

    assert not shows_password(ann)
    ann.assert_sees("password.elsewhere_deleted")
    ann.assert_asks("terms")


async def test_an_earlier_message_edited_into_the_password_is_deleted(world: World) -> None:
    ann = customer(world)
    await ann.start()
    first_name = await ann.actor.send("Ann")
    await ann.fill_to("terms", start_at="last_name")

    await ann.actor.edit(first_name["message_id"], ann.password)

    assert not shows_password(ann)
    assert (await ann.draft_answers())["first_name"] == "Ann"


@pytest.mark.parametrize(
    ("password", "typed_at", "entries_before", "told", "asked"),
    [
        pytest.param("Secret123", "password", 0, ("password.repeat", {}), None, id="first-entry"),
        pytest.param("Secret123", "password", 1, ("password.received", {}), "terms", id="taken"),
        pytest.param(
            "short1",
            "password",
            0,
            ("error.password.too_short", {"min": 8}),
            "password",
            id="refused",
        ),
        pytest.param("Secret123", "terms", 0, ("password.elsewhere", {}), "terms", id="elsewhere"),
    ],
)
async def test_a_password_telegram_would_not_delete_is_not_said_to_be_deleted(
    world: World,
    password: str,
    typed_at: str,
    entries_before: int,
    told: tuple[str, dict[str, int]],
    asked: str | None,
) -> None:
    ann = customer(world, password=password)
    await ann.start()
    await ann.fill_to(typed_at)
    for _ in range(entries_before):
        await ann.send(ann.password)  # deleted as usual
    refuse_next_delete(world)
    claims_before = deletion_claims(ann)

    await ann.send(ann.password)

    key, params = told
    ann.assert_sees(key, **params)
    ann.assert_sees("password.not_deleted")
    assert deletion_claims(ann) <= claims_before
    assert shows_password(ann)
    if asked is not None:
        ann.assert_asks(asked)
