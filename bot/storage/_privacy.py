"""Store queries for a customer's right to see and erase what the bot keeps about them.

:meth:`PrivacyQueries.personal_data` gathers every record that names one Telegram user;
:meth:`PrivacyQueries.forget_user` deletes them all in one transaction, unless their
registration is still on its way to ClickBook (``submitting`` or ``stub_created``): that row
is what makes the account come out exactly once (the job finishes the stub, or gives up the
unknown one and tells the user), so deleting it then would leave a stub nobody finishes.
The caller is told which registration stands in the way and deletes nothing.

Rows that name the user: ``users``, ``drafts`` (every flow), ``registrations``,
``signup_attempts``, PTB's ``conversation_states`` (any key that holds the id: private chats
are keyed ``[chat, user]`` with both equal to the user's id) and ``documents``
(``user_data`` / ``chat_data`` under the id), and ``invites`` sent to the registration's or
the draft's email address. Staff records (membership, stored sign-ins, staff links, failed
sign-ins, invites the user sent as staff) are the business's record of its staff and are
left to ``/staff``. The per-user caches forget the user in the same step. The connection
runs with ``secure_delete`` (``bot.storage.store``) and the write-ahead log is emptied
afterwards, so the bytes are gone from the file too, not only the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.storage._drafts import DraftQueries
from bot.storage._registrations import RegistrationQueries
from bot.storage.records import Draft, Registration, RegistrationState

IN_FLIGHT = (RegistrationState.SUBMITTING, RegistrationState.STUB_CREATED)
"""Registrations that block deletion: ClickBook may hold a stub the bot must still settle."""

_NAMES_USER_IN_KEY = (
    "EXISTS (SELECT 1 FROM json_each(conversation_states.key) AS part WHERE part.value = ?)"
)
_PTB_DOCUMENTS = ("user_data", "chat_data")


@dataclass(frozen=True)
class PersonalData:
    """Everything the database holds about one Telegram user."""

    telegram_id: int
    language: str | None
    registration: Registration | None
    drafts: tuple[Draft, ...]
    signup_attempts: int
    """Sign-up submissions still counted for the daily limit."""
    conversations: int
    """Conversation states (where the user stands in a flow) kept for them."""
    documents: int
    """PTB ``user_data`` / ``chat_data`` documents kept under their id."""
    invites: int
    """Invitations staff sent to their email address."""

    @property
    def emails(self) -> frozenset[str]:
        """The email addresses the user gave (registration and drafts), lower-cased."""
        found = {self.registration.email} if self.registration else set()
        found |= {str(d.fields["email"]) for d in self.drafts if d.fields.get("email")}
        return frozenset(email.lower() for email in found)

    @property
    def empty(self) -> bool:
        """Tell whether nothing at all is kept."""
        return not (
            self.language
            or self.registration
            or self.drafts
            or self.signup_attempts
            or self.conversations
            or self.documents
            or self.invites
        )


@dataclass(frozen=True)
class Forgotten:
    """What :meth:`PrivacyQueries.forget_user` did."""

    telegram_id: int
    deleted: dict[str, int] = field(default_factory=dict)
    """Table name → rows deleted (tables with none left out)."""
    blocked_by: Registration | None = None
    """The in-flight registration that kept anything from being deleted, if any."""

    @property
    def total(self) -> int:
        """How many rows went."""
        return sum(self.deleted.values())


class PrivacyQueries(DraftQueries, RegistrationQueries):
    """Read and erase everything that names one Telegram user."""

    async def personal_data(self, telegram_id: int) -> PersonalData:
        """Return every record kept about ``telegram_id``."""
        async with self.transaction():
            return await self._personal_data(telegram_id)

    async def _personal_data(self, telegram_id: int) -> PersonalData:
        language = await self._fetch_one(
            "SELECT language FROM users WHERE telegram_id = ?", (telegram_id,)
        )
        flows = await self._fetch_all(
            "SELECT flow FROM drafts WHERE telegram_id = ? ORDER BY flow", (telegram_id,)
        )
        drafts = [await self.get_draft(telegram_id, str(row["flow"])) for row in flows]
        counts = await self._fetch_returned(
            "SELECT (SELECT count(*) FROM signup_attempts WHERE telegram_id = ?) AS attempts, "
            f"(SELECT count(*) FROM conversation_states WHERE {_NAMES_USER_IN_KEY}) AS states, "
            "(SELECT count(*) FROM documents WHERE kind IN (?, ?) AND doc_id = ?) AS documents",
            (telegram_id, telegram_id, *_PTB_DOCUMENTS, telegram_id),
        )
        partial = PersonalData(
            telegram_id=telegram_id,
            language=None if language is None else str(language["language"]),
            registration=await self.get_registration(telegram_id),
            drafts=tuple(draft for draft in drafts if draft is not None),
            signup_attempts=int(counts["attempts"]),
            conversations=int(counts["states"]),
            documents=int(counts["documents"]),
            invites=0,  # pragma: no mutate: replaced below once the emails are known
        )
        invites = 0
        for email in partial.emails:
            row = await self._fetch_returned(
                "SELECT count(*) AS n FROM invites WHERE email = ?", (email,)
            )
            invites += int(row["n"])
        return replace(partial, invites=invites)

    async def users_with_email(self, email: str) -> list[int]:
        """Return the Telegram users whose registration or draft holds ``email`` (any case)."""
        rows = await self._fetch_all(
            "SELECT telegram_id FROM registrations WHERE email = ? "
            "UNION SELECT telegram_id FROM drafts "
            "WHERE lower(json_extract(fields, '$.email')) = lower(?) ORDER BY 1",
            (email, email),
        )
        return [int(row["telegram_id"]) for row in rows]

    async def forget_invites_to(self, email: str) -> int:
        """Delete the invitations sent to ``email`` (any case); return how many."""
        return await self._execute("DELETE FROM invites WHERE email = ?", (email,))

    async def forget_user(self, telegram_id: int) -> Forgotten:
        """Delete every row that names ``telegram_id`` (see the module docstring).

        Nothing is deleted while the user's registration is in flight (``blocked_by``).
        """
        async with self.transaction():
            data = await self._personal_data(telegram_id)
            registration = data.registration
            if registration is not None and registration.state in IN_FLIGHT:
                return Forgotten(telegram_id, blocked_by=registration)
            for draft in data.drafts:
                self._writing_draft((telegram_id, draft.flow))
            invites = 0
            for email in data.emails:
                invites += await self.forget_invites_to(email)
            deleted = {
                "users": await self._execute(
                    "DELETE FROM users WHERE telegram_id = ?", (telegram_id,)
                ),
                "drafts": await self._execute(
                    "DELETE FROM drafts WHERE telegram_id = ?", (telegram_id,)
                ),
                "registrations": await self._execute(
                    "DELETE FROM registrations WHERE telegram_id = ?", (telegram_id,)
                ),
                "signup_attempts": await self._execute(
                    "DELETE FROM signup_attempts WHERE telegram_id = ?", (telegram_id,)
                ),
                "conversation_states": await self._execute(
                    f"DELETE FROM conversation_states WHERE {_NAMES_USER_IN_KEY}",
                    (telegram_id,),
                ),
                "documents": await self._execute(
                    "DELETE FROM documents WHERE kind IN (?, ?) AND doc_id = ?",
                    (*_PTB_DOCUMENTS, telegram_id),
                ),
                "invites": invites,
            }
        self._forget_cached_user(telegram_id, [draft.flow for draft in data.drafts])
        await self._drop_old_page_copies()
        return Forgotten(telegram_id, {table: n for table, n in deleted.items() if n})

    async def _drop_old_page_copies(self) -> None:
        """Empty the write-ahead log, whose frames still hold the pages before the deletion."""
        if not self._inside_transaction():
            # TRUNCATE copies the log into the database file and cuts it to zero bytes; a
            # reader of another process may keep it from finishing, which is only reported.
            await self._fetch_one("PRAGMA wal_checkpoint(TRUNCATE)")

    def _forget_cached_user(self, telegram_id: int, flows: list[str]) -> None:
        """Drop the user from the per-user caches (after the commit: they may refill now)."""
        self._languages.pop(telegram_id, None)
        self._unregistered.discard(telegram_id)
        for flow in flows:
            self._written_draft((telegram_id, flow), None)
