"""After sign-up a customer gets a home screen: what they can do next, never a dead end."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import Settings
from bot.sandbox.world import World
from tests.support.chat import Customer, customer

BUSINESS = "Sunny Salon"
BOOKING = "https://sunny.example.com/book"
RESET = "https://www.clickbook.net/reset"


@pytest.fixture
def settings() -> Settings:
    """A business with its name, booking page, contact and a password-reset page."""
    return Settings(
        business_timezone="Australia/Sydney",
        terms_url="https://example.com/terms",
        business_name=BUSINESS,
        booking_url=BOOKING,
        contact="@sunnysalon",
        password_reset_url=RESET,
    )


def links(ann: Customer) -> dict[str, str]:
    """Return the newest message's URL buttons, label to URL."""
    return {
        button["text"]: button["url"]
        for row in ann.actor.last.inline_keyboard
        for button in row
        if "url" in button
    }


def assert_home(ann: Customer, world: World) -> None:
    """Fail unless the newest message offers everything configured, as links."""
    assert links(ann) == {
        ann.label("home.book_button", business=BUSINESS): BOOKING,
        ann.label("home.sign_in_button"): world.settings.sign_in_url,
        ann.label("home.reset_button"): RESET,
        ann.label("home.contact_button", business=BUSINESS): "https://t.me/sunnysalon",
    }
    ann.assert_sees("home.book", business=BUSINESS)
    ann.assert_sees("home.reset")


async def test_the_welcome_names_the_business(world: World) -> None:
    ann = customer(world)

    await ann.send("/start")

    ann.assert_sees("start.welcome", name="Ann", business=BUSINESS)


async def test_the_sign_up_ends_on_the_home_screen(world: World) -> None:
    ann = customer(world)

    await ann.sign_up()

    ann.assert_sees("submit.done", name="Ann Lee")
    assert_home(ann, world)


@pytest.mark.parametrize("sent", ["/start", "hello?", "I'd like to book on Friday"])
async def test_a_registered_customer_who_writes_gets_the_home_screen(
    world: World, sent: str
) -> None:
    ann = customer(world)
    await ann.sign_up()

    await ann.send(sent)

    ann.assert_sees("start.registered", name="Ann Lee", email=ann.email)
    assert_home(ann, world)
    assert not ann.sees("start.welcome", name="Ann", business=BUSINESS)


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        pytest.param({}, {"home.sign_in_button"}, id="nothing-configured"),
        pytest.param(
            {"contact": "call us on +61 2 9876 5432"},
            {"home.sign_in_button"},
            id="contact-as-text",
        ),
        pytest.param(
            {"contact": "https://sunny.example.com/contact"},
            {"home.sign_in_button", "home.contact_button"},
            id="contact-as-link",
        ),
    ],
)
async def test_only_what_is_configured_is_offered(
    tmp_path: Any, clock: Any, options: dict[str, str], shown: set[str]
) -> None:
    plain = Settings(business_timezone="Australia/Sydney", business_name=BUSINESS, **options)
    world = await World.create(
        tmp_path / "bot.db", settings=plain, clock=clock, sandbox_clock=clock
    )
    try:
        ann = customer(world)
        await ann.sign_up()

        assert set(links(ann)) == {ann.label(key, business=BUSINESS) for key in shown}
        ann.assert_sees("home.reset_on_sign_in")
        assert not ann.sees("home.book", business=BUSINESS)
        if options.get("contact", "").startswith("call"):
            ann.assert_sees("home.contact_text", business=BUSINESS, contact=options["contact"])
    finally:
        await world.stop()
