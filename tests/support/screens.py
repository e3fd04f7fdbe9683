"""Read a user's newest screen exactly, and the Bot API calls each of their actions cost."""

from __future__ import annotations

from typing import Any

from bot.bench.calls import is_chat_bound
from bot.i18n import Markup
from bot.sandbox.world import World
from tests.support.chat import visible


class Screens:
    """What ``who`` (a Customer or a staff Person) sees of a form of ``total`` questions."""

    def __init__(self, world: World, who: Any, total: int) -> None:
        self.world = world
        self.who = who
        self.total = total
        self.seen = len(world.emulator.calls)

    def calls(self) -> list[str]:
        """Return the chat-bound Bot API methods called since the last look."""
        calls = self.world.emulator.calls[self.seen :]
        self.seen = len(self.world.emulator.calls)
        return [call.method for call in calls if is_chat_bound(call)]

    def text(self, key: str, **params: Any) -> str:
        """Return the visible text of a catalog string."""
        return visible(self.who.t(key, **params))

    def label(self, key: str, **params: Any) -> str:
        """Return the button label of a catalog string."""
        return str(self.who.t.plain(key, **params))

    def step(self, number: int, *lines: str, current: str | None = None) -> str:
        """Return the text of a question: the step counter, the earlier answer, the lines."""
        head = [self.text("form.step", number=number, total=self.total)]
        if current is not None:
            head.append(self.text("form.current", value=Markup(current)))
        return "\n".join([*head, *lines])

    def edit_rows(self, titles: list[str]) -> list[list[str]]:
        """Return a summary's edit buttons (one per field title key), two by two."""
        edits = [self.label("form.edit_field", field=self.label(title)) for title in titles]
        return [edits[i : i + 2] for i in range(0, len(edits), 2)]
