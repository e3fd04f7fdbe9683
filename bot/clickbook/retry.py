"""When and how long to wait before repeating a ClickBook request.

Capped exponential backoff with full jitter: before attempt ``n + 1`` the client sleeps a
random time between 0 and ``min(MAX_DELAY, INITIAL_DELAY * 2 ** (n - 1))`` seconds. Sleep
and randomness are injected, so tests count attempts and delays without waiting.

Which failures are worth repeating depends on whether the request is safe to repeat:

- ``Repeat.SAFE`` (reads, sign-in, PROCESSREGSTUB, validate-only SETUSERFIELDS): on any
  transport failure, and on HTTP 5xx unless the SOAP fault blames our request;
- ``Repeat.IF_UNDELIVERED`` (SETUSERFIELDS that saves): only when the request certainly
  never reached ClickBook (a connect error). After a timeout or a 5xx it may have been
  saved, and ClickBook offers no idempotency key, so the error goes to the caller.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Final, TypeVar

from bot.clickbook.errors import (
    ClickBookConnectError,
    ClickBookError,
    ClickBookFaultError,
    ClickBookResponseError,
    ClickBookTransportError,
)

INITIAL_DELAY: Final = 0.5
"""Seconds: the upper bound of the first wait."""

MAX_DELAY: Final = 8.0
"""Seconds: no wait is longer than this."""

DEFAULT_MAX_ATTEMPTS: Final = 4
"""Attempts in all, including the first."""

_SERVER_ERROR: Final = 500

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Repeat(Enum):
    """How safe it is to send a request again."""

    SAFE = "safe"
    """Repeating it cannot do harm: it reads, or ClickBook treats a repeat as a no-op."""
    IF_UNDELIVERED = "if_undelivered"
    """It writes: repeat only if the first request certainly never arrived."""


def backoff_delay(attempt: int, random: Callable[[], float]) -> float:
    """Return the seconds to wait after failed attempt ``attempt`` (1-based), with jitter."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    ceiling = min(MAX_DELAY, INITIAL_DELAY * 2 ** (attempt - 1))
    return ceiling * random()


def should_retry(error: ClickBookError, repeat: Repeat) -> bool:
    """Tell whether ``error`` is worth another attempt for a request of kind ``repeat``."""
    if isinstance(error, ClickBookConnectError):
        return True
    if repeat is Repeat.IF_UNDELIVERED:
        return False
    if isinstance(error, ClickBookTransportError):
        return True
    if isinstance(error, ClickBookFaultError):
        return _is_server_error(error.http_status) and not error.is_client_fault
    if isinstance(error, ClickBookResponseError):
        return _is_server_error(error.http_status)
    return False


def _is_server_error(status: int | None) -> bool:
    """Tell whether ``status`` is an HTTP 5xx."""
    return status is not None and status >= _SERVER_ERROR


async def call_with_retries(
    operation: str,
    attempt: Callable[[], Awaitable[T]],
    *,
    repeat: Repeat,
    max_attempts: int,
    sleep: Callable[[float], Awaitable[object]],
    random: Callable[[], float],
) -> T:
    """Await ``attempt()`` until it succeeds, fails for good, or ``max_attempts`` are used.

    Each attempt's operation, number, outcome and duration are logged at DEBUG (never the
    request or the error text).
    """
    number = 1
    while True:
        started = time.perf_counter()
        try:
            result = await attempt()
        except ClickBookError as error:
            elapsed = time.perf_counter() - started
            retry = number < max_attempts and should_retry(error, repeat)
            logger.debug(
                "ClickBook %s attempt %d/%d failed with %s after %.3f s%s",
                operation,
                number,
                max_attempts,
                type(error).__name__,
                elapsed,
                "; retrying" if retry else "",
            )
            if not retry:
                raise
            await sleep(backoff_delay(number, random))
            number += 1
            continue
        logger.debug(
            "ClickBook %s attempt %d/%d succeeded after %.3f s",
            operation,
            number,
            max_attempts,
            time.perf_counter() - started,
        )
        return result
