"""The owner's numbers in the store: anonymous events by day, and drafts counted as abandoned."""

from __future__ import annotations

from datetime import date

from bot.storage import Store
from tests.storage.conftest import T0, at

MON, TUE, WED = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


async def _week(store: Store) -> None:
    await store.record_event("signup_started", MON)
    await store.record_event("signup_started", TUE)
    await store.record_event("signup_started", WED)
    await store.record_event("signup_abandoned", TUE, step="email")
    await store.record_event("signup_abandoned", WED, step="email")
    await store.record_event("signup_abandoned", WED, step="phone")
    await store.record_event("signup_completed", TUE, seconds=300.0)
    await store.record_event("signup_completed", WED, seconds=61.5)
    await store.record_event("signup_completed", WED)
    await store.record_event("invite_sent", WED, seconds=9.0)


async def test_events_are_counted_by_kind_and_step_from_the_first_day_on(store: Store) -> None:
    await _week(store)

    assert await store.count_events(TUE) == {
        ("signup_started", None): 2,
        ("signup_abandoned", "email"): 2,
        ("signup_abandoned", "phone"): 1,
        ("signup_completed", None): 3,
        ("invite_sent", None): 1,
    }
    assert await store.count_events(date(2026, 3, 5)) == {}


async def test_durations_are_one_kinds_from_the_first_day_on_shortest_first(store: Store) -> None:
    await _week(store)
    await store.record_event("signup_completed", MON, seconds=10.0)

    assert await store.event_durations("signup_completed", TUE) == [61.5, 300.0]
    assert await store.event_durations("signup_completed", WED) == [61.5]
    assert await store.event_durations("signup_completed", MON) == [10.0, 61.5, 300.0]
    assert await store.event_durations("signup_started", MON) == []


async def test_events_of_days_before_the_cutoff_are_pruned(store: Store) -> None:
    await _week(store)

    assert await store.prune_events(TUE) == 1
    assert await store.count_events(MON) == await store.count_events(TUE)
    assert await store.prune_events(TUE) == 0
    assert await store.prune_events(WED) == 3
    assert sum((await store.count_events(MON)).values()) == 6


async def test_an_idle_draft_is_taken_once_per_idle_spell(store: Store) -> None:
    await store.set_draft_field(1, "su", "email", "ann@example.com", T0)
    await store.set_draft_field(2, "su", "email", "ben@example.com", at(10))
    await store.set_draft_field(3, "other", "x", 1, T0)

    assert await store.take_idle_drafts("su", T0) == []  # changed at, not before, the cutoff
    assert await store.take_idle_drafts("su", at(10)) == [{"email": "ann@example.com"}]
    assert await store.take_idle_drafts("su", at(60)) == [{"email": "ben@example.com"}]
    assert await store.take_idle_drafts("su", at(60)) == []

    await store.set_draft_field(1, "su", "phone", "61400000000", at(20))  # a new idle spell
    assert await store.take_idle_drafts("su", at(60)) == [
        {"email": "ann@example.com", "phone": "61400000000"}
    ]
    assert await store.take_idle_drafts("other", at(60)) == [{"x": 1}]


async def test_a_draft_whose_registration_is_under_way_is_not_idle(store: Store) -> None:
    for user in (1, 2):
        await store.set_draft_field(user, "su", "n", user, T0)
        await store.create_registration(
            user, chat_id=user, stub_id=f"S{user}", email=f"u{user}@example.com",
            full_name="U", language="en", now=T0,
        )  # fmt: skip
    assert await store.mark_registration_failed(2, "StubExpired", T0)

    assert await store.take_idle_drafts("su", at(60)) == [{"n": 2}]


async def test_pending_registrations_are_those_neither_failed_nor_announced(store: Store) -> None:
    assert await store.count_pending_registrations() == 0
    for user in (1, 2, 3, 4):
        await store.create_registration(
            user, chat_id=user, stub_id=f"S{user}", email=f"u{user}@example.com",
            full_name="U", language="en", now=T0,
        )  # fmt: skip
    assert await store.mark_registration_failed(2, "StubExpired", T0)
    assert await store.mark_registration_user_notified(3, T0)

    assert await store.count_pending_registrations() == 2
