"""Creating a customer's ClickBook account the way ClickBook prescribes; no Telegram here.

    "submitting" row ──▶ SETUSERFIELDS (Public) ──StubID──▶ filled in ──▶ PROCESSREGSTUB (Admin)
        ──301──▶ sign in

The first write comes before SETUSERFIELDS: a ``submitting`` registration, counted towards
the daily cap in the same transaction. If that write fails, ClickBook is not called and the
user is asked to try again (the draft keeps everything). The StubID is filled in with one
statement the moment it arrives, so that if anything fails after the stub was created,
:meth:`SignupService.finish_due` (run by a background job) can finish it later without
asking the user anything twice. SETUSERFIELDS itself is never repeated blindly: the client
retries it only when the request certainly never left.

A ``submitting`` row that never got its StubID (the process died between the two writes, or
the second write failed) means ClickBook may hold a stub that nobody can finish, and that
blocks the address until it expires (``STUB_LIFETIME``). The job leaves such a row alone
until then, and afterwards marks it failed and tells the user to submit again. The user may
also submit again earlier: the new submission replaces the row and counts towards the cap.
An ``active`` registration whose user was not told (a crash during the courtesy sign-out)
stays due, and the job sends the message.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import SecretStr, ValidationError

from bot.clickbook import (
    ClickBookClient,
    ClickBookConnectError,
    ClickBookError,
    ClickBookExpiredError,
    ClickBookNotFoundError,
    ClickBookResponseError,
    ClickBookTransportError,
    ClickBookValidationError,
    Registration,
)
from bot.clock import Clock
from bot.domain.countries import country_name_en
from bot.storage import RegistrationExistsError, StorageError, Store
from bot.storage.records import Registration as RegistrationRecord
from bot.storage.records import RegistrationState

log = logging.getLogger(__name__)

MAX_RETRY_DELAY = timedelta(hours=1)
STUB_LIFETIME = timedelta(hours=25)
"""ClickBook's stubs expire 24 hours after creation; an hour more for clocks that disagree.
A submission whose StubID was never stored is given up this long after it began."""
WRITE_ERRORS = (sqlite3.Error, StorageError)
"""What a failing database write raises (a full disk is ``sqlite3.OperationalError``)."""

FIELD_FOR_ITEM: Mapping[str, str] = {
    "inp-firstname": "first_name",
    "inp-lastname": "last_name",
    "inp-telfixed": "phone",
    "inp-telmobile": "phone",
    "inp-emailaddress1": "email",
    "inp-emailaddress2": "email",
    "inp-password1": "password",
    "inp-password2": "password",
    "inp-agreeterms": "terms",
    "inp-timezone": "timezone",
    "inp-country": "country",
}
"""Which question of the form each NewUserRegistration item comes from."""


class Stage(StrEnum):
    """Visible progress of one submission."""

    CREATING = "creating"
    ACTIVATING = "activating"


class Outcome(StrEnum):
    """How a submission ended."""

    DONE = "done"
    """The account is active and the user signed in."""
    ACTIVE = "active"
    """The account is active; signing in could not be checked (no password at hand)."""
    FIELD_ERRORS = "field_errors"
    EMAIL_TAKEN = "email_taken"
    UNAVAILABLE = "unavailable"
    """Nothing was created; the user can simply try again."""
    UNCERTAIN = "uncertain"
    """ClickBook did not answer in time; whether it created the stub is unknown."""
    PENDING = "pending"
    """The stub exists; a background job will finish it."""
    EXPIRED = "expired"
    """The stub is gone or expired; the user must submit again."""
    LIMITED = "limited"
    NOT_SAVED = "not_saved"
    """The submission could not be recorded, so nothing was sent; the user can try again."""
    STUB_UNSAVED = "stub_unsaved"
    """ClickBook created the stub but its StubID could not be stored: nobody can finish it."""


@dataclass(frozen=True)
class Result:
    """What a submission or a retry achieved."""

    outcome: Outcome
    name: str = ""
    field_errors: Mapping[str, str] = field(default_factory=dict)
    check_sign_in: bool = False
    """The account is active and the password at hand: once the user has been told, the
    caller runs :meth:`SignupService.check_sign_in`."""


Progress = Callable[[Stage], Awaitable[None]]


NAME_CHARACTERS_FOR_CLICKBOOK = {
    ord("\u2010"): "-",
    ord("\u2011"): "-",
    ord("\u200c"): None,
    ord("\u200d"): None,
}
"""Characters the name parser accepts but ClickBook refuses: Unicode hyphens become "-", and
the invisible joiners (Persian and Indic spellings) are dropped rather than refused."""


def clickbook_name(name: str) -> str:
    """Return ``name`` in the characters ClickBook's name fields take."""
    return name.translate(NAME_CHARACTERS_FOR_CLICKBOOK)


