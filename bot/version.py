"""The installed clickbot's version, read from the package metadata (``pyproject.toml``)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "clickbot"
UNKNOWN = "0+unknown"
"""Reported when the code runs without being installed (no metadata to read)."""


def package_version() -> str:
    """Return the installed distribution's version, e.g. ``0.1.0``."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return UNKNOWN
