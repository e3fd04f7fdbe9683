"""Store queries about Telegram users in general: their chosen language."""

from __future__ import annotations

from bot.storage._core import StoreCore


class UserQueries(StoreCore):
    """Per-user preferences."""

    async def get_language(self, telegram_id: int) -> str | None:
        """Return the language the user chose with ``/language``, if any."""
        # Only committed values are cached: inside a transaction the row may yet roll back.
        if telegram_id in self._languages and not self._inside_transaction():
            return self._languages[telegram_id]
        row = await self._fetch_one(
            "SELECT language FROM users WHERE telegram_id = ?", (telegram_id,)
        )
        language = None if row is None else str(row["language"])
        if not self._inside_transaction():
            self._languages[telegram_id] = language
        return language

    async def set_language(self, telegram_id: int, language: str) -> None:
        """Remember the user's language choice (replacing an earlier one)."""
        await self._execute(
            "INSERT INTO users (telegram_id, language) VALUES (?, ?) "
            "ON CONFLICT (telegram_id) DO UPDATE SET language = excluded.language",
            (telegram_id, language),
        )
        self._languages.pop(telegram_id, None)
