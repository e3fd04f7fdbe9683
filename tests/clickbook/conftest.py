"""Fixtures for the ClickBook client tests: valid forms and the seeded sandbox."""

from __future__ import annotations

from typing import Any

import pytest

AEST = "Z=-10$DO=1$DL=10 1 1 4 1 1$ZX=66$ZN=AUS Eastern"
"""A time zone value the sandbox serves (and ClickBook's documentation shows)."""

PASSWORD = "Secr3t-horse-battery"
"""A customer password; tests check it never shows up anywhere it should not."""


@pytest.fixture
def registration_data() -> dict[str, Any]:
    """Return keyword arguments for a valid Registration."""
    return {
        "first_name": "Ann",
        "last_name": "Lee",
        "phone": "61298765432",
        "mobile": "61412345678",
        "email": "ann.lee@example.com",
        "password": PASSWORD,
        "agree_terms": True,
        "timezone": AEST,
        "country": "Australia",
    }


@pytest.fixture
def client_file_data() -> dict[str, Any]:
    """Return keyword arguments for a valid ClientFile."""
    return {
        "first_name": "Bo",
        "last_name": "Chan",
        "phone": "442071234567",
        "email": "bo.chan@example.com",
    }
