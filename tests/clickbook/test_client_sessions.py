"""Sign-in, lockout, session expiry and its transparent renewal, and renewal failures."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bot.clickbook import (
    ClickBookClient,
    ClickBookCredentialsError,
    ClickBookLockedOutError,
    ClickBookNotFoundError,
    ClickBookResponseError,
    ClickBookSignedOutError,
    ClickBookTimeoutError,
    ClientFile,
    RegStatus,
    Session,
)
from tests.clickbook.conftest import (
    STAFF_EMAIL,
    STAFF_PASSWORD,
    CountingTransport,
    RecordedSleep,
    Sandbox,
)


async def _lock_out_staff(client: ClickBookClient) -> None:
    for _ in range(4):
        with pytest.raises(ClickBookCredentialsError):
            await client.login(STAFF_EMAIL, "wrong-password")
    with pytest.raises(ClickBookLockedOutError):
        await client.login(STAFF_EMAIL, "wrong-password")


async def test_five_failures_lock_the_account_for_thirty_minutes(
    client: ClickBookClient,
    sandbox: Sandbox,
    transport: CountingTransport,
    sleep: RecordedSleep,
) -> None:
    await _lock_out_staff(client)
    with pytest.raises(ClickBookLockedOutError) as caught:
        await client.login(STAFF_EMAIL, STAFF_PASSWORD)
    assert caught.value.operation == "LOGIN"
    assert transport.count("LoginOK") == 6
    assert sleep.delays == []
    assert (await sandbox.state())["locked_out"] == [STAFF_EMAIL]
    sandbox.clock.advance(timedelta(minutes=30))
    assert (await client.login(STAFF_EMAIL, STAFF_PASSWORD)).usercn == "Sam Staff"


@pytest.fixture
def renewed() -> list[Session]:
    return []


@pytest.fixture
async def renewing_client(
    make_client: Callable[..., ClickBookClient], renewed: list[Session]
) -> Any:
    async with make_client(on_session_renewed=renewed.append) as client:
        yield client


async def test_an_expired_session_is_renewed_transparently(
    renewing_client: ClickBookClient,
    sandbox: Sandbox,
    transport: CountingTransport,
    renewed: list[Session],
    client_file_data: dict[str, Any],
) -> None:
    client = renewing_client
    staff = await client.login(STAFF_EMAIL, STAFF_PASSWORD)
    old_cookie = staff.cookie.get_secret_value()
    await sandbox.fault("SETUSERFIELDS", "expire_session", service="Private")

    client_file_id = await client.create_client_file(staff, ClientFile(**client_file_data))

    assert staff.cookie.get_secret_value() != old_cookie
    assert (staff.user, staff.usercn) == ("CN=Sam Staff/O=ClickBook", "Sam Staff")
    assert renewed == [staff]
    assert transport.count("LoginOK") == 2
    assert len((await sandbox.state())["client_files"]) == 1
    assert await client.get_client_file_status(staff, client_file_id) is RegStatus.INVITED
    assert transport.count("LoginOK") == 2


async def test_an_idle_session_expires_after_thirty_minutes_and_is_renewed(
    renewing_client: ClickBookClient,
    sandbox: Sandbox,
    transport: CountingTransport,
    renewed: list[Session],
    client_file_data: dict[str, Any],
) -> None:
    client = renewing_client
    staff = await client.login(STAFF_EMAIL, STAFF_PASSWORD)
    client_file_id = await client.create_client_file(staff, ClientFile(**client_file_data))
    sandbox.clock.advance(timedelta(minutes=29))
    await client.get_client_file_status(staff, client_file_id)
    sandbox.clock.advance(timedelta(minutes=29))
    await client.get_client_file_status(staff, client_file_id)
    assert renewed == []
    sandbox.clock.advance(timedelta(minutes=30))

    assert await client.get_client_file_status(staff, client_file_id) is RegStatus.INVITED

    assert renewed == [staff]
    assert transport.count("LoginOK") == 2


async def test_an_async_renewal_hook_is_awaited(
    make_client: Callable[..., ClickBookClient], sandbox: Sandbox
) -> None:
    stored: list[dict[str, str]] = []

    async def store(session: Session) -> None:
        await asyncio.sleep(0)
        stored.append(session.to_json())

    async with make_client(on_session_renewed=store) as client:
        staff = await client.login(STAFF_EMAIL, STAFF_PASSWORD)
        sandbox.clock.advance(timedelta(hours=1))
        with pytest.raises(ClickBookNotFoundError):
            await client.get_client_file_status(staff, "CF-1")
    assert stored == [staff.to_json()]


async def test_concurrent_calls_share_one_renewal(
    client: ClickBookClient,
    staff: Session,
    sandbox: Sandbox,
    transport: CountingTransport,
    client_file_data: dict[str, Any],
) -> None:
    ids = [
        await client.create_client_file(staff, ClientFile(**client_file_data)) for _ in range(3)
    ]
    sandbox.clock.advance(timedelta(hours=2))
    statuses = await asyncio.gather(
        *(client.get_client_file_status(staff, client_file_id) for client_file_id in ids)
    )
    assert statuses == [RegStatus.INVITED] * 3
    assert transport.count("LoginOK") == 2


async def test_a_write_repeated_after_renewal_is_still_never_resent(
    client: ClickBookClient,
    staff: Session,
    sandbox: Sandbox,
    transport: CountingTransport,
    sleep: RecordedSleep,
    client_file_data: dict[str, Any],
) -> None:
    await sandbox.fault("SETUSERFIELDS", "expire_session", service="Private")
    await sandbox.fault("SETUSERFIELDS", "delay", service="Private", seconds=60)
    with pytest.raises(ClickBookTimeoutError):
        await client.create_client_file(staff, ClientFile(**client_file_data))
    assert transport.count("ClickBookPrivate") == 2
    assert transport.count("LoginOK") == 2
    assert sleep.delays == []


async def test_renewal_with_a_changed_password_signs_out(
    client: ClickBookClient, staff: Session, sandbox: Sandbox
) -> None:
    stale = Session.from_json({**staff.to_json(), "password": "changed-since"})
    sandbox.clock.advance(timedelta(hours=1))
    with pytest.raises(ClickBookSignedOutError) as caught:
        await client.get_client_file_status(stale, "CF-1")
    assert isinstance(caught.value.__cause__, ClickBookCredentialsError)
    assert caught.value.operation == "GETUSERFIELDS"


async def test_renewal_while_locked_out_signs_out(
    client: ClickBookClient, staff: Session, sandbox: Sandbox, transport: CountingTransport
) -> None:
    await _lock_out_staff(client)
    sandbox.clock.advance(timedelta(minutes=29, seconds=59))
    await sandbox.fault("GETUSERFIELDS", "expire_session")
    logins = transport.count("LoginOK")
    with pytest.raises(ClickBookSignedOutError) as caught:
        await client.get_client_file_status(staff, "CF-1")
    assert isinstance(caught.value.__cause__, ClickBookLockedOutError)
    assert transport.count("LoginOK") == logins + 1


async def test_a_session_that_dies_again_after_renewal_signs_out(
    client: ClickBookClient, staff: Session, sandbox: Sandbox, transport: CountingTransport
) -> None:
    await sandbox.fault("GETUSERFIELDS", "expire_session", times=2)
    with pytest.raises(ClickBookSignedOutError) as caught:
        await client.get_client_file_status(staff, "CF-1")
    assert caught.value.message == "the session expired again right after signing in"
    assert transport.count("LoginOK") == 2


async def test_renewal_rides_out_a_sign_in_hiccup(
    client: ClickBookClient, staff: Session, sandbox: Sandbox, sleep: RecordedSleep
) -> None:
    await sandbox.fault("GETUSERFIELDS", "expire_session")
    await sandbox.fault("LOGIN", "http500")
    with pytest.raises(ClickBookNotFoundError):
        await client.get_client_file_status(staff, "CF-1")
    assert sleep.delays == [0.5]


async def test_an_unreachable_clickbook_during_renewal_is_not_a_sign_out(
    client: ClickBookClient, staff: Session, sandbox: Sandbox
) -> None:
    await sandbox.fault("GETUSERFIELDS", "expire_session")
    await sandbox.fault("LOGIN", "http500", times=4)
    with pytest.raises(ClickBookResponseError) as caught:
        await client.get_client_file_status(staff, "CF-1")
    assert caught.value.http_status == 500
    assert not staff.signed_out


class _AnsweringOnce(httpx.AsyncBaseTransport):
    """Answer the first call to ``path`` with ``answer`` (a dead session, as Domino says it)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, answer: httpx.Response, path: str) -> None:
        self.inner = inner
        self.answer: httpx.Response | None = answer
        self.path = path

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.answer is not None and request.url.path.endswith(self.path):
            answer, self.answer = self.answer, None
            return answer
        return await self.inner.handle_async_request(request)


