"""The async ClickBook client: one method per registration or invitation step.

All SOAP calls go through ``_soap`` (build the envelope, send it, map the answer) inside
``call_with_retries`` (see ``retry.py`` for what is repeated when). Private calls go
through ``_private``, which handles Domino's session expiry: an HTML login page (or a 401)
instead of a SOAP answer means the cookie is dead, so the client signs in again once with
the session's own credentials, replaces the cookie in the ``Session`` and repeats the call
once. Only the flows live here; every wire detail is in ``wire.py``.

Every operation has one overall deadline (``deadline``, retries, backoff and a session
renewal included): past it the call ends with ``ClickBookTimeoutError``, so that a customer
waiting on ClickBook is answered in bounded time whatever the network does.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import random as random_module
import secrets
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from http.cookiejar import CookieJar, DefaultCookiePolicy
from http.cookies import CookieError, SimpleCookie
from inspect import isawaitable
from types import TracebackType
from typing import Final, Self, TypeVar

import httpx
from pydantic import SecretStr

from bot.clickbook import wire
from bot.clickbook.errors import (
    ClickBookAuthError,
    ClickBookConnectError,
    ClickBookCredentialsError,
    ClickBookLockedOutError,
    ClickBookResponseError,
    ClickBookSignedOutError,
    ClickBookTimeoutError,
    ClickBookTransportError,
)
from bot.clickbook.models import ClientFile, Registration, RegStatus, Session
from bot.clickbook.redaction import Redactor
from bot.clickbook.retry import DEFAULT_MAX_ATTEMPTS, Repeat, call_with_retries
from bot.clickbook.timezones import TimeZone
from bot.clickbook.wire import Items, Operation, Result, Service

__all__ = ["ClickBookClient"]

logger = logging.getLogger(__name__)

DEFAULT_API_URL: Final = "https://clickbook.net/wsapi/latest/"
DEFAULT_AUTH_URL: Final = "https://www.clickbook.net/auth/auth.nsf/LoginOK"
DEFAULT_LOGOUT_URL: Final = "https://www.clickbook.net/names.nsf"

LOGIN: Final = "LOGIN"
"""The ``operation`` of errors raised while signing in."""
LOGOUT: Final = "LOGOUT"
"""The ``operation`` of errors raised while signing out."""

SESSION_COOKIE: Final = "DomAuthSessId"
LOCKED_OUT_TEXT: Final = "you are locked out"
LOGOUT_REDIRECT: Final = "/"
"""Where Domino's sign-out page is told to send the browser; we never follow it."""

USER_AGENT: Final = "clickbot-clickbook/1"

T = TypeVar("T")

SessionRenewedHook = Callable[[Session], Awaitable[None] | None]
CallObserver = Callable[[str, float, BaseException | None], None]
"""Told of every finished operation: its name, its seconds, and the error it raised."""

DEFAULT_DEADLINE: Final = 20.0
"""Seconds one operation may take in all, retries and backoff included."""

_UNDER_DEADLINE: ContextVar[bool] = ContextVar("clickbook_under_deadline", default=False)
"""Set while an operation's deadline runs, so the calls it makes share that one deadline."""


def _utcnow() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


class _SessionExpiredError(Exception):
    """Internal: a Private call was answered with Domino's login page or a 401."""


