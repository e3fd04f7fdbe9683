"""HTTP-level answers the sandbox does not give: odd statuses, oversized bodies, odd sign-ins."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.clickbook import (
    ClickBookClient,
    ClickBookConnectError,
    ClickBookCredentialsError,
    ClickBookError,
    ClickBookLockedOutError,
    ClickBookResponseError,
    ClickBookTimeoutError,
    ClickBookTransportError,
    ClientFile,
    Registration,
    Session,
)
from bot.clickbook.wire import MAX_BODY_BYTES
from tests.clickbook.conftest import STAFF_EMAIL, STAFF_PASSWORD, RecordedSleep, staff_session

TIMEZONES = Path(__file__).parent.parent / "data" / "clickbook" / "response_gettimezoneinfo.xml"


def _serving(*responses: httpx.Response) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """Return a transport that answers with ``responses`` in turn, and its request log."""
    queue = list(responses)
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return queue.pop(0)

    return httpx.MockTransport(handle), seen


def _xml(body: bytes, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=body, headers={"content-type": "text/xml"})


async def test_an_unparseable_zone_is_skipped_and_logged(
    make_client: Callable[..., ClickBookClient], caplog: pytest.LogCaptureFixture
) -> None:
    body = TIMEZONES.read_bytes().replace(b"Z=-5.5$DO=0$ZX=23$ZN=India", b"Z=oops")
    transport, _ = _serving(_xml(body))
    async with make_client(transport=transport) as client:
        zones = await client.get_timezones()
    assert [zone.name for zone in zones] == ["AUS Eastern", "GMT"]
    assert "Z=oops" in caplog.text


async def test_no_usable_zone_is_an_unusable_answer(
    make_client: Callable[..., ClickBookClient],
) -> None:
    body = TIMEZONES.read_bytes().replace(b"<VALUE>Z=", b"<VALUE>Q=")
    transport, _ = _serving(_xml(body))
    async with make_client(transport=transport) as client:
        with pytest.raises(ClickBookResponseError, match="no usable time zone"):
            await client.get_timezones()


@pytest.mark.parametrize(("status", "attempts"), [(404, 1), (302, 1), (503, 4), (502, 4)], ids=str)
async def test_statuses_without_a_soap_answer(
    make_client: Callable[..., ClickBookClient],
    sleep: RecordedSleep,
    status: int,
    attempts: int,
) -> None:
    transport, seen = _serving(*(httpx.Response(status, text="nope") for _ in range(4)))
    async with make_client(transport=transport) as client:
        with pytest.raises(ClickBookResponseError, match=f"HTTP status {status}") as caught:
            await client.process_registration("STUB-1")
    assert caught.value.http_status == status
    assert (caught.value.operation, caught.value.excerpt) == ("PROCESSREGSTUB", "nope")
    assert len(seen) == attempts


async def test_a_declared_oversized_body_is_refused(
    make_client: Callable[..., ClickBookClient],
) -> None:
    huge = httpx.Response(
        200, headers={"content-length": str(MAX_BODY_BYTES + 1)}, content=b"<x/>"
    )
    transport, _ = _serving(huge)
    async with make_client(transport=transport) as client:
        with pytest.raises(ClickBookResponseError, match="exceeds"):
            await client.process_registration("STUB-1")


async def test_a_streamed_oversized_body_is_cut_off(
    make_client: Callable[..., ClickBookClient],
) -> None:
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(64):
            sent.append(1)
            yield b"x" * 65536

    transport, _ = _serving(httpx.Response(200, content=chunks()))
    async with make_client(transport=transport) as client:
        with pytest.raises(ClickBookResponseError, match="exceeds"):
            await client.process_registration("STUB-1")
    assert len(sent) < 64


def _gzip_bomb(inflated_mib: int) -> bytes:
    """Return a gzip stream of zeros: about 1 kB for each MiB it inflates to."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    return b"".join(compressor.compress(block) for _ in range(inflated_mib)) + compressor.flush()


def _streamed(body: bytes, consumed: list[int], chunk: int = 16384) -> httpx.Response:
    """Serve ``body`` gzip-encoded in network-sized chunks, recording each chunk read."""

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), chunk):
            consumed.append(len(body[start : start + chunk]))
            yield body[start : start + chunk]

    headers = {"content-type": "text/xml", "content-encoding": "gzip"}
    return httpx.Response(200, content=chunks(), headers=headers)