LOGIN_PAGE = "<!DOCTYPE html><html>Sign in</html>"


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(401, text="Unauthorized"),
        httpx.Response(200, text=LOGIN_PAGE, headers={"content-type": "Text/HTML ;charset=UTF-8"}),
    ],
    ids=["401", "login-page"],
)
async def test_a_401_or_a_login_page_on_a_private_call_renews_the_session(
    make_client: Callable[..., ClickBookClient],
    transport: CountingTransport,
    answer: httpx.Response,
) -> None:
    async with make_client(transport=_AnsweringOnce(transport, answer, "Private")) as client:
        staff = await client.login(STAFF_EMAIL, STAFF_PASSWORD)
        old_cookie = staff.cookie.get_secret_value()
        with pytest.raises(ClickBookNotFoundError):
            await client.get_client_file_status(staff, "CF-1")
    assert staff.cookie.get_secret_value() != old_cookie
    assert transport.count("LoginOK") == 2
    assert transport.count("ClickBookPrivate") == 1


@pytest.mark.parametrize(
    ("path", "answer", "message"),
    [
        ("Public", httpx.Response(401, text="Unauthorized"), "unexpected HTTP status 401"),
        (
            "Private",
            httpx.Response(403, html=LOGIN_PAGE),
            "HTML where XML was expected (HTTP 403)",
        ),
        (
            "Private",
            httpx.Response(500, html=LOGIN_PAGE),
            "HTML where XML was expected (HTTP 500)",
        ),
    ],
    ids=["public-401", "private-403-page", "private-500-page"],
)
async def test_other_refusals_are_not_taken_for_an_expired_session(
    make_client: Callable[..., ClickBookClient],
    transport: CountingTransport,
    staff: Session,
    path: str,
    answer: httpx.Response,
    message: str,
) -> None:
    logins = transport.count("LoginOK")
    async with make_client(
        transport=_AnsweringOnce(transport, answer, path), max_attempts=1
    ) as client:
        call = (
            client.get_timezones()
            if path == "Public"
            else client.get_client_file_status(staff, "CF-1")
        )
        with pytest.raises(ClickBookResponseError) as caught:
            await call
    assert caught.value.message == message
    assert caught.value.http_status == answer.status_code
    assert transport.count("LoginOK") == logins


