"""The operator's maintenance commands: ``rotate-key``, ``backup`` and ``db status``.

Each takes the validated settings, prints what it did in English (operator output) and
returns the process exit code; failures are one line naming the setting or the path.
"""

from __future__ import annotations

import sys

from bot.clock import utc_now
from bot.config import Settings
from bot.crypto import KeyState, load_cipher
from bot.key_rotation import rotate_stored_signins
from bot.storage import Store


def _say(line: str) -> None:
    print(line)  # noqa: T201


def _fail(line: str) -> int:
    print(f"clickbot: {line}", file=sys.stderr)  # noqa: T201
    return 1


async def rotate_key(settings: Settings) -> int:
    """Re-encrypt every stored staff sign-in with the first key of ``CLICKBOT_SECRET_KEY``."""
    cipher, state = load_cipher(settings.secret_key)
    if cipher is None:
        why = "is not set" if state is KeyState.MISSING else "is not a valid key list"
        return _fail(f"CLICKBOT_SECRET_KEY: {why}; nothing to rotate to")
    if not settings.database.is_file():
        return _fail(f"CLICKBOT_DATABASE: no database at {settings.database}")
    store = await Store.open(settings.database)
    try:
        report = await rotate_stored_signins(store, cipher, utc_now)
    finally:
        await store.close()
    _say(f"re-encrypted {report.rotated} stored staff sign-in(s) with the first key")
    if report.changed_meanwhile:
        _say(
            f"{report.changed_meanwhile} changed while rotating (stored by the running bot "
            "with its own first key); run rotate-key again if the bot has not been restarted "
            "with this key list"
        )
    if report.unreadable:
        _say(
            f"{report.unreadable} could be decrypted with none of the keys and were left as "
            "they are; those staff members will be asked to sign in again"
        )
    return 0
