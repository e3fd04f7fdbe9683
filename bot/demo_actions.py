"""What can be typed in ``clickbot demo``: one table for its ``--help``, ``:help`` and the docs.

Kept apart from :mod:`bot.demo` so that the command line can show it without importing the
whole simulated world.
"""

from __future__ import annotations

ACTIONS: tuple[tuple[str, str], ...] = (
    ("text", "send that text as the current user (/start and other commands included)"),
    ("[label]", "tap the button whose label contains label (reply keyboard first)"),
    (":contact", 'share your own phone number (the "share my number" button)'),
    (":as NAME", "become another simulated Telegram user (created on first use)"),
    ("t.me/...?start=X", "open a deep link (a staff link), as tapping it in Telegram would"),
    (":link", "open the newest t.me link the bot has shown anyone (for scripts)"),
    (":accept EMAIL", "accept, as the client would, the invitation emailed to EMAIL"),
    (":jobs", "let the invite poll interval pass, then run the background jobs"),
    (":restart", "stop the bot and start a new one on the same database"),
    (":help", "list these actions"),
    (":quit", "end the demo (also :q, :exit)"),
)
"""Each action as typed, and what it does."""


def actions_help() -> str:
    """Return the actions as an aligned table, one per line, for a terminal."""
    width = max(len(action) for action, _ in ACTIONS)
    lines = ["actions (one per line; piped input is read the same way):"]
    lines += [f"  {action.ljust(width)}  {meaning}" for action, meaning in ACTIONS]
    return "\n".join(lines)
