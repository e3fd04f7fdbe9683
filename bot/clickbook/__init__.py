"""Async client for ClickBook's registration and invitation API (SOAP over httpx).

Public surface: ``ClickBookClient``, the models (``Registration``, ``ClientFile``,
``Session``, ``FieldError``, ``RegStatus``, ``TimeZone``) and the error tree of
``errors.py``. Wire details (envelopes, payload shapes, CODEs) live in ``wire.py``.
Nothing here imports Telegram.
"""

from bot.clickbook.client import ClickBookClient
from bot.clickbook.errors import (
    ClickBookAPIError,
    ClickBookAuthError,
    ClickBookConnectError,
    ClickBookCredentialsError,
    ClickBookError,
    ClickBookExpiredError,
    ClickBookFaultError,
    ClickBookForbiddenError,
    ClickBookLockedOutError,
    ClickBookNotFoundError,
    ClickBookResponseError,
    ClickBookSignedOutError,
    ClickBookTimeoutError,
    ClickBookTransportError,
    ClickBookValidationError,
)
from bot.clickbook.models import ClientFile, FieldError, Registration, RegStatus, Session
from bot.clickbook.timezones import TimeZone

__all__ = [
    "ClickBookAPIError",
    "ClickBookAuthError",
    "ClickBookClient",
    "ClickBookConnectError",
    "ClickBookCredentialsError",
    "ClickBookError",
    "ClickBookExpiredError",
    "ClickBookFaultError",
    "ClickBookForbiddenError",
    "ClickBookLockedOutError",
    "ClickBookNotFoundError",
    "ClickBookResponseError",
    "ClickBookSignedOutError",
    "ClickBookTimeoutError",
    "ClickBookTransportError",
    "ClickBookValidationError",
    "ClientFile",
    "FieldError",
    "RegStatus",
    "Registration",
    "Session",
    "TimeZone",
]
