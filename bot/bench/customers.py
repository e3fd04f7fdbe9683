"""The simulated customers' script: the whole sign-up, by the labels the bot shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.domain.countries import country_name
from bot.i18n import Translator

ZONE_BUTTON = "Sydney"
CUSTOMER_PASSWORD = "Secret123"  # noqa: S105 - what the simulated customers type

ActionKind = Literal["text", "button", "key", "contact"]
"""Type text, tap an inline button, press a reply-keyboard button, share the contact."""


@dataclass(frozen=True, slots=True)
class Action:
    """One thing a customer does: type ``value``, use the button labelled ``value``, share.

    ``step`` names it in reports (never the value: one of them is the password).
    """

    step: str
    kind: ActionKind
    value: str


def signup_actions(t: Translator, *, email: str, password: str) -> list[Action]:
    """Return a customer's actions from ``/start`` to a created account, in English.

    The password is typed twice, as the bot asks.
    """
    return [
        Action("/start", "text", "/start"),
        Action("press Start", "key", t.plain("start.begin")),
        Action("first name", "text", "Ann"),
        Action("last name", "text", "Lee"),
        Action("email", "text", email),
        Action("email: yes", "key", t.plain("email.yes")),
        Action("share phone", "contact", t.plain("phone.share")),
        Action("country", "button", country_name("AU", "en")),
        Action("time zone", "button", ZONE_BUTTON),
        Action("time zone: yes", "button", t.plain("timezone.yes")),
        Action("password", "text", password),
        Action("password again", "text", password),
        Action("terms: agree", "button", t.plain("terms.agree")),
        Action("Confirm", "button", t.plain("summary.confirm")),
    ]


@dataclass(frozen=True, slots=True)
class Customer:
    """A simulated customer: who they are on Telegram and what they will do."""

    email: str
    phone: str
    actions: list[Action]


def customers(t: Translator, count: int) -> list[Customer]:
    """Return ``count`` distinct customers (own email and phone number each)."""
    return [
        Customer(
            email=f"customer{number}@example.com",
            phone=f"+61412{number:06d}",
            actions=signup_actions(
                t, email=f"customer{number}@example.com", password=CUSTOMER_PASSWORD
            ),
        )
        for number in range(count)
    ]


async def perform_on_bot(actor: Any, action: Action) -> None:
    """Do an action in the real bot's chat, by the labels the bot shows."""
    if action.kind == "text":
        await actor.send(action.value)
    elif action.kind == "button":
        await actor.tap(action.value)
    else:  # a reply-keyboard button; the contact one shares the contact
        await actor.press(action.value)