class ClickBookClient:
    """Talks to ClickBook's SOAP services and sign-in pages over one pooled HTTP client.

    Use as ``async with ClickBookClient(api_key=...) as clickbook:``, or call ``aclose()``.
    An ``http`` client passed in is used as is and not closed (its cookie jar is never
    read: the session cookie is sent explicitly with each Private call); otherwise the
    client creates its own, on ``transport`` if one is given.

    Sessions: a ``Session`` is the one mutable model. When a Private call meets an expired
    cookie the client signs in again with the session's credentials and replaces the
    cookie *in that object* (under the session's lock, so concurrent calls sign in once),
    then repeats the call once. Callers therefore keep passing the same object and never
    juggle a "renewed" copy. ``on_session_renewed`` (plain or async) is then called with
    the session so its owner can store the new cookie, encrypted; an exception it raises
    propagates and the call is not repeated. Renewal that fails because the credentials
    no longer work or the account is locked raises ``ClickBookSignedOutError``; ClickBook
    being unreachable during renewal raises the transport error instead.

    What is retried: see ``retry.py``. ``clock``, ``sleep`` and ``random`` are injectable
    for tests (the time zone cache TTL, the backoff waits, the jitter).
    """

    def __init__(
        self,
        *,
        api_url: str = DEFAULT_API_URL,
        auth_url: str = DEFAULT_AUTH_URL,
        logout_url: str = DEFAULT_LOGOUT_URL,
        api_key: SecretStr | str,
        http: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
        deadline: float = DEFAULT_DEADLINE,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        timezone_cache_ttl: timedelta = timedelta(hours=12),
        clock: Callable[[], datetime] = _utcnow,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        random: Callable[[], float] = random_module.random,
        on_session_renewed: SessionRenewedHook | None = None,
    ) -> None:
        if http is not None and transport is not None:
            raise ValueError("pass either http or transport, not both")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if deadline <= 0:
            raise ValueError("deadline must be positive")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._api_url = api_url if api_url.endswith("/") else f"{api_url}/"
        self._auth_url = auth_url
        self._logout_url = logout_url
        self._api_key = api_key if isinstance(api_key, SecretStr) else SecretStr(api_key)
        self._timeout = httpx.Timeout(timeout)
        self._deadline = deadline
        self._max_attempts = max_attempts
        self._timezone_cache_ttl = timezone_cache_ttl
        self._clock = clock
        self._sleep = sleep
        self._random = random
        self._on_session_renewed = on_session_renewed
        self._redact = Redactor([self._api_key])
        self._owns_http = http is None
        self._http = http if http is not None else _new_http_client(transport, self._timeout)
        self._closed = False
        self._timezones: tuple[datetime, tuple[TimeZone, ...]] | None = None
        self._timezones_task: asyncio.Task[tuple[TimeZone, ...]] | None = None
        self._observer: CallObserver | None = None

    def observe(self, observer: CallObserver | None) -> None:
        """Tell ``observer`` of every operation once it ends (metrics); it must not block."""
        self._observer = observer

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"ClickBookClient(api_url={self._api_url!r}, {state})"

    async def __aenter__(self) -> Self:
        self._ensure_open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client (and its HTTP client if it owns it); later calls raise."""
        if self._closed:
            return
        self._closed = True
        if self._timezones_task is not None:
            self._timezones_task.cancel()
        if self._owns_http:
            await self._http.aclose()

    # -- Public service -------------------------------------------------------------------

    async def get_timezones(self) -> list[TimeZone]:
        """Return ClickBook's time zones (Public GETTIMEZONEINFO), cached for a while.

        Concurrent callers while nothing is cached share one request.
        """
        self._ensure_open()
        cached = self._timezones
        if cached is not None and self._clock() - cached[0] < self._timezone_cache_ttl:
            return list(cached[1])
        if self._timezones_task is None:
            task = asyncio.create_task(self._fetch_timezones())
            task.add_done_callback(self._forget_timezones_task)
            self._timezones_task = task
        # Shielded: one caller giving up must not cancel the request the others wait for.
        return list(await asyncio.shield(self._timezones_task))

    async def _fetch_timezones(self) -> tuple[TimeZone, ...]:
        """Fetch, parse and cache the time zones."""
        operation = Operation.GETTIMEZONEINFO
        result = await self._call(
            Service.PUBLIC,
            operation,
            {"APIKEY": self._api_key.get_secret_value()},
            repeat=Repeat.SAFE,
            success=(wire.CODE_DONE,),
        )
        zones: list[TimeZone] = []
        for value, label in result.timezones:
            try:
                zones.append(TimeZone.parse(value, label))
            except ValueError:
                # One odd zone must not block sign-ups; it just cannot be chosen.
                logger.warning("ClickBook sent a time zone that cannot be parsed: %r", value)
        if not zones:
            raise ClickBookResponseError(operation, "TIMEZONES holds no usable time zone")
        fetched = tuple(zones)
        self._timezones = (self._clock(), fetched)
        return fetched

    def _forget_timezones_task(self, task: asyncio.Task[tuple[TimeZone, ...]]) -> None:
        """Let the next caller start a new request; consume an error nobody awaited."""
        if self._timezones_task is task:
            self._timezones_task = None
        if not task.cancelled():
            task.exception()

    async def register_user(self, registration: Registration) -> str:
        """Create a registration stub (Public SETUSERFIELDS NewUserRegistration); return its id.

        Raise ValueError before sending if the time zone is not one of ClickBook's.
        """
        result = await self._set_user_fields_public(registration, wire.VALIDATE_AND_SAVE)
        stub_id = result.info.strip()
        if not stub_id:
            raise ClickBookResponseError(Operation.SETUSERFIELDS, "INFO holds no StubID")
        return stub_id

    async def validate_user(self, registration: Registration) -> None:
        """Have ClickBook check a registration without saving it (VALIDATIONMODE 1)."""
        await self._set_user_fields_public(registration, wire.VALIDATE_ONLY)

    async def _set_user_fields_public(self, registration: Registration, mode: str) -> Result:
        """Send a NewUserRegistration in ``mode``; validate-only is safe to repeat."""
        self._ensure_open()
        zones = await self.get_timezones()
        if registration.timezone not in {zone.value for zone in zones}:
            raise ValueError("the time zone is not one of ClickBook's GETTIMEZONEINFO values")
        return await self._call(
            Service.PUBLIC,
            Operation.SETUSERFIELDS,
            {
                "APIKEY": self._api_key.get_secret_value(),
                "GROUPNAME": wire.GROUP_NEW_USER_REGISTRATION,
                "CONTEXTFORM": "",
                "CONTEXTID": "",
                "VALIDATIONMODE": mode,
                "FIELDS": registration.to_items(),
            },
            # Validate-only saves nothing, so a repeat after a timeout does no harm.
            repeat=Repeat.SAFE if mode == wire.VALIDATE_ONLY else Repeat.IF_UNDELIVERED,
            success=(wire.CODE_DONE,),
            redact=self._redact.with_secrets(registration.password),
        )

    # -- Admin service --------------------------------------------------------------------

    async def process_registration(self, stub_id: str) -> None:
        """Activate the account of a registration stub (Admin PROCESSREGSTUB).

        Return on CODE 301 and also on 409 (already processed), so it is safe to repeat;
        raise ClickBookNotFoundError (404), ClickBookExpiredError (410), or
        ClickBookValidationError (400: the email got an account by another route meanwhile).
        """
        self._ensure_open()
        if not stub_id or not stub_id.strip():
            raise ValueError("stub_id must not be empty")
        await self._call(
            Service.ADMIN,
            Operation.PROCESSREGSTUB,
            {"APIKEY": self._api_key.get_secret_value(), "STUBID": stub_id},
            repeat=Repeat.SAFE,
            success=(wire.CODE_STUB_PROCESSED, wire.CODE_ALREADY_PROCESSED),
        )

    # -- Sign in and out ------------------------------------------------------------------

    async def login(self, email: str, password: SecretStr | str) -> Session:
        """Sign in with LoginOK and return the session (with the credentials to renew it).

        Raise ClickBookCredentialsError on wrong credentials (never retried) and
        ClickBookLockedOutError when ClickBook has locked the account.
        """
        self._ensure_open()
        if not email or not password:
            raise ValueError("email and password must not be empty")
        secret = password if isinstance(password, SecretStr) else SecretStr(password)
        user, usercn, cookie = await self._sign_in(email, secret)
        return Session(user=user, usercn=usercn, cookie=cookie, email=email, password=secret)

    async def logout(self, session: Session) -> None:
        """Sign out: invalidate the session at ClickBook; the session is unusable afterwards."""
        self._ensure_open()
        session.mark_signed_out()
        redact = self._redact.with_secrets(session.cookie, session.password)
        request = httpx.Request(
            "GET",
            f"{self._logout_url}?Logout&RedirectTo={LOGOUT_REDIRECT}",
            headers={
                "User-Agent": USER_AGENT,
                "Cookie": f"{SESSION_COOKIE}={session.cookie.get_secret_value()}",
            },
            extensions={"timeout": self._timeout.as_dict()},
        )

        async def attempt() -> None:
            response, body = await self._send(LOGOUT, request, redact)
            if response.status_code >= httpx.codes.BAD_REQUEST:
                raise ClickBookResponseError(
                    LOGOUT,
                    f"unexpected HTTP status {response.status_code}",
                    http_status=response.status_code,
                    excerpt=wire.excerpt(body, redact),
                )

        await self._retrying(LOGOUT, attempt, Repeat.SAFE)

    async def _sign_in(self, email: str, password: SecretStr) -> tuple[str, str, SecretStr]:
        """Sign in with retries; return (user, usercn, cookie)."""
        basic = base64.b64encode(f"{email}:{password.get_secret_value()}".encode()).decode()
        redact = self._redact.with_secrets(password, basic)

        async def attempt() -> tuple[str, str, SecretStr]:
            # A fresh cacheHack per attempt, as a browser would, so no cache answers for us.
            request = httpx.Request(
                "GET",
                f"{self._auth_url}?Open&cacheHack={secrets.token_hex(8)}",
                headers={
                    "User-Agent": USER_AGENT,
                    "Authorization": f"Basic {basic}",
                },
                extensions={"timeout": self._timeout.as_dict()},
            )
            response, body = await self._send(LOGIN, request, redact)
            return _read_sign_in(response, body, redact)

        return await self._retrying(LOGIN, attempt, Repeat.SAFE)

    # -- Private service ------------------------------------------------------------------

    async def create_client_file(self, session: Session, client_file: ClientFile) -> str:
        """Create a Client File and email its invitation (Private SETUSERFIELDS NewClientFile).

        Return the ClientFileID. Never repeated after a timeout: the outcome is then unknown
        and ClickBookTimeoutError is raised.
        """
        self._ensure_open()
        result = await self._private(
            session,
            Operation.SETUSERFIELDS,
            {
                "GROUPNAME": wire.GROUP_NEW_CLIENT_FILE,
                "CONTEXTFORM": "",
                "CONTEXTID": "",
                "VALIDATIONMODE": wire.VALIDATE_AND_SAVE,
                "FIELDS": client_file.to_items(),
            },
            repeat=Repeat.IF_UNDELIVERED,
        )
        client_file_id = result.info.strip()
        if not client_file_id:
            raise ClickBookResponseError(Operation.SETUSERFIELDS, "INFO holds no ClientFileID")
        return client_file_id

    async def get_client_file_fields(
        self, session: Session, client_file_id: str
    ) -> dict[str, str]:
        """Return a Client File's BasicDetailsClientFile items (Private GETUSERFIELDS)."""
        self._ensure_open()
        if not client_file_id or not client_file_id.strip():
            raise ValueError("client_file_id must not be empty")
        result = await self._private(
            session,
            Operation.GETUSERFIELDS,
            {
                "GROUPNAME": wire.GROUP_BASIC_DETAILS_CLIENT_FILE,
                "CONTEXTFORM": wire.CONTEXT_FORM_CLIENT_FILE,
                "CONTEXTID": client_file_id,
            },
            repeat=Repeat.SAFE,
        )
        if not result.has_fields:
            raise ClickBookResponseError(Operation.GETUSERFIELDS, "the answer holds no FIELDS")
        return result.field_values()

    async def get_client_file_status(self, session: Session, client_file_id: str) -> RegStatus:
        """Tell whether the invited client has registered (Private GETUSERFIELDS regstatus)."""
        fields = await self.get_client_file_fields(session, client_file_id)
        status = fields.get(wire.ITEM_REGSTATUS)
        try:
            return RegStatus(str(status))
        except ValueError:
            raise ClickBookResponseError(
                Operation.GETUSERFIELDS, f"{wire.ITEM_REGSTATUS} is {status!r}"
            ) from None

    async def _private(
        self,
        session: Session,
        operation: Operation,
        params: Mapping[str, str | Items],
        *,
        repeat: Repeat,
    ) -> Result:
        """Make a Private call with the session's cookie, renewing the session once if needed."""
        if session.signed_out:
            raise ClickBookSignedOutError(operation, "the session was signed out")
        full_params = {"APIKEY": self._api_key.get_secret_value(), **params}
        async with self._within_deadline(operation):
            cookie = session.cookie
            try:
                return await self._private_attempt(session, operation, full_params, cookie, repeat)
            except _SessionExpiredError:
                logger.debug("ClickBook %s: session expired; signing in again", operation)
            await self._renew(session, operation, expired=cookie)
            try:
                return await self._private_attempt(
                    session, operation, full_params, session.cookie, repeat
                )
            except _SessionExpiredError:
                raise ClickBookSignedOutError(
                    operation, "the session expired again right after signing in"
                ) from None

    async def _private_attempt(
        self,
        session: Session,
        operation: Operation,
        params: Mapping[str, str | Items],
        cookie: SecretStr,
        repeat: Repeat,
    ) -> Result:
        """Make one Private call (with its retries) using ``cookie``."""
        return await self._call(
            Service.PRIVATE,
            operation,
            params,
            repeat=repeat,
            success=(wire.CODE_DONE,),
            cookie=cookie,
            redact=self._redact.with_secrets(cookie, session.password),
        )

    async def _renew(self, session: Session, operation: str, *, expired: SecretStr) -> None:
        """Sign in again with the session's credentials and replace its cookie.

        Concurrent callers wait on the session's lock; whoever comes second finds the cookie
        already replaced and does not sign in again. Wrong credentials or a lockout raise
        ClickBookSignedOutError (cause chained); transport failures propagate unchanged,
        because ClickBook being unreachable does not mean the staff member must sign in.
        """
        async with session.renewal_lock:
            if session.signed_out:
                raise ClickBookSignedOutError(operation, "the session was signed out")
            if session.cookie.get_secret_value() != expired.get_secret_value():
                return
            try:
                user, usercn, cookie = await self._sign_in(session.email, session.password)
            except ClickBookAuthError as exc:
                raise ClickBookSignedOutError(
                    operation, f"the session expired and signing in again failed ({exc.message})"
                ) from exc
            session.replace_cookie(cookie, user=user, usercn=usercn)
        if self._on_session_renewed is not None:
            outcome = self._on_session_renewed(session)
            if isawaitable(outcome):
                await outcome

    # -- Plumbing ---------------------------------------------------------------------------

    async def _call(
        self,
        service: Service,
        operation: Operation,
        params: Mapping[str, str | Items],
        *,
        repeat: Repeat,
        success: tuple[int, ...],
        cookie: SecretStr | None = None,
        redact: Redactor | None = None,
    ) -> Result:
        """Make one SOAP call with retries and return its successful Result."""
        scrub = redact or self._redact
        envelope = wire.build_envelope(operation, params)

        async def attempt() -> Result:
            result = await self._soap(service, operation, envelope, cookie, scrub)
            return wire.raise_for_code(result, success=success, redact=scrub)

        return await self._retrying(operation, attempt, repeat)

    async def _retrying(
        self, operation: str, attempt: Callable[[], Awaitable[T]], repeat: Repeat
    ) -> T:
        """Run ``attempt`` under the retry policy with the injected sleep and random."""
        async with self._within_deadline(operation):
            return await call_with_retries(
                operation,
                attempt,
                repeat=repeat,
                max_attempts=self._max_attempts,
                sleep=self._sleep,
                random=self._random,
            )

    @asynccontextmanager
    async def _within_deadline(self, operation: str) -> AsyncIterator[None]:
        """End the block with ClickBookTimeoutError past the deadline (the outermost rules)."""
        if _UNDER_DEADLINE.get():
            yield
            return
        token = _UNDER_DEADLINE.set(True)
        scope = asyncio.timeout(self._deadline)
        started = time.monotonic()
        error: BaseException | None = None
        try:
            async with scope:
                yield
        except TimeoutError as failure:
            if not scope.expired():
                error = failure
                raise
            error = ClickBookTimeoutError(
                operation, f"no answer within the {self._deadline:g} s deadline"
            )
            raise error from None
        except BaseException as failure:
            error = failure
            raise
        finally:
            _UNDER_DEADLINE.reset(token)
            if self._observer is not None:  # the outermost block: one report per operation
                self._observer(str(operation), time.monotonic() - started, error)

    async def _soap(
        self,
        service: Service,
        operation: Operation,
        envelope: bytes,
        cookie: SecretStr | None,
        redact: Redactor,
    ) -> Result:
        """POST ``envelope`` once and turn the HTTP answer into a Result or an error."""
        headers = {"User-Agent": USER_AGENT, **wire.SOAP_HEADERS}
        if cookie is not None:
            headers["Cookie"] = f"{SESSION_COOKIE}={cookie.get_secret_value()}"
        request = httpx.Request(
            "POST",
            f"{self._api_url}{service}",
            content=envelope,
            headers=headers,
            extensions={"timeout": self._timeout.as_dict()},
        )
        response, body = await self._send(operation, request, redact)
        status = response.status_code
        is_html = _media_type(response) == "text/html"
        if service is Service.PRIVATE and (
            status == httpx.codes.UNAUTHORIZED or (status == httpx.codes.OK and is_html)
        ):
            raise _SessionExpiredError(operation)
        if is_html:
            raise ClickBookResponseError(
                operation,
                f"HTML where XML was expected (HTTP {status})",
                http_status=status,
                excerpt=wire.excerpt(body, redact),
            )
        if status == httpx.codes.OK:
            return wire.parse_response(operation, body, http_status=status, redact=redact)
        if status >= httpx.codes.INTERNAL_SERVER_ERROR:
            # Domino reports faults with HTTP 500; parse_response raises the fault.
            with contextlib.suppress(ClickBookResponseError):
                wire.parse_response(operation, body, http_status=status, redact=redact)
        raise ClickBookResponseError(
            operation,
            f"unexpected HTTP status {status}",
            http_status=status,
            excerpt=wire.excerpt(body, redact),
        )

    async def _send(
        self, operation: str, request: httpx.Request, redact: Redactor
    ) -> tuple[httpx.Response, bytes]:
        """Send ``request`` and read at most ``MAX_BODY_BYTES``; map httpx's errors."""
        self._ensure_open()
        request.headers["Accept-Encoding"] = "identity"
        try:
            response = await self._http.send(request, stream=True)
            try:
                body = await _read_bounded(operation, response)
            finally:
                await response.aclose()
        # No connection, or none free in time: the request never left, so it is safe to resend.
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise ClickBookConnectError(
                operation, redact(f"could not reach ClickBook ({type(exc).__name__}: {exc})")
            ) from None
        except httpx.TimeoutException as exc:
            raise ClickBookTimeoutError(
                operation, f"no answer in time ({type(exc).__name__}); outcome unknown"
            ) from None
        except httpx.TransportError as exc:
            raise ClickBookTransportError(
                operation,
                redact(f"the connection failed ({type(exc).__name__}: {exc}); outcome unknown"),
            ) from None
        return response, body

    def _ensure_open(self) -> None:
        """Raise RuntimeError if the client was closed."""
        if self._closed:
            raise RuntimeError("the ClickBook client is closed")


