"""Staff members' ClickBook sign-ins: checked, rate limited, stored encrypted, renewed.

``/signin`` checks the email and password with LoginOK. The session it returns (the cookie and
the credentials that renew it) is stored only sealed by :class:`bot.crypto.CredentialCipher`.
One ``Session`` object per staff member is kept in memory, so the invite flow and the
acceptance poller share it and an expired cookie is renewed once (the client does that under
the session's lock); after each call :meth:`StaffSessions.keep_renewed` stores the new cookie.

**The sign-in limit.** ClickBook locks an account after 5 failed sign-ins in a row (for 30
minutes, in the sandbox). The bot lets each staff member, and each ClickBook account (by its
normalised email), fail at most ``SIGNIN_FAILURE_LIMIT`` = 3 times in any
``SIGNIN_FAILURE_WINDOW`` = 24 hours, counting ClickBook's "You are locked out" and failed
automatic renewals too; a successful sign-in clears both counts. Past either limit the bot
refuses before it contacts ClickBook. So two staff members mistyping the same account's
password share its three attempts, the bot alone stays two failures below ClickBook's
lockout for a whole day, and leaves those two to the person's own attempts on the website.
Accounts are counted by a keyed hash of the email (:meth:`CredentialCipher.account_fingerprints`),
never the email itself; under every configured key, so a new key put first does not restart
the counts. (The window is a day rather than ClickBook's 30
minutes because a shorter window would let a second round of three failures follow the
first and reach five in a row.)

When an automatic renewal fails because the password no longer works, the stored sign-in is
deleted at once, and every other session of the same account in memory is dropped with it:
the bot never tries a dead password twice. A stored sign-in of an account that is past its
limit is not used (it could only renew with a password that failed).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from weakref import WeakValueDictionary

from pydantic import SecretStr

from bot.clickbook import (
    ClickBookClient,
    ClickBookCredentialsError,
    ClickBookError,
    ClickBookLockedOutError,
    Session,
)
from bot.clock import Clock
from bot.crypto import CredentialCipher, KeyState, UnreadableCredentialsError
from bot.storage import Store

log = logging.getLogger(__name__)

SIGNIN_FAILURE_LIMIT = 3
"""Failed ClickBook sign-ins one staff member may have in ``SIGNIN_FAILURE_WINDOW``."""
SIGNIN_FAILURE_WINDOW = timedelta(hours=24)
_RETRY_PRECISION = timedelta(minutes=1)

Account = tuple[str, ...]
"""A ClickBook account as its email's fingerprints, one per configured key, the first's first."""


class SignInOutcome(StrEnum):
    """How a ``/signin`` attempt ended."""

    SIGNED_IN = "signed_in"
    WRONG = "wrong"
    """ClickBook refused the email and password."""
    LOCKED_OUT = "locked_out"
    """ClickBook says the account is locked out."""
    LIMITED = "limited"
    """The bot's own limit was reached; ClickBook was not contacted."""
    UNAVAILABLE = "unavailable"
    OFF = "off"
    """No usable secret key: sign-ins cannot be stored."""


@dataclass(frozen=True)
class SignInResult:
    """What a sign-in achieved, with what the staff member needs to know next."""

    outcome: SignInOutcome
    name: str = ""
    attempts_left: int = 0
    retry_at: datetime | None = None


