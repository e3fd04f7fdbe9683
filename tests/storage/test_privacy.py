"""``Store.forget_user``: everything naming one user goes, caches included; others stay."""

from __future__ import annotations

from pathlib import Path

from bot.storage import Store
from bot.storage._privacy import Forgotten, PersonalData
from tests.storage.conftest import T0, at

ANN, BEN, STAFF = 1001, 1002, 9001


async def _ann_and_ben(store: Store) -> None:
    for user, email in ((ANN, "ann@example.com"), (BEN, "ben@example.com")):
        await store.set_language(user, "de")
        await store.set_draft_field(user, "su", "email", email, T0)
        await store.set_conversation_state("signup", (user, user), "email")
        await store.put_document("user_data", user, {"k": 1})
        await store.record_signup_attempt(user, T0)
        invite = await store.begin_invite(
            inviter_id=STAFF, first_name="X", last_name="Y", email=email.upper(), now=T0
        )
        await store.record_client_file(invite, f"CF-{user}", first_check_at=at(5))
    await store.add_staff(STAFF, added_by=1, now=T0)


async def test_forgetting_one_user_takes_their_rows_and_cached_copies_only(store: Store) -> None:
    await _ann_and_ben(store)
    assert await store.get_draft(ANN, "su") is not None  # now cached
    assert await store.get_language(ANN) == "de"  # now cached

    forgotten = await store.forget_user(ANN)

    assert forgotten.deleted == {
        "users": 1,
        "drafts": 1,
        "signup_attempts": 1,
        "conversation_states": 1,
        "documents": 1,
        "invites": 1,
    }
    assert await store.get_draft(ANN, "su") is None
    assert await store.get_language(ANN) is None
    assert (await store.personal_data(ANN)).empty
    ben = await store.personal_data(BEN)
    assert (ben.language, ben.signup_attempts, ben.conversations, ben.invites) == ("de", 1, 1, 1)
    assert await store.get_conversation_states("signup") == {(BEN, BEN): "email"}
    assert await store.is_staff(STAFF)


async def test_a_registration_in_flight_keeps_everything(store: Store) -> None:
    await _ann_and_ben(store)
    await store.begin_registration(
        ANN,
        chat_id=ANN,
        email="ann@example.com",
        full_name="Ann Lee",
        language="en",
        now=T0,
        next_attempt_at=at(60),
    )

    forgotten = await store.forget_user(ANN)

    assert forgotten.blocked_by is not None
    assert forgotten.blocked_by.state == "submitting"
    assert forgotten.deleted == {}
    data = await store.personal_data(ANN)
    assert data.registration is not None
    assert (data.language, len(data.drafts), data.invites) == ("de", 1, 1)


async def test_users_are_found_by_the_email_of_a_registration_or_a_draft(store: Store) -> None:
    await _ann_and_ben(store)
    await store.create_registration(
        3, chat_id=3, stub_id="S", email="Ann@Example.com", full_name="A", language="en", now=T0
    )

    assert await store.users_with_email("ANN@example.com") == [3, ANN]
    assert await store.users_with_email("nobody@example.com") == []


async def _ann_everywhere(store: Store) -> None:
    """Ann in every table that can name her, in two flows, with her email in two cases."""
    await _ann_and_ben(store)
    await store.set_draft_field(ANN, "invite", "email", "ANN@example.com", at(1))
    await store.set_draft_field(ANN, "invite", "first_name", "Ann", at(1))
    await store.create_registration(
        ANN, chat_id=ANN, stub_id="S-ANN", email="ann@example.com", full_name="Ann Lee",
        language="de", now=T0,
    )  # fmt: skip
    assert await store.mark_registration_processed(ANN, at(2))
    await store.record_signup_attempt(ANN, at(1))
    await store.set_conversation_state("invite", (77, ANN), "first_name")
    await store.set_conversation_state("invite", (BEN, 77), "email")
    await store.put_document("chat_data", ANN, {"screen": 3})
    await store.put_document("bot_data", ANN, {"not": "hers"})
    await store.put_document("chat_data", BEN, {"screen": 4})


