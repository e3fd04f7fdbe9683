"""Customers whose details are easy to find, and a scan of every stored value for them."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

from bot.sandbox.world import World
from tests.support.chat import Customer, customer

CLIENT_ATTEMPTS = 4
"""The ClickBook client's attempts at one call (a failure must outlast them)."""


def _findable(world: World, first: str, last: str, phone: str) -> Customer:
    """A customer whose every detail is easy to find in a database dump."""
    return customer(
        world,
        first_name=first,
        last_name=last,
        phone=phone,
        email=f"{first}.{last}@example.com".lower(),
        answers={"first_name": first, "last_name": last, "phone_digits": phone[-9:]},
    )


def zelda(world: World) -> Customer:
    """The customer who asks to be forgotten."""
    return _findable(world, "Zelda", "Quirke", "+61412987654")


def bob(world: World) -> Customer:
    """Another customer, whose data must survive Zelda's deletion."""
    return _findable(world, "Bob", "Marsh", "+61412111222")


async def pending_at_clickbook(person: Customer) -> None:
    """Sign ``person`` up with activation failing, so their registration stays in flight."""
    await person.start()
    await person.fill_to()
    await person.world.fail_clickbook("PROCESSREGSTUB", "http500", times=CLIENT_ATTEMPTS)
    await person.tap("summary.confirm")
    person.assert_sees("submit.pending")


def traces(database: Path, person: Customer) -> list[str]:
    """Return ``table.column = value`` for every stored value naming ``person``."""
    needles = [
        re.compile(rf"(?<!\d){person.actor.id}(?!\d)"),
        re.compile(re.escape(person.email), re.IGNORECASE),
        re.compile(re.escape(person.answers["first_name"])),
        re.compile(re.escape(person.answers["last_name"])),
        re.compile(person.answers["phone_digits"]),
    ]
    found = []
    with closing(sqlite3.connect(database)) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        assert {"users", "drafts", "registrations", "conversation_states"} <= set(tables)
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from SQLite
            columns = [column[0] for column in cursor.description]
            for row in cursor:
                for column, value in zip(columns, row, strict=True):
                    text = (
                        value.decode("utf-8", "replace")
                        if isinstance(value, bytes)
                        else str(value)
                    )
                    if any(needle.search(text) for needle in needles):
                        found.append(f"{table}.{column} = {text}")
    return found
