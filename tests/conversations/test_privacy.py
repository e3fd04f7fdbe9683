"""``/privacy`` (issue 10, item 6): a customer sees what the bot keeps and deletes it.

After a deletion every table of the SQLite file is read, every column (PTB's conversation
states and documents included), and no value may name the customer: their Telegram id,
email, names or phone number.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.housekeeping import DRAFT_RETENTION
from bot.sandbox.clickbook import ManualClock
from bot.sandbox.world import World
from tests.support.chat import bot_problems, customer
from tests.support.traces import bob, pending_at_clickbook, traces, zelda


async def test_a_customer_sees_their_data_deletes_it_and_nothing_names_them_afterwards(
    world: World,
) -> None:
    zed = zelda(world)
    ben = bob(world)
    await zed.send("/language")
    await zed.actor.tap("English")
    await zed.sign_up()
    zed.assert_sees("submit.done", name="Zelda Quirke")
    await ben.start()
    await ben.fill_to("phone")

    await zed.send("/privacy")

    zed.assert_sees("privacy.title")
    zed.assert_sees("privacy.language", language="English")
    zed.assert_sees(
        "privacy.registration",
        name="Zelda Quirke",
        email="zelda.quirke@example.com",
        when="2026-03-02 09:30",
    )
    zed.assert_sees("privacy.consent", when="2026-03-02 09:30")
    zed.assert_sees("privacy.clickbook")
    assert "Bob" not in zed.actor.last.text
    assert traces(world.database, zed), "the scan finds nothing even before the deletion"

    await zed.tap("privacy.delete")
    zed.assert_sees("privacy.confirm_prompt")
    await zed.tap("privacy.confirm")

    zed.assert_sees("privacy.deleted")
    assert bot_problems(world) == []
    await world.stop()
    assert traces(world.database, zed) == []
    assert traces(world.database, ben), "the other customer's data must stay"

    await world.start()
    await zed.send("/start")
    zed.assert_sees("start.welcome", business="ClickBook", name="Zelda")
    await ben.send("/start")
    ben.assert_sees("start.resume")


async def test_a_customer_in_the_middle_of_signing_up_is_forgotten_too(world: World) -> None:
    zed = zelda(world)
    await zed.start()
    await zed.fill_to("terms")

    await zed.send("/privacy")

    zed.assert_sees("privacy.draft", until="2026-04-01 09:30", days=DRAFT_RETENTION.days)
    zed.assert_sees("privacy.password", minutes=30)
    assert "zelda.quirke@example.com" in zed.actor.last.text
    assert "Sydney" in zed.actor.last.text
    assert zed.password not in zed.actor.last.text
    await zed.tap("privacy.delete")
    await zed.tap("privacy.confirm")

    zed.assert_sees("privacy.deleted")
    assert len(world.vault) == 0
    await world.stop()
    assert traces(world.database, zed) == []
    await world.start()
    await zed.send("hello")
    zed.assert_sees("start.welcome", business="ClickBook", name="Zelda")


async def test_keep_deletes_nothing(world: World) -> None:
    zed = zelda(world)
    await zed.sign_up()

    await zed.send("/privacy")
    await zed.tap("privacy.delete")
    await zed.tap("privacy.keep")

    zed.assert_sees("privacy.not_deleted")
    assert world.store is not None
    assert await world.store.get_registration(zed.actor.id) is not None


async def test_someone_the_bot_knows_nothing_about_gets_no_delete_button(world: World) -> None:
    stranger = customer(world)

    await stranger.send("/privacy")

    stranger.assert_sees("privacy.nothing")
    stranger.assert_sees("privacy.notice")
    assert stranger.actor.last.buttons == []


async def test_deletion_waits_while_the_registration_is_on_its_way_to_clickbook(
    world: World, clock: ManualClock
) -> None:
    zed = zelda(world)
    await pending_at_clickbook(zed)

    await zed.send("/privacy")
    zed.assert_sees(
        "privacy.registration_pending",
        name="Zelda Quirke",
        email="zelda.quirke@example.com",
        when="2026-03-02 09:30",
    )
    await zed.tap("privacy.delete")
    await zed.tap("privacy.confirm")

    zed.assert_sees("privacy.busy", until="2026-03-03 10:30")
    assert world.store is not None
    registration = await world.store.get_registration(zed.actor.id)
    assert registration is not None
    assert registration.state == "stub_created"

    clock.advance(world.settings.registration_retry * 2)
    await world.run_jobs()
    zed.assert_sees("submit.done", name="Zelda Quirke")
    await zed.send("/privacy")
    await zed.tap("privacy.delete")
    await zed.tap("privacy.confirm")
    zed.assert_sees("privacy.deleted")
    await world.stop()
    assert traces(world.database, zed) == []
    await world.start()


@pytest.fixture
def settings() -> Settings:
    """A business that publishes its own privacy notice."""
    return Settings(
        business_timezone="Australia/Sydney",
        terms_url="https://example.com/terms",
        privacy_url="https://example.com/privacy?a=1&b=2",
    )


async def test_the_welcome_and_privacy_link_the_business_notice(world: World) -> None:
    zed = zelda(world)

    await zed.send("/start")

    zed.assert_sees("start.privacy_more")
    link = '<a href="https://example.com/privacy?a=1&amp;b=2">'
    [welcome] = [call for call in world.emulator.calls_to("sendMessage")]
    assert link in welcome.params["text"]
    await zed.send("/privacy")
    assert "https://example.com/privacy?a=1&b=2" in zed.actor.last.text


def raw_bytes(database: Path) -> bytes:
    """Return the database file and its write-ahead log as they are on disk now."""
    files = [database, database.with_name(database.name + "-wal")]
    return b"".join(path.read_bytes() for path in files if path.exists())


async def test_the_deleted_bytes_leave_the_file_and_its_log_too(world: World) -> None:
    zed = zelda(world)
    ben = bob(world)
    await zed.sign_up()
    await ben.start()
    await ben.fill_to("phone")
    await zed.send("/privacy")
    await zed.tap("privacy.delete")
    assert zed.email.encode() in raw_bytes(world.database)

    await zed.tap("privacy.confirm")

    on_disk = raw_bytes(world.database)
    assert zed.email.encode() not in on_disk
    assert b"Quirke" not in on_disk
    assert ben.email.encode() in on_disk


async def test_what_the_customer_typed_is_shown_escaped(world: World) -> None:
    tom = customer(world, first_name="Tom", email="tom&jerry@example.com")
    await tom.start()
    await tom.fill_to("phone")

    await tom.send("/privacy")

    sent = world.emulator.calls_to("sendMessage")[-1].params["text"]
    assert "tom&amp;jerry@example.com" in sent
    assert "tom&jerry@example.com" in tom.actor.last.text


async def test_a_sign_up_opened_but_not_answered_is_called_that(world: World) -> None:
    zed = zelda(world)
    await zed.send("/start")

    await zed.send("/privacy")

    zed.assert_sees("privacy.draft_empty", until="2026-04-01 09:30", days=DRAFT_RETENTION.days)
    assert zed.actor.last.buttons != []
