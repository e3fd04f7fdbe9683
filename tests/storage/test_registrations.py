"""Customer registrations: the StubID first, each transition once, the retry schedule."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.storage import Registration, RegistrationExistsError, RegistrationState, Store
from tests.storage.conftest import T0, ReadInFlight, at


async def _create(store: Store, telegram_id: int = 1, **overrides: object) -> Registration:
    values: dict[str, object] = {
        "chat_id": 100 + telegram_id,
        "stub_id": f"STUB-{telegram_id}",
        "email": f"user{telegram_id}@example.com",
        "full_name": "Ann Lee",
        "language": "en",
        "now": T0,
    }
    values.update(overrides)
    return await store.create_registration(telegram_id, **values)  # type: ignore[arg-type]


async def test_create_stores_the_stub_in_state_stub_created(store: Store) -> None:
    created = await _create(store)
    assert created == Registration(
        telegram_id=1,
        chat_id=101,
        stub_id="STUB-1",
        email="user1@example.com",
        full_name="Ann Lee",
        language="en",
        state=RegistrationState.STUB_CREATED,
        clickbook_user=None,
        attempts=0,
        next_attempt_at=T0,
        last_error_code=None,
        failure_reason=None,
        user_notified_at=None,
        created_at=T0,
        updated_at=T0,
    )
    assert await store.get_registration(1) == created
    assert await store.get_registration(2) is None


async def test_a_fresh_registration_is_due_at_once_unless_a_grace_period_is_given(
    store: Store,
) -> None:
    await _create(store, 1)
    await _create(store, 2, next_attempt_at=at(5))
    assert [r.telegram_id for r in await store.due_registrations(T0)] == [1]
    assert [r.telegram_id for r in await store.due_registrations(at(5))] == [1, 2]


async def test_the_happy_path_ends_active_and_no_longer_due_once_the_user_is_told(
    store: Store,
) -> None:
    await _create(store)
    assert await store.mark_registration_processed(1, at(1))
    processed = await store.get_registration(1)
    assert processed is not None
    assert processed.state is RegistrationState.PROCESSED
    assert processed.updated_at == at(1)

    assert await store.mark_registration_signed_in(1, "CN=Ann Lee/O=ClickBook", at(2))
    active = await store.get_registration(1)
    assert active is not None
    assert active.state is RegistrationState.ACTIVE
    assert active.clickbook_user == "CN=Ann Lee/O=ClickBook"
    # Active but not told yet (a crash may come before the message): still the job's business.
    assert [r.telegram_id for r in await store.due_registrations(at(60))] == [1]
    assert await store.mark_registration_user_notified(1, at(3))
    told = await store.get_registration(1)
    assert told is not None
    assert told.next_attempt_at is None
    assert await store.due_registrations(at(60)) == []


async def test_each_transition_happens_once(store: Store) -> None:
    await _create(store)
    assert await store.mark_registration_processed(1, T0)
    assert not await store.mark_registration_processed(1, T0)
    assert await store.mark_registration_signed_in(1, "u", T0)
    assert not await store.mark_registration_signed_in(1, "other", T0)
    assert not await store.mark_registration_failed(1, "too late", T0)
    assert not await store.schedule_registration_retry(
        1, next_attempt_at=at(1), last_error_code="500", now=T0
    )
    final = await store.get_registration(1)
    assert final is not None
    assert (final.state, final.clickbook_user, final.attempts) == ("active", "u", 0)


async def test_transitions_of_an_unknown_user_return_false(store: Store) -> None:
    assert not await store.mark_registration_processed(9, T0)
    assert not await store.mark_registration_signed_in(9, "u", T0)
    assert not await store.mark_registration_failed(9, "x", T0)
    assert not await store.mark_registration_user_notified(9, T0)
    assert not await store.schedule_registration_retry(
        9, next_attempt_at=T0, last_error_code=None, now=T0
    )


async def test_concurrent_processing_is_recorded_exactly_once(store: Store) -> None:
    await _create(store)
    results = await asyncio.gather(*(store.mark_registration_processed(1, T0) for _ in range(5)))
    assert sorted(results) == [False] * 4 + [True]


async def test_retries_are_counted_and_rescheduled(store: Store) -> None:
    await _create(store)
    assert await store.schedule_registration_retry(
        1, next_attempt_at=at(1), last_error_code="503", now=T0
    )
    assert await store.schedule_registration_retry(
        1, next_attempt_at=at(5), last_error_code="timeout", now=at(1)
    )
    retried = await store.get_registration(1)
    assert retried is not None
    assert retried.attempts == 2
    assert retried.last_error_code == "timeout"
    assert retried.next_attempt_at == at(5)
    assert await store.due_registrations(at(4)) == []
    assert [r.telegram_id for r in await store.due_registrations(at(5))] == [1]


async def test_a_processed_registration_stays_due_until_the_user_is_told(store: Store) -> None:
    await _create(store)
    await store.mark_registration_processed(1, T0)
    assert [r.state for r in await store.due_registrations(T0)] == ["processed"]
    assert await store.mark_registration_user_notified(1, at(1))
    assert not await store.mark_registration_user_notified(1, at(2))
    notified = await store.get_registration(1)
    assert notified is not None
    assert notified.user_notified_at == at(1)
    assert await store.due_registrations(at(10)) == []


async def test_a_failed_registration_is_not_due_and_can_be_replaced(store: Store) -> None:
    await _create(store, stub_id="OLD")
    await store.schedule_registration_retry(1, next_attempt_at=T0, last_error_code="x", now=T0)
    assert await store.mark_registration_failed(1, "stub_expired", at(1))
    failed = await store.get_registration(1)
    assert failed is not None
    assert (failed.state, failed.failure_reason) == ("failed", "stub_expired")
    assert await store.due_registrations(at(60)) == []

    fresh = await _create(store, stub_id="NEW", now=at(2))
    assert fresh.stub_id == "NEW"
    assert fresh.state is RegistrationState.STUB_CREATED
    assert (fresh.attempts, fresh.failure_reason, fresh.last_error_code) == (0, None, None)
    assert fresh.created_at == at(2)


@pytest.mark.parametrize("state_step", ["stub_created", "processed", "active"])
async def test_a_live_registration_is_never_overwritten(store: Store, state_step: str) -> None:
    await _create(store, stub_id="FIRST")
    if state_step in {"processed", "active"}:
        await store.mark_registration_processed(1, T0)
    if state_step == "active":
        await store.mark_registration_signed_in(1, "u", T0)
    with pytest.raises(RegistrationExistsError) as raised:
        await _create(store, stub_id="SECOND")
    assert raised.value.telegram_id == 1
    assert str(raised.value) == "telegram user 1 already has a registration in progress"
    kept = await store.get_registration(1)
    assert kept is not None
    assert (kept.stub_id, kept.state) == ("FIRST", state_step)


async def test_a_stub_id_is_never_stored_twice(store: Store) -> None:
    await _create(store, 1, stub_id="SAME")
    with pytest.raises(sqlite3.IntegrityError):
        await _create(store, 2, stub_id="SAME")


async def test_find_by_email_ignores_case_and_prefers_the_newest(store: Store) -> None:
    await _create(store, 1, email="Ann@Example.com", now=T0)
    await _create(store, 2, email="ann@example.com", now=at(1))
    found = await store.find_registration_by_email("ANN@EXAMPLE.COM")
    assert found is not None
    assert found.telegram_id == 2
    assert await store.find_registration_by_email("nobody@example.com") is None


async def test_due_registrations_are_oldest_first(store: Store) -> None:
    for telegram_id, due_minute in [(1, 3), (2, 1), (3, 2)]:
        await _create(store, telegram_id, next_attempt_at=at(due_minute))
    assert [r.telegram_id for r in await store.due_registrations(at(10))] == [2, 3, 1]


async def test_signup_attempts_are_counted_within_the_window(store: Store) -> None:
    for minute in [0, 10, 20, 30]:
        await store.record_signup_attempt(1, at(minute))
    await store.record_signup_attempt(2, at(30))
    assert await store.count_signup_attempts(1, at(10)) == 3
    assert await store.count_signup_attempts(1, at(31)) == 0
    assert await store.count_signup_attempts(2, T0) == 1
    assert await store.count_signup_attempts(3, T0) == 0


async def test_old_rate_limit_records_are_pruned(store: Store) -> None:
    await store.record_signup_attempt(1, T0)
    await store.record_signup_attempt(1, at(60))
    await store.record_signin_failure(2, T0)
    assert await store.prune_rate_limit_records(at(30)) == 2
    assert await store.count_signup_attempts(1, T0) == 1
    assert await store.count_signin_failures(2, T0) == 0


async def test_no_registration_is_remembered_until_one_is_created(store: Store) -> None:
    assert await store.get_registration(41) is None
    assert await store.get_registration(41) is None  # answered from memory

    await store.create_registration(
        41, chat_id=41, stub_id="STUB-41", email="x@example.com", full_name="X Y",
        language="en", now=at(0),
    )  # fmt: skip

    registration = await store.get_registration(41)
    assert registration is not None
    assert registration.stub_id == "STUB-41"


@pytest.mark.parametrize("step", ["create", "begin"])
async def test_a_read_racing_the_creation_does_not_hide_it(store: Store, step: str) -> None:
    flight = ReadInFlight(store)
    read = asyncio.create_task(store.get_registration(42))
    await asyncio.wait_for(flight.sent.wait(), 5)  # the read's SELECT is under way
    if step == "create":
        await _create(store, 42)
    else:
        await _begin(store, 42)
    await read
    assert await store.get_registration(42) is not None


async def test_failed_registrations_and_unconfirmed_invites_are_pruned_after_their_retention(
    store: Store,
) -> None:
    await _create(store, 1)
    await _create(store, 2)
    assert await store.mark_registration_failed(1, "StubExpired", at(1))
    unsent = await store.begin_invite(
        inviter_id=9, first_name="Ann", last_name="Lee", email="ann@example.com", now=at(1)
    )
    await store.create_staff_link("h", created_by=9, expires_at=at(2), now=T0)

    assert await store.prune_abandoned(at(1)) == 0
    assert await store.prune_abandoned(at(3)) == 3

    assert await store.get_registration(1) is None
    assert await store.get_registration(2) is not None  # unfinished: never pruned
    assert await store.get_invite(unsent) is None
    assert await store.get_staff_link("h") is None


def _row(**changes: object) -> Registration:
    """The registration ``_create(store)`` stores, with ``changes`` applied."""
    values: dict[str, object] = {
        "telegram_id": 1,
        "chat_id": 101,
        "stub_id": "STUB-1",
        "email": "user1@example.com",
        "full_name": "Ann Lee",
        "language": "en",
        "state": RegistrationState.STUB_CREATED,
        "clickbook_user": None,
        "attempts": 0,
        "next_attempt_at": T0,
        "last_error_code": None,
        "failure_reason": None,
        "user_notified_at": None,
        "created_at": T0,
        "updated_at": T0,
        "terms_accepted_at": None,
    }
    values.update(changes)
    return Registration(**values)  # type: ignore[arg-type]


async def _begin(store: Store, telegram_id: int = 1, **overrides: object) -> int:
    values: dict[str, object] = {
        "chat_id": 100 + telegram_id,
        "email": f"user{telegram_id}@example.com",
        "full_name": "Ann Lee",
        "language": "en",
        "now": T0,
        "next_attempt_at": at(15),
        "terms_accepted_at": at(-1),
    }
    values.update(overrides)
    return await store.begin_registration(telegram_id, **values)  # type: ignore[arg-type]


async def test_begin_records_the_intent_without_a_stub_and_counts_the_attempt(
    store: Store,
) -> None:
    assert await store.get_registration(1) is None  # remembered: none
    attempt = await _begin(store)
    assert await store.get_registration(1) == _row(
        stub_id=None,
        state=RegistrationState.SUBMITTING,
        next_attempt_at=at(15),
        terms_accepted_at=at(-1),
    )
    assert await store.count_signup_attempts(1, T0) == 1
    assert await _begin(store, 2) == attempt + 1  # the id of each counted attempt
    # A submission still in flight is the job's business once its deadline passed.
    assert [r.telegram_id for r in await store.due_registrations(at(15))] == [1, 2]
    assert await store.due_registrations(at(14)) == []


async def test_begin_replaces_a_failed_registration_from_scratch(store: Store) -> None:
    await _create(store, terms_accepted_at=at(-9))
    await store.schedule_registration_retry(1, next_attempt_at=T0, last_error_code="x", now=T0)
    await store.mark_registration_failed(1, "stub_expired", at(1))
    await store.mark_registration_user_notified(1, at(1))

    await _begin(store, chat_id=7, email="new@example.com", full_name="Bo Ng", language="de",
                 now=at(2), next_attempt_at=at(3), terms_accepted_at=None)  # fmt: skip

    assert await store.get_registration(1) == _row(
        chat_id=7, stub_id=None, email="new@example.com", full_name="Bo Ng", language="de",
        state=RegistrationState.SUBMITTING, next_attempt_at=at(3), created_at=at(2),
        updated_at=at(2),
    )  # fmt: skip


@pytest.mark.parametrize("state_step", ["stub_created", "processed", "active"])
async def test_begin_refuses_a_live_registration_and_counts_nothing(
    store: Store, state_step: str
) -> None:
    await _create(store)
    if state_step in {"processed", "active"}:
        await store.mark_registration_processed(1, T0)
    if state_step == "active":
        await store.mark_registration_signed_in(1, "u", T0)
    before = await store.get_registration(1)
    with pytest.raises(RegistrationExistsError):
        await _begin(store, now=at(1))
    assert await store.get_registration(1) == before
    assert await store.count_signup_attempts(1, T0) == 0


async def test_the_stub_id_is_recorded_once_on_a_submitting_registration(store: Store) -> None:
    await _begin(store)
    assert await store.record_stub_id(1, "STUB-1", now=at(1), next_attempt_at=at(2))
    recorded = _row(next_attempt_at=at(2), updated_at=at(1), terms_accepted_at=at(-1))
    assert await store.get_registration(1) == recorded
    assert not await store.record_stub_id(1, "OTHER", now=at(3), next_attempt_at=at(4))
    assert await store.get_registration(1) == recorded
    assert not await store.record_stub_id(2, "STUB-2", now=at(3), next_attempt_at=at(4))


@pytest.mark.parametrize("uncount", [True, False])
async def test_abandoning_deletes_only_a_submitting_registration(
    store: Store, uncount: bool
) -> None:
    attempt = await _begin(store)
    other = await _begin(store, 2)
    await store.record_stub_id(2, "STUB-2", now=T0, next_attempt_at=T0)

    await store.abandon_registration(1, attempt if uncount else None)
    await store.abandon_registration(2, other)  # it has its StubID: kept

    assert await store.get_registration(1) is None
    assert await store.count_signup_attempts(1, T0) == (0 if uncount else 1)
    kept = await store.get_registration(2)
    assert kept is not None
    assert kept.stub_id == "STUB-2"
    assert await store.count_signup_attempts(2, T0) == 0


async def test_create_replaces_a_submitting_registration_and_keeps_the_terms_time(
    store: Store,
) -> None:
    await _begin(store, chat_id=5, email="old@example.com")
    created = await _create(store, now=at(1), next_attempt_at=at(4), terms_accepted_at=at(-2))
    expected = _row(created_at=at(1), updated_at=at(1), next_attempt_at=at(4),
                    terms_accepted_at=at(-2))  # fmt: skip
    assert created == expected
    assert await store.get_registration(1) == expected


async def test_create_replaces_every_column_of_a_failed_registration(store: Store) -> None:
    await _create(store, 3, stub_id="S3")
    await store.schedule_registration_retry(3, next_attempt_at=T0, last_error_code="e", now=T0)
    assert await store.mark_registration_failed(3, "stub_expired", at(1))
    await store.mark_registration_user_notified(3, at(1))

    fresh = await _create(store, 3, chat_id=9, stub_id="S3-NEW", email="n@example.com",
                          full_name="N M", language="ru", now=at(2))  # fmt: skip
    assert fresh == _row(telegram_id=3, chat_id=9, stub_id="S3-NEW", email="n@example.com",
                         full_name="N M", language="ru", created_at=at(2), updated_at=at(2),
                         next_attempt_at=at(2))  # fmt: skip


async def test_each_transition_stores_exactly_its_columns(store: Store) -> None:
    await _create(store)
    assert await store.mark_registration_processed(1, at(1))
    assert await store.get_registration(1) == _row(
        state=RegistrationState.PROCESSED, updated_at=at(1)
    )
    await store.mark_registration_processed(1, at(9), next_attempt_at=at(9))  # refused
    assert await store.schedule_registration_retry(
        1, next_attempt_at=at(6), last_error_code="503", now=at(2)
    )
    assert await store.get_registration(1) == _row(
        state=RegistrationState.PROCESSED, attempts=1, next_attempt_at=at(6),
        last_error_code="503", updated_at=at(2),
    )  # fmt: skip
    assert await store.mark_registration_signed_in(1, "CN=Ann", at(3))
    assert await store.get_registration(1) == _row(
        state=RegistrationState.ACTIVE, clickbook_user="CN=Ann", attempts=1,
        next_attempt_at=at(6), last_error_code="503", updated_at=at(3),
    )  # fmt: skip
    assert await store.mark_registration_user_notified(1, at(4))
    assert await store.get_registration(1) == _row(
        state=RegistrationState.ACTIVE, clickbook_user="CN=Ann", attempts=1,
        next_attempt_at=None, last_error_code="503", updated_at=at(4), user_notified_at=at(4),
    )  # fmt: skip


async def test_a_grace_period_given_to_a_transition_postpones_the_job(store: Store) -> None:
    await _create(store)
    assert await store.mark_registration_processed(1, at(1), next_attempt_at=at(2))
    assert await store.get_registration(1) == _row(
        state=RegistrationState.PROCESSED, updated_at=at(1), next_attempt_at=at(2)
    )
    assert await store.mark_registration_signed_in(1, "u", at(3), next_attempt_at=at(5))
    assert await store.get_registration(1) == _row(
        state=RegistrationState.ACTIVE, clickbook_user="u", updated_at=at(3),
        next_attempt_at=at(5),
    )  # fmt: skip


async def _unfinished(store: Store, state_step: str) -> None:
    """Bring user 1's registration to ``state_step``, one of the unfinished states."""
    if state_step == "submitting":
        await _begin(store, next_attempt_at=T0, terms_accepted_at=None)
    else:
        await _create(store)
    if state_step == "processed":
        await store.mark_registration_processed(1, T0)