async def test_a_gzip_bomb_is_refused_before_it_inflates(
    make_client: Callable[..., ClickBookClient],
) -> None:
    bomb = _gzip_bomb(64)
    consumed: list[int] = []
    transport, seen = _serving(_streamed(bomb, consumed))
    tracemalloc.start()
    try:
        async with make_client(transport=transport) as client:
            with pytest.raises(ClickBookResponseError, match="exceeds"):
                await client.process_registration("STUB-1")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(bomb) < 100_000
    assert peak < 4 * MAX_BODY_BYTES, f"{peak} bytes allocated while reading"
    assert sum(consumed) <= 2 * 16384, "read stops at the first chunk past the limit"
    assert seen[0].headers["accept-encoding"] == "identity"


async def test_a_compressed_answer_is_still_read_and_a_corrupt_one_refused(
    make_client: Callable[..., ClickBookClient],
) -> None:
    packed = gzip.compress(TIMEZONES.read_bytes())
    corrupt = packed[:20] + bytes(len(packed) - 20)
    transport, _ = _serving(_streamed(packed, []), _streamed(corrupt, []))
    async with make_client(transport=transport) as client:
        assert await client.get_timezones()
    async with make_client(transport=transport) as client:
        with pytest.raises(ClickBookResponseError, match="does not decompress") as caught:
            await client.get_timezones()
    assert (caught.value.operation, caught.value.http_status) == ("GETTIMEZONEINFO", 200)


def _login_answer(
    body: Any, cookie: str | None = "DomAuthSessId=ABC123; Path=/"
) -> httpx.Response:
    headers = {"set-cookie": cookie} if cookie else {}
    if isinstance(body, bytes):
        return httpx.Response(200, content=body, headers=headers)
    return httpx.Response(200, json=body, headers=headers)


@pytest.mark.parametrize(
    ("answer", "error_class", "message"),
    [
        pytest.param(
            _login_answer({"user": None, "usercn": ""}),
            ClickBookCredentialsError,
            "did not sign",
            id="user-not-a-string",
        ),
        pytest.param(
            _login_answer({"user": False, "usercn": "A B"}),
            ClickBookCredentialsError,
            "did not sign",
            id="user-false",
        ),
        pytest.param(
            _login_answer({"user": "", "usercn": "A B"}),
            ClickBookCredentialsError,
            "did not sign",
            id="user-empty",
        ),
        pytest.param(
            _login_answer({"user": "CN=A B/O=X", "usercn": "A B"}, cookie=None),
            ClickBookResponseError,
            "DomAuthSessId",
            id="no-cookie",
        ),
        pytest.param(
            _login_answer(b"<html>hello</html>"),
            ClickBookResponseError,
            "not a JSON object",
            id="not-json",
        ),
        pytest.param(
            _login_answer([1, 2]), ClickBookResponseError, "not a JSON object", id="json-list"
        ),
    ],
)
async def test_odd_sign_in_answers(
    make_client: Callable[..., ClickBookClient],
    answer: httpx.Response,
    error_class: type[Exception],
    message: str,
) -> None:
    transport, seen = _serving(answer)
    async with make_client(transport=transport) as client:
        with pytest.raises(error_class, match=message):
            await client.login(STAFF_EMAIL, STAFF_PASSWORD)
    assert len(seen) == 1
    assert seen[0].url.params.get("cacheHack")
    assert "Open" in seen[0].url.query.decode()


async def test_sign_in_reads_names_and_the_cookie(
    make_client: Callable[..., ClickBookClient],
) -> None:
    transport, _ = _serving(
        httpx.Response(
            200,
            json={"user": "CN=Ann Lee/O=ClickBook", "usercn": 7},
            headers=[
                ("set-cookie", "Other=1; Path=/"),
                ("set-cookie", "DomAuthSessId=XYZ987; Path=/"),
            ],
        )
    )
    async with make_client(transport=transport) as client:
        session = await client.login("ann@example.com", "password-1")
    assert (session.user, session.usercn) == ("CN=Ann Lee/O=ClickBook", "")
    assert session.cookie.get_secret_value() == "XYZ987"


