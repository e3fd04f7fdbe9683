"""Staff invitations: Private NewClientFile, the outbox, GETUSERFIELDS and accepting."""

from __future__ import annotations

import re

import httpx
import pytest

from bot.sandbox.clickbook import ManualClock
from bot.sandbox.clickbook.state import SandboxState
from tests.sandbox.wire import (
    API_KEY,
    LOGIN,
    PRIVATE,
    PUBLIC,
    STAFF,
    Answer,
    client_file,
    envelope,
    get_user_fields,
    read_answer,
    registration,
    set_user_fields,
    sign_in,
    soap,
)


@pytest.fixture
async def staff(client: httpx.AsyncClient) -> str:
    """Sign the staff member in; return the session id."""
    return await sign_in(client, *STAFF)


async def _create(client: httpx.AsyncClient, session: str, **changes: str | None) -> Answer:
    body = set_user_fields(client_file(**changes), group="NewClientFile", api_key=API_KEY)
    return read_answer(await soap(client, PRIVATE, body, session=session), "SETUSERFIELDS")


async def _details(client: httpx.AsyncClient, session: str, client_file_id: str) -> Answer:
    body = get_user_fields(client_file_id)
    return read_answer(await soap(client, PRIVATE, body, session=session), "GETUSERFIELDS")


async def _accept(client: httpx.AsyncClient, client_file_id: str, body: object) -> httpx.Response:
    return await client.post(f"/_sandbox/invitations/{client_file_id}/accept", json=body)


async def test_staff_creates_a_client_file_and_an_invitation_is_sent(
    client: httpx.AsyncClient, staff: str, clock: ManualClock, state: SandboxState
) -> None:
    answer = await _create(client, staff)
    assert answer.code == 200
    assert answer.errors is None
    assert re.fullmatch(r"CF-[0-9A-F]{16}", answer.info)
    assert state.client_files[answer.info].created_by == STAFF[0]
    outbox = (await client.get("/_sandbox/outbox")).json()
    assert outbox == [
        {
            "to": "bea.moss@example.com",
            "client_file_id": answer.info,
            "sent_at": clock.now().isoformat(),
        }
    ]


async def test_client_file_without_email_sends_nothing(
    client: httpx.AsyncClient, staff: str, state: SandboxState
) -> None:
    answer = await _create(client, staff, new_email_address1="", new_email_address2="")
    assert answer.code == 200
    assert answer.info in state.client_files
    assert (await client.get("/_sandbox/outbox")).json() == []


async def test_basic_details_report_invited_then_registered(
    client: httpx.AsyncClient, staff: str
) -> None:
    client_file_id = (await _create(client, staff, tel_mobile="61400000000")).info
    details = await _details(client, staff, client_file_id)
    assert details.code == 200
    assert details.errors is None
    assert details.fields == [
        ("inp-firstname", "Bea"),
        ("inp-lastname", "Moss"),
        ("inp-telfixed", "61298765000"),
        ("inp-telmobile", "61400000000"),
        ("inp-emailaddress1", "bea.moss@example.com"),
        ("inp-regstatus", "Invited"),
    ]
    accepted = await _accept(client, client_file_id, {"password": "bea-chose-this"})
    assert accepted.status_code == 200
    assert accepted.json()["client_file"]["regstatus"] == "Registered"
    after = await _details(client, staff, client_file_id)
    assert after.fields is not None
    assert dict(after.fields)["inp-regstatus"] == "Registered"


async def test_accepted_client_can_sign_in_with_the_chosen_password(
    client: httpx.AsyncClient, staff: str, state: SandboxState
) -> None:
    client_file_id = (await _create(client, staff)).info
    refused = await client.get(LOGIN, auth=("bea.moss@example.com", "bea-chose-this"))
    assert refused.status_code == 401
    await _accept(client, client_file_id, {"password": "bea-chose-this"})
    response = await client.get(LOGIN, auth=("bea.moss@example.com", "bea-chose-this"))
    assert response.status_code == 200
    assert response.json() == {"user": "CN=Bea Moss/O=ClickBook", "usercn": "Bea Moss"}
    (user,) = (await client.get("/_sandbox/state")).json()["users"]
    assert (user["email"], user["source"]) == ("bea.moss@example.com", "invitation")
    assert state.client_files[client_file_id].account_id == user["id"]


