"""Self-service registration: Public SETUSERFIELDS makes a stub, PROCESSREGSTUB activates it."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from bot.sandbox.clickbook import ManualClock
from bot.sandbox.clickbook.state import SandboxState
from tests.sandbox.wire import (
    ADMIN,
    API_KEY,
    LOGIN,
    PUBLIC,
    STAFF,
    Answer,
    process_reg_stub,
    read_answer,
    registration,
    set_user_fields,
    soap,
)


async def _register(client: httpx.AsyncClient, **changes: str | None) -> Answer:
    body = set_user_fields(registration(**changes))
    return read_answer(await soap(client, PUBLIC, body), "SETUSERFIELDS")


async def _process(client: httpx.AsyncClient, stub_id: str) -> Answer:
    return read_answer(await soap(client, ADMIN, process_reg_stub(stub_id)), "PROCESSREGSTUB")


async def test_registration_creates_a_stub_named_in_info(
    client: httpx.AsyncClient, state: SandboxState, clock: ManualClock
) -> None:
    answer = await _register(client)
    assert answer.code == 200
    assert answer.errors is None
    assert re.fullmatch(r"STUB-[0-9A-F]{16}", answer.info)
    stub = state.stubs[answer.info]
    assert stub.created_at == clock.now()
    assert stub.processed_at is None
    assert stub.fields["inp-emailaddress1"] == "ann.lee@example.com"
    assert not any(name.startswith("inp-password") for name in stub.fields)
    assert [account for account in state.accounts.values() if not account.is_staff] == []


async def test_validation_mode_saves_nothing(
    client: httpx.AsyncClient, state: SandboxState
) -> None:
    body = set_user_fields(registration(), validation_mode="1")
    answer = read_answer(await soap(client, PUBLIC, body), "SETUSERFIELDS")
    assert (answer.code, answer.info, answer.errors) == (200, "", None)
    assert state.stubs == {}
    assert (await _register(client)).code == 200


async def test_processing_activates_the_account_and_sign_in_works(
    client: httpx.AsyncClient,
) -> None:
    stub_id = (await _register(client)).info
    refused = await client.get(LOGIN, auth=("ann.lee@example.com", "correct horse"))
    assert refused.status_code == 401
    answer = await _process(client, stub_id)
    assert answer.code == 301
    assert answer.info
    response = await client.get(LOGIN, auth=("Ann.Lee@example.com", "correct horse"))
    assert response.status_code == 200
    assert response.json() == {"user": "CN=Ann Lee/O=ClickBook", "usercn": "Ann Lee"}
    wrong = await client.get(LOGIN, auth=("ann.lee@example.com", "correct horsE"))
    assert wrong.status_code == 401


async def test_processed_account_keeps_the_registration_details(
    client: httpx.AsyncClient, state: SandboxState
) -> None:
    stub_id = (await _register(client, country="Germany")).info
    await _process(client, stub_id)
    account = state.account_by_email("ann.lee@example.com")
    assert account is not None
    assert (account.first_name, account.last_name, account.is_staff) == ("Ann", "Lee", False)
    assert account.details["inp-country"] == "Germany"
    assert state.stubs[stub_id].account_id == account.id


async def test_unknown_stub_is_404(client: httpx.AsyncClient) -> None:
    assert (await _process(client, "STUB-0000000000000000")).code == 404
    assert (await _process(client, "")).code == 404


async def test_processing_twice_is_409(client: httpx.AsyncClient) -> None:
    stub_id = (await _register(client)).info
    assert (await _process(client, stub_id)).code == 301
    assert (await _process(client, stub_id)).code == 409


@pytest.mark.parametrize(
    ("age", "code"),
    [
        pytest.param(timedelta(hours=24) - timedelta(seconds=1), 301, id="just-in-time"),
        pytest.param(timedelta(hours=24), 410, id="at-24h"),
        pytest.param(timedelta(days=3), 410, id="days-later"),
    ],
)
async def test_stub_expires_after_24_hours(
    client: httpx.AsyncClient, clock: ManualClock, age: timedelta, code: int
) -> None:
    stub_id = (await _register(client)).info
    clock.advance(age)
    assert (await _process(client, stub_id)).code == code


async def test_already_processed_wins_over_expired(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    stub_id = (await _register(client)).info
    await _process(client, stub_id)
    clock.advance(timedelta(days=2))
    assert (await _process(client, stub_id)).code == 409


async def test_email_of_an_active_account_is_refused(client: httpx.AsyncClient) -> None:
    await _process(client, (await _register(client)).info)
    answer = await _register(
        client, email_address1="ANN.LEE@example.com", email_address2="ANN.LEE@example.com"
    )
    assert answer.code == 400
    assert answer.errors == {"inp-emailaddress1": "Email address is already registered."}


async def test_email_of_the_staff_account_is_refused(client: httpx.AsyncClient) -> None:
    answer = await _register(client, email_address1=STAFF[0], email_address2=STAFF[0])
    assert answer.errors == {"inp-emailaddress1": "Email address is already registered."}


async def test_email_of_a_pending_stub_is_refused_until_it_expires(
    client: httpx.AsyncClient, clock: ManualClock, state: SandboxState
) -> None:
    first = (await _register(client)).info
    again = await _register(client)
    assert again.code == 400
    assert again.errors == {"inp-emailaddress1": "Email address is already registered."}
    check = set_user_fields(registration(), validation_mode="1")
    only_checked = read_answer(await soap(client, PUBLIC, check), "SETUSERFIELDS")
    assert only_checked.errors == again.errors
    clock.advance(timedelta(hours=24))
    later = await _register(client)
    assert later.code == 200
    assert later.info != first
    assert len(state.stubs) == 2


async def test_taken_email_is_reported_with_the_other_errors(client: httpx.AsyncClient) -> None:
    await _register(client)
    answer = await _register(client, first_name="", country="Narnia")
    assert answer.errors is not None
    assert set(answer.errors) == {"inp-firstname", "inp-emailaddress1", "inp-country"}


async def test_stub_whose_email_got_an_account_meanwhile_is_400_on_the_email(
    client: httpx.AsyncClient, state: SandboxState
) -> None:
    stub_id = (await _register(client)).info
    staff = state.account_by_email(STAFF[0])
    assert staff is not None
    client_file = state.create_client_file(
        {
            "inp-firstname": "Ann",
            "inp-lastname": "Lee",
            "inp-telfixed": "61298765432",
            "inp-newemailaddress1": "ann.lee@example.com",
        },
        staff,
    )
    accepted = await client.post(
        f"/_sandbox/invitations/{client_file.id}/accept", json={"password": "invited-pw"}
    )
    assert accepted.status_code == 200
    answer = await _process(client, stub_id)
    assert answer.code == 400
    assert answer.errors == {"inp-emailaddress1": "Email address is already registered."}


async def test_processing_needs_the_admin_key(client: httpx.AsyncClient) -> None:
    stub_id = (await _register(client)).info
    body = process_reg_stub(stub_id, api_key="")
    answer = read_answer(await soap(client, ADMIN, body), "PROCESSREGSTUB")
    assert answer.code == 403
    wrong_key = process_reg_stub(stub_id, api_key="not-" + API_KEY)
    assert read_answer(await soap(client, ADMIN, wrong_key), "PROCESSREGSTUB").code == 403
    assert (await _process(client, stub_id)).code == 301
