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
    ClickBookCredentialsError,
    ClickBookResponseError,
)
from bot.clickbook.wire import MAX_BODY_BYTES
from tests.clickbook.conftest import STAFF_EMAIL, STAFF_PASSWORD, RecordedSleep

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
        with pytest.raises(ClickBookResponseError, match="does not decompress"):
            await client.get_timezones()


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
