"""Issue 9 items 2, 3, 8, 9 and 10: the time zone screen, its labels and its searches.

The clock is fixed in December (Sydney in summer time, UTC+11; New York at UTC-5), so every
offset and local time below holds in any season the tests run in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.domain.zones import city_name
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.support.chat import Customer, bot_problems, customer

DECEMBER = datetime(2026, 12, 2, 21, 25, tzinfo=UTC)
"""08:25 in Sydney (UTC+11), 16:25 in New York (UTC-5), 00:25 in Moscow (UTC+3)."""
CHAT_BOUND = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "deleteMessage")


@pytest.fixture
def clock() -> ManualClock:
    """The bot's and the sandbox's clock, in the southern summer."""
    return ManualClock(DECEMBER)


@pytest.fixture(autouse=True)
async def _nothing_failed(world: World) -> AsyncIterator[None]:
    yield
    assert bot_problems(world) == []


def buttons(ann: Customer) -> list[str]:
    """Return every inline button label on the newest screen."""
    return [label for row in ann.actor.last.buttons for label in row]


async def at_zone_step(world: World, **kwargs: Any) -> Customer:
    """Return a customer at the time zone step, with the country their phone implies."""
    ann = customer(world, **kwargs)
    await ann.start()
    await ann.fill_to("country")
    await ann.actor.tap(buttons(ann)[0])
    ann.assert_asks("timezone")
    return ann


async def zones_seen(ann: Customer) -> list[str]:
    """Page through the likely zones; return every zone button and each page's number."""
    seen = buttons(ann)
    while ann.label("picker.next") in buttons(ann):
        await ann.tap("picker.next")
        seen += buttons(ann)
    return seen


async def clickbook_zone(ann: Customer) -> str:
    """Return the time zone ClickBook received for the customer's account."""
    [user] = (await ann.world.clickbook_state())["users"]
    return str(user["details"]["inp-timezone"])


# Item 2: the zone the phone implies first, then all of the country's zones, paged.


async def test_a_new_york_number_offers_new_york_first_then_every_us_zone(world: World) -> None:
    ann = await at_zone_step(world, phone="+17185550100")

    assert buttons(ann)[0] == "New York · 16:25"
    seen = await zones_seen(ann)
    for place in ("Chicago", "Denver", "Los Angeles", "Honolulu"):
        assert any(label.startswith(f"{place} · ") for label in seen), seen
    assert "1/2" in seen
    assert "2/2" in seen
    # The business (in Sydney) is offered too, after the country's, marked as such.
    assert seen.index("🏢 Sydney · 08:25") > seen.index("Chicago · 15:25")
    ann.assert_sees("timezone.business_note")

    await ann.tap("picker.previous")
    await ann.actor.tap("New York · 16:25")
    ann.assert_sees("timezone.confirm", zone="New York (UTC-05:00)", time="16:25")
    await ann.tap("timezone.yes")
    await ann.fill_to(start_at="password")
    await ann.tap("summary.confirm")
    assert "ZN=US Eastern" in await clickbook_zone(ann)


async def test_russia_lists_its_zones_beyond_ekaterinburg(world: World) -> None:
    ann = await at_zone_step(world, phone="+74232123456")  # a Vladivostok landline

    assert buttons(ann)[0] == "Vladivostok · 07:25"
    seen = await zones_seen(ann)
    for place in ("Moscow", "Yekaterinburg", "Novosibirsk", "Irkutsk", "Magadan"):
        assert any(label.startswith(f"{place} · ") for label in seen), seen
    assert "1/3" in seen
    assert "3/3" in seen


async def test_every_page_of_all_time_zones_is_numbered(world: World) -> None:
    ann = await at_zone_step(world)
    await ann.tap("timezone.all")
    total = sum(1 for label in buttons(ann) if label.startswith("1/"))
    assert total == 1

    await ann.tap("picker.next")
    await ann.tap("picker.next")

    pages = next(label for label in buttons(ann) if "/" in label and label[0].isdigit())
    assert pages.startswith("3/")
    assert int(pages.split("/")[1]) > 10


# Item 3: today's real offset and local time; searches by offset, abbreviation, city.


