"""Everything the sandbox remembers: accounts, stubs, client files, outbox, sessions, lockouts.

One ``SandboxState`` per app (``app.state.sandbox``). It holds the records and the rules that
change them; the HTTP and SOAP layers only translate. Passwords are kept as salted hashes and
session ids never appear in reprs or in the JSON view.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.sandbox.clickbook.clock import Clock
from bot.sandbox.clickbook.config import SandboxConfig
from bot.sandbox.clickbook.faults import FaultBook
from bot.sandbox.clickbook.validation import PASSWORD_MIN_LENGTH, is_secret_field

SESSION_IDLE_LIMIT = timedelta(minutes=30)
LOCKOUT_THRESHOLD = 5
LOCKOUT_DURATION = timedelta(minutes=30)
STUB_LIFETIME = timedelta(hours=24)
_HASH_ITERATIONS = 1_000


@dataclass(frozen=True)
class PasswordHash:
    """A salted PBKDF2 hash of a password."""

    salt: bytes = field(repr=False)
    digest: bytes = field(repr=False)

    @classmethod
    def of(cls, password: str) -> PasswordHash:
        """Hash ``password`` with a fresh salt."""
        salt = secrets.token_bytes(16)
        return cls(salt, _derive(password, salt))

    def matches(self, password: str) -> bool:
        """Return whether ``password`` is the hashed one."""
        return hmac.compare_digest(self.digest, _derive(password, self.salt))


def _derive(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _HASH_ITERATIONS)


def email_key(email: str) -> str:
    """Return the form of an email address used to compare addresses."""
    return email.strip().casefold()


def _new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(8).upper()}"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


class AccountSource(StrEnum):
    """How an account came to exist."""

    SEED = "seed"
    SELF_SERVICE = "self-service"
    INVITATION = "invitation"


@dataclass
class Account:
    """A user registration that can sign in (staff or customer)."""

    id: str
    email: str
    first_name: str
    last_name: str
    password: PasswordHash = field(repr=False)
    is_staff: bool
    source: AccountSource
    created_at: datetime
    details: dict[str, str] = field(default_factory=dict)
    """Other registration items (phones, country, time zone), by field name."""

    @property
    def common_name(self) -> str:
        """Return "First Last"."""
        return f"{self.first_name} {self.last_name}"

    @property
    def canonical_name(self) -> str:
        """Return the Domino canonical name, e.g. ``CN=Ann Lee/O=ClickBook``."""
        return f"CN={self.common_name}/O=ClickBook"

    def to_json(self) -> dict[str, Any]:
        """Return the account without its password."""
        return {
            "id": self.id,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "user": self.canonical_name,
            "source": self.source.value,
            "created_at": _iso(self.created_at),
            "details": dict(self.details),
        }


@dataclass
class Stub:
    """A self-service registration waiting for PROCESSREGSTUB."""

    id: str
    created_at: datetime
    fields: dict[str, str]
    """The registration items except the passwords."""
    password: PasswordHash = field(repr=False)
    processed_at: datetime | None = None
    account_id: str | None = None

    @property
    def email(self) -> str:
        """Return the address the registration is for."""
        return self.fields["inp-emailaddress1"]

    @property
    def expires_at(self) -> datetime:
        """Return when an unprocessed stub stops being processable."""
        return self.created_at + STUB_LIFETIME

    def to_json(self) -> dict[str, Any]:
        """Return the stub without its password."""
        return {
            "id": self.id,
            "email": self.email,
            "created_at": _iso(self.created_at),
            "expires_at": _iso(self.expires_at),
            "processed_at": _iso(self.processed_at),
            "account_id": self.account_id,
            "fields": dict(self.fields),
        }


class RegStatus(StrEnum):
    """The read-only ``inp-regstatus`` of a Client File."""

    INVITED = "Invited"
    REGISTERED = "Registered"


@dataclass
class ClientFile:
    """A client record created by staff; linked to an account once the client accepts."""

    id: str
    created_at: datetime
    created_by: str
    """Email of the staff account that created it."""
    first_name: str
    last_name: str
    telfixed: str
    telmobile: str
    email: str
    """Empty when the staff member gave none (then no invitation is sent)."""
    account_id: str | None = None
    accepted_at: datetime | None = None

    @property
    def regstatus(self) -> RegStatus:
        """Return ``Registered`` once linked to an account, else ``Invited``."""
        return RegStatus.REGISTERED if self.account_id else RegStatus.INVITED

    def basic_details(self) -> list[tuple[str, str]]:
        """Return the BasicDetailsClientFile items, read-only ``inp-regstatus`` last."""
        return [
            ("inp-firstname", self.first_name),
            ("inp-lastname", self.last_name),
            ("inp-telfixed", self.telfixed),
            ("inp-telmobile", self.telmobile),
            ("inp-emailaddress1", self.email),
            ("inp-regstatus", self.regstatus.value),
        ]

    def to_json(self) -> dict[str, Any]:
        """Return the client file as JSON."""
        return {
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "telfixed": self.telfixed,
            "telmobile": self.telmobile,
            "email": self.email,
            "created_at": _iso(self.created_at),
            "created_by": self.created_by,
            "regstatus": self.regstatus.value,
            "account_id": self.account_id,
            "accepted_at": _iso(self.accepted_at),
        }


@dataclass(frozen=True)
class OutboxEmail:
    """An invitation email the sandbox "sent"."""

    to: str
    client_file_id: str
    sent_at: datetime

    def to_json(self) -> dict[str, Any]:
        """Return the email as JSON."""
        return {
            "to": self.to,
            "client_file_id": self.client_file_id,
            "sent_at": _iso(self.sent_at),
        }


@dataclass
class Session:
    """A signed-in session behind a ``DomAuthSessId`` cookie."""

    id: str = field(repr=False)
    account_id: str
    last_used: datetime


@dataclass
class LoginAttempts:
    """Consecutive failed sign-ins for one email address, and the lock they caused."""

    failures: int = 0
    locked_until: datetime | None = None


class SignIn(StrEnum):
    """Outcome of a sign-in attempt."""

    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


class ProcessOutcome(StrEnum):
    """Outcome of PROCESSREGSTUB."""

    ACTIVATED = "activated"
    UNKNOWN = "unknown"
    ALREADY_PROCESSED = "already-processed"
    EXPIRED = "expired"
    EMAIL_TAKEN = "email-taken"


class AcceptOutcome(StrEnum):
    """Outcome of accepting an invitation."""

    ACCEPTED = "accepted"
    UNKNOWN = "unknown"
    ALREADY_ACCEPTED = "already-accepted"
    NO_EMAIL = "no-email"
    TOO_SHORT = "too-short"
    CREDENTIALS_MISMATCH = "credentials-mismatch"


class SandboxState:
    """The sandbox's records and the rules that change them."""

    def __init__(self, config: SandboxConfig, clock: Clock) -> None:
        """Create the state seeded from ``config``; ``clock`` tells the time."""
        self.config = config
        self.clock = clock
        self.faults = FaultBook()
        self.accounts: dict[str, Account] = {}
        self.stubs: dict[str, Stub] = {}
        self.client_files: dict[str, ClientFile] = {}
        self.outbox: list[OutboxEmail] = []
        self.sessions: dict[str, Session] = {}
        self.attempts: dict[str, LoginAttempts] = {}
        self.reset()

    def reset(self) -> None:
        """Forget everything and return to the seed: one staff account, no faults."""
        self.faults.clear()
        self.accounts.clear()
        self.stubs.clear()
        self.client_files.clear()
        self.outbox.clear()
        self.sessions.clear()
        self.attempts.clear()
        first, _, last = self.config.staff_name.strip().partition(" ")
        staff = Account(
            id=_new_id("UR"),
            email=self.config.staff_email,
            first_name=first,
            last_name=last.strip(),
            password=PasswordHash.of(self.config.staff_password),
            is_staff=True,
            source=AccountSource.SEED,
            created_at=self.clock(),
        )
        self.accounts[staff.id] = staff

    @property
    def api_key(self) -> str:
        """Return the sandbox's one API key."""
        return self.config.api_key

    def account_by_email(self, email: str) -> Account | None:
        """Return the account registered with ``email`` (case-insensitive), if any."""
        key = email_key(email)
        return next((a for a in self.accounts.values() if email_key(a.email) == key), None)

    def email_is_taken(self, email: str) -> bool:
        """Return whether a new registration with ``email`` must be refused.

        An address is taken by an account (active user registration, staff included) and by
        a registration stub that is neither processed nor expired: a second stub for the
        same address could never be activated, and a client whose first SETUSERFIELDS lost
        its answer learns that it did go through.
        """
        if self.account_by_email(email) is not None:
            return True
        key, now = email_key(email), self.clock()
        return any(
            email_key(stub.email) == key and stub.processed_at is None and now < stub.expires_at
            for stub in self.stubs.values()
        )

    # Self-service registration

    def create_stub(self, fields: Mapping[str, str]) -> Stub:
        """Store a validated NewUserRegistration as a stub; return it."""
        kept = {name: value for name, value in fields.items() if not is_secret_field(name)}
        stub = Stub(
            id=_new_id("STUB"),
            created_at=self.clock(),
            fields=kept,
            password=PasswordHash.of(fields["inp-password1"]),
        )
        self.stubs[stub.id] = stub
        return stub

    def process_stub(self, stub_id: str) -> ProcessOutcome:
        """Activate the account a stub describes (PROCESSREGSTUB)."""
        stub = self.stubs.get(stub_id)
        if stub is None:
            return ProcessOutcome.UNKNOWN
        if stub.processed_at is not None:
            return ProcessOutcome.ALREADY_PROCESSED
        now = self.clock()
        if now >= stub.expires_at:
            return ProcessOutcome.EXPIRED
        if self.account_by_email(stub.email) is not None:
            return ProcessOutcome.EMAIL_TAKEN
        details = {
            name: value
            for name, value in stub.fields.items()
            if name not in ("inp-firstname", "inp-lastname")
            and not name.startswith("inp-emailaddress")
        }
        account = Account(
            id=_new_id("UR"),
            email=stub.email,
            first_name=stub.fields["inp-firstname"],
            last_name=stub.fields["inp-lastname"],
            password=stub.password,
            is_staff=False,
            source=AccountSource.SELF_SERVICE,
            created_at=now,
            details=details,
        )
        self.accounts[account.id] = account
        stub.processed_at = now
        stub.account_id = account.id
        return ProcessOutcome.ACTIVATED

    # Client files and invitations

    def create_client_file(self, fields: Mapping[str, str], created_by: Account) -> ClientFile:
        """Store a validated NewClientFile; "email" the invitation when it has an address."""
        now = self.clock()
        client_file = ClientFile(
            id=_new_id("CF"),
            created_at=now,
            created_by=created_by.email,
            first_name=fields["inp-firstname"],
            last_name=fields["inp-lastname"],
            telfixed=fields["inp-telfixed"],
            telmobile=fields.get("inp-telmobile", "").strip(),
            email=fields.get("inp-newemailaddress1", "").strip(),
        )
        self.client_files[client_file.id] = client_file
        if client_file.email:
            self.outbox.append(OutboxEmail(client_file.email, client_file.id, now))
        return client_file

    def accept_invitation(self, client_file_id: str, password: str) -> AcceptOutcome:
        """Accept a client file's invitation as the client would, choosing ``password``.

        When the address already has an account, the client signs in with it instead of
        registering again: the password must then be that account's.
        """
        client_file = self.client_files.get(client_file_id)
        if client_file is None:
            return AcceptOutcome.UNKNOWN
        if client_file.account_id is not None:
            return AcceptOutcome.ALREADY_ACCEPTED
        if not client_file.email:
            return AcceptOutcome.NO_EMAIL
        if len(password) < PASSWORD_MIN_LENGTH:
            return AcceptOutcome.TOO_SHORT
        now = self.clock()
        account = self.account_by_email(client_file.email)
        if account is None:
            account = Account(
                id=_new_id("UR"),
                email=client_file.email,
                first_name=client_file.first_name,
                last_name=client_file.last_name,
                password=PasswordHash.of(password),
                is_staff=False,
                source=AccountSource.INVITATION,
                created_at=now,
                details={
                    "inp-telfixed": client_file.telfixed,
                    "inp-telmobile": client_file.telmobile,
                },
            )
            self.accounts[account.id] = account
        elif not account.password.matches(password):
            return AcceptOutcome.CREDENTIALS_MISMATCH
        client_file.account_id = account.id
        client_file.accepted_at = now
        return AcceptOutcome.ACCEPTED

    # Sign in, sessions

    def sign_in(self, email: str, password: str) -> tuple[SignIn, Account | None]:
        """Check credentials, counting failures and locking after too many in a row."""
        now = self.clock()
        attempts = self.attempts.setdefault(email_key(email), LoginAttempts())
        if attempts.locked_until is not None:
            if now < attempts.locked_until:
                return SignIn.LOCKED, None
            attempts.failures, attempts.locked_until = 0, None
        account = self.account_by_email(email)
        if account is not None and account.password.matches(password):
            attempts.failures = 0
            return SignIn.OK, account
        attempts.failures += 1
        if attempts.failures >= LOCKOUT_THRESHOLD:
            attempts.locked_until = now + LOCKOUT_DURATION
            return SignIn.LOCKED, None
        return SignIn.WRONG, None

    def open_session(self, account: Account) -> Session:
        """Start a session for ``account``."""
        session = Session(secrets.token_hex(16).upper(), account.id, self.clock())
        self.sessions[session.id] = session
        return session

    def use_session(self, session_id: str | None) -> Account | None:
        """Return the account of a live session and refresh it; forget an idle one."""
        session = self.sessions.get(session_id) if session_id else None
        if session is None:
            return None
        now = self.clock()
        account = self.accounts.get(session.account_id)
        if now - session.last_used >= SESSION_IDLE_LIMIT or account is None:
            del self.sessions[session.id]
            return None
        session.last_used = now
        return account

    def close_session(self, session_id: str | None) -> None:
        """End a session (sign out); unknown ids are ignored."""
        if session_id:
            self.sessions.pop(session_id, None)

    # JSON view

    def to_json(self) -> dict[str, Any]:
        """Return everything the controls show: no passwords, no session ids, no API key."""
        now = self.clock()
        accounts = list(self.accounts.values())
        return {
            "now": _iso(now),
            "business": {"name": self.config.business_name},
            "staff": [account.to_json() for account in accounts if account.is_staff],
            "users": [account.to_json() for account in accounts if not account.is_staff],
            "stubs": [stub.to_json() for stub in self.stubs.values()],
            "client_files": [cf.to_json() for cf in self.client_files.values()],
            "sessions": [
                {"account_id": session.account_id, "last_used": _iso(session.last_used)}
                for session in self.sessions.values()
                if now - session.last_used < SESSION_IDLE_LIMIT
            ],
            "locked_out": sorted(
                email
                for email, attempts in self.attempts.items()
                if attempts.locked_until is not None and now < attempts.locked_until
            ),
            "faults": self.faults.to_json(),
        }
