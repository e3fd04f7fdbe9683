"""No password, session cookie or API key in any error, repr or log line."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.clickbook import (
    ClickBookClient,
    ClickBookError,
    ClickBookValidationError,
    ClientFile,
    Registration,
    Session,
)
from tests.clickbook.conftest import (
    API_KEY,
    PASSWORD,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    Sandbox,
)


def _texts(error: BaseException) -> list[str]:
    """Return every text an error (and its cause) exposes."""
    texts = [str(error), repr(error), *map(str, error.args)]
    for name in ("message", "excerpt", "info", "fault_code", "fault_string"):
        texts.append(str(getattr(error, name, "")))
    for field_error in getattr(error, "errors", []):
        texts.append(repr(field_error))
    if error.__cause__ is not None:
        texts += _texts(error.__cause__)
    return texts


def _assert_clean(texts: list[str], secrets: list[str]) -> None:
    for text in texts:
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaked into {text!r}"


async def _raised(call: Any) -> ClickBookError:
    with pytest.raises(ClickBookError) as caught:
        await call
    return caught.value


async def test_errors_from_the_sandbox_carry_no_secret(
    client: ClickBookClient,
    staff: Session,
    sandbox: Sandbox,
    registration_data: dict[str, Any],
    client_file_data: dict[str, Any],
) -> None:
    cookie = staff.cookie.get_secret_value()
    errors = [await _raised(client.login(STAFF_EMAIL, PASSWORD))]
    await sandbox.fault("GETUSERFIELDS", "malformed")
    errors.append(await _raised(client.get_client_file_status(staff, "CF-1")))
    await sandbox.fault("SETUSERFIELDS", "http500", service="Private")
    errors.append(await _raised(client.create_client_file(staff, ClientFile(**client_file_data))))
    await sandbox.fault("SETUSERFIELDS", "drop", service="Private")
    errors.append(await _raised(client.create_client_file(staff, ClientFile(**client_file_data))))
    await sandbox.fault("SETUSERFIELDS", "delay", service="Public", seconds=9)
    registration = Registration(**registration_data)
    errors.append(await _raised(client.register_user(registration)))
    await client.register_user(registration)
    errors.append(await _raised(client.register_user(registration)))
    stale = Session.from_json({**staff.to_json(), "password": PASSWORD})
    sandbox.clock.advance(timedelta(hours=1))
    errors.append(await _raised(client.get_client_file_status(stale, "CF-1")))
    for _ in range(5):
        errors.append(await _raised(client.login(STAFF_EMAIL, PASSWORD)))
    errors.append(await _raised(client.login(STAFF_EMAIL, STAFF_PASSWORD)))

    kinds = {type(error).__name__ for error in errors}
    assert kinds >= {
        "ClickBookCredentialsError",
        "ClickBookResponseError",
        "ClickBookFaultError",
        "ClickBookTransportError",
        "ClickBookTimeoutError",
        "ClickBookValidationError",
        "ClickBookSignedOutError",
        "ClickBookLockedOutError",
    }
    secrets = [PASSWORD, STAFF_PASSWORD, API_KEY, cookie]
    _assert_clean([text for error in errors for text in _texts(error)], secrets)
    _assert_clean([repr(staff), str(staff), repr(stale), repr(client)], secrets)


TIMEZONES = Path(__file__).parent.parent / "data" / "clickbook" / "response_gettimezoneinfo.xml"


class _EchoingServer(httpx.AsyncBaseTransport):
    """A hostile server: echoes the whole request (headers and body) back in its answers.

    Only the time zones are answered properly: a registration is sent after they are known.
    """

    def __init__(self, status: int, content_type: str) -> None:
        self.status = status
        self.content_type = content_type

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        if b"<urn:GETTIMEZONEINFO>" in body:
            return httpx.Response(
                200, content=TIMEZONES.read_bytes(), headers={"content-type": "text/xml"}
            )
        echo = "\n".join(f"{k}: {v}" for k, v in request.headers.items()).encode() + body
        if self.status == 500:
            escaped = echo.replace(b"&", b"&amp;").replace(b"<", b"&lt;")
            echo = (
                b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
                b"<soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode>"
                b"<faultstring>" + escaped + b"</faultstring></soapenv:Fault>"
                b"</soapenv:Body></soapenv:Envelope>"
            )
        return httpx.Response(
            self.status, content=echo, headers={"content-type": self.content_type}
        )


@pytest.mark.parametrize(
    ("status", "content_type"),
    [(500, "text/xml"), (502, "text/plain"), (200, "text/plain"), (200, "text/html")],
)
async def test_echoed_requests_are_scrubbed(
    make_client: Callable[..., ClickBookClient],
    registration_data: dict[str, Any],
    status: int,
    content_type: str,
) -> None:
    secret_key = "live-api-key-0123456789"
    cookie = "DOMINO-SESSION-COOKIE-42"
    staff = Session(
        user="CN=Sam Staff/O=ClickBook",
        usercn="Sam Staff",
        cookie=cookie,
        email=STAFF_EMAIL,
        password="staff-Password-99",
    )
    errors = []
    async with make_client(
        transport=_EchoingServer(status, content_type), api_key=secret_key, max_attempts=1
    ) as client:
        errors.append(await _raised(client.process_registration("STUB-1")))
        errors.append(await _raised(client.register_user(Registration(**registration_data))))
        errors.append(await _raised(client.login(STAFF_EMAIL, PASSWORD)))
        errors.append(
            await _raised(
                client.create_client_file(
                    staff, ClientFile(first_name="A", last_name="B", phone="123456")
                )
            )
        )
    texts = [text for error in errors for text in _texts(error)]
    assert any("***" in text for text in texts)
    _assert_clean(texts, [secret_key, cookie, PASSWORD, "staff-Password-99"])


class _QuotingServer(httpx.AsyncBaseTransport):
    """A server whose refusal quotes the password it was sent, in an ERROR and in INFO."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        if b"<urn:GETTIMEZONEINFO>" in body:
            return httpx.Response(
                200, content=TIMEZONES.read_bytes(), headers={"content-type": "text/xml"}
            )
        found = re.search(rb"<NAME>inp-password1</NAME><VALUE>([^<]*)</VALUE>", body)
        quoted = found.group(1) if found else b""
        answer = (
            b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            b'xmlns:urn="urn:DefaultNamespace"><soapenv:Body><urn:SETUSERFIELDSResponse>'
            b"<SETUSERFIELDSReturn><CODE>400</CODE><INFO>refused: " + quoted + b"</INFO>"
            b"<ERRORS><ERROR><FIELD>inp-password1</FIELD><MESSAGE>'" + quoted + b"' is too "
            b"common</MESSAGE></ERROR></ERRORS></SETUSERFIELDSReturn>"
            b"</urn:SETUSERFIELDSResponse></soapenv:Body></soapenv:Envelope>"
        )
        return httpx.Response(200, content=answer, headers={"content-type": "text/xml"})


