"""Invites: pending, polled with per-invite backoff, accepted once, notified once."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.storage import Invite, InviteStatus, Store
from tests.storage.conftest import T0, at


async def _invite(
    store: Store,
    client_file_id: str,
    *,
    inviter_id: int = 5,
    email: str | None = None,
    minute: float = 0,
) -> Invite:
    return await store.create_invite(
        client_file_id=client_file_id,
        inviter_id=inviter_id,
        first_name="Bo",
        last_name="Ng",
        email=email,
        now=at(minute),
    )


async def test_a_new_invite_is_pending_and_due_for_a_check(store: Store) -> None:
    invite = await _invite(store, "CF1", email="bo@example.com")
    assert invite == Invite(
        id=invite.id,
        client_file_id="CF1",
        inviter_id=5,
        first_name="Bo",
        last_name="Ng",
        email="bo@example.com",
        status=InviteStatus.PENDING,
        created_at=T0,
        next_check_at=T0,
        check_failures=0,
        registered_at=None,
        notified_at=None,
    )
    assert invite.full_name == "Bo Ng"
    assert await store.get_invite(invite.id) == invite
    assert await store.due_invites(T0) == [invite]


async def test_the_first_check_can_be_scheduled_later(store: Store) -> None:
    await store.create_invite(
        client_file_id="CF1",
        inviter_id=5,
        first_name="Bo",
        last_name="Ng",
        email=None,
        now=T0,
        first_check_at=at(10),
    )
    assert await store.due_invites(at(9)) == []
    assert len(await store.due_invites(at(10))) == 1


async def test_a_client_file_is_invited_once(store: Store) -> None:
    await _invite(store, "CF1")
    with pytest.raises(sqlite3.IntegrityError):
        await _invite(store, "CF1")


async def test_pending_invites_are_newest_first_and_filterable_by_inviter(store: Store) -> None:
    old = await _invite(store, "CF1", inviter_id=5, minute=0)
    new = await _invite(store, "CF2", inviter_id=6, minute=5)
    mid = await _invite(store, "CF3", inviter_id=5, minute=2)
    assert [i.id for i in await store.pending_invites()] == [new.id, mid.id, old.id]
    assert [i.id for i in await store.pending_invites(inviter_id=5)] == [mid.id, old.id]
    assert await store.pending_invites(inviter_id=7) == []


async def test_checks_are_rescheduled_per_invite(store: Store) -> None:
    first = await _invite(store, "CF1")
    second = await _invite(store, "CF2")
    assert await store.schedule_invite_check(first.id, next_check_at=at(30), failures=2)
    assert [i.id for i in await store.due_invites(at(1))] == [second.id]
    rescheduled = await store.get_invite(first.id)
    assert rescheduled is not None
    assert (rescheduled.next_check_at, rescheduled.check_failures) == (at(30), 2)
    assert [i.id for i in await store.due_invites(at(30))] == [second.id, first.id]


async def test_acceptance_is_recorded_once_then_notified_once(store: Store) -> None:
    invite = await _invite(store, "CF1")
    assert await store.undelivered_acceptances() == []
    assert not await store.mark_invite_notified(invite.id, T0)  # not accepted yet

    assert await store.mark_invite_registered(invite.id, at(1))
    assert not await store.mark_invite_registered(invite.id, at(2))
    assert await store.pending_invites() == []
    assert await store.due_invites(at(99)) == []
    assert not await store.schedule_invite_check(invite.id, next_check_at=at(5), failures=0)
    [accepted] = await store.undelivered_acceptances()
    assert (accepted.status, accepted.registered_at) == (InviteStatus.REGISTERED, at(1))

    assert await store.mark_invite_notified(invite.id, at(3))
    assert not await store.mark_invite_notified(invite.id, at(4))
    assert await store.undelivered_acceptances() == []
    done = await store.get_invite(invite.id)
    assert done is not None
    assert done.notified_at == at(3)


async def test_racing_pollers_notify_exactly_once(store: Store) -> None:
    invite = await _invite(store, "CF1")
    registered = await asyncio.gather(
        *(store.mark_invite_registered(invite.id, T0) for _ in range(4))
    )
    notified = await asyncio.gather(*(store.mark_invite_notified(invite.id, T0) for _ in range(4)))
    assert registered.count(True) == 1
    assert notified.count(True) == 1


async def test_undelivered_acceptances_are_oldest_first(store: Store) -> None:
    first = await _invite(store, "CF1")
    second = await _invite(store, "CF2")
    await store.mark_invite_registered(second.id, at(1))
    await store.mark_invite_registered(first.id, at(2))
    assert [i.id for i in await store.undelivered_acceptances()] == [second.id, first.id]


async def test_a_pending_invite_is_found_by_email_ignoring_case(store: Store) -> None:
    await _invite(store, "CF1", email="bo@example.com", minute=0)
    newer = await _invite(store, "CF2", email="BO@example.com", minute=1)
    found = await store.find_pending_invite_by_email("Bo@Example.COM")
    assert found is not None
    assert found.id == newer.id
    assert await store.find_pending_invite_by_email("other@example.com") is None


async def test_an_acceptance_closes_the_other_invites_to_that_address(store: Store) -> None:
    older = await _invite(store, "CF1", email="bo@example.com", minute=0)
    newer = await _invite(store, "CF2", email="BO@example.com", minute=1)

    assert await store.mark_invite_registered(newer.id, at(2))

    assert await store.find_pending_invite_by_email("bo@example.com") is None
    assert await store.due_invites(at(60)) == []
    closed = await store.get_invite(older.id)
    assert closed is not None
    assert closed.status is InviteStatus.REGISTERED
    assert not await store.mark_invite_registered(older.id, at(3))


async def test_each_inviter_of_a_closed_invite_is_told_once(store: Store) -> None:
    first = await _invite(store, "CF1", inviter_id=5, email="bo@example.com", minute=0)
    again = await _invite(store, "CF2", inviter_id=5, email="bo@example.com", minute=1)
    other = await _invite(store, "CF3", inviter_id=6, email="bo@example.com", minute=2)
    accepted = await _invite(store, "CF4", inviter_id=7, email="bo@example.com", minute=3)
    await _invite(store, "CF5", inviter_id=5, email="someone@example.com", minute=4)

    assert await store.mark_invite_registered(accepted.id, at(5))

    to_tell = await store.undelivered_acceptances()
    assert sorted(i.id for i in to_tell) == sorted([again.id, other.id, accepted.id])
    assert first.id not in [i.id for i in to_tell]  # inviter 5 hears once, of the newest
    staff_chat = await store.undelivered_acceptances(staff_chat=True)
    assert [i.id for i in staff_chat if i.staff_chat_notified_at is None] == [accepted.id]
    assert [i.full_name for i in await store.pending_invites()] == ["Bo Ng"]


async def test_forgetting_an_invite_deletes_it(store: Store) -> None:
    invite = await _invite(store, "CF1")
    assert await store.forget_invite(invite.id)
    assert not await store.forget_invite(invite.id)
    assert await store.get_invite(invite.id) is None
    assert await store.pending_invites() == []


async def test_the_sign_in_notice_is_claimed_once_until_cleared(store: Store) -> None:
    assert not await store.signin_notice_sent(5)
    assert await store.mark_signin_notice_sent(5, T0)
    assert not await store.mark_signin_notice_sent(5, at(1))
    assert await store.signin_notice_sent(5)
    assert not await store.signin_notice_sent(6)
    await store.clear_signin_notice(5)
    assert not await store.signin_notice_sent(5)
    assert await store.mark_signin_notice_sent(5, at(2))