@pytest.mark.parametrize("state_step", ["submitting", "stub_created", "processed"])
async def test_an_unfinished_registration_is_retried_with_its_error_code(
    store: Store, state_step: str
) -> None:
    await _unfinished(store, state_step)
    assert await store.schedule_registration_retry(
        1, next_attempt_at=at(2), last_error_code="timeout", now=at(1)
    )
    assert await store.get_registration(1) == _row(
        stub_id=None if state_step == "submitting" else "STUB-1",
        state=RegistrationState(state_step),
        attempts=1,
        next_attempt_at=at(2),
        last_error_code="timeout",
        updated_at=at(1),
    )


async def test_a_stub_can_be_signed_in_before_it_is_seen_processed(store: Store) -> None:
    await _create(store)
    assert await store.mark_registration_signed_in(1, "u", at(1))
    assert await store.get_registration(1) == _row(
        state=RegistrationState.ACTIVE, clickbook_user="u", updated_at=at(1)
    )


@pytest.mark.parametrize("state_step", ["submitting", "stub_created", "processed"])
async def test_an_unfinished_registration_fails_with_its_reason_and_is_no_longer_due(
    store: Store, state_step: str
) -> None:
    await _unfinished(store, state_step)
    assert await store.mark_registration_failed(1, "stub_expired", at(1))
    failed = await store.get_registration(1)
    assert failed is not None
    assert (failed.state, failed.failure_reason, failed.next_attempt_at, failed.updated_at) == (
        RegistrationState.FAILED, "stub_expired", None, at(1),
    )  # fmt: skip
    assert not await store.mark_registration_failed(1, "again", at(2))
    assert await store.due_registrations(at(60)) == []


