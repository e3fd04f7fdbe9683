"""Settings: read once in ``main`` from the environment (and an optional ``.env``), passed down.

Every variable is prefixed ``CLICKBOT_``; ``.env.example`` lists them all. Nothing here runs at
import time, and secrets are ``SecretStr`` so that they never show up in a ``repr`` or a log line.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from bot.clickbook.client import DEFAULT_DEADLINE
from bot.crypto import parse_keys
from bot.i18n import LANGUAGES
from bot.updates import DEFAULT_BACKLOG, DEFAULT_CONCURRENCY

PREFIX = "CLICKBOT_"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"
DEFAULT_CLICKBOOK_AUTH_URL = "https://www.clickbook.net/auth/auth.nsf/LoginOK"
DEFAULT_CLICKBOOK_LOGOUT_URL = "https://www.clickbook.net/names.nsf"
DEFAULT_SIGN_IN_URL = "https://www.clickbook.net/"
"""ClickBook's public site, whose front page is where customers sign in; the contract names no
page of its own for signing in or resetting a password (only the API's ``LoginOK``)."""
TELEGRAM_USERNAME = re.compile(r"@([A-Za-z][A-Za-z0-9_]{4,31})")
"""An @username, as ``CLICKBOT_CONTACT`` may give one (Telegram's are 5 to 32 characters)."""
MAX_BUSINESS_NAME = 64
MAX_CONTACT = 200
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
"""What Telegram accepts as a webhook ``secret_token``."""
WEBHOOK_SECRET_MIN_LENGTH = 32
"""Shorter secrets are refused: the secret is the webhook's only authentication."""


class SettingsError(Exception):
    """Raised when the configuration is missing or invalid; one readable line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Settings(BaseModel):
    """Everything the bot needs to run, validated once."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    telegram_token: SecretStr | None = None
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    webhook_url: str | None = None
    """Public HTTPS URL Telegram should POST updates to; polling is used when unset."""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None

    clickbook_url: str | None = None
    """The SOAP services' base; ``None`` means the built-in sandbox, if that is asked for."""
    clickbook_sandbox: bool = False
    """``clickbot run`` serves users from the built-in sandbox only when this is asked for."""
    clickbook_auth_url: str = DEFAULT_CLICKBOOK_AUTH_URL
    clickbook_logout_url: str = DEFAULT_CLICKBOOK_LOGOUT_URL
    clickbook_api_key: SecretStr = SecretStr("")

    business_timezone: str = "UTC"
    """The business's IANA zone, offered first in the time zone picker."""
    business_name: str | None = Field(default=None, max_length=MAX_BUSINESS_NAME)
    """What customers book with, named in the welcome and the home screen; the bot's own name
    on Telegram when unset."""
    booking_url: str | None = None
    """Where customers book with the business; the home screen links it when set."""
    contact: str | None = Field(default=None, max_length=MAX_CONTACT)
    """How to reach the business: an @username or a URL (a button), or any text (shown)."""
    sign_in_url: str = DEFAULT_SIGN_IN_URL
    """The page where customers sign in to ClickBook."""
    password_reset_url: str | None = None
    """ClickBook's password-reset page; unset, customers are pointed to the sign-in page's."""
    terms_url: str = "https://www.clickbook.net/terms"
    privacy_url: str | None = None
    """The business's privacy notice, linked at /start and in /privacy (the built-in text
    is shown either way)."""
    allow_fictional_phones: bool = False
    """Accept phone numbers of fictional and test ranges (for the sandbox and the demo only)."""
    database: Path = Path("clickbot.db")
    default_language: str = "en"
    signups_per_day: int = Field(default=5, ge=1)
    """Sign-up submissions one Telegram user may make per day."""
    registration_retry_seconds: float = Field(default=30.0, gt=0)
    """First delay before the background job retries finishing a stored registration."""

    owner_ids: frozenset[int] = frozenset()
    secret_key: SecretStr | None = None
    """Fernet keys, comma separated: the first encrypts, all decrypt (see ``bot.crypto``)."""
    staff_link_minutes: int = Field(default=15, ge=1)
    invite_poll_seconds: float = Field(default=300.0, gt=0)
    staff_chat_id: int | None = None

    concurrent_updates: int = Field(default=DEFAULT_CONCURRENCY, ge=1, le=1024)
    """Updates processed at once (each user's stay in order, see :mod:`bot.updates`)."""
    user_backlog: int = Field(default=DEFAULT_BACKLOG, ge=1, le=1000)
    """Updates one user may have waiting before more are dropped with a notice."""
    clickbook_deadline_seconds: float = Field(default=DEFAULT_DEADLINE, gt=0, le=600)
    """The longest one ClickBook operation may take, retries and backoff included."""

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    """``json``: one JSON object per line (time, level, logger, message, exc_info)."""
    status_port: int = Field(default=0, ge=0, le=65535)
    """The status server's port (``/metrics``, ``/healthz``); 0 means no status server."""
    status_host: str = "127.0.0.1"

    @field_validator("business_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @field_validator("business_name", "contact")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not value.strip() or any(char in value for char in "\r\n"):
            raise ValueError("must be one line of text")
        return value.strip()

    @field_validator("default_language")
    @classmethod
    def _shipped_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}, not {value!r}")
        return value

    @field_validator("secret_key")
    @classmethod
    def _fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return value
        parse_keys(value)  # its ValueError names the key's position, never the key
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return value
        secret = value.get_secret_value()
        if not WEBHOOK_SECRET.fullmatch(secret):
            raise ValueError(
                "must be 1 to 256 of the characters A-Z a-z 0-9 _ - (Telegram's rule)"
            )
        if len(secret) < WEBHOOK_SECRET_MIN_LENGTH:
            raise ValueError(
                f"must be at least {WEBHOOK_SECRET_MIN_LENGTH} characters (make one with "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        return value

    @field_validator(
        "telegram_api_url",
        "clickbook_url",
        "clickbook_auth_url",
        "clickbook_logout_url",
        "terms_url",
        "privacy_url",
        "webhook_url",
        "booking_url",
        "sign_in_url",
        "password_reset_url",
    )
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value

    @field_validator("clickbook_url", "clickbook_auth_url", "clickbook_logout_url")
    @classmethod
    def _encrypted_unless_loopback(cls, value: str | None) -> str | None:
        # The API key, staff passwords and session cookies travel to these URLs.
        if value is not None and value.lower().startswith("http://") and not is_loopback(value):
            raise ValueError(
                "plain http:// is refused except on loopback (127.0.0.0/8, ::1, localhost): "
                "the API key and staff passwords would travel in clear; use https://"
            )
        return value

    @property
    def uses_sandbox(self) -> bool:
        """True when no ClickBook URL is configured and the built-in sandbox stands in."""
        return self.clickbook_url is None

    def run_problems(self) -> list[str]:
        """Return what keeps ``clickbot run`` from serving real users, one line per setting."""
        problems = []
        if self.telegram_token is None:
            problems.append(
                f"{PREFIX}TELEGRAM_TOKEN: required to run the bot "
                "(try `clickbot demo` to use it without one)"
            )
        if self.clickbook_url is None and not self.clickbook_sandbox:
            problems.append(
                f"{PREFIX}CLICKBOOK_URL: required to run the bot; to serve users from the "
                f"built-in sandbox instead, set {PREFIX}CLICKBOOK_SANDBOX=true or pass --sandbox"
            )
        if self.clickbook_url is not None and self.clickbook_sandbox:
            problems.append(
                f"{PREFIX}CLICKBOOK_SANDBOX: cannot be used with {PREFIX}CLICKBOOK_URL; "
                "choose the real ClickBook or the sandbox"
            )
        if self.webhook_url is not None and self.webhook_secret is None:
            problems.append(f"{PREFIX}WEBHOOK_SECRET: required with {PREFIX}WEBHOOK_URL")
        return problems

    @property
    def webhook_mode(self) -> bool:
        """True when Telegram should push updates to ``webhook_url``."""
        return self.webhook_url is not None

    @property
    def registration_retry(self) -> timedelta:
        """First retry delay of the registration finisher as a timedelta."""
        return timedelta(seconds=self.registration_retry_seconds)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, dotenv: Path | None = None
    ) -> Settings:
        """Build settings from ``CLICKBOT_*`` variables; a ``.env`` file fills what is unset."""
        values: dict[str, str] = {}
        if dotenv is not None and dotenv.is_file():
            values.update(read_dotenv(dotenv))
        values.update(os.environ if environ is None else environ)
        raw: dict[str, str | list[str]] = {
            key[len(PREFIX) :].lower(): value
            for key, value in values.items()
            if key.startswith(PREFIX) and value != ""
        }
        owners = raw.get("owner_ids")
        if isinstance(owners, str):
            raw["owner_ids"] = [part for part in re.split(r"[,\s]+", owners) if part]
        known = set(cls.model_fields)
        problems = [
            f"{PREFIX}{key.upper()}: unknown setting" for key in sorted(raw) if key not in known
        ]
        try:
            settings = cls.model_validate({k: v for k, v in raw.items() if k in known})
        except ValidationError as error:
            problems += _one_line_per_setting(error)
            raise SettingsError(problems) from None
        if problems:
            raise SettingsError(problems)
        return settings


def is_loopback(url: str) -> bool:
    """Tell whether ``url``'s host is this machine (127.0.0.0/8, ::1 or ``localhost``)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _one_line_per_setting(error: ValidationError) -> list[str]:
    """Describe each invalid setting once, even when it broke several rules (a list of ids)."""
    messages: dict[str, list[str]] = {}
    for item in error.errors():
        name, _, message = _describe(item).partition(": ")
        if message not in messages.setdefault(name, []):
            messages[name].append(message)
    return [f"{name}: {'; '.join(found)}" for name, found in messages.items()]


def _describe(item: Mapping[str, object]) -> str:
    """Turn one pydantic error into ``CLICKBOT_NAME: what is wrong`` without echoing the value."""
    location = item.get("loc") or ("?",)
    name = PREFIX + str(location[0]).upper()  # type: ignore[index]
    message = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"{name}: {message}"


def read_dotenv(path: Path) -> dict[str, str]:
    """Read ``KEY=VALUE`` lines (``#`` comments, optional quotes) from a ``.env`` file."""
    values: dict[str, str] = {}
    # utf-8-sig: a byte order mark (Notepad's "UTF-8 with BOM") would glue onto the first key.
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip().removeprefix("export ").strip()] = _dotenv_value(value)
    return values


def _dotenv_value(raw: str) -> str:
    """Unquote a value; outside quotes, ``#`` after a space starts a comment (``.env.example``)."""
    value = raw.strip()
    if value[:1] in ("'", '"'):
        closing = value.find(value[0], 1)
        if closing > 0:
            return value[1:closing]
    comment = re.search(r"\s#", raw)
    return (raw[: comment.start()] if comment else raw).strip()