def _padded(size: int) -> bytes:
    """Return the time zones answer padded with trailing whitespace to exactly ``size`` bytes."""
    body = TIMEZONES.read_bytes()
    return body + b" " * (size - len(body))


def _chunked(body: bytes, encoding: str = "identity", chunk: int = 65536) -> httpx.Response:
    """Serve ``body`` streamed in chunks, with ``encoding`` as its content encoding."""

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), chunk):
            yield body[start : start + chunk]

    headers = {"content-type": "text/xml", "content-encoding": encoding}
    return httpx.Response(200, content=chunks(), headers=headers)


def _deflate(body: bytes) -> bytes:
    return zlib.compress(body)


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("identity", bytes),
        ("gzip", gzip.compress),
        (" X-GZIP ", gzip.compress),
        ("deflate", _deflate),
    ],
    ids=["identity", "gzip", "x-gzip", "deflate"],
)
async def test_an_answer_of_exactly_the_limit_is_read_and_one_byte_more_refused(
    make_client: Callable[..., ClickBookClient], encoding: str, pack: Callable[[bytes], bytes]
) -> None:
    at_limit = _chunked(pack(_padded(MAX_BODY_BYTES)), encoding)
    past_limit = _chunked(pack(_padded(MAX_BODY_BYTES + 1)), encoding)
    transport, _ = _serving(at_limit, past_limit)
    async with make_client(transport=transport) as client:
        assert [zone.name for zone in await client.get_timezones()][:2] == ["AUS Eastern", "GMT"]
    async with make_client(transport=transport) as client:
        with pytest.raises(
            ClickBookResponseError, match=f"exceeds the {MAX_BODY_BYTES}-byte"
        ) as c:
            await client.get_timezones()
    assert c.value.operation == "GETTIMEZONEINFO"


async def test_an_answer_that_inflates_to_the_limit_and_goes_on_is_refused_not_cut(
    make_client: Callable[..., ClickBookClient],
) -> None:
    # The first network chunk inflates to exactly the limit: a whole, valid answer. The
    # next one holds more: the answer is too big, not the first part of it.
    packer = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    first = packer.compress(_padded(MAX_BODY_BYTES)) + packer.flush(zlib.Z_SYNC_FLUSH)
    rest = packer.compress(b" " * 1000) + packer.flush()

    async def chunks() -> AsyncIterator[bytes]:
        yield first
        yield rest

    headers = {"content-type": "text/xml", "content-encoding": "gzip"}
    transport, _ = _serving(httpx.Response(200, content=chunks(), headers=headers))
    async with make_client(transport=transport) as client:
        with pytest.raises(ClickBookResponseError, match="exceeds"):
            await client.get_timezones()


async def test_a_declared_length_of_exactly_the_limit_is_read(
    make_client: Callable[..., ClickBookClient],
) -> None:
    body = _padded(MAX_BODY_BYTES)
    transport, _ = _serving(
        httpx.Response(200, content=body, headers={"content-type": "text/xml"}),
        httpx.Response(200, content=body + b" ", headers={"content-type": "text/xml"}),
    )
    async with make_client(transport=transport) as client:
        assert await client.get_timezones()
    async with make_client(transport=transport) as client:
        with pytest.raises(
            ClickBookResponseError, match=f"response of {MAX_BODY_BYTES + 1} bytes exceeds"
        ) as caught:
            await client.get_timezones()
    assert caught.value.operation == "GETTIMEZONEINFO"


async def test_an_unknown_content_encoding_is_refused(
    make_client: Callable[..., ClickBookClient], sleep: RecordedSleep
) -> None:
    transport, seen = _serving(_chunked(TIMEZONES.read_bytes(), "br"))
    async with make_client(transport=transport) as client:
        with pytest.raises(ClickBookResponseError) as caught:
            await client.get_timezones()
    assert caught.value.message == "unsupported content encoding 'br'"
    assert caught.value.operation == "GETTIMEZONEINFO"
    assert caught.value.http_status == 200
    assert len(seen) == 1


COOKIE = "COOKIE-SECRET-777"


def _staff() -> Session:
    """Return a session the client never signed in: Private calls carry its cookie as is."""
    return staff_session(COOKIE)


