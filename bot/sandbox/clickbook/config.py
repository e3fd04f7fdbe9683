"""The sandbox's seed (staff account, API key) and the URLs a bot must be configured with."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SandboxConfig:
    """What the sandbox is seeded with; every reset returns to it."""

    staff_email: str = "staff@sandbox.example"
    staff_password: str = field(default="sandbox-staff-1", repr=False)
    staff_name: str = "Sam Staff"
    api_key: str = field(default="sandbox-api-key", repr=False)
    business_name: str = "Sandbox Studio"

    def __post_init__(self) -> None:
        """Reject a seed the sandbox could not serve."""
        if not self.api_key:
            raise ValueError("api_key must not be empty")
        if len(self.staff_name.split()) < 2:
            raise ValueError("staff_name must be 'First Last'")
        if "@" not in self.staff_email:
            raise ValueError("staff_email must be an email address")
        if not self.staff_password:
            raise ValueError("staff_password must not be empty")


@dataclass(frozen=True)
class SandboxUrls:
    """The three base URLs a ClickBook client is configured with."""

    api_url: str
    """Base of the SOAP services: ``<origin>/wsapi/latest/`` (append ``ClickBookPublic`` ...)."""
    auth_url: str
    """Sign-in URL: ``<origin>/auth/auth.nsf/LoginOK``."""
    logout_url: str
    """Sign-out URL: ``<origin>/names.nsf``."""


def sandbox_urls(origin: str) -> SandboxUrls:
    """Return the URLs of a sandbox served at ``origin`` (e.g. ``http://127.0.0.1:8099``)."""
    origin = origin.rstrip("/")
    return SandboxUrls(
        api_url=f"{origin}/wsapi/latest/",
        auth_url=f"{origin}/auth/auth.nsf/LoginOK",
        logout_url=f"{origin}/names.nsf",
    )
