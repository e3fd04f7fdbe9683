"""Who is staff: owners from the config, staff added through one-time links; no Telegram here.

Owners are the Telegram ids in ``CLICKBOT_OWNER_IDS``; they are staff too and may create staff
links, list the staff and remove them. A staff link is a Telegram deep link
``t.me/<bot>?start=staff_<token>``:

- the token is 32 random url-safe characters (``secrets.token_urlsafe``, 192 bits);
- only its SHA-256 hash is stored, so a copy of the database cannot be turned into links;
- it expires ``CLICKBOT_STAFF_LINK_MINUTES`` after it was made (15 by default);
- redeeming it is one conditional UPDATE, so of two people opening it at once exactly one
  becomes staff (:meth:`bot.storage.Store.consume_staff_link`).

Each staff member's display name and language are kept as a small JSON document
(``staff_profile``) so that background messages (an invite accepted, "sign in again") are
written in their language and lists can name the inviter.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.storage import StaffLinkResult, StaffMember, Store

log = logging.getLogger(__name__)

LINK_PREFIX = "staff_"
"""Start of a staff link's ``/start`` payload; the token follows."""
TOKEN_BYTES = 24
"""Random bytes per token: 32 url-safe characters, well inside Telegram's 64."""
PAYLOAD = re.compile(rf"^{LINK_PREFIX}(?P<token>[A-Za-z0-9_-]{{16,56}})$")
PROFILE_KIND = "staff_profile"
TOKEN_IN_TEXT = re.compile(rf"{LINK_PREFIX}[A-Za-z0-9_-]{{16,}}")
BOT_API_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot")
"""PTB logs every Bot API call with its parameters at DEBUG: the staff link message too."""


class Role(StrEnum):
    """What a Telegram user may do."""

    OWNER = "owner"
    STAFF = "staff"
    CUSTOMER = "customer"

    @property
    def is_staff(self) -> bool:
        """Owners are staff too."""
        return self is not Role.CUSTOMER


class JoinOutcome(StrEnum):
    """What opening a staff link did."""

    JOINED = "joined"
    ALREADY_STAFF = "already_staff"
    """The opener was staff already; the link stays unused for someone else."""
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True)
class JoinResult:
    """The outcome of opening a staff link and, when someone joined, who made the link."""

    outcome: JoinOutcome
    created_by: int | None = None


@dataclass(frozen=True)
class NewLink:
    """A freshly made staff link; the token exists only here and in the message to the owner."""

    token: str = field(repr=False)
    expires_at: datetime

    @property
    def payload(self) -> str:
        """Return the ``/start`` payload of the deep link."""
        return LINK_PREFIX + self.token


@dataclass(frozen=True)
class StaffProfile:
    """How to address a staff member in background messages and lists."""

    name: str
    language: str


class LinkTokenFilter(logging.Filter):
    """Blank out staff link tokens in log records, so a debug log cannot hand out staff rights."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without tokens; never drop the record."""
        message = record.getMessage()
        if LINK_PREFIX in message:
            record.msg = TOKEN_IN_TEXT.sub(f"{LINK_PREFIX}<hidden>", message)
            record.args = ()
        return True


def hide_link_tokens_in_logs() -> None:
    """Install :class:`LinkTokenFilter` on PTB's Bot API loggers (once)."""
    for name in BOT_API_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, LinkTokenFilter) for existing in logger.filters):
            logger.addFilter(LinkTokenFilter())


def token_hash(token: str) -> str:
    """Return the SHA-256 hex digest under which a link's token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_from_payload(payload: str) -> str | None:
    """Return the token of a ``staff_<token>`` payload, or ``None`` if it is not one."""
    match = PAYLOAD.match(payload.strip())
    return match.group("token") if match else None


class StaffDirectory:
    """Roles, staff links, membership and staff profiles."""

    def __init__(
        self, *, store: Store, clock: Clock, owner_ids: frozenset[int], link_lifetime: timedelta
    ) -> None:
        self.store = store
        self.clock = clock
        self.owner_ids = owner_ids
        self.link_lifetime = link_lifetime

    async def role(self, telegram_id: int) -> Role:
        """Return the user's role, read afresh on every call (removal takes effect at once)."""
        if telegram_id in self.owner_ids:
            return Role.OWNER
        if await self.store.is_staff(telegram_id):
            return Role.STAFF
        return Role.CUSTOMER

    async def create_link(self, owner_id: int) -> NewLink:
        """Make a one-time staff link; only its hash is stored."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = self.clock()
        expires_at = now + self.link_lifetime
        await self.store.create_staff_link(
            token_hash(token), created_by=owner_id, expires_at=expires_at, now=now
        )
        log.info("owner %s created a staff link valid until %s", owner_id, expires_at)
        return NewLink(token=token, expires_at=expires_at)

    async def join(self, token: str, telegram_id: int) -> JoinResult:
        """Redeem a link for ``telegram_id``: use it up and make them staff, atomically."""
        hashed = token_hash(token)
        if (await self.role(telegram_id)).is_staff:
            link = await self.store.get_staff_link(hashed)
            if link is None:
                return JoinResult(JoinOutcome.UNKNOWN)
            return JoinResult(JoinOutcome.ALREADY_STAFF)
        now = self.clock()
        async with self.store.transaction():
            made_by = await self.store.get_staff_link(hashed)
            if made_by is not None and made_by.created_by not in self.owner_ids:
                # Its maker is no longer an owner: the link no longer grants anything.
                return JoinResult(JoinOutcome.UNKNOWN)
            result = await self.store.consume_staff_link(hashed, used_by=telegram_id, now=now)
            if result is not StaffLinkResult.OK:
                return JoinResult(JoinOutcome(result.value))
            link = await self.store.get_staff_link(hashed)
            assert link is not None
            await self.store.add_staff(telegram_id, added_by=link.created_by, now=now)
        log.info("user %s became staff through a link of %s", telegram_id, link.created_by)
        return JoinResult(JoinOutcome.JOINED, created_by=link.created_by)

    async def members(self) -> list[StaffMember]:
        """Return the staff added through links (owners are configured, not listed here)."""
        return await self.store.list_staff()

    async def remove(self, telegram_id: int) -> bool:
        """Remove a staff member with their stored sign-in; owners cannot be removed here."""
        if telegram_id in self.owner_ids:
            return False
        removed = await self.store.remove_staff(telegram_id)
        if removed:
            log.info("staff member %s removed", telegram_id)
        return removed

    async def profile(self, telegram_id: int) -> StaffProfile | None:
        """Return the stored name and language of a staff member, if known."""
        data = await self.store.get_document(PROFILE_KIND, telegram_id)
        if not isinstance(data, dict):
            return None
        return StaffProfile(name=str(data.get("name", "")), language=str(data.get("language", "")))

    async def remember_profile(self, telegram_id: int, *, name: str, language: str) -> bool:
        """Store the name and language to use for the staff member; ``True`` if they changed."""
        current = await self.profile(telegram_id)
        if current == StaffProfile(name=name, language=language):
            return False
        await self.store.put_document(
            PROFILE_KIND, telegram_id, {"name": name, "language": language}
        )
        return True

    async def display_name(self, telegram_id: int) -> str:
        """Return the staff member's name as last seen, or their Telegram id."""
        profile = await self.profile(telegram_id)
        return profile.name if profile and profile.name else f"#{telegram_id}"