def _new_http_client(
    transport: httpx.AsyncBaseTransport | None, timeout: httpx.Timeout
) -> httpx.AsyncClient:
    """Create the pooled HTTP client; its cookie jar refuses every cookie.

    Session cookies belong to ``Session`` objects, and several staff members share this
    client, so nothing may linger in a shared jar.
    """
    jar = CookieJar(DefaultCookiePolicy(allowed_domains=[]))
    return httpx.AsyncClient(
        transport=transport, timeout=timeout, cookies=jar, follow_redirects=False
    )


async def _read_bounded(operation: str, response: httpx.Response) -> bytes:
    """Read the body, refusing more than ``MAX_BODY_BYTES`` read or decompressed.

    We ask for identity encoding; a server that compresses anyway is decompressed here, a
    bounded step at a time, because httpx's decoders inflate each chunk whole: a 200 kB gzip
    answer can become 200 MB before any limit is checked.
    """
    limit = wire.MAX_BODY_BYTES
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(operation, response, f"response of {declared} bytes exceeds")
    if response.is_stream_consumed:  # built whole in this process (a mock transport)
        _check_size(operation, response, response.content)
        return response.content
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in _WBITS:
        raise ClickBookResponseError(
            operation,
            f"unsupported content encoding {encoding[:20]!r}",
            http_status=response.status_code,
        )
    wbits = _WBITS[encoding]
    inflate = None if wbits is None else zlib.decompressobj(wbits)
    body = bytearray()
    raw_size = 0
    async for raw in response.aiter_raw():
        raw_size += len(raw)
        if raw_size > limit:
            raise _too_large(operation, response, "response exceeds")
        if inflate is None:
            body += raw
        else:
            pending = raw
            while pending and len(body) <= limit:
                try:
                    body += inflate.decompress(pending, limit + 1 - len(body))
                except zlib.error:
                    raise ClickBookResponseError(
                        operation,
                        f"the {encoding} answer does not decompress",
                        http_status=response.status_code,
                    ) from None
                pending = inflate.unconsumed_tail
        _check_size(operation, response, body)
    return bytes(body)