async def test_personal_data_counts_every_record_that_names_the_user(store: Store) -> None:
    await _ann_everywhere(store)

    data = await store.personal_data(ANN)

    assert data.telegram_id == ANN
    assert data.language == "de"
    assert data.registration == await store.get_registration(ANN)
    assert [(d.flow, d.fields) for d in data.drafts] == [
        ("invite", {"email": "ANN@example.com", "first_name": "Ann"}),
        ("su", {"email": "ann@example.com"}),
    ]
    assert data.emails == {"ann@example.com"}
    assert (data.signup_attempts, data.conversations, data.documents, data.invites) == (
        2,
        2,
        2,
        1,
    )
    assert not data.empty
    nobody = await store.personal_data(4242)
    assert nobody == PersonalData(4242, None, None, (), 0, 0, 0, 0)
    assert nobody.empty


async def test_each_kind_of_record_alone_is_not_empty(store: Store) -> None:
    await store.record_signup_attempt(1, T0)
    await store.set_conversation_state("signup", (2, 2), "email")
    await store.put_document("user_data", 3, {"k": 1})
    await store.set_language(4, "en")
    await store.set_draft_field(5, "su", "x", 1, T0)
    await store.create_registration(
        6, chat_id=6, stub_id="S6", email="f@example.com", full_name="F", language="en", now=T0
    )
    await store.begin_invite(
        inviter_id=9, first_name="G", last_name="H", email="g@example.com", now=T0
    )
    await store.set_draft_field(7, "su", "email", "g@example.com", T0)

    for user in range(1, 8):
        assert not (await store.personal_data(user)).empty, user
    assert (await store.personal_data(7)).invites == 1


async def test_forgetting_deletes_every_row_that_names_the_user_and_nothing_else(
    store: Store, db_path: Path
) -> None:
    await _ann_everywhere(store)

    forgotten = await store.forget_user(ANN)

    assert forgotten == Forgotten(
        ANN,
        {
            "users": 1,
            "drafts": 2,
            "registrations": 1,
            "signup_attempts": 2,
            "conversation_states": 2,
            "documents": 2,
            "invites": 1,
        },
    )
    assert forgotten.total == 11
    assert forgotten.blocked_by is None
    assert (await store.personal_data(ANN)).empty
    assert await store.get_registration(ANN) is None
    assert await store.get_draft(ANN, "invite") is None
    assert await store.get_conversation_states("invite") == {(BEN, 77): "email"}
    assert await store.get_document("bot_data", ANN) == {"not": "hers"}
    assert await store.get_documents("chat_data") == {BEN: {"screen": 4}}
    ben = await store.personal_data(BEN)
    assert (ben.language, len(ben.drafts), ben.signup_attempts, ben.documents, ben.invites) == (
        "de",
        1,
        1,
        2,
        1,
    )
    wal = db_path.with_name(f"{db_path.name}-wal")
    assert wal.stat().st_size == 0, "the log holding the deleted pages is emptied"  # noqa: ASYNC240
    assert b"S-ANN" not in db_path.read_bytes()  # noqa: ASYNC240


async def test_forgetting_someone_unknown_deletes_nothing(store: Store) -> None:
    await _ann_and_ben(store)

    assert await store.forget_user(4242) == Forgotten(4242, {})
    assert (await store.personal_data(ANN)).invites == 1


async def test_a_stub_waiting_for_the_job_keeps_everything_too(store: Store) -> None:
    await _ann_and_ben(store)
    await store.create_registration(
        ANN, chat_id=ANN, stub_id="S-ANN", email="ann@example.com", full_name="Ann Lee",
        language="de", now=T0,
    )  # fmt: skip

    forgotten = await store.forget_user(ANN)

    assert forgotten.deleted == {}
    assert forgotten.blocked_by == await store.get_registration(ANN)
    assert forgotten.total == 0
    assert await store.get_draft(ANN, "su") is not None


async def test_a_failed_registration_is_forgotten_with_the_rest(store: Store) -> None:
    await store.create_registration(
        ANN, chat_id=ANN, stub_id="S-ANN", email="ann@example.com", full_name="Ann Lee",
        language="de", now=T0,
    )  # fmt: skip
    assert await store.mark_registration_failed(ANN, "StubExpired", at(1))

    assert (await store.forget_user(ANN)).deleted == {"registrations": 1}
    assert await store.get_registration(ANN) is None


async def test_invites_to_an_address_are_forgotten_in_any_case(store: Store) -> None:
    await _ann_and_ben(store)

    assert await store.forget_invites_to("Ann@Example.COM") == 1
    assert await store.forget_invites_to("ann@example.com") == 0
    assert (await store.personal_data(BEN)).invites == 1
