"""``Store.forget_user``: everything naming one user goes, caches included; others stay."""

from __future__ import annotations

from bot.storage import Store
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
