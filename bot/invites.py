"""Inviting clients and noticing when they accept; no Telegram here.

::

    send ── invite row (sending) ── Private SETUSERFIELDS NewClientFile ──ClientFileID──▶
        filled in (pending)
    poll_due ── GETUSERFIELDS inp-regstatus ──Registered──▶ mark_invite_registered
        (other pending invites to that address are closed with it: no longer polled)
    forget (/pending) ── the row is deleted: no longer polled, nobody told
    acceptances_to_deliver ──▶ (the bot sends the message) ──▶ mark_delivered

**Exactly once, as far as the outside world allows.** The invite row is written before
NewClientFile leaves and the ClientFileID is filled in right after, before anything else (the
renewed session is stored after it). A crash in between leaves a ``sending`` row: ClickBook
has no idempotency key and no lookup of client files by email, so whether the client file
exists cannot be found out, and it is never sent again on its own; the staff member's next
attempt for that address is flagged ("may have gone out already") and they decide. A
timeout leaves an ``uncertain`` row, flagged the same way.

Noticing an acceptance and telling the inviter are recorded separately, so a crash between
the two loses nothing: the next run finds the registered, undelivered invite and delivers
it. Each message (the inviter's, the staff chat's) has its own delivered mark, set right
after that message is sent: a crash repeats at most the one message whose mark it
interrupted. Telegram offers no idempotency either, so that instant cannot be closed.

Polling uses the inviting staff member's own stored session. Each invite has its own
schedule: a check that finds the client still invited comes back after the poll interval;
an error backs that invite off exponentially (up to ``MAX_BACKOFF``); every delay gets
±``JITTER`` so that many invites made together do not stay in lockstep. If the inviter's
session cannot be renewed (the password changed), their stored sign-in is deleted, they are
reported once in :attr:`PollReport.signed_out` so the bot can ask them to sign in again,
and their invites stay pending until they do.
"""

from __future__ import annotations

import logging
import random as random_module
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from bot.clickbook import (
    ClickBookClient,
    ClickBookConnectError,
    ClickBookError,
    ClickBookForbiddenError,
    ClickBookNotFoundError,
    ClickBookSignedOutError,
    ClickBookTransportError,
    ClickBookValidationError,
    ClientFile,
    RegStatus,
    Session,
)
from bot.clickbook.client import LOGIN
from bot.clock import Clock
from bot.staff_sessions import StaffSessions
from bot.stats import Stats
from bot.storage import Invite, InviteStatus, Store

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
JITTER = 0.1
"""Each delay is stretched or shrunk by up to this fraction, at random."""

FIELD_FOR_ITEM: Mapping[str, str] = {
    "inp-firstname": "first_name",
    "inp-lastname": "last_name",
    "inp-telfixed": "phone",
    "inp-telmobile": "mobile",
    "inp-newemailaddress1": "email",
    "inp-newemailaddress2": "email",
}
"""Which question of the invite form each NewClientFile item comes from."""


class SendOutcome(StrEnum):
    """How sending an invitation ended."""

    SENT = "sent"
    NOT_SIGNED_IN = "not_signed_in"
    SIGNED_OUT = "signed_out"
    """The session expired and could not be renewed: sign in again; the draft is kept."""
    FIELD_ERRORS = "field_errors"
    FORBIDDEN = "forbidden"
    """ClickBook does not let this account (or the bot's API key) create client files."""
    UNAVAILABLE = "unavailable"
    """ClickBook failed or could not be reached; nothing was created."""
    UNCERTAIN = "uncertain"
    """ClickBook did not answer; the invitation may or may not have gone out."""
    OFF = "off"


@dataclass(frozen=True)
class SendResult:
    """The outcome of sending, with the stored invite or the fields ClickBook refused."""

    outcome: SendOutcome
    invite: Invite | None = None
    field_errors: Mapping[str, str] = field(default_factory=dict)


class CheckOutcome(StrEnum):
    """What checking one invite found."""

    REGISTERED = "registered"
    PENDING = "pending"
    GONE = "gone"
    """The invite is no longer pending here (forgotten, or accepted already)."""
    NOT_SIGNED_IN = "not_signed_in"
    SIGNED_OUT = "signed_out"
    NOT_FOUND = "not_found"
    """ClickBook does not know the client file any more."""
    UNAVAILABLE = "unavailable"


@dataclass
class PollReport:
    """What one polling run did."""

    checked: int = 0
    registered: list[Invite] = field(default_factory=list)
    signed_out: list[int] = field(default_factory=list)
    """Inviters whose renewal failed and who have not been asked to sign in again yet."""
    errors: int = 0


def build_client_file(fields: Mapping[str, Any]) -> ClientFile:
    """Turn a finished invite draft into ClickBook's NewClientFile."""
    return ClientFile(
        first_name=fields["first_name"],
        last_name=fields["last_name"],
        phone=fields["phone"],
        mobile=fields.get("mobile") or None,
        email=fields["email"],
    )


