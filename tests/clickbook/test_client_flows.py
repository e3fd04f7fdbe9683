"""The two registration procedures and the other calls, end to end on the in-process sandbox."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bot.clickbook import (
    ClickBookClient,
    ClickBookCredentialsError,
    ClickBookResponseError,
    ClickBookSignedOutError,
    ClickBookValidationError,
    ClientFile,
    Registration,
    RegStatus,
    Session,
    TimeZone,
)
from tests.clickbook.conftest import (
    AEST,
    ORIGIN,
    PASSWORD,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    CountingTransport,
    Sandbox,
)


async def test_self_registration_procedure(
    client: ClickBookClient, sandbox: Sandbox, registration_data: dict[str, Any]
) -> None:
    zones = await client.get_timezones()
    sydney = next(zone for zone in zones if "Sydney" in zone.places)
    assert sydney.value == AEST
    registration = Registration(**{**registration_data, "timezone": sydney.value})

    stub_id = await client.register_user(registration)

    [stub] = (await sandbox.state())["stubs"]
    assert stub["id"] == stub_id
    assert stub["processed_at"] is None
    assert stub["fields"]["inp-firstname"] == "Ann"
    assert stub["fields"]["inp-emailaddress2"] == "ann.lee@example.com"

    await client.process_registration(stub_id)

    [user] = (await sandbox.state())["users"]
    assert user["email"] == "ann.lee@example.com"
    session = await client.login("ann.lee@example.com", PASSWORD)
    assert (session.user, session.usercn) == ("CN=Ann Lee/O=ClickBook", "Ann Lee")


async def test_invite_procedure(
    client: ClickBookClient, sandbox: Sandbox, client_file_data: dict[str, Any]
) -> None:
    staff = await client.login(STAFF_EMAIL, STAFF_PASSWORD)
    assert staff.usercn == "Sam Staff"

    client_file_id = await client.create_client_file(staff, ClientFile(**client_file_data))

    assert [mail["to"] for mail in await sandbox.outbox()] == ["bo.chan@example.com"]
    assert await client.get_client_file_status(staff, client_file_id) is RegStatus.INVITED

    await sandbox.accept(client_file_id, "bo-chosen-password")

    assert await client.get_client_file_status(staff, client_file_id) is RegStatus.REGISTERED
    invited = await client.login("bo.chan@example.com", "bo-chosen-password")
    assert invited.usercn == "Bo Chan"


async def test_client_file_fields_read_back(
    client: ClickBookClient, staff: Session, client_file_data: dict[str, Any]
) -> None:
    client_file = ClientFile(**{**client_file_data, "mobile": "61412345678"})
    client_file_id = await client.create_client_file(staff, client_file)
    fields = await client.get_client_file_fields(staff, client_file_id)
    assert fields["inp-firstname"] == "Bo"
    assert fields["inp-lastname"] == "Chan"
    assert fields["inp-telfixed"] == "442071234567"
    assert fields["inp-telmobile"] == "61412345678"
    assert fields["inp-regstatus"] == "Invited"


async def test_a_client_file_without_email_sends_no_invitation(
    client: ClickBookClient, staff: Session, sandbox: Sandbox
) -> None:
    client_file = ClientFile(first_name="Cy", last_name="Dee", phone="123456789")
    client_file_id = await client.create_client_file(staff, client_file)
    assert client_file_id
    assert await sandbox.outbox() == []


async def test_validate_user_saves_nothing(
    client: ClickBookClient, sandbox: Sandbox, registration_data: dict[str, Any]
) -> None:
    await client.validate_user(Registration(**registration_data))
    assert (await sandbox.state())["stubs"] == []


async def test_a_taken_email_comes_back_as_a_field_error(
    client: ClickBookClient, registration_data: dict[str, Any]
) -> None:
    registration = Registration(**registration_data)
    await client.register_user(registration)
    with pytest.raises(ClickBookValidationError) as caught:
        await client.validate_user(registration)
    assert caught.value.fields == ["inp-emailaddress1"]
    assert caught.value.code == 400


async def test_a_country_not_on_clickbooks_list_is_a_field_error(
    client: ClickBookClient, registration_data: dict[str, Any]
) -> None:
    registration = Registration(**{**registration_data, "country": "Atlantis"})
    with pytest.raises(ClickBookValidationError) as caught:
        await client.register_user(registration)
    assert caught.value.fields == ["inp-country"]


async def test_a_time_zone_not_on_the_list_is_refused_before_sending(
    client: ClickBookClient, transport: CountingTransport, registration_data: dict[str, Any]
) -> None:
    unknown = "Z=-10$DO=0$ZX=9999$ZN=Nowhere"
    registration = Registration(**{**registration_data, "timezone": unknown})
    with pytest.raises(ValueError, match="time zone"):
        await client.register_user(registration)
    assert transport.count("ClickBookPublic") == 1  # GETTIMEZONEINFO only


async def test_time_zones_are_parsed(client: ClickBookClient) -> None:
    zones = await client.get_timezones()
    assert len(zones) > 100
    assert all(isinstance(zone, TimeZone) for zone in zones)
    india = next(zone for zone in zones if zone.name == "India")
    assert india.standard_offset == timedelta(hours=5, minutes=30)


async def test_time_zones_are_cached_until_the_ttl_passes(
    make_client: Callable[..., ClickBookClient], transport: CountingTransport, clock: Any
) -> None:
    async with make_client(timezone_cache_ttl=timedelta(hours=1)) as client:
        first = await client.get_timezones()
        clock.advance(timedelta(minutes=59))
        assert await client.get_timezones() == first
        assert transport.count("ClickBookPublic") == 1
        clock.advance(timedelta(minutes=1))
        await client.get_timezones()
        assert transport.count("ClickBookPublic") == 2


async def test_time_zones_are_cached_for_twelve_hours_by_default(
    client: ClickBookClient, transport: CountingTransport, clock: Any
) -> None:
    await client.get_timezones()
    clock.advance(timedelta(hours=11, minutes=59))
    await client.get_timezones()
    assert transport.count("ClickBookPublic") == 1
    clock.advance(timedelta(minutes=1))
    await client.get_timezones()
    clock.advance(timedelta(hours=11, minutes=59))
    await client.get_timezones()
    assert transport.count("ClickBookPublic") == 2


async def test_concurrent_first_callers_share_one_request(
    client: ClickBookClient, transport: CountingTransport
) -> None:
    results = await asyncio.gather(*(client.get_timezones() for _ in range(5)))
    assert transport.count("ClickBookPublic") == 1
    assert all(result == results[0] for result in results)


async def test_a_failed_time_zone_request_is_not_cached(
    client: ClickBookClient, sandbox: Sandbox, transport: CountingTransport
) -> None:
    await sandbox.fault("GETTIMEZONEINFO", "malformed")
    with pytest.raises(ClickBookResponseError, match="GETTIMEZONEINFO"):
        await client.get_timezones()
    assert len(await client.get_timezones()) > 100
    assert transport.count("ClickBookPublic") == 2


async def test_wrong_credentials(client: ClickBookClient, transport: CountingTransport) -> None:
    with pytest.raises(ClickBookCredentialsError) as caught:
        await client.login(STAFF_EMAIL, "not-the-password")
    assert caught.value.code == 401
    assert caught.value.operation == "LOGIN"
    assert transport.count("LoginOK") == 1


async def test_logout_ends_the_session_at_clickbook(
    client: ClickBookClient, staff: Session, sandbox: Sandbox
) -> None:
    assert len((await sandbox.state())["sessions"]) == 1
    await client.logout(staff)
    assert (await sandbox.state())["sessions"] == []
    assert staff.signed_out
    with pytest.raises(ClickBookSignedOutError, match="signed out"):
        await client.get_client_file_fields(staff, "CF-1")


async def test_a_restored_session_keeps_working(
    client: ClickBookClient, staff: Session, client_file_data: dict[str, Any]
) -> None:
    restored = Session.from_json(staff.to_json())
    client_file_id = await client.create_client_file(restored, ClientFile(**client_file_data))
    assert await client.get_client_file_status(restored, client_file_id) is RegStatus.INVITED


async def test_a_closed_client_refuses_calls(make_client: Callable[..., ClickBookClient]) -> None:
    client = make_client()
    assert repr(client) == f"ClickBookClient(api_url='{ORIGIN}/wsapi/latest/', open)"
    async with client:
        pass
    await client.aclose()
    assert repr(client) == f"ClickBookClient(api_url='{ORIGIN}/wsapi/latest/', closed)"
    with pytest.raises(RuntimeError, match="closed"):
        await client.get_timezones()
    with pytest.raises(RuntimeError, match="closed"):
        await client.login(STAFF_EMAIL, STAFF_PASSWORD)
    with pytest.raises(RuntimeError, match="closed"):
        async with client:
            pass


async def test_closing_the_client_closes_its_own_connections(
    make_client: Callable[..., ClickBookClient], transport: CountingTransport
) -> None:
    closed: list[bool] = []

    class Closing(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            return await transport.handle_async_request(request)

        async def aclose(self) -> None:
            closed.append(True)

    async with make_client(transport=Closing()) as client:
        await client.get_timezones()
        assert closed == []
    assert closed == [True]


async def test_a_borrowed_http_client_is_not_closed(
    make_client: Callable[..., ClickBookClient], transport: CountingTransport
) -> None:
    async with httpx.AsyncClient(transport=transport) as http:
        async with make_client(transport=None, http=http) as client:
            await client.login(STAFF_EMAIL, STAFF_PASSWORD)
        assert not http.is_closed
        response = await http.get(f"{ORIGIN}/_sandbox/state")
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"timeout": 0}, "timeout must be positive"),
        ({"deadline": 0}, "deadline must be positive"),
        ({"max_attempts": 0}, "max_attempts must be at least 1"),
        ({"http": "x"}, "pass either http or transport, not both"),
    ],
)
def test_bad_construction_is_a_programmer_error(
    make_client: Callable[..., ClickBookClient], arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        make_client(**arguments)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda client, staff: client.process_registration(" "), "stub_id"),
        (lambda client, staff: client.get_client_file_fields(staff, ""), "client_file_id"),
        (lambda client, staff: client.get_client_file_fields(staff, " "), "client_file_id"),
        (lambda client, staff: client.process_registration(""), "stub_id"),
        (lambda client, staff: client.login("a@example.com", ""), "email and password"),
        (lambda client, staff: client.login("", "x"), "email and password"),
    ],
)
async def test_empty_ids_are_refused_before_sending(
    client: ClickBookClient,
    staff: Session,
    transport: CountingTransport,
    call: Callable[..., Any],
    message: str,
) -> None:
    sent = len(transport.paths)
    with pytest.raises(ValueError, match=message):
        await call(client, staff)
    assert len(transport.paths) == sent
