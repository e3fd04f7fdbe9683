"""Every CODE of the contract, as the sandbox answers it, and what the client makes of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.clickbook import (
    ClickBookAPIError,
    ClickBookClient,
    ClickBookError,
    ClickBookExpiredError,
    ClickBookForbiddenError,
    ClickBookNotFoundError,
    ClickBookResponseError,
    ClickBookValidationError,
    ClientFile,
    Registration,
    Session,
)
from tests.clickbook.conftest import RecordedSleep, Sandbox

Call = Callable[[ClickBookClient, Session, dict[str, Any], dict[str, Any]], Awaitable[object]]


async def test_301_activates_and_409_is_a_harmless_repeat(
    client: ClickBookClient, sandbox: Sandbox, registration_data: dict[str, Any]
) -> None:
    stub_id = await client.register_user(Registration(**registration_data))
    await client.process_registration(stub_id)
    await client.process_registration(stub_id)
    state = await sandbox.state()
    assert len(state["users"]) == 1
    assert state["stubs"][0]["account_id"] == state["users"][0]["id"]


async def test_400_when_the_stubs_email_got_an_account_meanwhile(
    client: ClickBookClient, staff: Session, sandbox: Sandbox, registration_data: dict[str, Any]
) -> None:
    stub_id = await client.register_user(Registration(**registration_data))
    email = registration_data["email"]
    client_file_id = await client.create_client_file(
        staff, ClientFile(first_name="Ann", last_name="Lee", phone="61298765432", email=email)
    )
    await sandbox.http.post(
        f"/_sandbox/invitations/{client_file_id}/accept", json={"password": "invited-pw-1"}
    )
    with pytest.raises(ClickBookValidationError) as caught:
        await client.process_registration(stub_id)
    assert [error.field for error in caught.value.errors] == ["inp-emailaddress1"]


async def test_404_for_an_unknown_stub(client: ClickBookClient) -> None:
    with pytest.raises(ClickBookNotFoundError) as caught:
        await client.process_registration("STUB-NOPE")
    assert (caught.value.code, caught.value.operation) == (404, "PROCESSREGSTUB")


async def test_404_for_an_unknown_client_file(client: ClickBookClient, staff: Session) -> None:
    with pytest.raises(ClickBookNotFoundError) as caught:
        await client.get_client_file_status(staff, "CF-NOPE")
    assert (caught.value.code, caught.value.operation) == (404, "GETUSERFIELDS")


async def test_410_for_a_stub_older_than_a_day(
    client: ClickBookClient, sandbox: Sandbox, registration_data: dict[str, Any]
) -> None:
    stub_id = await client.register_user(Registration(**registration_data))
    sandbox.clock.advance(timedelta(hours=24))
    with pytest.raises(ClickBookExpiredError) as caught:
        await client.process_registration(stub_id)
    assert caught.value.code == 410
    assert (await sandbox.state())["users"] == []


@pytest.mark.parametrize("api_key", ["wrong-key", ""])
async def test_403_for_a_key_admin_does_not_accept(
    make_client: Callable[..., ClickBookClient], api_key: str, sleep: RecordedSleep
) -> None:
    async with make_client(api_key=api_key) as client:
        with pytest.raises(ClickBookForbiddenError) as caught:
            await client.process_registration("STUB-1")
    assert caught.value.code == 403
    assert sleep.delays == []


async def test_403_for_a_wrong_key_on_public(
    make_client: Callable[..., ClickBookClient],
) -> None:
    async with make_client(api_key="wrong-key") as client:
        with pytest.raises(ClickBookForbiddenError):
            await client.get_timezones()


async def test_400_lists_every_failing_field(
    client: ClickBookClient, staff: Session, sandbox: Sandbox, client_file_data: dict[str, Any]
) -> None:
    await sandbox.fault("SETUSERFIELDS", "code", code=400, service="Private")
    with pytest.raises(ClickBookValidationError) as caught:
        await client.create_client_file(staff, ClientFile(**client_file_data))
    assert caught.value.code == 400
    assert "Sandbox fault: CODE 400" in caught.value.info


async def _timezones(client: ClickBookClient, *_: Any) -> object:
    return await client.get_timezones()


async def _register(
    client: ClickBookClient, _: Session, registration: dict[str, Any], __: Any
) -> object:
    return await client.register_user(Registration(**registration))


async def _process(client: ClickBookClient, *_: Any) -> object:
    return await client.process_registration("STUB-1")


async def _create(
    client: ClickBookClient, staff: Session, _: Any, client_file: dict[str, Any]
) -> object:
    return await client.create_client_file(staff, ClientFile(**client_file))


async def _status(client: ClickBookClient, staff: Session, *_: Any) -> object:
    return await client.get_client_file_status(staff, "CF-1")


OPERATIONS: list[tuple[str, str, Call]] = [
    ("GETTIMEZONEINFO", "Public", _timezones),
    ("SETUSERFIELDS", "Public", _register),
    ("PROCESSREGSTUB", "Admin", _process),
    ("SETUSERFIELDS", "Private", _create),
    ("GETUSERFIELDS", "Private", _status),
]

CODES: list[tuple[int, type[ClickBookError] | None]] = [
    (400, ClickBookValidationError),
    (403, ClickBookForbiddenError),
    (404, ClickBookNotFoundError),
    (410, ClickBookExpiredError),
    (409, ClickBookAPIError),
    (503, ClickBookAPIError),
]


@pytest.mark.parametrize(
    ("operation", "service", "call"),
    [pytest.param(*entry, id=f"{entry[0]}-{entry[1]}") for entry in OPERATIONS],
)
@pytest.mark.parametrize(("code", "error_class"), CODES, ids=[str(code) for code, _ in CODES])
async def test_each_failure_code_of_each_operation(
    client: ClickBookClient,
    staff: Session,
    sandbox: Sandbox,
    sleep: RecordedSleep,
    registration_data: dict[str, Any],
    client_file_data: dict[str, Any],
    operation: str,
    service: str,
    call: Call,
    code: int,
    error_class: type[ClickBookError],
) -> None:
    if operation == "SETUSERFIELDS" and service == "Public":
        await client.get_timezones()  # cached first, so the fault hits SETUSERFIELDS
    await sandbox.fault(operation, "code", code=code, service=service)
    if operation == "PROCESSREGSTUB" and code == 409:
        assert await call(client, staff, registration_data, client_file_data) is None
    else:
        with pytest.raises(ClickBookAPIError) as caught:
            await call(client, staff, registration_data, client_file_data)
        assert type(caught.value) is error_class
        assert (caught.value.code, caught.value.operation) == (code, operation)
    assert sleep.delays == []
    assert await sandbox.faults_pending() == []


@pytest.mark.parametrize(
    ("operation", "service", "call"),
    [pytest.param(*entry, id=f"{entry[0]}-{entry[1]}") for entry in OPERATIONS],
)
async def test_a_success_code_of_another_operation_is_unusable(
    client: ClickBookClient,
    staff: Session,
    sandbox: Sandbox,
    registration_data: dict[str, Any],
    client_file_data: dict[str, Any],
    operation: str,
    service: str,
    call: Call,
) -> None:
    await client.get_timezones()
    wrong = 200 if operation == "PROCESSREGSTUB" else 301
    await sandbox.fault(operation, "code", code=wrong, service=service)
    if operation == "GETTIMEZONEINFO":
        sandbox.clock.advance(timedelta(days=1))
    with pytest.raises(ClickBookResponseError, match=f"unexpected CODE {wrong}"):
        await call(client, staff, registration_data, client_file_data)
