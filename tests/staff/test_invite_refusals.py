"""ClickBook refusing a NewClientFile: the refused answer is asked again; no connection is
"unavailable" (nothing was sent), not "uncertain".

What ClickBook sees is changed on the network between the bot and the sandbox (the HTTP
boundary): a phone number garbled on the way, or a connection refused before it is made.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.config import Settings
from bot.sandbox.world import World
from tests.staff.conftest import behind
from tests.staff.people import Person


class Wire(httpx.AsyncBaseTransport):
    """The network to ClickBook; it can garble or refuse the next NewClientFile (SETUSERFIELDS)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.garble: tuple[bytes, bytes] | None = None
        self.refusing = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse the connection, rewrite the body once, or pass the request on."""
        body = await request.aread()
        if b"<urn:SETUSERFIELDS>" in body:
            if self.refusing:
                raise httpx.ConnectError("connection refused (test)", request=request)
            if self.garble is not None:
                old, new = self.garble
                self.garble = None
                assert old in body
                headers = [
                    (k, v) for k, v in request.headers.raw if k.lower() != b"content-length"
                ]
                request = httpx.Request(
                    request.method, request.url, headers=headers, content=body.replace(old, new)
                )
        return await self.inner.handle_async_request(request)


@pytest.fixture
def world_options(staff_settings: Settings) -> dict[str, Any]:
    """The staff world behind a network that can garble or refuse a NewClientFile."""
    return behind(staff_settings, Wire)


def wire(world: World) -> Wire:
    assert isinstance(world.clickbook_transport, Wire)
    return world.clickbook_transport


async def test_a_field_clickbook_refuses_is_asked_again_with_its_reason(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in()
    await bob.fill_invite()
    wire(world).garble = (b"61298765432", b"6129876543x")

    await bob.tap("invite.summary.confirm")

    bob.assert_sees("submit.fix_fields")
    bob.assert_sees("invite.phone_prompt")
    detail = (
        "Phone must be 6 to 15 digits, with no +, spaces or punctuation (for example 61412345678)."
    )
    bob.assert_sees("invite.field_error", detail=detail)
    assert await world.control("GET", "/_sandbox/outbox") == []
    assert world.store is not None
    assert await world.store.pending_invites() == []


async def test_clickbook_unreachable_at_confirm_is_unavailable_not_uncertain(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in()
    await bob.fill_invite()
    wire(world).refusing = True

    await bob.tap("invite.summary.confirm")

    bob.assert_sees("invite.unavailable")
    assert not bob.sees("invite.uncertain")
    assert world.store is not None
    assert await world.store.pending_invites() == []
    wire(world).refusing = False
    await bob.tap("invite.summary.confirm")
    bob.assert_sees("invite.sent", email="ann@example.com", name="Ann Lee")


async def test_a_stored_answer_the_bot_no_longer_takes_is_asked_again(
    world: World, owner: Person, bob: Person
) -> None:
    await bob.sign_in()
    await bob.fill_invite()
    assert world.store is not None
    # A draft written by an older version, or edited by hand: no phone number any more.
    await world.store.set_draft_field(bob.id, "iv", "phone", None, world.clock())

    await bob.tap("invite.summary.confirm")

    bob.assert_sees("submit.fix_fields")
    bob.assert_sees("invite.phone_prompt")
    bob.assert_sees("invite.field_error", detail="—")
    assert await world.control("GET", "/_sandbox/outbox") == []
    await bob.send("+61 2 9876 5432")
    await bob.tap("invite.summary.confirm")
    bob.assert_sees("invite.sent", email="ann@example.com", name="Ann Lee")