async def test_due_registrations_include_the_exact_moment_and_break_ties_by_user(
    store: Store,
) -> None:
    await _create(store, 3, next_attempt_at=at(5))
    await _create(store, 2, next_attempt_at=at(5))
    await _create(store, 1, next_attempt_at=at(6))
    due = await store.due_registrations(at(5))
    assert [r.telegram_id for r in due] == [2, 3]
    assert due[0] == _row(telegram_id=2, chat_id=102, stub_id="STUB-2",
                          email="user2@example.com", next_attempt_at=at(5))  # fmt: skip


async def test_a_failed_registration_is_told_once_too(store: Store) -> None:
    await _create(store)
    await store.mark_registration_failed(1, "stub_expired", at(1))
    assert await store.mark_registration_user_notified(1, at(2))
    assert not await store.mark_registration_user_notified(1, at(3))
    told = await store.get_registration(1)
    assert told is not None
    assert (told.user_notified_at, told.updated_at) == (at(2), at(2))


async def test_a_registration_deleted_in_a_rolled_back_transaction_is_found_again(
    store: Store,
) -> None:
    await _begin(store)

    async def abandon_then_fail() -> None:
        async with store.transaction():
            await store.abandon_registration(1, None)
            assert await store.get_registration(1) is None
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        await abandon_then_fail()
    registration = await store.get_registration(1)
    assert registration is not None
    assert registration.state is RegistrationState.SUBMITTING
