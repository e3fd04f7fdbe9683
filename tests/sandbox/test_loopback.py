"""The sandbox served by uvicorn on 127.0.0.1: a real broken connection, and a real SOAP client.

zeep reads the WSDL and calls the services, which proves the WSDL yields exactly the wire
format the contract fixes. zeep is synchronous, so it runs in a worker thread while the
server runs on the test's event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import zeep
import zeep.exceptions
from zeep.transports import Transport

from bot.sandbox.clickbook import SandboxConfig, sandbox_urls, serve
from tests.sandbox.wire import AUS_EASTERN, PUBLIC, read_answer, registration, set_user_fields


@pytest.fixture
async def origin() -> AsyncIterator[str]:
    """Serve a fresh sandbox on a free loopback port; yield its origin."""
    listening: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    server = asyncio.create_task(serve(SandboxConfig(), port=0, ready=listening.set_result))
    origin = await asyncio.wait_for(asyncio.shield(listening), timeout=10)
    yield origin
    server.cancel()
    with pytest.raises(asyncio.CancelledError):
        await server


async def test_drop_is_a_broken_connection_after_the_work_is_done(origin: str) -> None:
    assert origin.startswith("http://127.0.0.1:")
    async with httpx.AsyncClient(base_url=origin, timeout=10) as client:
        rule = {"operation": "SETUSERFIELDS", "kind": "drop", "service": "Public"}
        assert (await client.post("/_sandbox/faults", json=rule)).status_code == 201
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(
                PUBLIC,
                content=set_user_fields(registration()),
                headers={"Content-Type": "text/xml; charset=utf-8"},
            )
        stubs = (await client.get("/_sandbox/state")).json()["stubs"]
        assert [stub["email"] for stub in stubs] == ["ann.lee@example.com"]
        again = await client.post(
            PUBLIC,
            content=set_user_fields(registration(), validation_mode="1"),
            headers={"Content-Type": "text/xml; charset=utf-8"},
        )
        answer = read_answer(again, "SETUSERFIELDS")
        assert answer.errors == {"inp-emailaddress1": "Email address is already registered."}


def _talk_with_zeep(api_url: str) -> dict[str, object]:
    """Call the Public service through zeep, driven only by the served WSDL."""
    transport = Transport(timeout=10, operation_timeout=10)
    public = zeep.Client(f"{api_url}ClickBookPublic?WSDL", transport=transport)
    zones = public.service.GETTIMEZONEINFO(APIKEY="")
    fields = {"FIELD": [{"NAME": name, "VALUE": value} for name, value in registration()]}
    arguments = {
        "APIKEY": "",
        "GROUPNAME": "NewUserRegistration",
        "CONTEXTFORM": "",
        "CONTEXTID": "",
        "VALIDATIONMODE": "",
        "FIELDS": fields,
    }
    created = public.service.SETUSERFIELDS(**arguments)
    rejected = public.service.SETUSERFIELDS(**arguments)
    admin = zeep.Client(f"{api_url}ClickBookAdmin?wsdl", transport=transport)
    try:
        admin.service.PROCESSREGSTUB(APIKEY="sandbox-api-key", STUBID=created.INFO)
        fault = ""
    except zeep.exceptions.Fault as exc:
        fault = f"{exc.code} {exc.message}"
    processed = admin.service.PROCESSREGSTUB(APIKEY="sandbox-api-key", STUBID=created.INFO)
    return {
        "zone_code": zones.CODE,
        "zones": [(zone.VALUE, zone.LABEL) for zone in zones.TIMEZONES.TIMEZONE],
        "created": (created.CODE, created.INFO, created.ERRORS),
        "rejected": (
            rejected.CODE,
            [(error.FIELD, error.MESSAGE) for error in rejected.ERRORS.ERROR],
        ),
        "fault": fault,
        "processed": processed.CODE,
    }


async def test_zeep_calls_the_services_from_the_wsdl(origin: str) -> None:
    async with httpx.AsyncClient(base_url=origin, timeout=10) as client:
        rule = {"operation": "PROCESSREGSTUB", "kind": "http500"}
        assert (await client.post("/_sandbox/faults", json=rule)).status_code == 201
    result = await asyncio.to_thread(_talk_with_zeep, sandbox_urls(origin).api_url)
    assert result["zone_code"] == 200
    zones = result["zones"]
    assert isinstance(zones, list)
    assert len(zones) >= 110
    assert (AUS_EASTERN, "(GMT+10:00) Canberra, Melbourne, Sydney") in zones
    code, info, errors = result["created"]  # type: ignore[misc]
    assert (code, errors) == (200, None)
    assert info.startswith("STUB-")
    assert result["rejected"] == (
        400,
        [("inp-emailaddress1", "Email address is already registered.")],
    )
    assert result["fault"] == "soapenv:Server Internal server error (sandbox fault)"
    assert result["processed"] == 301
