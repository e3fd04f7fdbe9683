"""Injected faults (``POST /_sandbox/faults``): every kind, on SOAP calls and on LOGIN."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest

from bot.sandbox.clickbook import SandboxConfig, SandboxTransport, create_app
from bot.sandbox.clickbook.state import SandboxState
from tests.sandbox.conftest import RecordingSleep
from tests.sandbox.wire import (
    ADMIN,
    API_KEY,
    LOGIN,
    PRIVATE,
    PUBLIC,
    STAFF,
    client_file,
    get_time_zone_info,
    get_user_fields,
    is_login_form,
    process_reg_stub,
    read_answer,
    read_fault,
    registration,
    set_user_fields,
    sign_in,
    soap,
)


async def _add_fault(client: httpx.AsyncClient, **rule: Any) -> None:
    response = await client.post("/_sandbox/faults", json=rule)
    assert response.status_code == 201, response.text


@dataclass(frozen=True)
class Target:
    """One operation on one service, how to call it, and how to see whether it did its work."""

    operation: str
    service: str
    path: str
    body: Callable[[SandboxState], str]
    effect: Callable[[SandboxState], object]
    """A snapshot of the state the call changes (compare before/after)."""


def _seed_stub(state: SandboxState) -> str:
    return state.create_stub(dict(registration())).id


def _seed_client_file(state: SandboxState) -> str:
    staff = state.account_by_email(STAFF[0])
    assert staff is not None
    return state.create_client_file(dict(client_file()), staff).id


TARGETS = [
    Target("GETTIMEZONEINFO", "Public", PUBLIC, lambda s: get_time_zone_info(), lambda s: None),
    Target(
        "SETUSERFIELDS",
        "Public",
        PUBLIC,
        lambda s: set_user_fields(registration()),
        lambda s: len(s.stubs),
    ),
    Target(
        "SETUSERFIELDS",
        "Private",
        PRIVATE,
        lambda s: set_user_fields(client_file(), group="NewClientFile", api_key=API_KEY),
        lambda s: (len(s.client_files), len(s.outbox)),
    ),
    Target(
        "GETUSERFIELDS",
        "Private",
        PRIVATE,
        lambda s: get_user_fields(_seed_client_file(s)),
        lambda s: None,
    ),
    Target(
        "PROCESSREGSTUB",
        "Admin",
        ADMIN,
        lambda s: process_reg_stub(_seed_stub(s)),
        lambda s: sum(1 for a in s.accounts.values() if not a.is_staff),
    ),
]
TARGET_IDS = [f"{t.service}-{t.operation}" for t in TARGETS]


@pytest.fixture
async def session(client: httpx.AsyncClient) -> str:
    return await sign_in(client, *STAFF)


async def _call(
    client: httpx.AsyncClient, state: SandboxState, target: Target, session: str
) -> tuple[httpx.Response, object, object]:
    body = target.body(state)
    before = target.effect(state)
    response = await soap(client, target.path, body, session=session)
    return response, before, target.effect(state)


@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
async def test_http500_answers_a_server_fault_and_does_nothing(
    client: httpx.AsyncClient, state: SandboxState, session: str, target: Target
) -> None:
    await _add_fault(client, operation=target.operation, kind="http500")
    response, before, after = await _call(client, state, target, session)
    faultcode, faultstring = read_fault(response)
    assert faultcode == "soapenv:Server"
    assert faultstring
    assert before == after
    response, _, _ = await _call(client, state, target, session)
    assert response.status_code == 200, "the fault applies once by default"


@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
async def test_malformed_answers_broken_xml_and_does_nothing(
    client: httpx.AsyncClient, state: SandboxState, session: str, target: Target
) -> None:
    await _add_fault(client, operation=target.operation, kind="malformed")
    response, before, after = await _call(client, state, target, session)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    with pytest.raises(ElementTree.ParseError):
        ElementTree.fromstring(response.content)
    assert before == after


@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
async def test_code_answers_that_code_and_does_nothing(
    client: httpx.AsyncClient, state: SandboxState, session: str, target: Target
) -> None:
    await _add_fault(client, operation=target.operation, kind="code", code=503)
    response, before, after = await _call(client, state, target, session)
    answer = read_answer(response, target.operation)
    assert answer.code == 503
    assert "503" in answer.info
    assert before == after


@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
async def test_drop_does_the_work_then_cuts_the_connection(
    client: httpx.AsyncClient, state: SandboxState, session: str, target: Target
) -> None:
    await _add_fault(client, operation=target.operation, kind="drop")
    body = target.body(state)
    before = target.effect(state)
    with pytest.raises(httpx.RemoteProtocolError, match="Server disconnected without sending"):
        await soap(client, target.path, body, session=session)
    after = target.effect(state)
    if after is not None:
        assert after != before, "the call took effect before the connection dropped"


@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
async def test_delay_waits_then_answers_normally(
    client: httpx.AsyncClient,
    state: SandboxState,
    session: str,
    sleep: RecordingSleep,
    target: Target,
) -> None:
    await _add_fault(client, operation=target.operation, kind="delay", seconds=2.5)
    response, _, _ = await _call(client, state, target, session)
    assert sleep.calls == [2.5]
    assert read_answer(response, target.operation).code in (200, 301)


@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
async def test_expire_session_ends_the_callers_session_first(
    client: httpx.AsyncClient, state: SandboxState, session: str, target: Target
) -> None:
    await _add_fault(client, operation=target.operation, kind="expire_session")
    response, before, after = await _call(client, state, target, session)
    if target.service == "Private":
        assert is_login_form(response)
        assert before == after
    else:
        assert read_answer(response, target.operation).code in (200, 301)
    follow_up = await soap(client, PRIVATE, get_user_fields("CF-NONE"), session=session)
    assert is_login_form(follow_up)


async def test_times_counts_calls_and_rules_queue_in_order(
    client: httpx.AsyncClient, sleep: RecordingSleep
) -> None:
    await _add_fault(client, operation="GETTIMEZONEINFO", kind="http500", times=2)
    await _add_fault(client, operation="GETTIMEZONEINFO", kind="code", code=418)
    await _add_fault(client, operation="PROCESSREGSTUB", kind="delay", seconds=1)
    outcomes = []
    for _ in range(4):
        response = await soap(client, PUBLIC, get_time_zone_info())
        if response.status_code == 500:
            outcomes.append(500)
        else:
            outcomes.append(read_answer(response, "GETTIMEZONEINFO").code)
    assert outcomes == [500, 500, 418, 200]
    assert (await client.get("/_sandbox/faults")).json() == [
        {"operation": "PROCESSREGSTUB", "kind": "delay", "times": 1, "seconds": 1.0}
    ]
    assert sleep.calls == []


async def test_service_narrows_a_setuserfields_fault(
    client: httpx.AsyncClient, state: SandboxState, session: str
) -> None:
    await _add_fault(client, operation="SETUSERFIELDS", kind="http500", service="Private")
    public = await soap(client, PUBLIC, set_user_fields(registration()))
    assert read_answer(public, "SETUSERFIELDS").code == 200
    private_body = set_user_fields(client_file(), group="NewClientFile", api_key=API_KEY)
    read_fault(await soap(client, PRIVATE, private_body, session=session))
    assert state.client_files == {}


async def test_fault_waits_for_a_private_call_that_reaches_the_service(
    client: httpx.AsyncClient, session: str
) -> None:
    await _add_fault(client, operation="GETUSERFIELDS", kind="http500")
    assert is_login_form(await soap(client, PRIVATE, get_user_fields("CF-X")))
    read_fault(await soap(client, PRIVATE, get_user_fields("CF-X"), session=session))


async def test_faults_do_not_apply_to_malformed_calls(client: httpx.AsyncClient) -> None:
    await _add_fault(client, operation="GETTIMEZONEINFO", kind="code", code=503)
    read_fault(await soap(client, PUBLIC, "<broken"))
    answer = read_answer(await soap(client, PUBLIC, get_time_zone_info()), "GETTIMEZONEINFO")
    assert answer.code == 503


async def test_delete_clears_pending_faults(client: httpx.AsyncClient) -> None:
    await _add_fault(client, operation="GETTIMEZONEINFO", kind="http500", times=3)
    assert (await client.delete("/_sandbox/faults")).json() == []
    answer = read_answer(await soap(client, PUBLIC, get_time_zone_info()), "GETTIMEZONEINFO")
    assert answer.code == 200


# LOGIN


async def test_login_http500(client: httpx.AsyncClient, state: SandboxState) -> None:
    await _add_fault(client, operation="LOGIN", kind="http500")
    response = await client.get(LOGIN, auth=STAFF)
    assert response.status_code == 500
    assert state.sessions == {}


async def test_login_malformed(client: httpx.AsyncClient, state: SandboxState) -> None:
    await _add_fault(client, operation="LOGIN", kind="malformed")
    response = await client.get(LOGIN, auth=STAFF)
    assert response.status_code == 200
    with pytest.raises(ValueError, match="Unterminated|Expecting"):
        response.json()
    assert state.sessions == {}


async def test_login_code_answers_that_http_status(client: httpx.AsyncClient) -> None:
    await _add_fault(client, operation="LOGIN", kind="code", code=503)
    assert (await client.get(LOGIN, auth=STAFF)).status_code == 503
    assert (await client.get(LOGIN, auth=STAFF)).status_code == 200


async def test_login_drop_signs_in_then_cuts_the_connection(
    client: httpx.AsyncClient, state: SandboxState
) -> None:
    await _add_fault(client, operation="LOGIN", kind="drop")
    with pytest.raises(httpx.RemoteProtocolError):
        await client.get(LOGIN, auth=STAFF)
    assert len(state.sessions) == 1


async def test_login_delay(client: httpx.AsyncClient, sleep: RecordingSleep) -> None:
    await _add_fault(client, operation="LOGIN", kind="delay", seconds=0.25)
    assert (await client.get(LOGIN, auth=STAFF)).status_code == 200
    assert sleep.calls == [0.25]


async def test_login_expire_session_ends_the_presented_session(
    client: httpx.AsyncClient,
) -> None:
    session = await sign_in(client, *STAFF)
    await _add_fault(client, operation="LOGIN", kind="expire_session")
    response = await client.get(LOGIN, headers={"Cookie": f"DomAuthSessId={session}"})
    assert response.status_code == 401
    assert is_login_form(await soap(client, PRIVATE, get_user_fields("CF-X"), session=session))


# The transport's socket-like behaviour


async def test_transport_enforces_the_read_timeout() -> None:
    never = asyncio.Event()

    async def sleep_forever(seconds: float) -> None:
        await never.wait()

    app = create_app(SandboxConfig(), sleep=sleep_forever)
    transport = SandboxTransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test") as client:
        await _add_fault(client, operation="SETUSERFIELDS", kind="delay", seconds=60)
        with pytest.raises(httpx.ReadTimeout):
            await soap_with_timeout(client, set_user_fields(registration()), 0.02)
        assert app.state.sandbox.stubs == {}
        answer = read_answer(
            await soap(client, PUBLIC, set_user_fields(registration())), "SETUSERFIELDS"
        )
        assert answer.code == 200


async def soap_with_timeout(
    client: httpx.AsyncClient, body: str, seconds: float
) -> httpx.Response:
    """POST a Public call with a short read timeout."""
    return await client.post(
        PUBLIC,
        content=body,
        headers={"Content-Type": "text/xml; charset=utf-8"},
        timeout=httpx.Timeout(5.0, read=seconds),
    )


# Control validation


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        pytest.param({"operation": "BOOK", "kind": "drop"}, "operation", id="unknown-operation"),
        pytest.param({"operation": "LOGIN", "kind": "explode"}, "kind", id="unknown-kind"),
        pytest.param({"operation": "LOGIN", "kind": "drop", "times": 0}, "times", id="times-0"),
        pytest.param(
            {"operation": "LOGIN", "kind": "drop", "times": "2"}, "times", id="times-str"
        ),
        pytest.param({"operation": "LOGIN", "kind": "delay"}, "seconds", id="delay-no-seconds"),
        pytest.param(
            {"operation": "LOGIN", "kind": "delay", "seconds": -1}, "seconds", id="delay-negative"
        ),
        pytest.param({"operation": "LOGIN", "kind": "code"}, "code", id="code-missing"),
        pytest.param({"operation": "LOGIN", "kind": "code", "code": 42}, "code", id="code-range"),
        pytest.param(
            {"operation": "PROCESSREGSTUB", "kind": "drop", "service": "Public"},
            "no operation",
            id="service-mismatch",
        ),
        pytest.param(
            {"operation": "SETUSERFIELDS", "kind": "drop", "service": "Secret"},
            "service",
            id="unknown-service",
        ),
        pytest.param({"operation": "LOGIN", "kind": "drop", "when": 1}, "unknown keys", id="key"),
        pytest.param(["LOGIN"], "JSON object", id="not-an-object"),
    ],
)
async def test_bad_fault_rules_are_400(
    client: httpx.AsyncClient, rule: object, words: str
) -> None:
    response = await client.post("/_sandbox/faults", json=rule)
    assert response.status_code == 400
    assert words in response.json()["error"]
    assert (await client.get("/_sandbox/faults")).json() == []