async def test_sydney_in_december_reads_utc_plus_11(world: World) -> None:
    ann = await at_zone_step(world)

    await ann.actor.tap("Sydney · 08:25")

    ann.assert_sees("timezone.confirm", zone="Sydney (UTC+11:00)", time="08:25")
    await ann.tap("timezone.yes")
    await ann.fill_to(start_at="password")
    assert "Sydney (UTC+11:00)" in ann.actor.last.text  # the summary
    await ann.tap("summary.confirm")
    assert "ZN=AUS Eastern" in await clickbook_zone(ann)


async def test_plus_10_finds_zones_at_plus_10_today(world: World) -> None:
    ann = await at_zone_step(world)

    await ann.send("+10")

    ann.assert_sees("timezone.results")
    assert "Brisbane · 07:25" in buttons(ann)
    assert not [label for label in buttons(ann) if "Sydney" in label or "Canberra" in label]


@pytest.mark.parametrize(
    ("typed", "first", "absent"),
    [
        pytest.param("EST", "New York · 16:25", "Budapest", id="est-not-budapest"),
        pytest.param("cet", "Oslo · 22:25", "New York", id="cet"),
        pytest.param("MSK", "Moscow · 00:25", "Budapest", id="msk"),
    ],
)
async def test_search_by_abbreviation(world: World, typed: str, first: str, absent: str) -> None:
    ann = await at_zone_step(world)

    await ann.send(typed)

    ann.assert_sees("timezone.results")
    assert buttons(ann)[0] == first
    assert not [label for label in buttons(ann) if absent in label]


async def test_aedt_is_sydneys_summer_time(world: World) -> None:
    ann = await at_zone_step(world)

    await ann.send("AEDT")

    assert "Sydney · 08:25" in buttons(ann)
    assert "Hobart · 08:25" in buttons(ann)


@pytest.mark.parametrize(
    ("language", "typed", "zone", "time"),
    [
        pytest.param("ru", "Москва", "Москва (UTC+03:00)", "00:25", id="ru-moscow"),
        pytest.param("ru", "москва", "Москва (UTC+03:00)", "00:25", id="ru-lower-case"),
        pytest.param("de", "Zurich", "Zürich (UTC+01:00)", "22:25", id="de-without-accent"),
        pytest.param("es", "Nueva York", "Nueva York (UTC-05:00)", "16:25", id="es-new-york"),
        pytest.param("es", "sidney", "Sídney (UTC+11:00)", "08:25", id="es-accents"),
    ],
)
async def test_city_search_in_the_users_language_goes_straight_to_the_confirmation(
    world: World, language: str, typed: str, zone: str, time: str
) -> None:
    ann = await at_zone_step(world, language=language)

    await ann.send(typed)

    ann.assert_sees("timezone.confirm", zone=zone, time=time)
    await ann.tap("timezone.yes")
    ann.assert_asks("password")


@pytest.mark.parametrize("language", ["es", "de", "ru"])
async def test_zone_buttons_show_localized_names(world: World, language: str) -> None:
    ann = await at_zone_step(world, language=language, phone="+17185550100")

    assert buttons(ann)[0] == f"{city_name('America/New_York', language)} · 16:25"
    assert f"{city_name('America/Chicago', language)} · 15:25" in buttons(ann)


@pytest.mark.parametrize("language", ["es", "de", "ru"])
async def test_offset_search_results_show_localized_names(world: World, language: str) -> None:
    ann = await at_zone_step(world, language=language)

    await ann.send("+10")

    assert f"{city_name('Australia/Brisbane', language)} · 07:25" in buttons(ann)


async def test_the_russian_prompt_gives_a_russian_example(world: World) -> None:
    ann = await at_zone_step(world, language="ru")

    assert "Москва" in ann.actor.last.text
    assert "Sydney" not in ann.actor.last.text


# Item 8: typed text that is a button's place acts as that button; one hit, no list.