class StaffSessions:
    """The staff's stored ClickBook sessions and the sign-in limit."""

    def __init__(
        self,
        *,
        store: Store,
        client: ClickBookClient,
        clock: Clock,
        cipher: CredentialCipher | None,
        key_state: KeyState,
    ) -> None:
        self.store = store
        self.client = client
        self.clock = clock
        self.cipher = cipher
        self.key_state = key_state
        self._sessions: dict[int, Session] = {}
        self._unreadable: set[int] = set()
        self._signing_in: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()
        """One lock per account being signed in to; gone once nobody holds or awaits it."""

    def __repr__(self) -> str:
        return f"StaffSessions({len(self._sessions)} in memory, key {self.key_state})"

    @property
    def enabled(self) -> bool:
        """Tell whether sign-ins can be stored (a valid secret key is configured)."""
        return self.cipher is not None

    async def failures(self, telegram_id: int, account: Account = ()) -> int:
        """Return the failed sign-ins in the current window: the staff member's, or the
        account's (by its fingerprints) if that is more."""
        since = self.clock() - SIGNIN_FAILURE_WINDOW
        return max(await self._counts(telegram_id, account, since))

    async def _counts(self, telegram_id: int, account: Account, since: datetime) -> list[int]:
        return [
            await self.store.count_signin_failures(telegram_id, since),
            await self.store.count_account_signin_failures(account, since),
        ]

    def _account(self, email: str) -> Account:
        return () if self.cipher is None else self.cipher.account_fingerprints(email)

    async def sign_in(self, telegram_id: int, email: str, password: SecretStr) -> SignInResult:
        """Check the credentials with ClickBook and store the session encrypted.

        Sign-ins to one account run one at a time: two staff members' attempts that both saw
        the last allowed failure left would otherwise both reach ClickBook.
        """
        if self.cipher is None:
            return SignInResult(SignInOutcome.OFF)  # pragma: no mutate: gate asks for a key first
        account = self.cipher.account_fingerprints(email)
        lock = self._signing_in.setdefault(account[0], asyncio.Lock())
        async with lock:
            return await self._sign_in(telegram_id, email, password, account)

    async def _sign_in(
        self, telegram_id: int, email: str, password: SecretStr, account: Account
    ) -> SignInResult:
        failures = await self.failures(telegram_id, account)
        if failures >= SIGNIN_FAILURE_LIMIT:
            return SignInResult(
                SignInOutcome.LIMITED, retry_at=await self._retry_at(telegram_id, account)
            )
        try:
            session = await self.client.login(email, password)
        except (ClickBookCredentialsError, ClickBookLockedOutError) as error:
            await self.store.record_signin_failure(telegram_id, self.clock(), account=account[0])
            left = max(0, SIGNIN_FAILURE_LIMIT - failures - 1)
            log.info(
                "staff %s: ClickBook refused a sign-in (%s)", telegram_id, type(error).__name__
            )
            if isinstance(error, ClickBookLockedOutError):
                return SignInResult(SignInOutcome.LOCKED_OUT, attempts_left=left)
            retry_at = await self._retry_at(telegram_id, account) if left == 0 else None
            return SignInResult(SignInOutcome.WRONG, attempts_left=left, retry_at=retry_at)
        except ClickBookError as error:
            log.warning("staff %s: sign-in failed: %s", telegram_id, type(error).__name__)
            return SignInResult(SignInOutcome.UNAVAILABLE)
        previous = self._sessions.get(telegram_id)
        if previous is not None and previous is not session:
            previous.mark_signed_out()
        await self._store_session(telegram_id, session)
        self._unreadable.discard(telegram_id)
        # ClickBook forgets an account's failures on a successful sign-in; so does the bot.
        await self.store.clear_signin_failures(telegram_id, accounts=account)
        await self.store.clear_signin_notice(telegram_id)
        log.info("staff %s signed in to ClickBook", telegram_id)
        return SignInResult(SignInOutcome.SIGNED_IN, name=session.usercn or email)

    async def _retry_at(self, telegram_id: int, account: Account = ()) -> datetime:
        """Return when the counts fall below the limit again (to the minute).

        The store only counts, so this searches for the latest ``since`` at which the window
        still holds ``SIGNIN_FAILURE_LIMIT`` failures: the limit lifts one window after it.
        """
        now = self.clock()
        low, high = now - SIGNIN_FAILURE_WINDOW, now
        while high - low > _RETRY_PRECISION:
            middle = low + (high - low) / 2
            if max(await self._counts(telegram_id, account, middle)) >= SIGNIN_FAILURE_LIMIT:
                low = middle
            else:
                high = middle
        return low + SIGNIN_FAILURE_WINDOW + _RETRY_PRECISION

    async def _store_session(self, telegram_id: int, session: Session) -> None:
        assert self.cipher is not None
        await self.store.save_staff_credentials(
            telegram_id, self.cipher.seal(session), self.clock()
        )
        self._sessions[telegram_id] = session

    async def session(self, telegram_id: int) -> Session | None:
        """Return the staff member's session, from memory or decrypted from the store."""
        if self.cipher is None:
            return None
        cached = self._sessions.get(telegram_id)
        if cached is not None and not cached.signed_out:
            return cached
        blob = await self.store.get_staff_credentials(telegram_id)
        if blob is None:
            return None
        try:
            session = self.cipher.open(blob)
        except UnreadableCredentialsError:
            log.warning(
                "staff %s: the stored sign-in cannot be decrypted; deleting it", telegram_id
            )
            await self.store.delete_staff_credentials(telegram_id)
            self._unreadable.add(telegram_id)
            return None
        since = self.clock() - SIGNIN_FAILURE_WINDOW
        account = self.cipher.account_fingerprints(session.email)
        if await self.store.count_account_signin_failures(account, since) >= SIGNIN_FAILURE_LIMIT:
            # Its renewal could only fail once more (another holder's renewal already did).
            log.info("staff %s: the stored sign-in's account is past its limit", telegram_id)
            await self.store.delete_staff_credentials(telegram_id)
            return None
        self._sessions[telegram_id] = session
        return session

    def take_unreadable(self, telegram_id: int) -> bool:
        """Tell (once) whether the member's stored sign-in was dropped as unreadable.

        That happens when ``CLICKBOT_SECRET_KEY`` was replaced: like a failed renewal, the
        member has to sign in again and should be told so.
        """
        if telegram_id in self._unreadable:
            self._unreadable.discard(telegram_id)
            return True
        return False

    async def keep_renewed(self, telegram_id: int, session: Session, cookie_before: str) -> None:
        """Store the session again if a call renewed its cookie meanwhile."""
        if session.signed_out or session.cookie.get_secret_value() == cookie_before:
            return
        if self._sessions.get(telegram_id) is session and self.cipher is not None:
            await self._store_session(telegram_id, session)
            log.info("staff %s: ClickBook session renewed and stored", telegram_id)

    async def renewal_failed(self, telegram_id: int, session: Session) -> bool:
        """Forget a sign-in whose automatic renewal was refused; count it as a failure.

        Return whether the member has to sign in again (``False``: a newer sign-in stays).
        """
        session.mark_signed_out()
        account = self._account(session.email)
        await self.store.record_signin_failure(
            telegram_id, self.clock(), account=account[0] if account else None
        )
        for holder, other in list(self._sessions.items()):
            # The password is dead for every holder of this account: none may renew with it.
            if holder != telegram_id and self._account(other.email) == account:
                other.mark_signed_out()
                del self._sessions[holder]
                await self.store.delete_staff_credentials(holder)
                self._unreadable.add(holder)  # told to sign in again, like a lost key
        current = self._sessions.get(telegram_id)
        if current is not None and current is not session:
            # They signed in again while the refusal was on its way: that sign-in stays.
            log.info("staff %s: an old session's renewal failed; the new one stays", telegram_id)
            return False
        self._sessions.pop(telegram_id, None)
        await self.store.delete_staff_credentials(telegram_id)
        log.info("staff %s: renewing the ClickBook session failed; sign-in deleted", telegram_id)
        return True

    async def sign_out(self, telegram_id: int) -> bool:
        """Sign out of ClickBook (best effort) and delete the stored sign-in."""
        session = await self.session(telegram_id)
        self._sessions.pop(telegram_id, None)
        deleted = await self.store.delete_staff_credentials(telegram_id)
        if session is not None:
            try:
                await self.client.logout(session)
            except ClickBookError as error:
                log.info("staff %s: ClickBook sign-out failed: %s", telegram_id, error)
            session.mark_signed_out()
        return deleted or session is not None

    def forget(self, telegram_id: int) -> None:
        """Drop the in-memory session (the staff member was removed)."""
        session = self._sessions.pop(telegram_id, None)
        if session is not None:
            session.mark_signed_out()