class InviteService:
    """Sends invitations with a staff member's session and follows them until accepted."""

    def __init__(
        self,
        *,
        store: Store,
        client: ClickBookClient,
        sessions: StaffSessions,
        clock: Clock,
        poll_interval: timedelta,
        random: Callable[[], float] = random_module.random,
        stats: Stats | None = None,
    ) -> None:
        self.store = store
        self.stats = stats
        self.client = client
        self.sessions = sessions
        self.clock = clock
        self.poll_interval = poll_interval
        self.random = random

    def _jittered(self, delay: timedelta) -> timedelta:
        return delay * (1 + JITTER * (2 * self.random() - 1))

    def next_check(self, failures: int) -> datetime:
        """Return when to check an invite next after ``failures`` failed checks in a row."""
        delay = min(self.poll_interval * (2 ** min(failures, 16)), MAX_BACKOFF)
        return self.clock() + self._jittered(max(delay, self.poll_interval))

    async def pending_for_email(self, email: str) -> Invite | None:
        """Return an invite to the same address to flag before sending another.

        A pending invite, or else one whose sending was never confirmed (``uncertain``, or
        ``sending`` left behind by a crash): ClickBook may have emailed that one.
        """
        pending = await self.store.find_pending_invite_by_email(email)
        return pending or await self.store.find_unconfirmed_invite_by_email(email)

    async def send(self, inviter_id: int, fields: Mapping[str, Any]) -> SendResult:
        """Create the client file (ClickBook emails the invitation) and store the invite."""
        if not self.sessions.enabled:
            return SendResult(SendOutcome.OFF)
        try:
            client_file = build_client_file(fields)
        except (ValidationError, KeyError) as error:
            log.warning(
                "invite draft of %s failed local validation: %s", inviter_id, type(error).__name__
            )
            return SendResult(SendOutcome.FIELD_ERRORS, field_errors=_local_errors(error))
        session = await self.sessions.session(inviter_id)
        if session is None:
            return SendResult(SendOutcome.NOT_SIGNED_IN)
        # Intent first: ClickBook has no idempotency key and no lookup by email, so the only
        # defence against a second client file (and email) after a crash is knowing that a
        # first one may exist. The invite row exists before NewClientFile leaves.
        intent = await self.store.begin_invite(
            inviter_id=inviter_id,
            first_name=client_file.first_name,
            last_name=client_file.last_name,
            email=client_file.email,
            now=self.clock(),
        )
        cookie_before = session.cookie.get_secret_value()
        try:
            client_file_id = await self.client.create_client_file(session, client_file)
        except ClickBookError as error:
            result = await self._refused(inviter_id, session, error)
            if result.outcome is SendOutcome.UNCERTAIN:
                await self.store.mark_invite_uncertain(intent)
            else:
                await self.store.forget_invite(intent)  # certainly nothing was created
            await self.sessions.keep_renewed(inviter_id, session, cookie_before)
            return result
        invite = await self.store.record_client_file(
            intent, client_file_id, first_check_at=self.next_check(0)
        )
        await self.sessions.keep_renewed(inviter_id, session, cookie_before)
        log.info("staff %s invited client file %s", inviter_id, client_file_id)
        if invite is None:  # forgotten from /pending while it was being sent
            return SendResult(SendOutcome.UNAVAILABLE)
        if self.stats is not None:
            await self.stats.invite_sent()
        return SendResult(SendOutcome.SENT, invite=invite)

    async def _refused(
        self, inviter_id: int, session: Session, error: ClickBookError
    ) -> SendResult:
        """Say what a failed NewClientFile means for the staff member."""
        if isinstance(error, ClickBookSignedOutError):
            await self.sessions.renewal_failed(inviter_id, session)
            return SendResult(SendOutcome.SIGNED_OUT)
        if isinstance(error, ClickBookValidationError):
            errors = {
                FIELD_FOR_ITEM[e.field]: e.message
                for e in error.errors
                if e.field in FIELD_FOR_ITEM
            }
            return SendResult(SendOutcome.FIELD_ERRORS, field_errors=errors or {"email": ""})
        if isinstance(error, ClickBookForbiddenError):
            return SendResult(SendOutcome.FORBIDDEN)
        if isinstance(error, ClickBookConnectError):
            return SendResult(SendOutcome.UNAVAILABLE)
        if isinstance(error, ClickBookTransportError):
            if error.operation == LOGIN:
                # Renewing the session failed, before the client file was sent again.
                return SendResult(SendOutcome.UNAVAILABLE)
            log.warning(
                "NewClientFile by %s: outcome unknown (%s)", inviter_id, type(error).__name__
            )
            return SendResult(SendOutcome.UNCERTAIN)
        log.warning("NewClientFile by %s failed: %s", inviter_id, type(error).__name__)
        return SendResult(SendOutcome.UNAVAILABLE)

    async def _status(self, staff_id: int, session: Session, invite: Invite) -> RegStatus:
        # Only pending invites are checked, and ClickBook gave each its client file id.
        assert invite.client_file_id is not None
        cookie_before = session.cookie.get_secret_value()
        try:
            return await self.client.get_client_file_status(session, invite.client_file_id)
        finally:
            await self.sessions.keep_renewed(staff_id, session, cookie_before)

    async def check(self, invite_id: int, checker_id: int) -> CheckOutcome:
        """Check one invite now with the checker's session (the inviter's if they have none)."""
        invite = await self.store.get_invite(invite_id)
        if invite is None or invite.status is not InviteStatus.PENDING:
            return CheckOutcome.GONE
        staff_id = checker_id
        session = await self.sessions.session(checker_id)
        if session is None and invite.inviter_id != checker_id:
            staff_id = invite.inviter_id
            session = await self.sessions.session(staff_id)
        if session is None:
            return CheckOutcome.NOT_SIGNED_IN
        try:
            status = await self._status(staff_id, session, invite)
        except ClickBookSignedOutError:
            await self.sessions.renewal_failed(staff_id, session)
            return CheckOutcome.SIGNED_OUT
        except ClickBookNotFoundError:
            return CheckOutcome.NOT_FOUND
        except ClickBookError as error:
            log.info("checking invite %s failed: %s", invite_id, type(error).__name__)
            return CheckOutcome.UNAVAILABLE
        if status is RegStatus.REGISTERED:
            if await self.store.mark_invite_registered(invite.id, self.clock()) and self.stats:
                await self.stats.invite_accepted()
            return CheckOutcome.REGISTERED
        await self.store.schedule_invite_check(
            invite.id, next_check_at=self.next_check(0), failures=0
        )
        return CheckOutcome.PENDING

    async def poll_due(self) -> PollReport:
        """Check every invite whose turn has come, each with its inviter's session."""
        report = PollReport()
        signed_out: set[int] = set()
        for invite in await self.store.due_invites(self.clock()):
            inviter = invite.inviter_id
            session = None if inviter in signed_out else await self.sessions.session(inviter)
            if session is None:
                if self.sessions.take_unreadable(inviter):
                    signed_out.add(inviter)
                # Nothing to ask ClickBook with; look again later, without hammering.
                await self._back_off(invite)
                continue
            report.checked += 1
            try:
                status = await self._status(inviter, session, invite)
            except ClickBookSignedOutError:
                if await self.sessions.renewal_failed(inviter, session):
                    signed_out.add(inviter)
                await self._back_off(invite)
                continue
            except ClickBookError as error:
                report.errors += 1
                log.info(
                    "invite %s: status check failed (%s); backing off",
                    invite.id,
                    type(error).__name__,
                )
                await self._back_off(invite)
                continue
            if status is RegStatus.REGISTERED:
                if await self.store.mark_invite_registered(invite.id, self.clock()):
                    report.registered.append(invite)
                    if self.stats is not None:
                        await self.stats.invite_accepted()
            else:
                await self.store.schedule_invite_check(
                    invite.id, next_check_at=self.next_check(0), failures=0
                )
        for inviter in sorted(signed_out):
            if await self.store.mark_signin_notice_sent(inviter, self.clock()):
                report.signed_out.append(inviter)
        return report

    async def _back_off(self, invite: Invite) -> None:
        failures = invite.check_failures + 1
        await self.store.schedule_invite_check(
            invite.id, next_check_at=self.next_check(failures), failures=failures
        )

    async def resume_polling(self, inviter_id: int) -> None:
        """Check the inviter's pending invites soon again (they just signed in)."""
        now = self.clock()
        for invite in await self.store.pending_invites(inviter_id=inviter_id):
            await self.store.schedule_invite_check(invite.id, next_check_at=now, failures=0)

    async def acceptances_to_deliver(self, *, staff_chat: bool = False) -> list[Invite]:
        """Return accepted invites whose inviter (or, with ``staff_chat``, the staff chat)
        has not been told yet, oldest first."""
        return await self.store.undelivered_acceptances(staff_chat=staff_chat)

    async def mark_delivered(self, invite_id: int) -> bool:
        """Record that the inviter was told; ``True`` only the first time."""
        return await self.store.mark_invite_notified(invite_id, self.clock())

    async def mark_staff_chat_delivered(self, invite_id: int) -> bool:
        """Record that the staff chat was told; ``True`` only the first time."""
        return await self.store.mark_invite_staff_chat_notified(invite_id, self.clock())

    async def pending(self) -> list[Invite]:
        """Return this business's pending invites, newest first."""
        return await self.store.pending_invites()

    async def forget(self, invite_id: int) -> bool:
        """Stop following an invite (ClickBook's invitation itself stays valid)."""
        return await self.store.forget_invite(invite_id)


def _local_errors(error: Exception) -> dict[str, str]:
    if isinstance(error, KeyError):
        return {str(error.args[0]): ""}
    if isinstance(error, ValidationError):
        return {str(item["loc"][0]): "" for item in error.errors() if item.get("loc")}
    return {}
