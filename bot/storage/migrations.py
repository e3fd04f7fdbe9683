"""The database schema as an ordered list of migrations, tracked with ``PRAGMA user_version``.

``MIGRATIONS[i]`` takes the database from version ``i`` to ``i + 1``. Each one runs in a
single transaction together with its ``user_version`` bump, so a failure leaves the file at
the previous version. Never edit a migration that has shipped; append a new one.

The migrations are Python strings rather than ``.sql`` files so that they ship inside the
package without any package-data configuration.

Conventions of the schema: timestamps are ISO-8601 UTC text of fixed width (see
``bot.storage.timestamps``), so text comparison is chronological; JSON columns are checked
with ``json_valid``; states are constrained with ``CHECK``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import aiosqlite

from bot.storage.errors import MigrationError

_CUSTOMER_SIGNUP = """
CREATE TABLE users (
    telegram_id INTEGER PRIMARY KEY,
    language    TEXT NOT NULL
);

CREATE TABLE drafts (
    telegram_id INTEGER NOT NULL,
    flow        TEXT NOT NULL,
    fields      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(fields)),
    editing     TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (telegram_id, flow)
);

CREATE TABLE registrations (
    telegram_id      INTEGER PRIMARY KEY,
    chat_id          INTEGER NOT NULL,
    stub_id          TEXT NOT NULL UNIQUE,
    email            TEXT NOT NULL COLLATE NOCASE,
    full_name        TEXT NOT NULL,
    language         TEXT NOT NULL,
    state            TEXT NOT NULL
                     CHECK (state IN ('stub_created', 'processed', 'active', 'failed')),
    clickbook_user   TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    last_error_code  TEXT,
    failure_reason   TEXT,
    user_notified_at TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX registrations_by_email ON registrations (email);
CREATE INDEX registrations_due ON registrations (next_attempt_at)
    WHERE state IN ('stub_created', 'processed');

CREATE TABLE signup_attempts (
    id           INTEGER PRIMARY KEY,
    telegram_id  INTEGER NOT NULL,
    attempted_at TEXT NOT NULL
);
CREATE INDEX signup_attempts_by_user ON signup_attempts (telegram_id, attempted_at);

CREATE TABLE conversation_states (
    handler TEXT NOT NULL,
    key     TEXT NOT NULL CHECK (json_valid(key)),
    state   TEXT NOT NULL CHECK (json_valid(state)),
    PRIMARY KEY (handler, key)
);

CREATE TABLE documents (
    kind   TEXT NOT NULL,
    doc_id INTEGER NOT NULL,
    data   TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (kind, doc_id)
);
"""

_STAFF_AND_INVITES = """
CREATE TABLE staff (
    telegram_id INTEGER PRIMARY KEY,
    added_by    INTEGER NOT NULL,
    added_at    TEXT NOT NULL
);

CREATE TABLE staff_links (
    token_hash TEXT PRIMARY KEY,
    created_by INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_by    INTEGER,
    used_at    TEXT,
    CHECK ((used_by IS NULL) = (used_at IS NULL))
);

CREATE TABLE staff_credentials (
    telegram_id INTEGER PRIMARY KEY,
    blob        BLOB NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE signin_failures (
    id          INTEGER PRIMARY KEY,
    telegram_id INTEGER NOT NULL,
    failed_at   TEXT NOT NULL
);
CREATE INDEX signin_failures_by_user ON signin_failures (telegram_id, failed_at);

CREATE TABLE signin_notices (
    inviter_id INTEGER PRIMARY KEY,
    sent_at    TEXT NOT NULL
);

CREATE TABLE invites (
    id             INTEGER PRIMARY KEY,
    client_file_id TEXT NOT NULL UNIQUE,
    inviter_id     INTEGER NOT NULL,
    first_name     TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    email          TEXT COLLATE NOCASE,
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'registered')),
    created_at     TEXT NOT NULL,
    next_check_at  TEXT NOT NULL,
    check_failures INTEGER NOT NULL DEFAULT 0,
    registered_at  TEXT,
    notified_at    TEXT,
    CHECK (notified_at IS NULL OR status = 'registered')
);
CREATE INDEX invites_due ON invites (next_check_at) WHERE status = 'pending';
CREATE INDEX invites_by_email ON invites (email) WHERE status = 'pending';
CREATE INDEX invites_unnotified ON invites (id)
    WHERE status = 'registered' AND notified_at IS NULL;
"""

_WRITE_AHEAD_REGISTRATIONS = """
CREATE TABLE registrations_v3 (
    telegram_id      INTEGER PRIMARY KEY,
    chat_id          INTEGER NOT NULL,
    stub_id          TEXT UNIQUE,
    email            TEXT NOT NULL COLLATE NOCASE,
    full_name        TEXT NOT NULL,
    language         TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN
                     ('submitting', 'stub_created', 'processed', 'active', 'failed')),
    clickbook_user   TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    last_error_code  TEXT,
    failure_reason   TEXT,
    user_notified_at TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK (stub_id IS NOT NULL OR state IN ('submitting', 'failed'))
);
INSERT INTO registrations_v3 SELECT telegram_id, chat_id, stub_id, email, full_name, language,
    state, clickbook_user, attempts, next_attempt_at, last_error_code, failure_reason,
    user_notified_at, created_at, updated_at FROM registrations;