_WBITS: Final[dict[str, int | None]] = {
    "identity": None,
    "gzip": 16 + zlib.MAX_WBITS,
    "x-gzip": 16 + zlib.MAX_WBITS,
    "deflate": zlib.MAX_WBITS,
}
"""Content encodings we decode, with their zlib window bits (None: not compressed)."""


def _check_size(operation: str, response: httpx.Response, body: bytes | bytearray) -> None:
    """Raise the response error if ``body`` is past ``MAX_BODY_BYTES``."""
    if len(body) > wire.MAX_BODY_BYTES:
        raise _too_large(operation, response, "response exceeds")


def _too_large(operation: str, response: httpx.Response, what: str) -> ClickBookResponseError:
    """Return the error for an answer past ``MAX_BODY_BYTES``."""
    return ClickBookResponseError(
        operation,
        f"{what} the {wire.MAX_BODY_BYTES}-byte limit",
        http_status=response.status_code,
    )


def _media_type(response: httpx.Response) -> str:
    """Return the response's media type in lower case, without parameters."""
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _read_sign_in(
    response: httpx.Response, body: bytes, redact: Redactor
) -> tuple[str, str, SecretStr]:
    """Interpret LoginOK's answer; return (user, usercn, cookie) or raise the error it means."""
    status = response.status_code
    text = body.decode("utf-8", errors="replace")
    if LOCKED_OUT_TEXT in text.lower():
        raise ClickBookLockedOutError(LOGIN, "the account is locked out", code=status)
    if status == httpx.codes.UNAUTHORIZED:
        raise ClickBookCredentialsError(LOGIN, "wrong email or password", code=status)
    if status != httpx.codes.OK:
        raise ClickBookResponseError(
            LOGIN,
            f"unexpected HTTP status {status}",
            http_status=status,
            excerpt=wire.excerpt(body, redact),
        )
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise ClickBookResponseError(
            LOGIN,
            "sign-in answer is not a JSON object",
            http_status=status,
            excerpt=wire.excerpt(body, redact),
        )
    user = answer.get("user")
    if not isinstance(user, str) or not user:
        # ClickBook's rule: the caller is signed in if and only if "user" is a string.
        raise ClickBookCredentialsError(LOGIN, "ClickBook did not sign the user in")
    usercn = answer.get("usercn")
    cookie = _session_cookie(response)
    if cookie is None:
        raise ClickBookResponseError(
            LOGIN, f"sign-in set no {SESSION_COOKIE} cookie", http_status=status
        )
    return user, usercn if isinstance(usercn, str) else "", cookie


def _session_cookie(response: httpx.Response) -> SecretStr | None:
    """Return the ``DomAuthSessId`` that the response sets, if any."""
    for header in response.headers.get_list("set-cookie"):
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:
            continue
        morsel = jar.get(SESSION_COOKIE)
        if morsel is not None and morsel.value:
            return SecretStr(morsel.value)
    return None
