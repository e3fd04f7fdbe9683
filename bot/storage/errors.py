"""Errors raised by the store.

```
StorageError
├── MigrationError            the database file cannot be brought to this code's schema
└── RegistrationExistsError   a live registration already exists for that Telegram user
```

JSON problems are reported as the standard ``TypeError`` / ``ValueError`` (see
``bot.storage.jsoncodec``), so callers need not know about storage to understand them.
"""

from __future__ import annotations


class StorageError(Exception):
    """Raised when the store cannot do what was asked; the root of the store's errors."""


class MigrationError(StorageError):
    """Raised when the database cannot be migrated (e.g. it was written by newer code)."""


class RegistrationExistsError(StorageError):
    """Raised when creating a registration for a user who has one that has not failed."""

    def __init__(self, telegram_id: int) -> None:
        super().__init__(f"telegram user {telegram_id} already has a registration in progress")
        self.telegram_id = telegram_id
