"""Language choice and form drafts."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import EllipsisType
from typing import Any

import aiosqlite
import pytest

from bot.storage import Draft, Store
from tests.storage.conftest import T0, ReadInFlight, at


async def test_language_is_unset_until_chosen_then_replaced(store: Store) -> None:
    assert await store.get_language(1) is None
    await store.set_language(1, "en")
    await store.set_language(1, "ru")
    assert await store.get_language(1) == "ru"
    assert await store.get_language(2) is None


async def test_no_draft_until_the_first_answer(store: Store) -> None:
    assert await store.get_draft(1, "signup") is None


async def test_each_answer_is_added_to_the_draft(store: Store) -> None:
    first = await store.set_draft_field(1, "signup", "first_name", "Ann", T0)
    assert first.fields == {"first_name": "Ann"}
    assert first.editing is None
    assert first.updated_at == T0

    second = await store.set_draft_field(1, "signup", "terms", {"agreed_at": "x"}, at(1))
    assert second.fields == {"first_name": "Ann", "terms": {"agreed_at": "x"}}
    assert second.updated_at == at(1)
    assert await store.get_draft(1, "signup") == second


async def test_an_answer_can_be_replaced_and_removed(store: Store) -> None:
    await store.set_draft_field(1, "signup", "phone", "61400000000", T0)
    await store.set_draft_field(1, "signup", "email", "a@example.com", T0)
    replaced = await store.set_draft_field(1, "signup", "phone", "61400000001", at(1))
    assert replaced.fields["phone"] == "61400000001"

    removed = await store.remove_draft_field(1, "signup", "phone", at(2))
    assert removed is not None
    assert removed.fields == {"email": "a@example.com"}
    assert removed.updated_at == at(2)


async def test_removing_from_a_missing_draft_returns_none(store: Store) -> None:
    assert await store.remove_draft_field(1, "signup", "phone", T0) is None
    assert await store.get_draft(1, "signup") is None


async def test_drafts_are_separate_per_user_and_flow(store: Store) -> None:
    await store.set_draft_field(1, "signup", "email", "one@example.com", T0)
    await store.set_draft_field(1, "invite", "email", "client@example.com", T0)
    await store.set_draft_field(2, "signup", "email", "two@example.com", T0)
    drafts = [
        await store.get_draft(1, "signup"),
        await store.get_draft(1, "invite"),
        await store.get_draft(2, "signup"),
    ]
    assert [d.fields["email"] if d else None for d in drafts] == [
        "one@example.com",
        "client@example.com",
        "two@example.com",
    ]


async def test_editing_marker_is_set_and_cleared(store: Store) -> None:
    await store.set_draft_field(1, "signup", "email", "a@example.com", T0)
    editing = await store.set_draft_editing(1, "signup", "email", at(1))
    assert editing.editing == "email"
    assert editing.fields == {"email": "a@example.com"}
    cleared = await store.set_draft_editing(1, "signup", None, at(2))
    assert cleared.editing is None
    assert cleared.updated_at == at(2)


async def test_delete_draft_reports_whether_there_was_one(store: Store) -> None:
    await store.set_draft_field(1, "signup", "email", "a@example.com", T0)
    assert await store.delete_draft(1, "signup")
    assert await store.get_draft(1, "signup") is None
    assert not await store.delete_draft(1, "signup")


async def test_concurrent_answers_do_not_overwrite_each_other(store: Store) -> None:
    names = [f"f{i}" for i in range(20)]
    await asyncio.gather(*(store.set_draft_field(1, "signup", n, n, T0) for n in names))
    draft = await store.get_draft(1, "signup")
    assert draft is not None
    assert draft.fields == {n: n for n in names}


async def test_reading_a_draft_twice_gives_independent_dicts(store: Store) -> None:
    await store.set_draft_field(1, "signup", "email", "a@example.com", T0)
    first = await store.get_draft(1, "signup")
    assert first is not None
    first.fields["email"] = "changed"
    again = await store.get_draft(1, "signup")
    assert again is not None
    assert again.fields == {"email": "a@example.com"}


async def test_a_value_that_is_not_json_raises_type_error_and_stores_nothing(
    store: Store,
) -> None:
    with pytest.raises(TypeError, match="draft field 'when'"):
        await store.set_draft_field(1, "signup", "when", T0, T0)
    assert await store.get_draft(1, "signup") is None


@pytest.mark.parametrize("field", ["a.b", "$x", "", "with space", 'q"uote'])
async def test_field_names_must_be_identifiers(store: Store, field: str) -> None:
    with pytest.raises(ValueError, match="identifiers"):
        await store.set_draft_field(1, "signup", field, 1, T0)
    with pytest.raises(ValueError, match="identifiers"):
        await store.set_draft_editing(1, "signup", field, T0)


async def test_language_cache_follows_commits_and_rollbacks(store: Store) -> None:
    assert await store.get_language(7) is None
    await store.set_language(7, "de")
    assert await store.get_language(7) == "de"

    async def change_then_fail() -> None:
        async with store.transaction():
            await store.set_language(7, "ru")
            assert await store.get_language(7) == "ru"
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        await change_then_fail()
    assert await store.get_language(7) == "de"


async def test_update_draft_applies_sets_removals_and_editing_in_one_go(store: Store) -> None:
    await store.set_draft_field(5, "su", "keep", "me", at(0))
    await store.set_draft_field(5, "su", "gone", 1, at(0))

    await store.update_draft(
        5, "su", set_fields={"a": {"x": [1, 2]}, "b": "two"}, remove_fields=["gone"],
        editing="a", now=at(1),
    )  # fmt: skip

    draft = await store.get_draft(5, "su")
    assert draft is not None
    assert draft.fields == {"keep": "me", "a": {"x": [1, 2]}, "b": "two"}
    assert draft.editing == "a"
    assert draft.updated_at == at(1)

    await store.update_draft(5, "su", set_fields={}, remove_fields=["b"], now=at(2))
    draft = await store.get_draft(5, "su")
    assert draft is not None
    assert draft.fields == {"keep": "me", "a": {"x": [1, 2]}}
    assert draft.editing == "a"  # left alone

    await store.update_draft(5, "su", set_fields={"b": None}, editing=None, now=at(3))
    draft = await store.get_draft(5, "su")
    assert draft is not None
    assert draft.fields["b"] is None
    assert draft.editing is None


async def test_update_draft_creates_a_draft_and_refuses_bad_names(store: Store) -> None:
    await store.update_draft(6, "iv", set_fields={"first": "Ann"}, editing=None, now=at(0))
    draft = await store.get_draft(6, "iv")
    assert draft is not None
    assert draft.fields == {"first": "Ann"}
    with pytest.raises(ValueError, match="identifiers"):
        await store.update_draft(6, "iv", set_fields={"a.b": 1}, now=at(0))


async def test_kept_drafts_follow_every_write_and_copies_are_independent(store: Store) -> None:
    assert await store.get_draft(8, "su") is None
    await store.set_draft_field(8, "su", "labels", [["Yes", "yes"]], at(0))
    first = await store.get_draft(8, "su")
    assert first is not None
    first.fields["labels"].append(["No", "no"])  # the caller's copy, not the store's
    await store.update_draft(8, "su", set_fields={"email": "a@b.c"}, editing="email", now=at(1))

    again = await store.get_draft(8, "su")
    assert again is not None
    assert again.fields == {"labels": [["Yes", "yes"]], "email": "a@b.c"}
    assert again.editing == "email"
    await store.remove_draft_field(8, "su", "email", at(2))
    await store.set_draft_editing(8, "su", None, at(3))
    latest = await store.get_draft(8, "su")
    assert latest is not None
    assert (latest.fields, latest.editing) == ({"labels": [["Yes", "yes"]]}, None)
    await store.delete_draft(8, "su")
    assert await store.get_draft(8, "su") is None


async def test_a_read_racing_a_write_does_not_keep_the_older_draft(store: Store) -> None:
    await store.set_draft_field(9, "su", "name", "old", at(0))
    store._drafts.clear()  # as after a restart: nothing kept yet
    flight = ReadInFlight(store, hold=True)
    read = asyncio.create_task(store.get_draft(9, "su"))
    await asyncio.wait_for(flight.answered.wait(), 5)  # the read has the old row
    await store.set_draft_field(9, "su", "name", "new", at(1))
    flight.release.set()
    await read

    draft = await store.get_draft(9, "su")
    assert draft is not None
    assert draft.fields["name"] == "new"


async def test_a_draft_written_in_a_rolled_back_transaction_is_not_kept(store: Store) -> None:
    await store.set_draft_field(10, "su", "name", "kept", at(0))

    async def change_then_fail() -> None:
        async with store.transaction():
            await store.set_draft_field(10, "su", "name", "rolled back", at(1))
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        await change_then_fail()
    draft = await store.get_draft(10, "su")
    assert draft is not None
    assert draft.fields["name"] == "kept"


async def test_a_draft_comes_back_exactly_as_written(store: Store) -> None:
    written = await store.set_draft_field(3, "invite", "email", "a@example.com", at(1))
    assert written == Draft(
        telegram_id=3, flow="invite", fields={"email": "a@example.com"}, editing=None,
        updated_at=at(1),
    )  # fmt: skip
    store.forget_cached()  # read from the file, not from memory
    assert await store.get_draft(3, "invite") == written


async def test_the_editing_mark_alone_starts_an_empty_draft(store: Store) -> None:
    started = await store.set_draft_editing(4, "signup", "email", at(1))
    assert started == Draft(
        telegram_id=4, flow="signup", fields={}, editing="email", updated_at=at(1)
    )
    store.forget_cached()
    assert await store.get_draft(4, "signup") == started


@pytest.mark.parametrize("editing", ["phone", None, ...])
async def test_update_draft_starts_a_draft_with_only_the_fields_it_sets(
    store: Store, editing: str | None | EllipsisType
) -> None:
    await store.update_draft(
        4, "signup", set_fields={"email": "a@example.com", "age": 3}, remove_fields=["phone"],
        editing=editing, now=at(2),
    )  # fmt: skip
    expected = Draft(
        telegram_id=4, flow="signup", fields={"email": "a@example.com", "age": 3},
        editing=None if editing is ... else editing, updated_at=at(2),
    )  # fmt: skip
    assert await store.get_draft(4, "signup") == expected
    store.forget_cached()
    assert await store.get_draft(4, "signup") == expected


async def test_update_draft_with_nothing_to_set_starts_an_empty_draft(store: Store) -> None:
    await store.update_draft(4, "signup", set_fields={}, remove_fields=["a"], now=at(2))
    store.forget_cached()
    assert await store.get_draft(4, "signup") == Draft(
        telegram_id=4, flow="signup", fields={}, editing=None, updated_at=at(2)
    )


async def test_update_draft_removes_every_named_field(store: Store) -> None:
    for name in ["a", "b", "c", "d"]:
        await store.set_draft_field(4, "signup", name, name, T0)
    await store.update_draft(4, "signup", set_fields={"e": 5}, remove_fields=["a", "c", "x"],
                             now=at(1))  # fmt: skip
    store.forget_cached()
    draft = await store.get_draft(4, "signup")
    assert draft is not None
    assert draft.fields == {"b": "b", "d": "d", "e": 5}


async def test_update_draft_refuses_a_bad_name_to_remove_or_edit(store: Store) -> None:
    with pytest.raises(ValueError, match="identifiers"):
        await store.update_draft(4, "s", set_fields={}, remove_fields=["a.b"], now=T0)
    with pytest.raises(ValueError, match="identifiers"):
        await store.update_draft(4, "s", set_fields={}, editing="$x", now=T0)
    with pytest.raises(TypeError, match="draft field 'when'"):
        await store.update_draft(4, "s", set_fields={"when": T0}, now=T0)
    assert await store.get_draft(4, "s") is None


async def test_old_drafts_are_pruned_and_no_longer_read_from_memory(store: Store) -> None:
    await store.set_draft_field(1, "signup", "email", "a@example.com", at(0))
    await store.set_draft_field(1, "invite", "email", "b@example.com", at(5))
    await store.set_draft_field(2, "signup", "email", "c@example.com", at(10))
    assert await store.get_draft(1, "signup") is not None  # kept in memory

    assert await store.prune_drafts(at(5)) == 1

    assert await store.get_draft(1, "signup") is None
    assert await store.get_draft(1, "invite") is not None  # changed at the limit: kept
    assert await store.get_draft(2, "signup") is not None
    assert await store.prune_drafts(at(11)) == 2
    assert await store.get_draft(2, "signup") is None


async def test_a_draft_is_read_from_the_file_inside_a_transaction(store: Store) -> None:
    await store.set_draft_field(1, "signup", "email", "a@example.com", T0)
    async with store.transaction():
        draft = await store.get_draft(1, "signup")
        assert draft is not None
        assert draft.fields == {"email": "a@example.com"}
        assert await store.get_draft(2, "signup") is None


async def test_the_kept_drafts_are_bounded(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.storage._drafts._DRAFT_CACHE_SIZE", 2)
    for user in range(1, 6):
        await store.set_draft_field(user, "signup", "n", user, T0)
        assert len(store._drafts) <= 2
    for user in range(1, 6):
        draft = await store.get_draft(user, "signup")
        assert draft is not None
        assert draft.fields == {"n": user}
        assert len(store._drafts) <= 2


async def test_forgetting_the_caches_reads_changes_made_by_another_writer(
    store: Store, db_path: Path
) -> None:
    await store.set_language(1, "en")
    await store.set_draft_field(1, "signup", "email", "a@example.com", T0)
    assert (await store.get_language(1), await store.get_registration(1)) == ("en", None)
    assert await store.get_draft(1, "signup") is not None
    async with aiosqlite.connect(db_path) as other:  # e.g. a restored backup
        await other.execute("UPDATE users SET language = 'de'")
        await other.execute("DELETE FROM drafts")
        await other.execute(
            "INSERT INTO registrations (telegram_id, chat_id, stub_id, email, full_name, "
            "language, state, created_at, updated_at) VALUES (1, 1, 'S', 'a@example.com', "
            "'A B', 'en', 'stub_created', ?, ?)",
            ("2026-03-01T09:00:00.000000Z", "2026-03-01T09:00:00.000000Z"),
        )
        await other.commit()

    store.forget_cached()

    assert await store.get_language(1) == "de"
    assert await store.get_draft(1, "signup") is None
    registration = await store.get_registration(1)
    assert registration is not None
    assert registration.stub_id == "S"


async def test_a_language_read_inside_a_rolled_back_transaction_is_not_kept(store: Store) -> None:
    async def choose_then_fail() -> None:
        async with store.transaction():
            await store.set_language(7, "ru")
            assert await store.get_language(7) == "ru"
            assert await store.get_language(8) is None
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        await choose_then_fail()
    assert await store.get_language(7) is None
    await store.set_language(7, "es")
    assert await store.get_language(7) == "es"


async def test_per_user_reads_asked_on_every_update_reach_the_file_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.set_language(1, "en")
    await store.set_draft_field(1, "signup", "email", "a@example.com", T0)
    store.forget_cached()
    reads: list[str] = []
    fetch_one = store._fetch_one

    async def counted(sql: str, params: Any = ()) -> Any:
        reads.append(sql.split()[1])
        return await fetch_one(sql, params)

    monkeypatch.setattr(store, "_fetch_one", counted)
    for _ in range(3):
        assert await store.get_language(1) == "en"
        assert await store.get_language(2) is None
        assert await store.get_registration(1) is None
        draft = await store.get_draft(1, "signup")
        assert draft is not None
        assert draft.fields == {"email": "a@example.com"}
        assert await store.get_draft(2, "signup") is None
    assert len(reads) == 5


async def test_every_draft_write_keeps_what_it_wrote_for_the_next_read(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    fetch_one = store._fetch_one

    async def counted(sql: str, params: Any = ()) -> Any:
        if sql.startswith("SELECT"):
            reads.append(sql)
        return await fetch_one(sql, params)

    monkeypatch.setattr(store, "_fetch_one", counted)
    writes = [
        store.set_draft_field(1, "su", "a", 1, T0),
        store.set_draft_editing(1, "su", "a", at(1)),
        store.update_draft(1, "su", set_fields={"b": 2}, now=at(2)),
        store.remove_draft_field(1, "su", "a", at(3)),
    ]
    expected = [({"a": 1}, None), ({"a": 1}, "a"), ({"a": 1, "b": 2}, "a"), ({"b": 2}, "a")]
    for write, (fields, editing) in zip(writes, expected, strict=True):
        await write
        draft = await store.get_draft(1, "su")
        assert draft is not None
        assert (draft.fields, draft.editing) == (fields, editing)
    assert reads == []
