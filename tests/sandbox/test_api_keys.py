"""API keys: Public takes an empty key or the right one; Admin and Private need the right one."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from bot.sandbox.clickbook.state import SandboxState
from tests.sandbox.wire import (
    ADMIN,
    API_KEY,
    PRIVATE,
    PUBLIC,
    STAFF,
    client_file,
    get_time_zone_info,
    get_user_fields,
    process_reg_stub,
    read_answer,
    registration,
    set_user_fields,
    sign_in,
    soap,
)

WRONG = "wrong-key"

CALLS: dict[str, tuple[str, str, Callable[[str], str]]] = {
    "public-timezones": (PUBLIC, "GETTIMEZONEINFO", get_time_zone_info),
    "public-register": (
        PUBLIC,
        "SETUSERFIELDS",
        lambda key: set_user_fields(registration(), api_key=key),
    ),
    "admin-process": (
        ADMIN,
        "PROCESSREGSTUB",
        lambda key: process_reg_stub("STUB-X", api_key=key),
    ),
    "private-create": (
        PRIVATE,
        "SETUSERFIELDS",
        lambda key: set_user_fields(client_file(), group="NewClientFile", api_key=key),
    ),
    "private-read": (PRIVATE, "GETUSERFIELDS", lambda key: get_user_fields("CF-X", api_key=key)),
}

EXPECTED = [
    ("public-timezones", "", 200),
    ("public-timezones", API_KEY, 200),
    ("public-timezones", WRONG, 403),
    ("public-register", "", 200),
    ("public-register", API_KEY, 200),
    ("public-register", WRONG, 403),
    ("admin-process", "", 403),
    ("admin-process", WRONG, 403),
    ("admin-process", API_KEY, 404),
    ("private-create", "", 403),
    ("private-create", WRONG, 403),
    ("private-create", API_KEY, 200),
    ("private-read", "", 403),
    ("private-read", WRONG, 403),
    ("private-read", API_KEY, 404),
]


@pytest.mark.parametrize(
    ("call", "key", "code"), EXPECTED, ids=[f"{c}-{k or 'empty'}-{n}" for c, k, n in EXPECTED]
)
async def test_api_key_rules(
    client: httpx.AsyncClient, state: SandboxState, call: str, key: str, code: int
) -> None:
    path, operation, build = CALLS[call]
    session = await sign_in(client, *STAFF)
    answer = read_answer(await soap(client, path, build(key), session=session), operation)
    assert answer.code == code
    if code == 403:
        assert answer.info == "API key missing or not allowed for this service."
        assert answer.timezones is None
        assert state.stubs == {}
        assert state.client_files == {}


async def test_wrong_key_is_not_echoed(client: httpx.AsyncClient) -> None:
    response = await soap(client, PUBLIC, get_time_zone_info("secret-looking-key"))
    assert "secret-looking-key" not in response.text
