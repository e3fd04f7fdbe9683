"""Invites: pending, polled with per-invite backoff, accepted once, notified once."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace

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


async def _begin(store: Store, *, inviter_id: int = 5, email: str | None, minute: float) -> int:
    return await store.begin_invite(
        inviter_id=inviter_id, first_name="Bo", last_name="Ng", email=email, now=at(minute)
    )


def _sending(invite_id: int, *, email: str | None, minute: float) -> Invite:
    return Invite(
        id=invite_id,
        client_file_id=None,
        inviter_id=5,
        first_name="Bo",
        last_name="Ng",
        email=email,
        status=InviteStatus.SENDING,
        created_at=at(minute),
        next_check_at=at(minute),
        check_failures=0,
        registered_at=None,
        notified_at=None,
        staff_chat_notified_at=None,
    )


async def test_an_invite_about_to_be_sent_is_stored_without_a_client_file(store: Store) -> None:
    invite_id = await _begin(store, email="bo@example.com", minute=1)
    assert await store.get_invite(invite_id) == _sending(invite_id, email="bo@example.com",
                                                         minute=1)  # fmt: skip
    # Neither listed nor polled until ClickBook confirms it.
    assert await store.pending_invites() == []
    assert await store.due_invites(at(99)) == []
    assert await store.find_pending_invite_by_email("bo@example.com") is None


async def test_the_client_file_makes_the_invite_pending_and_drops_older_attempts(
    store: Store,
) -> None:
    lost = await _begin(store, email="bo@example.com", minute=0)
    assert await store.mark_invite_uncertain(lost)
    retried = await _begin(store, email="bo@example.com", minute=1)
    sent = await _begin(store, email="BO@example.com", minute=2)
    elsewhere = await _begin(store, email="al@example.com", minute=3)
    no_email = await _begin(store, email=None, minute=3)
    also_no_email = await _begin(store, email=None, minute=3)
    pending = await _invite(store, "CF0", email="bo@example.com")

    confirmed = await store.record_client_file(sent, "CF2", first_check_at=at(10))

    assert confirmed == Invite(
        id=sent, client_file_id="CF2", inviter_id=5, first_name="Bo", last_name="Ng",
        email="BO@example.com", status=InviteStatus.PENDING, created_at=at(2),
        next_check_at=at(10), check_failures=0, registered_at=None, notified_at=None,
    )  # fmt: skip
    assert await store.get_invite(sent) == confirmed
    assert await store.get_invite(lost) is None
    assert await store.get_invite(retried) is None
    assert await store.get_invite(elsewhere) == _sending(elsewhere, email="al@example.com",
                                                         minute=3)  # fmt: skip
    assert await store.get_invite(pending.id) == pending
    assert await store.record_client_file(no_email, "CF3", first_check_at=at(10)) is not None
    assert await store.get_invite(also_no_email) is not None  # no address: nothing to drop
    assert await store.due_invites(at(9)) == [pending]
    assert [i.id for i in await store.due_invites(at(10))] == [pending.id, sent, no_email]


async def test_a_client_file_is_recorded_once_and_not_for_a_forgotten_invite(
    store: Store,
) -> None:
    invite_id = await _begin(store, email="bo@example.com", minute=0)
    assert await store.mark_invite_uncertain(invite_id)  # an uncertain invite may yet answer
    assert await store.record_client_file(invite_id, "CF1", first_check_at=at(1)) is not None
    assert await store.record_client_file(invite_id, "CF9", first_check_at=at(5)) is None
    kept = await store.get_invite(invite_id)
    assert kept is not None
    assert (kept.client_file_id, kept.next_check_at) == ("CF1", at(1))
    assert await store.forget_invite(invite_id)
    assert await store.record_client_file(invite_id, "CF2", first_check_at=at(1)) is None


async def test_only_a_sending_invite_becomes_uncertain(store: Store) -> None:
    invite_id = await _begin(store, email=None, minute=0)
    assert await store.mark_invite_uncertain(invite_id)
    uncertain = await store.get_invite(invite_id)
    assert uncertain == replace(_sending(invite_id, email=None, minute=0),
                                status=InviteStatus.UNCERTAIN)  # fmt: skip
    assert not await store.mark_invite_uncertain(invite_id)
    pending = await _invite(store, "CF1")
    assert not await store.mark_invite_uncertain(pending.id)
    assert await store.get_invite(pending.id) == pending


async def test_the_newest_unconfirmed_invite_is_found_by_email(store: Store) -> None:
    uncertain = await _begin(store, email="bo@example.com", minute=0)
    await store.mark_invite_uncertain(uncertain)
    assert await store.find_unconfirmed_invite_by_email("BO@example.com") == replace(
        _sending(uncertain, email="bo@example.com", minute=0), status=InviteStatus.UNCERTAIN
    )
    first = await _begin(store, email="bo@example.com", minute=1)
    second = await _begin(store, email="bo@example.com", minute=1)  # same moment: higher id
    await _invite(store, "CF1", email="bo@example.com", minute=2)  # pending: not unconfirmed
    await _begin(store, email="al@example.com", minute=3)
    found = await store.find_unconfirmed_invite_by_email("bo@example.com")
    assert found is not None
    assert (found.id, found.status) == (second, InviteStatus.SENDING)
    assert first < second
    assert await store.find_unconfirmed_invite_by_email("cy@example.com") is None


async def test_invites_made_at_the_same_moment_are_ordered_by_id(store: Store) -> None:
    a = await _invite(store, "CF1", inviter_id=5, email="bo@example.com")
    b = await _invite(store, "CF2", inviter_id=6, email="bo@example.com")
    assert [i.id for i in await store.pending_invites()] == [b.id, a.id]
    assert [i.id for i in await store.due_invites(T0)] == [a.id, b.id]
    found = await store.find_pending_invite_by_email("bo@example.com")
    assert found is not None
    assert found.id == b.id
    await store.mark_invite_registered(b.id, at(1))
    await store.mark_invite_notified(b.id, at(1))
    await store.mark_invite_staff_chat_notified(b.id, at(1))
    c = await _invite(store, "CF3", inviter_id=8)
    d = await _invite(store, "CF4", inviter_id=8)
    await store.mark_invite_registered(d.id, at(2))
    await store.mark_invite_registered(c.id, at(2))
    assert [i.id for i in await store.undelivered_acceptances()] == [a.id, c.id, d.id]


async def test_closed_invites_of_other_inviters_carry_exact_marks(store: Store) -> None:
    first = await _invite(store, "CF1", inviter_id=5, email="bo@example.com", minute=0)
    again = await _invite(store, "CF2", inviter_id=5, email="bo@example.com", minute=1)
    mine = await _invite(store, "CF3", inviter_id=7, email="bo@example.com", minute=2)
    accepted = await _invite(store, "CF4", inviter_id=7, email="bo@example.com", minute=3)
    unrelated = await _invite(store, "CF5", inviter_id=5, email=None, minute=4)
    no_email = await _invite(store, "CF6", inviter_id=6, email=None, minute=4)

    assert await store.mark_invite_registered(accepted.id, at(5))
    assert await store.mark_invite_registered(no_email.id, at(6))

    def closed(invite: Invite, *, notice: bool) -> Invite:
        return replace(
            invite,
            status=InviteStatus.REGISTERED,
            registered_at=at(5),
            notified_at=None if notice else at(5),  # marked as told: no notice due
            staff_chat_notified_at=at(5),  # the staff chat hears of the accepted one only
        )

    assert await store.get_invite(accepted.id) == replace(
        accepted, status=InviteStatus.REGISTERED, registered_at=at(5)
    )
    assert await store.get_invite(again.id) == closed(again, notice=True)
    assert await store.get_invite(first.id) == closed(first, notice=False)
    assert await store.get_invite(mine.id) == closed(mine, notice=False)
    assert await store.get_invite(unrelated.id) == unrelated


async def test_the_staff_chat_is_told_once_and_on_its_own_mark(store: Store) -> None:
    invite = await _invite(store, "CF1")
    assert not await store.mark_invite_staff_chat_notified(invite.id, T0)  # not accepted yet
    await store.mark_invite_registered(invite.id, at(1))
    assert await store.mark_invite_notified(invite.id, at(2))
    assert await store.undelivered_acceptances() == []
    [waiting] = await store.undelivered_acceptances(staff_chat=True)
    assert (waiting.id, waiting.notified_at, waiting.staff_chat_notified_at) == (
        invite.id, at(2), None,
    )  # fmt: skip

    assert await store.mark_invite_staff_chat_notified(invite.id, at(3))
    assert not await store.mark_invite_staff_chat_notified(invite.id, at(4))
    assert await store.undelivered_acceptances(staff_chat=True) == []
    done = await store.get_invite(invite.id)
    assert done is not None
    assert (done.notified_at, done.staff_chat_notified_at) == (at(2), at(3))


async def test_the_staff_chat_notice_alone_leaves_the_inviters_outstanding(store: Store) -> None:
    invite = await _invite(store, "CF1")
    await store.mark_invite_registered(invite.id, at(1))
    assert await store.mark_invite_staff_chat_notified(invite.id, at(2))
    [waiting] = await store.undelivered_acceptances()
    assert (waiting.notified_at, waiting.staff_chat_notified_at) == (None, at(2))
    assert [i.id for i in await store.undelivered_acceptances(staff_chat=True)] == [invite.id]


async def test_a_check_is_scheduled_for_a_pending_invite_only(store: Store) -> None:
    invite = await _invite(store, "CF1")
    sending = await _begin(store, email=None, minute=0)
    assert not await store.schedule_invite_check(sending, next_check_at=at(9), failures=1)
    assert await store.get_invite(sending) == _sending(sending, email=None, minute=0)
    assert not await store.schedule_invite_check(99, next_check_at=at(9), failures=1)
    assert await store.schedule_invite_check(invite.id, next_check_at=at(9), failures=3)
    assert await store.get_invite(invite.id) == replace(
        invite, next_check_at=at(9), check_failures=3
    )


async def test_each_staff_members_sign_in_notice_is_their_own(store: Store) -> None:
    assert await store.mark_signin_notice_sent(5, T0)
    assert await store.mark_signin_notice_sent(6, T0)
    await store.clear_signin_notice(6)
    assert await store.signin_notice_sent(5)
    assert not await store.signin_notice_sent(6)
