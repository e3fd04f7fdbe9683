"""The ``/_sandbox/`` controls, the seed and its configuration, and the public helpers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.sandbox.clickbook import (
    ManualClock,
    SandboxConfig,
    SandboxTransport,
    create_app,
    sandbox_urls,
)
from bot.sandbox.clickbook.state import SandboxState
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
    registration,
    set_user_fields,
    sign_in,
    soap,
)


async def _fill(client: httpx.AsyncClient) -> tuple[str, str]:
    """Make a bit of everything: a processed stub, a client file, an invitation, a session."""
    stub_id = read_answer(
        await soap(client, PUBLIC, set_user_fields(registration())), "SETUSERFIELDS"
    ).info
    await soap(client, ADMIN, process_reg_stub(stub_id))
    session = await sign_in(client, *STAFF)
    body = set_user_fields(client_file(), group="NewClientFile", api_key=API_KEY)
    await soap(client, PRIVATE, body, session=session)
    return stub_id, session


async def test_state_shows_the_records_and_no_secrets(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    stub_id, session = await _fill(client)
    response = await client.get("/_sandbox/state")
    assert response.status_code == 200
    state = response.json()
    assert state["now"] == clock.now().isoformat()
    assert [staff["email"] for staff in state["staff"]] == [STAFF[0]]
    assert state["staff"][0]["user"] == "CN=Sam Staff/O=ClickBook"
    assert [user["email"] for user in state["users"]] == ["ann.lee@example.com"]
    assert [stub["id"] for stub in state["stubs"]] == [stub_id]
    assert state["stubs"][0]["processed_at"] == clock.now().isoformat()
    assert [cf["regstatus"] for cf in state["client_files"]] == ["Invited"]
    assert len(state["sessions"]) == 1
    text = response.text
    for secret in ("correct horse", STAFF[1], API_KEY, session, "password"):
        assert secret not in text


async def test_outbox_lists_invitations_oldest_first(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    session = await sign_in(client, *STAFF)
    ids = []
    for email in ("one@example.com", "two@example.com"):
        items = client_file(new_email_address1=email, new_email_address2=email)
        body = set_user_fields(items, group="NewClientFile", api_key=API_KEY)
        response = await soap(client, PRIVATE, body, session=session)
        ids.append(read_answer(response, "SETUSERFIELDS").info)
        clock.advance(timedelta(minutes=1))
    outbox = (await client.get("/_sandbox/outbox")).json()
    assert [(mail["to"], mail["client_file_id"]) for mail in outbox] == [
        ("one@example.com", ids[0]),
        ("two@example.com", ids[1]),
    ]
    assert outbox[0]["sent_at"] < outbox[1]["sent_at"]


async def test_reset_returns_to_the_seed(client: httpx.AsyncClient, state: SandboxState) -> None:
    _, session = await _fill(client)
    for _ in range(5):
        await client.get(LOGIN, auth=(STAFF[0], "wrong"))
    await client.post("/_sandbox/faults", json={"operation": "GETTIMEZONEINFO", "kind": "http500"})
    response = await client.post("/_sandbox/reset")
    assert response.status_code == 200
    view = (await client.get("/_sandbox/state")).json()
    assert (view["users"], view["stubs"], view["client_files"], view["sessions"]) == (
        [],
        [],
        [],
        [],
    )
    assert (view["locked_out"], view["faults"]) == ([], [])
    assert [staff["email"] for staff in view["staff"]] == [STAFF[0]]
    assert (await client.get("/_sandbox/outbox")).json() == []
    assert is_login_form(await soap(client, PRIVATE, get_user_fields("CF-X"), session=session))
    assert (await client.get(LOGIN, auth=STAFF)).status_code == 200
    answer = read_answer(await soap(client, PUBLIC, get_time_zone_info()), "GETTIMEZONEINFO")
    assert answer.code == 200
    assert state.account_by_email("ann.lee@example.com") is None


async def test_configured_seed_replaces_the_defaults() -> None:
    config = SandboxConfig(
        staff_email="owner@salon.example",
        staff_password="owner-pass-9",
        staff_name="Olga van Dyke",
        api_key="k-123",
    )
    app = create_app(config)
    async with httpx.AsyncClient(
        transport=SandboxTransport(app), base_url="http://sandbox.test"
    ) as client:
        assert (await client.get(LOGIN, auth=STAFF)).status_code == 401
        response = await client.get(LOGIN, auth=("owner@salon.example", "owner-pass-9"))
        assert response.json() == {
            "user": "CN=Olga van Dyke/O=ClickBook",
            "usercn": "Olga van Dyke",
        }
        new_key = read_answer(
            await soap(client, ADMIN, process_reg_stub("STUB-X", api_key="k-123")),
            "PROCESSREGSTUB",
        )
        old_key = read_answer(
            await soap(client, ADMIN, process_reg_stub("STUB-X", api_key=API_KEY)),
            "PROCESSREGSTUB",
        )
        assert (new_key.code, old_key.code) == (404, 403)
        await client.post("/_sandbox/reset")
        assert (await client.get(LOGIN, auth=("owner@salon.example", "owner-pass-9"))).is_success


def test_config_repr_hides_secrets() -> None:
    config = SandboxConfig(staff_password="hunter2-hunter2", api_key="key-hunter3")
    assert "hunter2" not in repr(config)
    assert "hunter3" not in repr(config)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"api_key": ""}, id="empty-key"),
        pytest.param({"staff_name": "Cher"}, id="one-word-name"),
        pytest.param({"staff_email": "staff"}, id="not-an-email"),
        pytest.param({"staff_password": ""}, id="empty-password"),
    ],
)
def test_config_rejects_an_unusable_seed(changes: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="must"):
        SandboxConfig(**changes)


async def test_state_objects_do_not_show_secrets_in_repr(
    client: httpx.AsyncClient, state: SandboxState
) -> None:
    await _fill(client)
    text = repr(
        [
            *state.accounts.values(),
            *state.stubs.values(),
            *state.sessions.values(),
            state.config,
        ]
    )
    assert "correct horse" not in text
    assert STAFF[1] not in text
    for session_id in state.sessions:
        assert session_id not in text


def test_sandbox_urls() -> None:
    urls = sandbox_urls("http://127.0.0.1:8099/")
    assert urls.api_url == "http://127.0.0.1:8099/wsapi/latest/"
    assert urls.auth_url == "http://127.0.0.1:8099/auth/auth.nsf/LoginOK"
    assert urls.logout_url == "http://127.0.0.1:8099/names.nsf"


def test_manual_clock() -> None:
    start = datetime(2030, 5, 6, 7, 8, tzinfo=UTC)
    clock = ManualClock(start)
    assert clock() == clock.now() == start
    clock.advance(timedelta(hours=2))
    assert clock() == start + timedelta(hours=2)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="aware"):
        ManualClock(datetime(2030, 1, 1))  # noqa: DTZ001 - the naive time is the point


async def test_default_app_uses_the_real_clock() -> None:
    app = create_app()
    before = datetime.now(UTC)
    now = datetime.fromisoformat(app.state.sandbox.to_json()["now"])
    assert before <= now <= datetime.now(UTC)
    assert json.dumps(app.state.sandbox.to_json())