async def test_typing_the_place_of_a_button_acts_as_the_button(world: World) -> None:
    ann = await at_zone_step(world)
    assert "🏢 Sydney · 08:25" in buttons(ann)

    await ann.send("Sydney")

    ann.assert_sees("timezone.confirm", zone="Sydney (UTC+11:00)", time="08:25")
    assert not ann.sees("timezone.results")


async def test_a_country_search_with_one_hit_takes_it(world: World) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to("country")

    await ann.send("Australi")

    assert not ann.sees("country.results")
    ann.assert_asks("timezone")
    assert (await ann.draft_answers())["country"] == "AU"


# Item 9: when answers disagree, ask once.


@pytest.mark.parametrize(
    ("answer", "zone_sent"),
    [("country.zone_again", "ZN=W. Europe"), ("country.keep_zone", "ZN=AUS Eastern")],
    ids=["choose-again", "keep"],
)
async def test_a_new_country_questions_the_zone_chosen_before(
    world: World, answer: str, zone_sent: str
) -> None:
    ann = customer(world)
    await ann.start()
    await ann.fill_to()
    await ann.tap("form.edit_field", field=ann.t.plain("field.country"))

    await ann.send("Germany")

    assert (
        "Your time zone is Sydney but your country is now Germany: keep it or choose again?"
        in ann.actor.last.text
    )
    await ann.tap(answer, zone="Sydney")
    if answer == "country.zone_again":
        ann.assert_asks("timezone")
        assert buttons(ann)[0] == "Berlin · 22:25"
        await ann.actor.tap("Berlin · 22:25")
        await ann.tap("timezone.yes")
    ann.assert_sees("summary.title")
    await ann.tap("summary.confirm")
    [user] = (await world.clickbook_state())["users"]
    assert user["details"]["inp-country"] == "Germany"
    assert zone_sent in user["details"]["inp-timezone"]


async def test_a_uk_phone_with_country_australia_is_questioned_once(world: World) -> None:
    ann = customer(world, phone="+442079460000")
    await ann.start()
    await ann.fill_to("country")
    ann.assert_sees("country.from_phone", country="United Kingdom")
    await ann.tap("country.other")

    await ann.send("Australia")

    ann.assert_sees("country.phone_mismatch", phone_country="United Kingdom", country="Australia")
    await ann.tap("country.keep", country="Australia")
    ann.assert_asks("timezone")
    await ann.tap("form.back")
    await ann.send("Australia")
    ann.assert_asks("timezone")  # not asked a second time
    await ann.fill_to(start_at="timezone")
    await ann.tap("summary.confirm")
    [user] = (await world.clickbook_state())["users"]
    assert user["details"]["inp-country"] == "Australia"
    assert user["details"]["inp-telfixed"] == "442079460000"


async def test_accepting_every_suggestion_still_takes_14_actions(world: World) -> None:
    ann = customer(world)
    calls_before = len(world.emulator.calls)

    await ann.send("/start")  # 1
    await ann.tap("start.begin")  # 2
    await ann.actor.use("Ann")  # 3: the profile's first name
    await ann.actor.use("Lee")  # 4: and last name
    await ann.send(ann.email)  # 5
    await ann.choose("email.yes")  # 6
    await ann.actor.press(ann.label("phone.share"))  # 7
    await ann.actor.tap(buttons(ann)[0])  # 8: the country the phone implies
    await ann.actor.tap(buttons(ann)[0])  # 9: the first zone offered
    await ann.tap("timezone.yes")  # 10
    await ann.send(ann.password)  # 11
    await ann.send(ann.password)  # 12: again, to confirm it
    await ann.tap("terms.agree")  # 13
    await ann.tap("summary.confirm")  # 14

    ann.assert_sees("submit.done", name="Ann Lee")
    assert "ZN=AUS Eastern" in await clickbook_zone(ann)
    calls = world.emulator.calls[calls_before:]
    assert sum(1 for call in calls if call.method in CHAT_BOUND) <= 16


# Item 10: wording.


async def test_the_country_suggestion_reads_naturally(world: World) -> None:
    ann = customer(world, phone="+17185550100")
    await ann.start()
    await ann.fill_to("country")

    assert "from United States" not in ann.actor.last.text
    assert "Your phone number belongs to this country: United States." in ann.actor.last.text
