"""The staff features' services, built once per application from the shared :class:`Services`."""

from __future__ import annotations

import logging
import random as random_module
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.crypto import KeyState, load_cipher
from bot.i18n import Translator
from bot.invites import InviteService
from bot.services import Services
from bot.staff import StaffDirectory, hide_link_tokens_in_logs
from bot.staff_sessions import StaffSessions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StaffServices:
    """Who is staff, their stored ClickBook sign-ins, and their invitations."""

    services: Services
    directory: StaffDirectory
    sessions: StaffSessions
    invites: InviteService

    @property
    def key_state(self) -> KeyState:
        """Whether ``CLICKBOT_SECRET_KEY`` is usable (sign-ins, invites and polling need it)."""
        return self.sessions.key_state

    def default_translator(self) -> Translator:
        """Return a translator in the bot's default language."""
        return self.services.catalogs.translator(self.services.settings.default_language)

    async def translator_for(self, telegram_id: int) -> Translator:
        """Return a translator in the staff member's stored language (else the default)."""
        profile = await self.directory.profile(telegram_id)
        if profile is None or not profile.language:
            return self.default_translator()
        return self.services.catalogs.translator(profile.language)


def build_staff_services(
    services: Services, *, random: Callable[[], float] = random_module.random
) -> StaffServices:
    """Build the staff services; log once, clearly, when the secret key is missing or bad."""
    hide_link_tokens_in_logs()
    settings = services.settings
    cipher, key_state = load_cipher(settings.secret_key)
    if key_state is KeyState.MISSING:
        log.warning(
            "staff sign-in, invites and acceptance polling are OFF: CLICKBOT_SECRET_KEY is not "
            "set (create one with `clickbot secret`)"
        )
    elif key_state is KeyState.INVALID:
        log.error(
            "staff sign-in, invites and acceptance polling are OFF: CLICKBOT_SECRET_KEY is not "
            "a valid key (create one with `clickbot secret`)"
        )
    directory = StaffDirectory(
        store=services.store,
        clock=services.clock,
        owner_ids=settings.owner_ids,
        link_lifetime=timedelta(minutes=settings.staff_link_minutes),
    )
    sessions = StaffSessions(
        store=services.store,
        client=services.clickbook,
        clock=services.clock,
        cipher=cipher,
        key_state=key_state,
    )
    invites = InviteService(
        store=services.store,
        client=services.clickbook,
        sessions=sessions,
        clock=services.clock,
        poll_interval=timedelta(seconds=settings.invite_poll_seconds),
        random=random,
        stats=services.stats,
    )
    return StaffServices(
        services=services, directory=directory, sessions=sessions, invites=invites
    )
