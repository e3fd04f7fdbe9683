"""The services every flow needs, built once per application and handed to each flow."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from babel.core import get_global

from bot.background import BackgroundWork
from bot.clickbook import ClickBookClient
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Catalogs
from bot.metrics import Metrics
from bot.stats import Stats
from bot.storage import Store
from bot.vault import PasswordVault


@dataclass(frozen=True)
class Services:
    """Settings, storage, ClickBook, languages, the clock, the in-memory password vault and the
    work handlers leave running in the background; the application's metrics and the owner's
    numbers (``stats``, built here and fed by the ClickBook client's observer)."""

    settings: Settings
    store: Store
    clickbook: ClickBookClient
    catalogs: Catalogs
    clock: Clock
    vault: PasswordVault = field(default_factory=PasswordVault)
    background: BackgroundWork = field(default_factory=BackgroundWork)
    metrics: Metrics = field(default_factory=Metrics)
    stats: Stats = field(init=False)

    def __post_init__(self) -> None:
        self.vault.use_clock(self.clock)  # passwords expire by the application's clock
        stats = Stats(
            store=self.store,
            metrics=self.metrics,
            clock=self.clock,
            zone=ZoneInfo(self.settings.business_timezone),
            background=self.background,
        )
        object.__setattr__(self, "stats", stats)  # frozen: set once, here
        self.clickbook.observe(stats.clickbook_call)

    @property
    def home_region(self) -> str | None:
        """The country of the business's time zone: how to read phone numbers typed without +."""
        region = get_global("zone_territories").get(self.settings.business_timezone)
        return str(region) if region and len(region) == 2 else None
