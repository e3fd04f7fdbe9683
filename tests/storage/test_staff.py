"""Staff membership, one-time staff links, encrypted credentials, sign-in failures."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.storage import StaffLink, StaffLinkResult, StaffMember, Store
from tests.storage.conftest import T0, at


async def test_staff_are_added_once_listed_and_removed(store: Store) -> None:
    assert not await store.is_staff(5)
    assert await store.add_staff(5, added_by=1, now=at(1))
    assert not await store.add_staff(5, added_by=2, now=at(2))
    assert await store.add_staff(4, added_by=1, now=T0)
    assert await store.list_staff() == [
        StaffMember(telegram_id=4, added_by=1, added_at=T0),
        StaffMember(telegram_id=5, added_by=1, added_at=at(1)),
    ]
    assert await store.is_staff(5)
    assert await store.remove_staff(5)
    assert not await store.remove_staff(5)
    assert not await store.is_staff(5)
    assert [m.telegram_id for m in await store.list_staff()] == [4]


async def test_removing_staff_forgets_their_credentials_and_notice(store: Store) -> None:
    await store.add_staff(5, added_by=1, now=T0)
    await store.save_staff_credentials(5, b"sealed", T0)
    await store.mark_signin_notice_sent(5, T0)
    await store.remove_staff(5)
    assert await store.get_staff_credentials(5) is None
    assert not await store.signin_notice_sent(5)


async def test_a_link_is_stored_by_hash_and_used_once(store: Store) -> None:
    created = await store.create_staff_link("hash-1", created_by=1, expires_at=at(30), now=T0)
    assert created == StaffLink(
        token_hash="hash-1",
        created_by=1,
        created_at=T0,
        expires_at=at(30),
        used_by=None,
        used_at=None,
    )
    assert "hash-1" not in repr(created)
    assert await store.consume_staff_link("hash-1", used_by=7, now=at(1)) is StaffLinkResult.OK
    used = await store.get_staff_link("hash-1")
    assert used is not None
    assert (used.used_by, used.used_at) == (7, at(1))
    again = await store.consume_staff_link("hash-1", used_by=8, now=at(2))
    assert again is StaffLinkResult.USED


async def test_unknown_and_expired_links_are_told_apart(store: Store) -> None:
    await store.create_staff_link("hash-1", created_by=1, expires_at=at(30), now=T0)
    unknown = await store.consume_staff_link("nope", used_by=7, now=T0)
    assert unknown is StaffLinkResult.UNKNOWN
    expired = await store.consume_staff_link("hash-1", used_by=7, now=at(30))
    assert expired is StaffLinkResult.EXPIRED
    link = await store.get_staff_link("hash-1")
    assert link is not None
    assert link.used_by is None


async def test_two_concurrent_redemptions_give_exactly_one_ok(store: Store) -> None:
    await store.create_staff_link("hash-1", created_by=1, expires_at=at(30), now=T0)
    results = await asyncio.gather(
        store.consume_staff_link("hash-1", used_by=7, now=at(1)),
        store.consume_staff_link("hash-1", used_by=8, now=at(1)),
    )
    assert sorted(results) == [StaffLinkResult.OK, StaffLinkResult.USED]
    link = await store.get_staff_link("hash-1")
    assert link is not None
    winner = 7 if results[0] is StaffLinkResult.OK else 8
    assert link.used_by == winner


async def test_two_processes_racing_for_a_link_give_exactly_one_ok(db_path: Path) -> None:
    first = await Store.open(db_path)
    second = await Store.open(db_path)
    try:
        await first.create_staff_link("hash-1", created_by=1, expires_at=at(30), now=T0)
        results = await asyncio.gather(
            *(
                store.consume_staff_link("hash-1", used_by=uid, now=at(1))
                for uid in range(10)
                for store in (first, second)
            )
        )
        assert results.count(StaffLinkResult.OK) == 1
        assert results.count(StaffLinkResult.USED) == len(results) - 1
    finally:
        await first.close()
        await second.close()


async def test_redeeming_and_joining_staff_can_be_one_transaction(store: Store) -> None:
    await store.create_staff_link("hash-1", created_by=1, expires_at=at(30), now=T0)

    async def redeem_then_fail() -> None:
        async with store.transaction():
            await store.consume_staff_link("hash-1", used_by=7, now=at(1))
            await store.add_staff(7, added_by=1, now=at(1))
            raise RuntimeError("telegram was down")

    with pytest.raises(RuntimeError, match="down"):
        await redeem_then_fail()
    assert not await store.is_staff(7)
    assert await store.consume_staff_link("hash-1", used_by=7, now=at(2)) is StaffLinkResult.OK


async def test_credentials_are_kept_as_opaque_bytes(store: Store) -> None:
    assert await store.get_staff_credentials(5) is None
    blob = bytes(range(256))
    await store.save_staff_credentials(5, blob, T0)
    assert await store.get_staff_credentials(5) == blob
    await store.save_staff_credentials(5, b"rotated", at(1))
    assert await store.get_staff_credentials(5) == b"rotated"
    assert await store.delete_staff_credentials(5)
    assert not await store.delete_staff_credentials(5)
    assert await store.get_staff_credentials(5) is None


async def test_signin_failures_are_counted_and_cleared(store: Store) -> None:
    for minute in [0, 1, 2]:
        await store.record_signin_failure(5, at(minute))
    await store.record_signin_failure(6, at(2))
    assert await store.count_signin_failures(5, at(1)) == 2
    await store.clear_signin_failures(5)
    assert await store.count_signin_failures(5, T0) == 0
    assert await store.count_signin_failures(6, T0) == 1


async def test_staff_added_at_the_same_moment_are_listed_by_id(store: Store) -> None:
    for telegram_id in (9, 3, 6):
        await store.add_staff(telegram_id, added_by=telegram_id + 100, now=T0)

    assert await store.list_staff() == [
        StaffMember(telegram_id=3, added_by=103, added_at=T0),
        StaffMember(telegram_id=6, added_by=106, added_at=T0),
        StaffMember(telegram_id=9, added_by=109, added_at=T0),
    ]


async def test_removing_one_member_keeps_the_others_sign_ins_and_notices(store: Store) -> None:
    for telegram_id in (5, 6):
        await store.add_staff(telegram_id, added_by=1, now=T0)
        await store.save_staff_credentials(telegram_id, b"sealed-%d" % telegram_id, T0)
        await store.mark_signin_notice_sent(telegram_id, T0)

    assert await store.remove_staff(5)

    assert await store.all_staff_credentials() == [(6, b"sealed-6")]
    assert await store.signin_notice_sent(6)
    assert await store.is_staff(6)


async def test_a_link_is_usable_until_the_instant_it_expires(store: Store) -> None:
    await store.create_staff_link("hash-1", created_by=1, expires_at=at(30), now=T0)
    almost = at(29.999)

    assert await store.consume_staff_link("hash-1", used_by=7, now=almost) is StaffLinkResult.OK
    assert await store.get_staff_link("hash-1") == StaffLink(
        token_hash="hash-1",
        created_by=1,
        created_at=T0,
        expires_at=at(30),
        used_by=7,
        used_at=almost,
    )
    assert await store.get_staff_link("other") is None


async def test_all_sign_ins_are_listed_by_staff_member_as_stored(store: Store) -> None:
    assert await store.all_staff_credentials() == []
    await store.save_staff_credentials(8, b"\x00eight", T0)
    await store.save_staff_credentials(2, b"two\xff", T0)

    assert await store.all_staff_credentials() == [(2, b"two\xff"), (8, b"\x00eight")]


async def test_a_sign_in_is_replaced_only_while_it_is_still_the_one_read(store: Store) -> None:
    await store.save_staff_credentials(5, b"old", T0)
    await store.save_staff_credentials(6, b"old", T0)

    assert not await store.replace_staff_credentials(5, b"stale", b"new", at(1))
    assert await store.get_staff_credentials(5) == b"old"
    assert await store.replace_staff_credentials(5, b"old", b"new", at(2))
    assert await store.all_staff_credentials() == [(5, b"new"), (6, b"old")]
    row = await store._fetch_one(
        "SELECT updated_at FROM staff_credentials WHERE telegram_id = ?", (5,)
    )
    assert row is not None
    assert row["updated_at"] == "2026-03-01T09:02:00.000000Z"


async def test_a_saved_sign_in_records_when(store: Store) -> None:
    await store.save_staff_credentials(5, b"first", T0)
    await store.save_staff_credentials(5, b"second", at(3))
    row = await store._fetch_one("SELECT blob, updated_at FROM staff_credentials")
    assert row is not None
    assert (row["blob"], row["updated_at"]) == (b"second", "2026-03-01T09:03:00.000000Z")


async def test_signin_failures_count_from_the_instant_given(store: Store) -> None:
    await store.record_signin_failure(5, at(1))
    await store.record_signin_failure(5, at(2))
    assert await store.count_signin_failures(5, at(1)) == 2
    assert await store.count_signin_failures(5, at(2)) == 1
    assert await store.count_signin_failures(5, at(3)) == 0
    assert await store.count_signin_failures(7, T0) == 0


async def test_failures_count_per_account_under_each_of_its_hashes(store: Store) -> None:
    assert await store.count_account_signin_failures([], T0) == 0
    await store.record_signin_failure(5, at(1), account="acct-old-key")
    await store.record_signin_failure(6, at(2), account="acct-new-key")
    await store.record_signin_failure(6, at(3), account="other")
    await store.record_signin_failure(6, at(3))

    both = ["acct-new-key", "acct-old-key"]
    assert await store.count_account_signin_failures(both, T0) == 2
    assert await store.count_account_signin_failures(both, at(2)) == 1
    assert await store.count_account_signin_failures(["acct-new-key"], T0) == 1
    assert await store.count_account_signin_failures(["none"], T0) == 0
    assert await store.count_signin_failures(6, T0) == 3


async def test_a_successful_sign_in_clears_the_members_and_the_accounts_failures(
    store: Store,
) -> None:
    await store.record_signin_failure(5, T0, account="acct-a")
    await store.record_signin_failure(6, T0, account="acct-a")
    await store.record_signin_failure(6, T0, account="acct-b")
    await store.record_signin_failure(7, T0, account="acct-c")
    await store.record_signin_failure(8, T0)

    await store.clear_signin_failures(5, accounts=["acct-a", "acct-b"])

    assert await store.count_signin_failures(5, T0) == 0
    assert await store.count_signin_failures(6, T0) == 0
    assert await store.count_account_signin_failures(["acct-c"], T0) == 1
    assert await store.count_signin_failures(8, T0) == 1

    await store.clear_signin_failures(7)
    assert await store.count_account_signin_failures(["acct-c"], T0) == 0
    assert await store.count_signin_failures(8, T0) == 1
