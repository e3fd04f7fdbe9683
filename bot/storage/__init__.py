"""The bot's storage: an aiosqlite store that knows nothing of Telegram or ClickBook.

``Store`` (``bot.storage.store``) is the whole API; its records, enums and errors are
re-exported here. The PTB persistence adapter lives in ``bot.storage.persistence`` and is
the only module of this package that imports ``telegram``; import it from there.
"""

from bot.storage._privacy import IN_FLIGHT, Forgotten, PersonalData
from bot.storage.errors import MigrationError, RegistrationExistsError, StorageError
from bot.storage.records import (
    Draft,
    Invite,
    InviteStatus,
    Registration,
    RegistrationState,
    StaffLink,
    StaffLinkResult,
    StaffMember,
)
from bot.storage.store import MEMORY, Store

__all__ = [
    "IN_FLIGHT",
    "MEMORY",
    "Draft",
    "Forgotten",
    "Invite",
    "InviteStatus",
    "MigrationError",
    "PersonalData",
    "Registration",
    "RegistrationExistsError",
    "RegistrationState",
    "StaffLink",
    "StaffLinkResult",
    "StaffMember",
    "StorageError",
    "Store",
]
