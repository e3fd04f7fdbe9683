"""Sign in (LoginOK with Basic), lockout, idle session expiry, the HTML login page, sign out."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from bot.sandbox.clickbook import ManualClock
from bot.sandbox.clickbook.state import AcceptOutcome, SandboxState
from tests.sandbox.wire import (
    LOGIN,
    PRIVATE,
    STAFF,
    get_user_fields,
    is_login_form,
    read_answer,
    sign_in,
    soap,
)

WRONG = (STAFF[0], "not-the-password")


@pytest.fixture
def customer_email(state: SandboxState) -> str:
    """Give the sandbox an active customer account (password ``customer-pw``)."""
    staff = state.account_by_email(STAFF[0])
    assert staff is not None
    client_file = state.create_client_file(
        {
            "inp-firstname": "Cy",
            "inp-lastname": "Client",
            "inp-telfixed": "123456",
            "inp-newemailaddress1": "cy@example.com",
        },
        staff,
    )
    assert state.accept_invitation(client_file.id, "customer-pw") is AcceptOutcome.ACCEPTED
    return "cy@example.com"


async def _private_works(client: httpx.AsyncClient, session: str | None) -> bool:
    """Return whether a Private call with ``session`` reaches the service (else: login page)."""
    response = await soap(client, PRIVATE, get_user_fields("CF-NONE"), session=session)
    if is_login_form(response):
        return False
    assert read_answer(response, "GETUSERFIELDS").code == 404
    return True


async def test_sign_in_answers_the_user_and_sets_the_session_cookie(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(LOGIN, auth=STAFF)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"user": "CN=Sam Staff/O=ClickBook", "usercn": "Sam Staff"}
    assert re.fullmatch(
        r"DomAuthSessId=[0-9A-F]{32}; Path=/; HttpOnly", response.headers["set-cookie"]
    )


async def test_each_sign_in_gets_its_own_session(client: httpx.AsyncClient) -> None:
    first = await sign_in(client, *STAFF)
    second = await sign_in(client, *STAFF)
    assert first != second
    assert await _private_works(client, first)
    assert await _private_works(client, second)


async def test_cookie_jar_of_a_plain_client_carries_the_session(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get(LOGIN, auth=STAFF)).status_code == 200
    response = await soap(client, PRIVATE, get_user_fields("CF-NONE"))
    assert read_answer(response, "GETUSERFIELDS").code == 404


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-credentials"),
        pytest.param({"Authorization": "Basic !!!"}, id="not-base64"),
        pytest.param({"Authorization": "Basic c3RhZmY="}, id="no-colon"),
        pytest.param({"Authorization": "Bearer abc"}, id="other-scheme"),
    ],
)
async def test_missing_or_broken_credentials_are_401(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get(LOGIN, headers=headers)
    assert response.status_code == 401
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    "credentials",
    [
        pytest.param(WRONG, id="wrong-password"),
        pytest.param(("nobody@sandbox.example", "sandbox-staff-1"), id="unknown-user"),
        pytest.param((STAFF[0], ""), id="empty-password"),
    ],
)
async def test_wrong_credentials_are_401(
    client: httpx.AsyncClient, credentials: tuple[str, str]
) -> None:
    response = await client.get(LOGIN, auth=credentials)
    assert response.status_code == 401
    assert "You are locked out" not in response.text
    assert "set-cookie" not in response.headers


async def test_five_failures_lock_the_account_for_30_minutes(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    for _ in range(4):
        response = await client.get(LOGIN, auth=WRONG)
        assert response.status_code == 401
        assert "You are locked out" not in response.text
    fifth = await client.get(LOGIN, auth=WRONG)
    assert fifth.status_code == 401
    assert "You are locked out" in fifth.text
    right = await client.get(LOGIN, auth=STAFF)
    assert right.status_code == 401
    assert "You are locked out" in right.text
    clock.advance(timedelta(minutes=30) - timedelta(seconds=1))
    assert "You are locked out" in (await client.get(LOGIN, auth=STAFF)).text
    clock.advance(timedelta(seconds=1))
    unlocked = await client.get(LOGIN, auth=STAFF)
    assert unlocked.status_code == 200
    again = await client.get(LOGIN, auth=WRONG)
    assert "You are locked out" not in again.text


async def test_a_success_resets_the_failure_count(client: httpx.AsyncClient) -> None:
    for _ in range(4):
        await client.get(LOGIN, auth=WRONG)
    assert (await client.get(LOGIN, auth=STAFF)).status_code == 200
    for _ in range(4):
        await client.get(LOGIN, auth=WRONG)
    assert (await client.get(LOGIN, auth=STAFF)).status_code == 200


async def test_lockout_is_per_account(client: httpx.AsyncClient) -> None:
    for _ in range(5):
        await client.get(LOGIN, auth=("other@sandbox.example", "x"))
    assert (await client.get(LOGIN, auth=STAFF)).status_code == 200


async def test_locked_account_keeps_its_sessions(client: httpx.AsyncClient) -> None:
    session = await sign_in(client, *STAFF)
    for _ in range(5):
        await client.get(LOGIN, auth=WRONG)
    assert await _private_works(client, session)


async def test_private_call_without_session_gets_the_html_login_page(
    client: httpx.AsyncClient,
) -> None:
    for session in (None, "0123456789ABCDEF0123456789ABCDEF", ""):
        response = await soap(client, PRIVATE, get_user_fields("CF-NONE"), session=session)
        assert is_login_form(response)
        assert "Fault" not in response.text


async def test_session_expires_after_30_idle_minutes(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    session = await sign_in(client, *STAFF)
    almost = timedelta(minutes=30) - timedelta(seconds=1)
    clock.advance(almost)
    assert await _private_works(client, session)
    clock.advance(almost)
    assert await _private_works(client, session), "each use refreshes the session"
    clock.advance(timedelta(minutes=30))
    assert not await _private_works(client, session)
    clock.advance(timedelta(seconds=1))
    assert not await _private_works(client, session), "an expired session stays expired"


async def test_login_ok_with_the_cookie_reports_the_user_and_refreshes(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    session = await sign_in(client, *STAFF)
    clock.advance(timedelta(minutes=20))
    response = await client.get(LOGIN, headers={"Cookie": f"DomAuthSessId={session}"})
    assert response.status_code == 200
    assert response.json()["user"] == "CN=Sam Staff/O=ClickBook"
    clock.advance(timedelta(minutes=20))
    assert await _private_works(client, session)


async def test_sign_out_redirects_and_ends_the_session(client: httpx.AsyncClient) -> None:
    session = await sign_in(client, *STAFF)
    other = await sign_in(client, *STAFF)
    response = await client.get(
        "/names.nsf?Logout&RedirectTo=/bye",
        headers={"Cookie": f"DomAuthSessId={session}"},
    )
    assert response.status_code == 302
    assert response.headers["location"] == "/bye"
    assert "DomAuthSessId=;" in response.headers["set-cookie"]
    assert not await _private_works(client, session)
    assert await _private_works(client, other)


async def test_sign_out_without_redirect_answers_200(client: httpx.AsyncClient) -> None:
    session = await sign_in(client, *STAFF)
    response = await client.get(
        "/names.nsf?logout", headers={"Cookie": f"DomAuthSessId={session}"}
    )
    assert response.status_code == 200
    assert not await _private_works(client, session)
    assert (await client.get("/names.nsf?Logout")).status_code == 200


async def test_sign_out_does_not_redirect_off_to_odd_schemes(client: httpx.AsyncClient) -> None:
    response = await client.get("/names.nsf?Logout&RedirectTo=javascript:alert(1)")
    assert response.status_code == 200


async def test_private_needs_staff_not_just_any_user(
    client: httpx.AsyncClient, customer_email: str
) -> None:
    session = await sign_in(client, customer_email, "customer-pw")
    response = await soap(client, PRIVATE, get_user_fields("CF-NONE"), session=session)
    answer = read_answer(response, "GETUSERFIELDS")
    assert answer.code == 403
    assert "staff" in answer.info