def _raising(error: type[httpx.TransportError]) -> tuple[httpx.MockTransport, list[str]]:
    """Return a transport whose every request fails with ``error`` quoting the cookie."""
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        raise error(f"failed holding {request.headers.get('cookie')}", request=request)

    return httpx.MockTransport(handle), seen


@pytest.mark.parametrize(
    ("httpx_error", "error_class", "message", "attempts"),
    [
        (httpx.ConnectError, ClickBookConnectError, "could not reach ClickBook (ConnectError", 4),
        (httpx.ConnectTimeout, ClickBookConnectError, "could not reach ClickBook (ConnectTim", 4),
        (httpx.PoolTimeout, ClickBookConnectError, "could not reach ClickBook (PoolTimeout", 4),
        (httpx.ReadTimeout, ClickBookTimeoutError, "no answer in time (ReadTimeout); outcom", 1),
        (httpx.WriteTimeout, ClickBookTimeoutError, "no answer in time (WriteTimeout); outco", 1),
        (httpx.ReadError, ClickBookTransportError, "the connection failed (ReadError: fail", 1),
        (httpx.RemoteProtocolError, ClickBookTransportError, "the connection failed (Remote", 1),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
async def test_each_network_failure_of_a_write_is_classified_and_retried_only_if_undelivered(
    make_client: Callable[..., ClickBookClient],
    sleep: RecordedSleep,
    httpx_error: type[httpx.TransportError],
    error_class: type[ClickBookError],
    message: str,
    attempts: int,
) -> None:
    transport, seen = _raising(httpx_error)
    async with make_client(transport=transport) as client:
        with pytest.raises(error_class) as caught:
            await client.create_client_file(
                _staff(), ClientFile(first_name="Bo", last_name="Chan", phone="442071234567")
            )
    assert type(caught.value) is error_class
    assert caught.value.operation == "SETUSERFIELDS"
    assert caught.value.message.startswith(message)
    assert COOKIE not in caught.value.message
    assert caught.value.__cause__ is None
    assert seen == ["/wsapi/latest/ClickBookPrivate"] * attempts
    assert sleep.delays == [0.5, 1.0, 2.0][: attempts - 1]


def _answer(operation: str, inner: str, status: int = 200) -> httpx.Response:
    """Return a SOAP answer of ``operation`` whose Return element holds ``inner``."""
    body = (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:urn="urn:DefaultNamespace"><soapenv:Body><urn:{operation}Response>'
        f"<{operation}Return>{inner}</{operation}Return></urn:{operation}Response>"
        "</soapenv:Body></soapenv:Envelope>"
    )
    return httpx.Response(status, text=body, headers={"content-type": "text/xml"})


async def test_ids_in_info_are_trimmed_and_a_missing_id_is_unusable(
    make_client: Callable[..., ClickBookClient], registration_data: dict[str, Any]
) -> None:
    zones = _xml(TIMEZONES.read_bytes())
    created = "<CODE>200</CODE><INFO>\n  {}  </INFO>"
    transport, _ = _serving(
        zones,
        _answer("SETUSERFIELDS", created.format("STUB-9")),
        _answer("SETUSERFIELDS", created.format("")),
        _answer("SETUSERFIELDS", created.format("CF-9")),
        _answer("SETUSERFIELDS", created.format("")),
    )
    client_file = ClientFile(first_name="Bo", last_name="Chan", phone="442071234567")
    async with make_client(transport=transport) as client:
        registration = Registration(**registration_data)
        assert await client.register_user(registration) == "STUB-9"
        with pytest.raises(ClickBookResponseError) as no_stub:
            await client.register_user(registration)
        assert await client.create_client_file(_staff(), client_file) == "CF-9"
        with pytest.raises(ClickBookResponseError) as no_file:
            await client.create_client_file(_staff(), client_file)
    assert str(no_stub.value) == "ClickBook SETUSERFIELDS: INFO holds no StubID"
    assert str(no_file.value) == "ClickBook SETUSERFIELDS: INFO holds no ClientFileID"


@pytest.mark.parametrize(
    ("inner", "message"),
    [
        ("<CODE>200</CODE><INFO></INFO>", "the answer holds no FIELDS"),
        (
            "<CODE>200</CODE><INFO></INFO><FIELDS><FIELD><NAME>inp-regstatus</NAME>"
            "<VALUE>Pending</VALUE></FIELD></FIELDS>",
            "inp-regstatus is 'Pending'",
        ),
        (
            "<CODE>200</CODE><INFO></INFO><FIELDS><FIELD><NAME>inp-firstname</NAME>"
            "<VALUE>Bo</VALUE></FIELD></FIELDS>",
            "inp-regstatus is None",
        ),
    ],
    ids=["no-fields", "unknown-status", "no-status"],
)
async def test_a_client_file_answer_without_a_known_status_is_unusable(
    make_client: Callable[..., ClickBookClient], sleep: RecordedSleep, inner: str, message: str
) -> None:
    transport, seen = _serving(_answer("GETUSERFIELDS", inner))
    async with make_client(transport=transport) as client:
        with pytest.raises(ClickBookResponseError) as caught:
            await client.get_client_file_status(_staff(), "CF-1")
    assert str(caught.value) == f"ClickBook GETUSERFIELDS: {message}"
    assert len(seen) == 1
    assert sleep.delays == []


@pytest.mark.parametrize(
    ("statuses", "error"),
    [
        ([302], None),
        ([200], None),
        ([400], "unexpected HTTP status 400"),
        ([500, 502, 503, 500], "unexpected HTTP status 500"),
        ([503, 200], None),
    ],
    ids=str,
)
async def test_sign_out_reads_the_status_and_retries_server_errors(
    make_client: Callable[..., ClickBookClient], statuses: list[int], error: str | None
) -> None:
    # Redirects are not followed: Domino's sign-out page sends the browser elsewhere.
    answers = [
        httpx.Response(status, text=f"page {COOKIE}", headers={"location": "/elsewhere"})
        for status in statuses
    ]
    transport, seen = _serving(*answers)
    staff = _staff()
    async with make_client(transport=transport) as client:
        if error is None:
            await client.logout(staff)
        else:
            with pytest.raises(ClickBookResponseError) as caught:
                await client.logout(staff)
            assert caught.value.message == error
            assert caught.value.operation == "LOGOUT"
            assert caught.value.http_status == statuses[-1]
            assert caught.value.excerpt == "page ***"
    assert staff.signed_out
    assert len(seen) == len(statuses)
    assert all(request.headers["cookie"] == f"DomAuthSessId={COOKIE}" for request in seen)


@pytest.mark.parametrize(
    ("answer", "error_class", "message", "status_in"),
    [
        pytest.param(
            httpx.Response(401, text="<p>YOU ARE LOCKED OUT.</p>"),
            ClickBookLockedOutError,
            "the account is locked out",
            "code",
            id="locked-out-any-case",
        ),
        pytest.param(
            httpx.Response(500, text=f"crash {STAFF_PASSWORD}"),
            ClickBookResponseError,
            "unexpected HTTP status 500",
            "http_status",
            id="server-error",
        ),
        pytest.param(
            _login_answer({"user": "CN=A B/O=X"}, cookie="DomAuthSessId=; Path=/"),
            ClickBookResponseError,
            "sign-in set no DomAuthSessId cookie",
            "http_status",
            id="empty-cookie",
        ),
    ],
)
async def test_sign_in_failures_are_told_apart(
    make_client: Callable[..., ClickBookClient],
    answer: httpx.Response,
    error_class: type[ClickBookError],
    message: str,
    status_in: str,
) -> None:
    transport, seen = _serving(answer)
    async with make_client(transport=transport, max_attempts=1) as client:
        with pytest.raises(error_class) as caught:
            await client.login(STAFF_EMAIL, STAFF_PASSWORD)
    assert type(caught.value) is error_class
    assert (caught.value.operation, caught.value.message) == ("LOGIN", message)
    assert getattr(caught.value, status_in) == answer.status_code
    assert STAFF_PASSWORD not in getattr(caught.value, "excerpt", "")


async def test_an_unusable_answer_keeps_its_http_status(
    make_client: Callable[..., ClickBookClient],
) -> None:
    transport, seen = _serving(_xml(b"<not-xml"))
    async with make_client(transport=transport) as client:
        with pytest.raises(ClickBookResponseError, match="not well-formed XML") as caught:
            await client.process_registration("STUB-1")
    assert caught.value.http_status == 200
    assert len(seen) == 1
