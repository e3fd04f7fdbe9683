"""Which Bot API calls each sign-up step cost: counted from the emulator's call log.

A call belongs to a customer by its ``chat_id`` or, for ``answerCallbackQuery``, by the
callback query it answers; to a step by when it was made: a customer's actions run one after
another, so a call of theirs belongs to the last action of theirs that started before the
emulator logged it (a call a step leaves running in the background counts for that step).
Calls of nobody's chat (the command menus at start-up, ``getMe``) are counted apart.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.sandbox.telegram.views import ApiCall

UNATTRIBUTED = -1


def is_chat_bound(call: ApiCall) -> bool:
    """Return whether the call names a chat (what Telegram's per-chat and 30/s limits count)."""
    return call.params.get("chat_id") not in (None, "")


@dataclass
class CallTally:
    """Bot API calls by step (index in the script, or ``UNATTRIBUTED``) and method."""

    by_step: dict[int, Counter[str]] = field(default_factory=dict)
    chat_by_step: dict[int, Counter[str]] = field(default_factory=dict)

    def add(self, step: int, call: ApiCall) -> None:
        """Count one call for ``step``."""
        self.by_step.setdefault(step, Counter())[call.method] += 1
        if is_chat_bound(call):
            self.chat_by_step.setdefault(step, Counter())[call.method] += 1

    @property
    def total(self) -> int:
        """Return every call counted."""
        return sum(sum(methods.values()) for methods in self.by_step.values())

    @property
    def chat_bound(self) -> int:
        """Return the calls with a ``chat_id``."""
        return sum(sum(methods.values()) for methods in self.chat_by_step.values())

    def by_method(self) -> tuple[Counter[str], Counter[str]]:
        """Return every call and the chat-bound ones, by method."""
        total: Counter[str] = Counter()
        chat: Counter[str] = Counter()
        for methods in self.by_step.values():
            total.update(methods)
        for methods in self.chat_by_step.values():
            chat.update(methods)
        return total, chat


def tally_calls(
    calls: Sequence[ApiCall],
    *,
    first: int,
    owners: Mapping[str, int],
    step_starts: Sequence[Sequence[int]],
) -> CallTally:
    """Attribute ``calls[first:]`` to customers' steps.

    ``owners`` maps a chat id or a callback query id (as text) to a customer's index;
    ``step_starts[customer][step]`` is how many calls the emulator had logged when that
    customer's step began.
    """
    tally = CallTally()
    for index in range(first, len(calls)):
        call = calls[index]
        key = call.params.get("chat_id") or call.params.get("callback_query_id")
        customer = owners.get(str(key)) if key is not None else None
        step = UNATTRIBUTED
        if customer is not None:
            step = bisect.bisect_right(step_starts[customer], index) - 1
        tally.add(step if step >= 0 else UNATTRIBUTED, call)
    return tally