def build_registration(fields: Mapping[str, Any], password: SecretStr) -> Registration:
    """Turn a finished draft into ClickBook's NewUserRegistration."""
    return Registration(
        first_name=clickbook_name(fields["first_name"]),
        last_name=clickbook_name(fields["last_name"]),
        phone=fields["phone"],
        mobile=None,
        email=fields["email"],
        password=password,
        agree_terms=bool(fields.get("terms")),
        timezone=fields["timezone"],
        country=country_name_en(fields["country"]),
    )


def consent_time(fields: Mapping[str, Any]) -> datetime | None:
    """Return when the draft's customer agreed to the terms (its ``terms`` answer), if known."""
    try:
        moment = datetime.fromisoformat(str(fields["terms"]))
    except (KeyError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


def retry_delay(first: timedelta, attempts: int) -> timedelta:
    """Back off exponentially from ``first``, capped at an hour."""
    return min(first * (2 ** min(attempts, 16)), MAX_RETRY_DELAY)


class SignupService:
    """Submits finished sign-up drafts to ClickBook and finishes stored stubs."""

    def __init__(
        self,
        *,
        client: ClickBookClient,
        store: Store,
        clock: Clock,
        daily_limit: int,
        first_retry: timedelta,
    ) -> None:
        self.client = client
        self.store = store
        self.clock = clock
        self.daily_limit = daily_limit
        self.first_retry = first_retry
        self._in_progress: set[int] = set()
        """Users whose registration a submission or the job is working on right now."""

    async def attempts_left(self, telegram_id: int) -> int:
        """Return how many submissions the user may still make in the last 24 hours."""
        since = self.clock() - timedelta(days=1)
        used = await self.store.count_signup_attempts(telegram_id, since)
        return max(0, self.daily_limit - used)

    async def submit(
        self,
        *,
        telegram_id: int,
        chat_id: int,
        language: str,
        fields: Mapping[str, Any],
        password: SecretStr,
        progress: Progress,
    ) -> Result:
        """Create, activate and sign in the account described by a finished draft."""
        # A slow activation can outlast the stored record's retry time: the job must wait.
        self._in_progress.add(telegram_id)
        try:
            return await self._submit(telegram_id, chat_id, language, fields, password, progress)
        finally:
            self._in_progress.discard(telegram_id)

    async def _submit(
        self,
        telegram_id: int,
        chat_id: int,
        language: str,
        fields: Mapping[str, Any],
        password: SecretStr,
        progress: Progress,
    ) -> Result:
        if await self.attempts_left(telegram_id) <= 0:
            return Result(Outcome.LIMITED)
        try:
            registration = build_registration(fields, password)
        except (ValidationError, KeyError, ValueError) as error:
            log.warning(
                "draft of user %s failed local validation: %s", telegram_id, type(error).__name__
            )
            return Result(Outcome.FIELD_ERRORS, field_errors=_local_errors(error))
        await progress(Stage.CREATING)
        full_name = f"{registration.first_name} {registration.last_name}"
        began = self.clock()
        try:
            attempt = await self.store.begin_registration(
                telegram_id,
                chat_id=chat_id,
                email=registration.email,
                full_name=full_name,
                language=language,
                now=began,
                next_attempt_at=began + STUB_LIFETIME,
                terms_accepted_at=consent_time(fields),
            )
        except RegistrationExistsError:
            raise  # a live registration: the conversation never offers Confirm then
        except WRITE_ERRORS as error:
            log.warning(
                "could not record the submission of user %s: %s", telegram_id, type(error).__name__
            )
            return Result(Outcome.NOT_SAVED)
        try:
            stub_id = await self.client.register_user(registration)
        except ClickBookValidationError as error:
            await self._abandon(telegram_id, None)  # refused: nothing created, but counted
            return _validation_result(error)
        except ValueError as error:
            # Raised before sending: the draft's zone left ClickBook's list since it was chosen.
            await self._abandon(telegram_id, attempt)
            return Result(Outcome.FIELD_ERRORS, field_errors={"timezone": str(error)})
        except ClickBookConnectError:
            # Only submissions that reached ClickBook count towards the daily cap: the cap
            # protects ClickBook from floods, and must not lock a user out during an outage.
            await self._abandon(telegram_id, attempt)
            return Result(Outcome.UNAVAILABLE)
        except (ClickBookTransportError, ClickBookResponseError) as error:
            # No usable answer (a timeout, a dropped connection, a garbled body): ClickBook may
            # have created the stub, so the user must not simply be told to try again. The
            # "submitting" row stays, counted, until the stub would have expired.
            log.warning(
                "SETUSERFIELDS outcome unknown for user %s: %s", telegram_id, type(error).__name__
            )
            return Result(Outcome.UNCERTAIN)
        except ClickBookError as error:
            log.warning("SETUSERFIELDS refused for user %s: %s", telegram_id, type(error).__name__)
            await self._abandon(telegram_id, attempt)
            return Result(Outcome.UNAVAILABLE)
        now = self.clock()
        try:
            # Due only if this submission dies halfway; the background job must not race it.
            stored = await self.store.record_stub_id(
                telegram_id, stub_id, now=now, next_attempt_at=now + self.first_retry
            )
        except WRITE_ERRORS as error:
            log.warning(
                "could not store the StubID of user %s: %s", telegram_id, type(error).__name__
            )
            return Result(Outcome.STUB_UNSAVED)
        if not stored:  # the "submitting" row is gone: nothing left to attach the StubID to
            log.warning("the submission of user %s vanished before its StubID", telegram_id)
            return Result(Outcome.STUB_UNSAVED)
        return await self._finish(telegram_id, full_name, password, progress)

    async def _finish(
        self,
        telegram_id: int,
        full_name: str,
        password: SecretStr | None,
        progress: Progress,
    ) -> Result:
        record = await self.store.get_registration(telegram_id)
        if record is None:
            return Result(Outcome.EXPIRED)
        if record.state == RegistrationState.SUBMITTING:
            return await self._give_up_unknown_stub(record)
        if record.state == RegistrationState.ACTIVE:
            # Signed in already; a crash came before the user was told.
            return Result(Outcome.DONE, name=full_name)
        if record.state == RegistrationState.STUB_CREATED:
            assert record.stub_id is not None
            await progress(Stage.ACTIVATING)
            try:
                await self.client.process_registration(record.stub_id)
            except (ClickBookExpiredError, ClickBookNotFoundError) as error:
                await self.store.mark_registration_failed(
                    telegram_id, type(error).__name__, self.clock()
                )
                return Result(Outcome.EXPIRED)
            except ClickBookValidationError as error:
                await self.store.mark_registration_failed(
                    telegram_id, type(error).__name__, self.clock()
                )
                return _validation_result(error)
            except ClickBookError as error:
                await self._schedule_retry(record, error)
                return Result(Outcome.PENDING, name=full_name)
            await self.store.mark_registration_processed(
                telegram_id, self.clock(), next_attempt_at=self._grace()
            )
        if password is None:
            return Result(Outcome.ACTIVE, name=full_name)
        # The customer need not wait for a sign-in to hear that the account exists: the
        # caller tells them, then runs check_sign_in.
        return Result(Outcome.DONE, name=full_name, check_sign_in=True)

    async def check_sign_in(self, telegram_id: int, email: str, password: SecretStr) -> bool:
        """Sign a customer who was just told their account is active in and out once.

        It proves the account takes the password and records ClickBook's user id. A refusal
        is only logged: the account exists either way, and retrying a refused sign-in would
        only lock it out. Return whether the sign-in worked.
        """
        try:
            session = await self.client.login(email, password.get_secret_value())
        except ClickBookError as error:
            log.warning("sign-in check of user %s failed: %s", telegram_id, type(error).__name__)
            return False
        await self.store.mark_registration_signed_in(
            telegram_id, session.user, self.clock(), next_attempt_at=self._grace()
        )
        try:
            await self.client.logout(session)
        except ClickBookError as error:
            # A courtesy only: the session expires by itself.
            log.info("sign-out of user %s failed: %s", telegram_id, type(error).__name__)
        return True

    def _grace(self) -> datetime:
        """When the job may take a registration over that a caller is finishing right now.

        After each step, so that whoever tells the user (the conversation, or the job itself)
        has a full retry delay to do it before the job would tell them a second time.
        """
        return self.clock() + self.first_retry

    async def _abandon(self, telegram_id: int, attempt: int | None) -> None:
        """Delete the "submitting" row of a submission that created nothing at ClickBook.

        ``attempt`` stops counting too (it never reached ClickBook); ``None`` keeps it counted.
        """
        try:
            await self.store.abandon_registration(telegram_id, attempt)
        except WRITE_ERRORS as error:
            # It stays counted and is given up later; being stricter than needed is harmless.
            log.warning(
                "could not undo the submission of user %s: %s", telegram_id, type(error).__name__
            )

    async def _give_up_unknown_stub(self, record: RegistrationRecord) -> Result:
        """Fail a submission whose StubID was never stored, once its stub surely expired."""
        now = self.clock()
        if record.next_attempt_at is None or record.next_attempt_at > now:
            return Result(Outcome.PENDING, name=record.full_name)  # a fresh one: not ours yet
        log.info("registration of user %s: no StubID was stored; given up", record.telegram_id)
        await self.store.mark_registration_failed(record.telegram_id, "stub_unknown", now)
        return Result(Outcome.EXPIRED)

    async def _schedule_retry(self, record: RegistrationRecord, error: ClickBookError) -> None:
        now = self.clock()
        log.info(
            "registration of user %s will be retried: %s", record.telegram_id, type(error).__name__
        )
        await self.store.schedule_registration_retry(
            record.telegram_id,
            next_attempt_at=now + retry_delay(self.first_retry, record.attempts),
            last_error_code=type(error).__name__,
            now=now,
        )

    async def finish_due(
        self, password_for: Callable[[int], SecretStr | None]
    ) -> list[tuple[RegistrationRecord, Result]]:
        """Finish every stored stub whose retry is due; return what happened to each."""
        results = []
        for record in await self.store.due_registrations(self.clock()):
            if record.telegram_id in self._in_progress:
                continue  # a submission is finishing it; it tells the user itself
            self._in_progress.add(record.telegram_id)
            try:
                result = await self._finish(
                    record.telegram_id,
                    record.full_name,
                    password_for(record.telegram_id),
                    _quiet,
                )
            finally:
                self._in_progress.discard(record.telegram_id)
            results.append((record, result))
        return results


async def _quiet(stage: Stage) -> None:
    """Progress callback for background work: nobody is watching."""


def _validation_result(error: ClickBookValidationError) -> Result:
    fields: dict[str, str] = {}
    for item in error.errors:
        key = FIELD_FOR_ITEM.get(item.field)
        if key is not None:
            fields.setdefault(key, item.message)
    if set(fields) == {"email"} and "registered" in fields["email"].lower():
        return Result(Outcome.EMAIL_TAKEN)
    return Result(Outcome.FIELD_ERRORS, field_errors=fields)


def _local_errors(error: Exception) -> dict[str, str]:
    if isinstance(error, ValidationError):
        messages: dict[str, str] = {}
        for item in error.errors():
            if item.get("loc"):
                message = str(item.get("msg", "")).removeprefix("Value error, ")
                messages.setdefault(str(item["loc"][0]), message)
        mapping = {
            "first_name": "first_name",
            "last_name": "last_name",
            "phone": "phone",
            "email": "email",
            "password": "password",
            "agree_terms": "terms",
            "timezone": "timezone",
            "country": "country",
        }
        return {mapping[name]: message for name, message in messages.items() if name in mapping}
    if isinstance(error, KeyError):
        return {str(error.args[0]): ""}
    return {}
