"""Exactly what ClickBook receives: every request's method, URL, headers, body and timeout."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.clickbook import ClickBookClient, ClickBookConnectError, ClientFile, Registration
from bot.clickbook.wire import build_envelope
from bot.sandbox.clickbook import SandboxTransport, sandbox_urls
from tests.clickbook.conftest import (
    API_KEY,
    CLIENT_TIMEOUT,
    ORIGIN,
    PASSWORD,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    Sandbox,
    staff_session,
)

USER_AGENT = "clickbot-clickbook/1"


class Recorder(httpx.AsyncBaseTransport):
    """Pass requests on to the sandbox, keeping each one as it was sent."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


def _timeouts(seconds: float) -> dict[str, float]:
    return {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}


def _common(request: httpx.Request, timeout: float = CLIENT_TIMEOUT) -> None:
    """Check what every request carries: our agent, no compression, the per-call timeout."""
    assert request.headers["user-agent"] == USER_AGENT
    assert request.headers["accept-encoding"] == "identity"
    assert request.extensions["timeout"] == _timeouts(timeout)


def _soap(request: httpx.Request, service: str, operation: str, params: dict[str, Any]) -> None:
    """Check one SOAP call: the service URL, the SOAP headers and the exact envelope."""
    _common(request)
    assert (request.method, str(request.url)) == ("POST", f"{ORIGIN}/wsapi/latest/{service}")
    assert request.headers["content-type"] == "text/xml; charset=utf-8"
    assert request.headers["soapaction"] == '""'
    assert request.content == build_envelope(operation, params)


async def test_every_call_sends_exactly_what_the_contract_says(
    sandbox_app: Starlette,
    sandbox: Sandbox,
    registration_data: dict[str, Any],
    client_file_data: dict[str, Any],
) -> None:
    recorder = Recorder(SandboxTransport(sandbox_app))
    urls = sandbox_urls(ORIGIN)
    # The service URL without its trailing slash: the client adds it. A borrowed HTTP client
    # with its own (default) timeout: each request still carries the ClickBook client's.
    async with (
        httpx.AsyncClient(transport=recorder) as http,
        ClickBookClient(
            api_url=urls.api_url.rstrip("/"),
            auth_url=urls.auth_url,
            logout_url=urls.logout_url,
            api_key=API_KEY,
            http=http,
            timeout=CLIENT_TIMEOUT,
            max_attempts=1,
        ) as client,
    ):
        registration = Registration(**registration_data)
        client_file = ClientFile(**client_file_data)
        # Signed in first: the cookie it sets must not reach the Public and Admin calls.
        staff = await client.login(STAFF_EMAIL, STAFF_PASSWORD)
        cookie = staff.cookie.get_secret_value()
        await client.validate_user(registration)
        stub_id = await client.register_user(registration)
        await client.process_registration(stub_id)
        client_file_id = await client.create_client_file(staff, client_file)
        await client.get_client_file_status(staff, client_file_id)
        await client.logout(staff)

    login, zones, validate, register, process, create, status, logout = recorder.requests
    _soap(zones, "ClickBookPublic", "GETTIMEZONEINFO", {"APIKEY": API_KEY})
    registration_params = {
        "APIKEY": API_KEY,
        "GROUPNAME": "NewUserRegistration",
        "CONTEXTFORM": "",
        "CONTEXTID": "",
        "FIELDS": registration.to_items(),
    }
    _soap(
        validate,
        "ClickBookPublic",
        "SETUSERFIELDS",
        {**registration_params, "VALIDATIONMODE": "1"},
    )
    _soap(
        register, "ClickBookPublic", "SETUSERFIELDS", {**registration_params, "VALIDATIONMODE": ""}
    )
    _soap(process, "ClickBookAdmin", "PROCESSREGSTUB", {"APIKEY": API_KEY, "STUBID": stub_id})
    for request in (zones, validate, register, process, login):
        assert "cookie" not in request.headers
    for request in (zones, validate, register, process, create, status, logout):
        assert "authorization" not in request.headers

    _common(login)
    assert login.method == "GET"
    assert login.url.copy_with(query=None) == httpx.URL(urls.auth_url)
    assert re.fullmatch(r"Open&cacheHack=[0-9a-f]{16}", login.url.query.decode())
    basic = base64.b64encode(f"{STAFF_EMAIL}:{STAFF_PASSWORD}".encode()).decode()
    assert login.headers["authorization"] == f"Basic {basic}"
    assert login.content == b""

    _soap(
        create,
        "ClickBookPrivate",
        "SETUSERFIELDS",
        {
            "APIKEY": API_KEY,
            "GROUPNAME": "NewClientFile",
            "CONTEXTFORM": "",
            "CONTEXTID": "",
            "VALIDATIONMODE": "",
            "FIELDS": client_file.to_items(),
        },
    )
    _soap(
        status,
        "ClickBookPrivate",
        "GETUSERFIELDS",
        {
            "APIKEY": API_KEY,
            "GROUPNAME": "BasicDetailsClientFile",
            "CONTEXTFORM": "ClientFile",
            "CONTEXTID": client_file_id,
        },
    )
    _common(logout)
    assert (logout.method, str(logout.url)) == ("GET", f"{urls.logout_url}?Logout&RedirectTo=/")
    for request in (create, status, logout):
        assert request.headers["cookie"] == f"DomAuthSessId={cookie}"
    assert all(PASSWORD not in str(request.url) for request in recorder.requests)


async def test_each_sign_in_attempt_gets_a_fresh_cache_hack(
    make_client: Callable[..., ClickBookClient], sandbox: Sandbox, sandbox_app: Starlette
) -> None:
    recorder = Recorder(SandboxTransport(sandbox_app))
    await sandbox.fault("LOGIN", "http500")
    async with make_client(transport=recorder) as client:
        await client.login(STAFF_EMAIL, STAFF_PASSWORD)
    first, second = (request.url.params["cacheHack"] for request in recorder.requests)
    assert first != second


async def test_the_defaults_are_clickbooks_urls_a_15_second_timeout_and_four_attempts() -> None:
    seen: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        raise httpx.ConnectError("refused (test)", request=request)

    async def no_wait(seconds: float) -> None:
        return None

    staff = staff_session("COOKIE-1")
    async with ClickBookClient(
        api_key=API_KEY, transport=httpx.MockTransport(refuse), sleep=no_wait
    ) as client:
        for operation, call in (
            ("PROCESSREGSTUB", client.process_registration("STUB-1")),
            ("LOGIN", client.login(STAFF_EMAIL, STAFF_PASSWORD)),
            ("LOGOUT", client.logout(staff)),
        ):
            with pytest.raises(ClickBookConnectError, match="could not reach ClickBook") as caught:
                await call
            assert caught.value.operation == operation
    urls = [str(request.url.copy_with(query=None)) for request in seen]
    assert urls == [
        *["https://clickbook.net/wsapi/latest/ClickBookAdmin"] * 4,
        *["https://www.clickbook.net/auth/auth.nsf/LoginOK"] * 4,
        *["https://www.clickbook.net/names.nsf"] * 4,
    ]
    assert all(request.extensions["timeout"] == _timeouts(15.0) for request in seen)
