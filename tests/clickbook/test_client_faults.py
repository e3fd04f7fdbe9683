"""Injected faults: what is retried (with the injected sleep) and what is never repeated."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.clickbook import (
    ClickBookClient,
    ClickBookConnectError,
    ClickBookFaultError,
    ClickBookNotFoundError,
    ClickBookResponseError,
    ClickBookTimeoutError,
    ClickBookTransportError,
    ClientFile,
    Registration,
    Session,
)
from bot.clickbook.retry import MAX_DELAY
from tests.clickbook.conftest import (
    STAFF_EMAIL,
    STAFF_PASSWORD,
    CountingTransport,
    RecordedSleep,
    Sandbox,
)

Read = Callable[[ClickBookClient, Session, Sandbox], Awaitable[object]]


async def _timezones(client: ClickBookClient, staff: Session, sandbox: Sandbox) -> object:
    return await client.get_timezones()


async def _process(client: ClickBookClient, staff: Session, sandbox: Sandbox) -> object:
    return await client.process_registration("STUB-NOPE-BUT-REACHED")


async def _status(client: ClickBookClient, staff: Session, sandbox: Sandbox) -> object:
    return await client.get_client_file_status(staff, "CF-NOPE-BUT-REACHED")


async def _login(client: ClickBookClient, staff: Session, sandbox: Sandbox) -> object:
    return await client.login(STAFF_EMAIL, STAFF_PASSWORD)


READS = [
    pytest.param("GETTIMEZONEINFO", "ClickBookPublic", _timezones, id="GETTIMEZONEINFO"),
    pytest.param("PROCESSREGSTUB", "ClickBookAdmin", _process, id="PROCESSREGSTUB"),
    pytest.param("GETUSERFIELDS", "ClickBookPrivate", _status, id="GETUSERFIELDS"),
    pytest.param("LOGIN", "LoginOK", _login, id="LOGIN"),
]


async def _outcome(call: Read, client: ClickBookClient, staff: Session, sandbox: Sandbox) -> str:
    """Run ``call``; return "ok" or the name of the ClickBook error it raised."""
    try:
        await call(client, staff, sandbox)
    except Exception as exc:  # noqa: BLE001 - the test compares the class name
        return type(exc).__name__
    return "ok"


# The unknown ids make PROCESSREGSTUB and GETUSERFIELDS end in a 404 once they get through:
# proof that the request was repeated until it reached the operation.
REACHED = {
    "GETTIMEZONEINFO": "ok",
    "PROCESSREGSTUB": "ClickBookNotFoundError",
    "GETUSERFIELDS": "ClickBookNotFoundError",
    "LOGIN": "ok",
}


@pytest.mark.parametrize(("operation", "path", "call"), READS)
@pytest.mark.parametrize("kind", ["http500", "delay", "drop"])
async def test_reads_are_retried_with_backoff(
    client: ClickBookClient,
    staff: Session,
    sandbox: Sandbox,
    transport: CountingTransport,
    sleep: RecordedSleep,
    operation: str,
    path: str,
    call: Read,
    kind: str,
) -> None:
    await sandbox.fault(operation, kind, times=2, seconds=60)
    before = transport.count(path)
    assert await _outcome(call, client, staff, sandbox) == REACHED[operation]
    assert transport.count(path) - before == 3
    assert sleep.delays == [0.5, 1.0]


@pytest.mark.parametrize(("operation", "path", "call"), READS)
async def test_reads_give_up_after_max_attempts(
    client: ClickBookClient,
    staff: Session,
    sandbox: Sandbox,
    transport: CountingTransport,
    sleep: RecordedSleep,
    operation: str,
    path: str,
    call: Read,
) -> None:
    await sandbox.fault(operation, "http500", times=10)
    before = transport.count(path)
    outcome = await _outcome(call, client, staff, sandbox)
    assert outcome == ("ClickBookResponseError" if operation == "LOGIN" else "ClickBookFaultError")
    assert transport.count(path) - before == 4
    assert sleep.delays == [0.5, 1.0, 2.0]


@pytest.mark.parametrize(("operation", "path", "call"), READS)
async def test_a_malformed_answer_is_not_retried(
    client: ClickBookClient,
    staff: Session,
    sandbox: Sandbox,
    transport: CountingTransport,
    sleep: RecordedSleep,
    operation: str,
    path: str,
    call: Read,
) -> None:
    await sandbox.fault(operation, "malformed")
    before = transport.count(path)
    assert await _outcome(call, client, staff, sandbox) == "ClickBookResponseError"
    assert transport.count(path) - before == 1
    assert sleep.delays == []


async def test_the_backoff_is_capped(
    make_client: Callable[..., ClickBookClient], sandbox: Sandbox, sleep: RecordedSleep
) -> None:
    async with make_client(max_attempts=8) as client:
        await sandbox.fault("GETTIMEZONEINFO", "http500", times=7)
        assert len(await client.get_timezones()) > 100
    assert sleep.delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert max(sleep.delays) == MAX_DELAY


async def test_jitter_comes_from_the_injected_random(
    make_client: Callable[..., ClickBookClient], sandbox: Sandbox, sleep: RecordedSleep
) -> None:
    draws = iter([0.25, 0.5, 0.0])
    async with make_client(random=lambda: next(draws)) as client:
        await sandbox.fault("GETTIMEZONEINFO", "http500", times=3)
        await client.get_timezones()
    assert sleep.delays == [0.125, 0.5, 0.0]


async def test_max_attempts_of_one_never_retries(
    make_client: Callable[..., ClickBookClient], sandbox: Sandbox, sleep: RecordedSleep
) -> None:
    async with make_client(max_attempts=1) as client:
        await sandbox.fault("GETTIMEZONEINFO", "drop")
        with pytest.raises(ClickBookTransportError):
            await client.get_timezones()
    assert sleep.delays == []


async def _register(client: ClickBookClient, staff: Session, data: dict[str, Any]) -> object:
    return await client.register_user(Registration(**data["registration"]))


async def _create(client: ClickBookClient, staff: Session, data: dict[str, Any]) -> object:
    return await client.create_client_file(staff, ClientFile(**data["client_file"]))


WRITES = [
    pytest.param("Public", "stubs", _register, id="register_user"),
    pytest.param("Private", "client_files", _create, id="create_client_file"),
]


@pytest.fixture
def forms(registration_data: dict[str, Any], client_file_data: dict[str, Any]) -> dict[str, Any]:
    return {"registration": registration_data, "client_file": client_file_data}


@pytest.mark.parametrize(("service", "records", "call"), WRITES)
@pytest.mark.parametrize(
    ("kind", "error_class", "saved"),
    [
        pytest.param("drop", ClickBookTransportError, 1, id="drop"),
        pytest.param("delay", ClickBookTimeoutError, 0, id="delay"),
        pytest.param("http500", ClickBookFaultError, 0, id="http500"),
        pytest.param("malformed", ClickBookResponseError, 0, id="malformed"),
    ],
)
async def test_writes_are_never_repeated_once_sent(
    client: ClickBookClient,
    staff: Session,
    sandbox: Sandbox,
    transport: CountingTransport,
    sleep: RecordedSleep,
    forms: dict[str, Any],
    service: str,
    records: str,
    call: Callable[..., Awaitable[object]],
    kind: str,
    error_class: type[Exception],
    saved: int,
) -> None:
    await client.get_timezones()
    await sandbox.fault("SETUSERFIELDS", kind, service=service, times=3, seconds=60)
    with pytest.raises(error_class) as caught:
        await call(client, staff, forms)
    assert type(caught.value) is error_class
    assert transport.count(f"ClickBook{service}") == (2 if service == "Public" else 1)
    assert sleep.delays == []
    # A drop happens after the work: exactly one record, and the client knows it may exist.
    assert len((await sandbox.state())[records]) == saved
    if isinstance(caught.value, ClickBookTransportError):
        assert caught.value.may_have_been_processed


@pytest.mark.parametrize(("service", "records", "call"), WRITES)
async def test_writes_are_retried_when_the_connection_was_refused(
    make_client: Callable[..., ClickBookClient],
    transport: CountingTransport,
    sandbox: Sandbox,
    sleep: RecordedSleep,
    forms: dict[str, Any],
    service: str,
    records: str,
    call: Callable[..., Awaitable[object]],
) -> None:
    async with make_client() as client:
        staff = await client.login(STAFF_EMAIL, STAFF_PASSWORD)
        await client.get_timezones()
        transport.connect_failures = 2
        assert await call(client, staff, forms)
    assert sleep.delays == [0.5, 1.0]
    assert len((await sandbox.state())[records]) == 1


async def test_a_refused_connection_is_a_connect_error(
    make_client: Callable[..., ClickBookClient], transport: CountingTransport
) -> None:
    transport.connect_failures = 4
    async with make_client() as client:
        with pytest.raises(ClickBookConnectError) as caught:
            await client.get_timezones()
    assert not caught.value.may_have_been_processed
    assert transport.count("ClickBookPublic") == 4


async def test_validate_only_is_safe_to_repeat_after_a_timeout(
    client: ClickBookClient,
    sandbox: Sandbox,
    sleep: RecordedSleep,
    registration_data: dict[str, Any],
) -> None:
    await client.get_timezones()
    await sandbox.fault("SETUSERFIELDS", "delay", seconds=60)
    await client.validate_user(Registration(**registration_data))
    assert sleep.delays == [0.5]


async def test_expire_session_on_login_still_signs_in(
    client: ClickBookClient, sandbox: Sandbox
) -> None:
    await sandbox.fault("LOGIN", "expire_session")
    session = await client.login(STAFF_EMAIL, STAFF_PASSWORD)
    assert session.usercn == "Sam Staff"


async def test_a_delay_shorter_than_the_timeout_is_just_slow(
    make_client: Callable[..., ClickBookClient],
    sandbox: Sandbox,
    sleep: RecordedSleep,
) -> None:
    sandbox.app.state.sleep = _no_wait
    async with make_client() as client:
        await sandbox.fault("PROCESSREGSTUB", "delay", seconds=0.01)
        with pytest.raises(ClickBookNotFoundError):
            await client.process_registration("STUB-X")
    assert sleep.delays == []


async def _no_wait(seconds: float) -> None:
    return None