async def test_accepted_email_counts_as_registered(client: httpx.AsyncClient, staff: str) -> None:
    client_file_id = (await _create(client, staff)).info
    await _accept(client, client_file_id, {"password": "bea-chose-this"})
    email = "bea.moss@example.com"
    body = set_user_fields(registration(email_address1=email, email_address2=email))
    answer = read_answer(await soap(client, PUBLIC, body), "SETUSERFIELDS")
    assert answer.errors == {"inp-emailaddress1": "Email address is already registered."}


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        pytest.param({"password": "short"}, 400, "at least 8", id="short-password"),
        pytest.param({}, 400, "password", id="no-password"),
        pytest.param({"password": 12345678}, 400, "password", id="password-not-text"),
        pytest.param([1, 2], 400, "password", id="not-an-object"),
    ],
)
async def test_accept_rejects_bad_requests(
    client: httpx.AsyncClient, staff: str, body: object, status: int, words: str
) -> None:
    client_file_id = (await _create(client, staff)).info
    response = await _accept(client, client_file_id, body)
    assert response.status_code == status
    assert words in response.json()["error"]


async def test_accept_rejects_a_body_that_is_not_json(
    client: httpx.AsyncClient, staff: str
) -> None:
    client_file_id = (await _create(client, staff)).info
    response = await client.post(
        f"/_sandbox/invitations/{client_file_id}/accept", content=b"password=x"
    )
    assert response.status_code == 400


async def test_accept_unknown_client_file_is_404(client: httpx.AsyncClient) -> None:
    response = await _accept(client, "CF-0000000000000000", {"password": "long-enough"})
    assert response.status_code == 404


async def test_accept_twice_is_409(client: httpx.AsyncClient, staff: str) -> None:
    client_file_id = (await _create(client, staff)).info
    assert (await _accept(client, client_file_id, {"password": "long-enough"})).status_code == 200
    again = await _accept(client, client_file_id, {"password": "long-enough"})
    assert again.status_code == 409


async def test_accept_without_email_is_400(client: httpx.AsyncClient, staff: str) -> None:
    client_file_id = (
        await _create(client, staff, new_email_address1="", new_email_address2="")
    ).info
    response = await _accept(client, client_file_id, {"password": "long-enough"})
    assert response.status_code == 400
    assert "no email" in response.json()["error"]


async def test_accept_links_an_existing_account_given_its_password(
    client: httpx.AsyncClient, staff: str, state: SandboxState
) -> None:
    first = (await _create(client, staff)).info
    await _accept(client, first, {"password": "bea-chose-this"})
    second = (await _create(client, staff, first_name="Beatrice")).info
    wrong = await _accept(client, second, {"password": "something-else"})
    assert wrong.status_code == 400
    assert state.client_files[second].account_id is None
    assert (await _accept(client, second, {"password": "bea-chose-this"})).status_code == 200
    assert state.client_files[second].account_id == state.client_files[first].account_id
    assert len((await client.get("/_sandbox/state")).json()["users"]) == 1


async def test_unknown_client_file_is_404(client: httpx.AsyncClient, staff: str) -> None:
    answer = await _details(client, staff, "CF-0000000000000000")
    assert (answer.code, answer.fields) == (404, None)
    assert (await _details(client, staff, "")).code == 404


@pytest.mark.parametrize(
    ("group", "form", "field"),
    [
        pytest.param("NewClientFile", "ClientFile", "GROUPNAME", id="group"),
        pytest.param("BasicDetailsClientFile", "UReg", "CONTEXTFORM", id="form"),
    ],
)
async def test_get_user_fields_checks_its_parameters(
    client: httpx.AsyncClient, staff: str, group: str, form: str, field: str
) -> None:
    client_file_id = (await _create(client, staff)).info
    body = envelope(
        "GETUSERFIELDS",
        ("APIKEY", API_KEY),
        ("GROUPNAME", group),
        ("CONTEXTFORM", form),
        ("CONTEXTID", client_file_id),
    )
    answer = read_answer(await soap(client, PRIVATE, body, session=staff), "GETUSERFIELDS")
    assert answer.code == 400
    assert answer.errors is not None
    assert list(answer.errors) == [field]


async def test_private_create_checks_its_parameters(
    client: httpx.AsyncClient, staff: str, state: SandboxState
) -> None:
    body = set_user_fields(client_file(), group="NewUserRegistration", api_key=API_KEY)
    answer = read_answer(await soap(client, PRIVATE, body, session=staff), "SETUSERFIELDS")
    assert answer.code == 400
    assert answer.errors is not None
    assert list(answer.errors) == ["GROUPNAME"]
    assert state.client_files == {}


async def test_client_file_validation_errors_are_400(
    client: httpx.AsyncClient, staff: str, state: SandboxState
) -> None:
    answer = await _create(client, staff, first_name="", tel_fixed="+1")
    assert answer.code == 400
    assert answer.errors is not None
    assert set(answer.errors) == {"inp-firstname", "inp-telfixed"}
    assert state.client_files == {}
    assert state.outbox == []


async def test_private_create_without_session_gets_the_login_page(
    client: httpx.AsyncClient, state: SandboxState
) -> None:
    body = set_user_fields(client_file(), group="NewClientFile", api_key=API_KEY)
    response = await soap(client, PRIVATE, body)
    assert response.headers["content-type"].startswith("text/html")
    assert state.client_files == {}
