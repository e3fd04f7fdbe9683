"""Pure pieces: link payloads, contact cards, the poll schedule, the sign-in limit's end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram import Contact

from bot.crypto import KeyState
from bot.invites import MAX_BACKOFF, InviteService
from bot.sandbox.clickbook import ManualClock
from bot.staff import LINK_PREFIX, token_from_payload, token_hash
from bot.staff_sessions import SIGNIN_FAILURE_LIMIT, SIGNIN_FAILURE_WINDOW, StaffSessions
from bot.storage import Store
from conversations.invite import ContactCard

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("payload", "token"),
    [
        pytest.param("staff_" + "a" * 32, "a" * 32, id="token"),
        pytest.param("staff_Ab-_" + "9" * 28, "Ab-_" + "9" * 28, id="url-safe-characters"),
        pytest.param("staff_short", None, id="too-short"),
        pytest.param("staff_" + "a" * 57, None, id="too-long"),
        pytest.param("inv_" + "a" * 32, None, id="other-prefix"),
        pytest.param("staff_" + "a" * 31 + "!", None, id="not-url-safe"),
    ],
)
def test_link_payloads(payload: str, token: str | None) -> None:
    assert token_from_payload(payload) == token


def test_the_prefix_and_a_token_fit_telegrams_start_parameter() -> None:
    assert len(LINK_PREFIX) + 32 <= 64
    assert len(token_hash("x")) == 64


@pytest.mark.parametrize(
    ("contact", "expected"),
    [
        pytest.param(
            Contact("61298765432", "Ann", "Lee"),
            ContactCard("Ann", "Lee", "61298765432", "+61 2 9876 5432", None),
            id="telegram-card-without-plus",
        ),
        pytest.param(
            Contact(
                "+49 30 1234567",
                "Jörg",
                vcard="BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jörg\r\n"
                "EMAIL;TYPE=INTERNET:joerg@example.de\r\nEND:VCARD",
            ),
            ContactCard("Jörg", None, "49301234567", "+49 30 1234567", "joerg@example.de"),
            id="vcard-email",
        ),
        pytest.param(
            Contact("12", "<b>", vcard="item1.EMAIL:not-an-email"),
            ContactCard(None, None, None, None, None),
            id="nothing-valid",
        ),
    ],
)
def test_a_contact_card_keeps_only_valid_values(contact: Contact, expected: ContactCard) -> None:
    assert ContactCard.read(contact) == expected


def service(clock: ManualClock, random: float) -> InviteService:
    """An invite service whose schedule can be read without any I/O."""
    return InviteService(
        store=None,  # type: ignore[arg-type]
        client=None,  # type: ignore[arg-type]
        sessions=None,  # type: ignore[arg-type]
        clock=clock,
        poll_interval=timedelta(minutes=5),
        random=lambda: random,
    )


@pytest.mark.parametrize(
    ("failures", "low", "high"),
    [
        pytest.param(0, timedelta(minutes=4.5), timedelta(minutes=5.5), id="still-invited"),
        pytest.param(1, timedelta(minutes=9), timedelta(minutes=11), id="one-error"),
        pytest.param(3, timedelta(minutes=36), timedelta(minutes=44), id="three-errors"),
        pytest.param(40, MAX_BACKOFF * 0.9, MAX_BACKOFF * 1.1, id="capped"),
    ],
)
def test_the_next_check_backs_off_with_jitter(
    failures: int, low: timedelta, high: timedelta
) -> None:
    clock = ManualClock(NOW)

    earliest = service(clock, 0.0).next_check(failures) - NOW
    latest = service(clock, 1.0).next_check(failures) - NOW
    middle = service(clock, 0.5).next_check(failures) - NOW

    assert (earliest, latest) == (low, high)
    assert low < middle < high


async def test_the_limit_lifts_one_window_after_the_oldest_counted_failure(
    tmp_path: Path,
) -> None:
    clock = ManualClock(NOW)
    store = await Store.open(tmp_path / "limit.db")
    try:
        sessions = StaffSessions(
            store=store,
            client=None,  # type: ignore[arg-type]
            clock=clock,
            cipher=None,
            key_state=KeyState.MISSING,
        )
        for _ in range(SIGNIN_FAILURE_LIMIT):
            await store.record_signin_failure(7, clock())
            clock.advance(timedelta(minutes=10))

        lifted = await sessions._retry_at(7)

        assert (
            NOW + SIGNIN_FAILURE_WINDOW
            <= lifted
            <= NOW + SIGNIN_FAILURE_WINDOW + timedelta(minutes=2)
        )
        clock.advance(lifted - clock())
        assert await sessions.failures(7) < SIGNIN_FAILURE_LIMIT
    finally:
        await store.close()
