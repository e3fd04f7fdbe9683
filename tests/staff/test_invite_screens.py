"""The invite form's screens exactly: an optional question, Skip, and a summary of five fields.

Staff see the same engine as customers, with inline buttons under typed answers; the test reads
each screen whole and the Bot API calls of each action, and what the draft keeps.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.world import World
from tests.staff.people import Person
from tests.support.screens import Screens

FIELDS = ["field.first_name", "field.last_name", "field.phone", "field.mobile", "field.email"]


async def draft(world: World, bob: Person) -> dict[str, Any]:
    """Return the answers of Bob's invite draft (the engine's ``_`` keys left out)."""
    assert world.store is not None
    kept = await world.store.get_draft(bob.id, "iv")
    assert kept is not None
    return {key: value for key, value in kept.fields.items() if not key.startswith("_")}


async def test_every_screen_of_an_invitation_with_a_skipped_mobile(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in()
    s = Screens(world, bob, total=5)
    back, cancel, skip = s.label("form.back"), s.label("form.cancel"), s.label("form.skip")
    keep = s.label("form.keep")

    await bob.send("/invite")
    assert s.calls() == ["sendMessage"]
    assert bob.last_text == "\n\n".join(
        [s.text("invite.intro"), s.step(1, s.text("invite.first_prompt"))]
    )
    assert bob.actor.last.buttons == [[cancel]]

    # Each typed answer is answered below, and the question above loses its buttons.
    await bob.send("Ann")
    assert s.calls() == ["sendMessage", "editMessageReplyMarkup"]
    assert bob.last_text == s.step(2, s.text("invite.last_prompt"))
    assert bob.actor.last.buttons == [[back, cancel]]

    await bob.send("skip")  # no Skip here: the last name must be given
    assert bob.last_text == "\n\n".join(
        [s.text("form.word_unavailable", button=skip), s.step(2, s.text("invite.last_prompt"))]
    )
    assert await draft(world, bob) == {"first_name": "Ann"}

    await bob.send("Lee")
    await bob.send("+61 2 9876 5432")
    s.calls()
    assert bob.last_text == s.step(4, s.text("invite.mobile_prompt"))
    assert bob.actor.last.buttons == [[back, skip, cancel]]

    await bob.tap("form.skip")
    assert s.calls() == ["editMessageText"]
    assert bob.last_text == s.step(5, s.text("invite.email_prompt"))
    assert bob.actor.last.buttons == [[back, cancel]]
    assert (await draft(world, bob))["mobile"] is None

    await bob.send("ann@example.com")
    s.calls()
    await bob.choose("email.yes")  # on a reply keyboard, taken away for the summary's buttons
    assert s.calls() == ["sendMessage", "deleteMessage", "sendMessage"]
    summary = "\n".join(
        [
            s.text("invite.summary.title"),
            "",
            f"{s.label('field.first_name')}: Ann",
            f"{s.label('field.last_name')}: Lee",
            f"{s.label('field.phone')}: +61 2 9876 5432",
            f"{s.label('field.mobile')}: {s.text('form.skipped')}",
            f"{s.label('field.email')}: ann@example.com",
        ]
    )
    summary_rows = [
        *s.edit_rows(FIELDS),
        [s.label("invite.summary.confirm")],
        [back, cancel],
    ]
    assert bob.last_text == summary
    assert bob.actor.last.buttons == summary_rows

    # Re-asked, a skipped answer shows as skipped; Keep, Back, Skip and Cancel are offered.
    await bob.tap("form.edit_field", field=s.label("field.mobile"))
    assert s.calls() == ["editMessageText"]
    assert bob.last_text == s.step(
        4, s.text("invite.mobile_prompt"), current=s.text("form.skipped")
    )
    assert bob.actor.last.buttons == [[keep], [back, skip, cancel]]

    await bob.send("0412 345 678")
    assert s.calls() == ["sendMessage", "editMessageReplyMarkup"]
    assert bob.last_text == summary.replace(s.text("form.skipped"), "+61 412 345 678")
    assert bob.actor.last.buttons == summary_rows

    await bob.tap("form.edit_field", field=s.label("field.mobile"))
    assert bob.last_text == s.step(4, s.text("invite.mobile_prompt"), current="+61 412 345 678")
    await bob.tap("form.skip")
    assert s.calls() == ["editMessageText", "editMessageText"]
    assert bob.last_text == summary
    assert (await draft(world, bob))["mobile"] is None