async def test_html_from_a_public_service_is_unusable_not_expiry(
    make_client: Callable[..., ClickBookClient],
) -> None:
    class LoginPage(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, html="<!DOCTYPE html><html>Sign in</html>")

    async with make_client(transport=LoginPage()) as client:
        with pytest.raises(ClickBookResponseError, match="HTML where XML") as caught:
            await client.process_registration("STUB-1")
    assert caught.value.http_status == 200
    assert "Sign in" in caught.value.excerpt


class _SignedOutMeanwhile(httpx.AsyncBaseTransport):
    """The staff member signs out while their Private call is under way; the cookie is dead."""

    def __init__(self, inner: httpx.AsyncBaseTransport, session: Session) -> None:
        self.inner = inner
        self.session = session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("ClickBookPrivate"):
            self.session.mark_signed_out()
            return httpx.Response(401, text="Unauthorized")
        return await self.inner.handle_async_request(request)


async def test_a_session_signed_out_during_a_call_is_not_signed_in_again(
    make_client: Callable[..., ClickBookClient],
    staff: Session,
    transport: CountingTransport,
    renewed: list[Session],
) -> None:
    logins = transport.count("LoginOK")
    async with make_client(
        transport=_SignedOutMeanwhile(transport, staff), on_session_renewed=renewed.append
    ) as client:
        with pytest.raises(ClickBookSignedOutError) as caught:
            await client.get_client_file_status(staff, "CF-1")
    assert str(caught.value) == "ClickBook GETUSERFIELDS: the session was signed out"
    assert transport.count("LoginOK") == logins
    assert renewed == []
