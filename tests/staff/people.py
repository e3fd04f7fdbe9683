"""Play owners, staff and customers through the staff features, reading catalog keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.i18n import Translator
from bot.sandbox.world import World
from tests.support.chat import visible

STAFF_EMAIL = "staff@sandbox.example"
STAFF_PASSWORD = "sandbox-staff-1"  # noqa: S105 - the sandbox's seeded, public test account
CLIENT_PASSWORD = "Client-pass-1"  # noqa: S105 - what the simulated client chooses
LINK = re.compile(r"https://t\.me/\w+\?start=(staff_[\w-]+)")


@dataclass
class Person:
    """A simulated Telegram user and the catalog of their language."""

    world: World
    actor: Any
    language: str = "en"

    @property
    def id(self) -> int:
        """The Telegram user id (also their private chat's id)."""
        return int(self.actor.id)

    @property
    def t(self) -> Translator:
        """The catalog of the person's language."""
        return self.world.catalogs.translator(self.language)

    @property
    def last_text(self) -> str:
        """The newest bot message's visible text."""
        return self.actor.last.text or ""

    def sees(self, key: str, **params: Any) -> bool:
        """Tell whether the newest bot message shows ``key``'s text."""
        return visible(self.t(key, **params)) in self.last_text

    def assert_sees(self, key: str, **params: Any) -> None:
        """Fail with the newest message when it does not show ``key``'s text."""
        expected = visible(self.t(key, **params))
        assert expected in self.last_text, (
            f"expected {key!r} ({expected!r}) in the newest message:\n{self.last_text}"
        )

    def sees_only(self, key: str) -> bool:
        """Tell whether the newest message is ``key``'s text alone, whatever its placeholders hold.

        Stricter than a substring: "wrong password" followed by "limited" is not "limited".
        """
        parts = [re.escape(visible(part)) for part in re.split(r"\{\w+\}", self.t.messages[key])]
        return re.fullmatch(r"\s*.+?\s*".join(parts), self.last_text, re.DOTALL) is not None

    def received_any(self, key: str) -> list[str]:
        """Return every bot message that shows ``key``'s text, whatever its placeholders hold."""
        parts = [visible(part).strip() for part in re.split(r"\{\w+\}", self.t.messages[key])]
        fixed = [part for part in parts if part]
        return [
            m.text
            for m in self.actor.bot_messages
            if m.text and all(part in m.text for part in fixed)
        ]

    def received(self, key: str, **params: Any) -> list[str]:
        """Return every bot message (oldest first) that shows ``key``'s text."""
        expected = visible(self.t(key, **params))
        return [m.text for m in self.actor.bot_messages if m.text and expected in m.text]

    def menu(self) -> list[str]:
        """Return the commands of the menu this user sees."""
        return [command.command for command in self.actor.command_menu]

    def label(self, key: str, **params: Any) -> str:
        """Return the button label of a catalog key."""
        return self.t.plain(key, **params)

    async def tap(self, key: str, **params: Any) -> None:
        """Tap the button labelled with a catalog key."""
        await self.actor.tap(self.label(key, **params))

    async def choose(self, key: str, **params: Any) -> None:
        """Use the button labelled with a catalog key, on the reply keyboard or inline."""
        await self.actor.use(self.label(key, **params))

    async def send(self, text: str) -> None:
        """Type a message."""
        await self.actor.send(text)

    async def make_link(self) -> str:
        """As an owner: create a staff link and return its ``/start`` payload."""
        await self.send("/staff_link")
        match = LINK.search(self.last_text)
        assert match, f"no staff link in: {self.last_text}"
        return match.group(1)

    async def open_link(self, payload: str) -> None:
        """Open a staff deep link, as Telegram does: ``/start <payload>``."""
        await self.send(f"/start {payload}")

    async def sign_in(self, email: str = STAFF_EMAIL, password: str = STAFF_PASSWORD) -> None:
        """Run /signin with the given credentials."""
        await self.send("/signin")
        await self.send(email)
        await self.send(password)

    async def fill_invite(
        self,
        *,
        first: str = "Ann",
        last: str = "Lee",
        phone: str = "+61 2 9876 5432",
        mobile: str | None = None,
        email: str = "ann@example.com",
    ) -> None:
        """Run /invite up to the summary."""
        await self.send("/invite")
        await self.send(first)
        await self.send(last)
        await self.send(phone)
        if mobile is None:
            await self.tap("form.skip")
        else:
            await self.send(mobile)
        await self.send(email)
        await self.choose("email.yes")

    async def invite(self, **answers: str) -> None:
        """Run /invite through Confirm."""
        await self.fill_invite(**answers)
        await self.tap("invite.summary.confirm")


def person(world: World, first_name: str, last_name: str = "", language: str = "en") -> Person:
    """Create a simulated Telegram user."""
    actor = world.emulator.user(
        first_name=first_name, last_name=last_name or None, language_code=language
    )
    return Person(world=world, actor=actor, language=language)


async def outbox_id(world: World, email: str) -> str:
    """Return the ClientFileID of the newest invitation emailed to ``email``."""
    outbox = await world.control("GET", "/_sandbox/outbox")
    sent = [mail for mail in outbox if mail["to"] == email]
    assert sent, f"no invitation emailed to {email}: {outbox}"
    return str(sent[-1]["client_file_id"])


async def accept(world: World, email: str) -> None:
    """Accept the invitation sent to ``email`` as the client would, on ClickBook."""
    client_file_id = await outbox_id(world, email)
    await world.control(
        "POST",
        f"/_sandbox/invitations/{client_file_id}/accept",
        {"password": CLIENT_PASSWORD},
    )