async def test_a_refusal_quoting_the_customers_password_is_scrubbed(
    make_client: Callable[..., ClickBookClient], registration_data: dict[str, Any]
) -> None:
    async with make_client(transport=_QuotingServer(), max_attempts=1) as client:
        error = await _raised(client.register_user(Registration(**registration_data)))

    texts = _texts(error)
    assert isinstance(error, ClickBookValidationError)
    assert any("is too common" in text for text in texts)
    _assert_clean(texts, [PASSWORD])


async def test_debug_logs_name_operations_and_attempts_but_no_secret(
    client: ClickBookClient,
    sandbox: Sandbox,
    registration_data: dict[str, Any],
    client_file_data: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await sandbox.fault("PROCESSREGSTUB", "http500")
    stub_id = await client.register_user(Registration(**registration_data))
    await client.process_registration(stub_id)
    staff = await client.login(STAFF_EMAIL, STAFF_PASSWORD)
    cookie = staff.cookie.get_secret_value()
    sandbox.clock.advance(timedelta(hours=1))
    await client.create_client_file(staff, ClientFile(**client_file_data))
    await client.logout(staff)

    ours = [r for r in caplog.records if r.name.startswith("bot.clickbook")]
    messages = [record.getMessage() for record in ours]
    assert all(record.levelno == logging.DEBUG for record in ours)
    assert any("PROCESSREGSTUB attempt 1/4 failed with ClickBookFaultError" in m for m in messages)
    assert any("PROCESSREGSTUB attempt 2/4 succeeded" in m for m in messages)
    assert any("GETTIMEZONEINFO attempt 1/4 succeeded" in m for m in messages)
    everything = [record.getMessage() for record in caplog.records]
    _assert_clean(everything, [PASSWORD, STAFF_PASSWORD, API_KEY, cookie])


async def test_a_private_fault_quoting_the_bare_cookie_or_password_is_scrubbed(
    make_client: Callable[..., ClickBookClient],
) -> None:
    cookie, password = "BARE-COOKIE-VALUE-31", "staff-Password-77"
    fault = (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
        "<soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode>"
        f"<faultstring>session {cookie} of {password} failed</faultstring></soapenv:Fault>"
        "</soapenv:Body></soapenv:Envelope>"
    )
    answer = httpx.Response(500, text=fault, headers={"content-type": "text/xml"})
    staff = Session(
        user="CN=Sam Staff/O=ClickBook",
        usercn="Sam Staff",
        cookie=cookie,
        email=STAFF_EMAIL,
        password=password,
    )
    async with make_client(
        transport=httpx.MockTransport(lambda request: answer), max_attempts=1
    ) as client:
        error = await _raised(client.get_client_file_status(staff, "CF-1"))
    assert (
        str(error)
        == "ClickBook GETUSERFIELDS: SOAP fault soapenv:Server: session *** of *** failed"
    )
    _assert_clean(_texts(error), [cookie, password])
