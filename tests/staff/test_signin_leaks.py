"""Staff sign-in: a password never stays in the chat by the bot's doing, and the bot never says
it deleted one that Telegram would not delete."""

from __future__ import annotations

import pytest

from bot.sandbox.world import World
from tests.staff.people import STAFF_EMAIL, STAFF_PASSWORD, Person
from tests.support.chat import refuse_next_delete


def shows(bob: Person, text: str) -> bool:
    """Tell whether ``text`` is visible anywhere in Bob's chat."""
    return any(text in (m.text or "") for m in bob.actor.transcript)


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("p@ssw0rd-2024", id="password-with-an-at"),
        pytest.param("bob@example", id="address-without-a-domain"),
        pytest.param(STAFF_PASSWORD, id="password-without-an-at"),
    ],
)
async def test_anything_but_an_email_at_the_email_step_is_deleted(bob: Person, typed: str) -> None:
    await bob.send("/signin")

    await bob.send(typed)

    assert not shows(bob, typed)
    bob.assert_sees("signin.not_an_email_deleted")
    bob.assert_sees("signin.email_prompt")


async def test_an_answer_at_the_email_step_telegram_would_not_delete(
    world: World, bob: Person
) -> None:
    await bob.send("/signin")
    refuse_next_delete(world)

    await bob.send("p@ssw0rd-2024")

    assert shows(bob, "p@ssw0rd-2024")
    bob.assert_sees("signin.not_an_email_not_deleted")
    assert not bob.sees("signin.not_an_email_deleted")


@pytest.mark.parametrize(
    ("password", "answer"),
    [
        pytest.param("Wrong-passw0rd", "signin.wrong", id="wrong"),
        pytest.param(STAFF_PASSWORD, "signin.done", id="right"),
    ],
)
async def test_a_password_telegram_would_not_delete_is_asked_to_be_deleted(
    world: World, bob: Person, password: str, answer: str
) -> None:
    await bob.send("/signin")
    await bob.send(STAFF_EMAIL)
    refuse_next_delete(world)

    await bob.send(password)

    assert bob.received_any(answer)
    bob.assert_sees("password.not_deleted")
    assert shows(bob, password)
