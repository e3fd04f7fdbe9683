"""Fixtures for the domain tests: ClickBook's zone list and fixed moments in both seasons."""

from datetime import UTC, datetime

import pytest

from bot.clickbook.timezones import TimeZone
from tests.domain.domino_zones import DOMINO_ZONES


@pytest.fixture(scope="session")
def zones() -> list[TimeZone]:
    return [TimeZone.parse(value, label) for value, label in DOMINO_ZONES]


@pytest.fixture(scope="session")
def january() -> datetime:
    """Northern winter, southern summer: 03:05 UTC on 15 January 2025."""
    return datetime(2025, 1, 15, 3, 5, tzinfo=UTC)


@pytest.fixture(scope="session")
def july() -> datetime:
    """Northern summer, southern winter: 03:05 UTC on 15 July 2025."""
    return datetime(2025, 7, 15, 3, 5, tzinfo=UTC)