DROP TABLE registrations;
ALTER TABLE registrations_v3 RENAME TO registrations;
CREATE INDEX registrations_by_email ON registrations (email);
CREATE INDEX registrations_due ON registrations (next_attempt_at)
    WHERE next_attempt_at IS NOT NULL;
"""

_INVITE_INTENTS = """
CREATE TABLE invites_v4 (
    id                     INTEGER PRIMARY KEY,
    client_file_id         TEXT UNIQUE,
    inviter_id             INTEGER NOT NULL,
    first_name             TEXT NOT NULL,
    last_name              TEXT NOT NULL,
    email                  TEXT COLLATE NOCASE,
    status                 TEXT NOT NULL DEFAULT 'pending'
                           CHECK (status IN ('sending', 'uncertain', 'pending', 'registered')),
    created_at             TEXT NOT NULL,
    next_check_at          TEXT NOT NULL,
    check_failures         INTEGER NOT NULL DEFAULT 0,
    registered_at          TEXT,
    notified_at            TEXT,
    staff_chat_notified_at TEXT,
    CHECK (notified_at IS NULL OR status = 'registered'),
    CHECK (staff_chat_notified_at IS NULL OR status = 'registered'),
    CHECK (client_file_id IS NOT NULL OR status IN ('sending', 'uncertain'))
);
INSERT INTO invites_v4 (id, client_file_id, inviter_id, first_name, last_name, email, status,
    created_at, next_check_at, check_failures, registered_at, notified_at,
    staff_chat_notified_at)
    SELECT id, client_file_id, inviter_id, first_name, last_name, email, status, created_at,
    next_check_at, check_failures, registered_at, notified_at, notified_at FROM invites;
DROP TABLE invites;
ALTER TABLE invites_v4 RENAME TO invites;
CREATE INDEX invites_due ON invites (next_check_at) WHERE status = 'pending';
CREATE INDEX invites_by_email ON invites (email) WHERE status != 'registered';
CREATE INDEX invites_unnotified ON invites (id)
    WHERE status = 'registered' AND (notified_at IS NULL OR staff_chat_notified_at IS NULL);
"""

_SIGNIN_FAILURES_PER_ACCOUNT = """
ALTER TABLE signin_failures ADD COLUMN account TEXT;
CREATE INDEX signin_failures_by_account ON signin_failures (account, failed_at)
    WHERE account IS NOT NULL;
"""

_TERMS_CONSENT = """
ALTER TABLE registrations ADD COLUMN terms_accepted_at TEXT;
"""

_FUNNEL_EVENTS = """
CREATE TABLE funnel_events (
    kind    TEXT NOT NULL CHECK (kind IN ('signup_started', 'signup_completed',
                 'signup_abandoned', 'invite_sent', 'invite_accepted', 'clickbook_error')),
    day     TEXT NOT NULL,
    step    TEXT,
    seconds REAL
);
CREATE INDEX funnel_events_by_day ON funnel_events (day, kind);
ALTER TABLE drafts ADD COLUMN abandonment_counted TEXT;
"""

_SCHEMA: tuple[tuple[str, str], ...] = (
    (_CUSTOMER_SIGNUP, "users, drafts, registrations, sign-up limit, PTB state"),
    (_STAFF_AND_INVITES, "staff, staff links and credentials, invites"),
    (
        _WRITE_AHEAD_REGISTRATIONS,
        'a "submitting" registration is written before SETUSERFIELDS',
    ),
    (_INVITE_INTENTS, "an invite is written before NewClientFile; one flag per notice"),
    (_SIGNIN_FAILURES_PER_ACCOUNT, "failed sign-ins also counted per ClickBook account"),
    (_TERMS_CONSENT, "a registration keeps when the customer agreed to the terms"),
    (_FUNNEL_EVENTS, "anonymous events for the owner's numbers; drafts counted as abandoned"),
)

MIGRATIONS: tuple[str, ...] = tuple(script for script, _ in _SCHEMA)
"""Migration ``i`` (0-based) brings the schema from version ``i`` to ``i + 1``."""

DESCRIPTIONS: tuple[str, ...] = tuple(about for _, about in _SCHEMA)
"""What migration ``i`` (0-based) adds, for ``clickbot db status``."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The version this code reads and writes."""


async def schema_version(conn: aiosqlite.Connection) -> int:
    """Return the database's ``PRAGMA user_version``."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0


def read_schema_version(path: Path) -> int:
    """Return the schema version of the database file at ``path`` without changing it.

    Raise FileNotFoundError if there is none, ``sqlite3.Error`` if SQLite cannot read it.
    """
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


async def migrate(conn: aiosqlite.Connection, migrations: Sequence[str] = MIGRATIONS) -> int:
    """Apply the migrations the database has not seen yet; return the resulting version.

    ``conn`` must be in autocommit mode (``isolation_level=None``) so that each migration's
    explicit transaction is the only one.
    """
    current = await schema_version(conn)
    if current > len(migrations):
        raise MigrationError(
            f"the database is at schema version {current}, newer than this code's "
            f"{len(migrations)}; refusing to touch it"
        )
    for version, script in enumerate(migrations[current:], start=current + 1):
        # executescript commits any open transaction first and manages none itself, so the
        # transaction and the version bump are part of the script.
        try:
            await conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
            )
        except Exception as exc:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise MigrationError(f"migration to schema version {version} failed") from exc
    return len(migrations)
