"""Consistent copies of the database, taken while the bot runs (SQLite's online backup API).

A plain ``cp`` of a WAL database misses whatever is still in the ``-wal`` file and may catch
a page half written. :func:`backup_database` copies through a connection instead: it reads
one snapshot, the committed WAL content included, in a single step, while the bot goes on
writing. The copy is created ``0600`` (it holds what the database holds) and is one
self-contained file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

_PRIVATE_FILE = 0o600
_BUSY_TIMEOUT_SECONDS = 5.0


def backup_database(source: Path, target: Path) -> None:
    """Copy the database at ``source`` to the new file ``target`` (created 0600).

    Raise FileNotFoundError if there is no database at ``source``, FileExistsError if
    ``target`` exists (a backup is never overwritten), and ``sqlite3.Error`` if SQLite
    cannot read it; a failed copy leaves no ``target`` behind.
    """
    if not source.is_file():
        raise FileNotFoundError(f"no database at {source}")
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _PRIVATE_FILE))
    umask = os.umask(0o077)  # the copy's journal while it is written, like the store's files
    try:
        _copy(source, target)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    finally:
        os.umask(umask)


def _copy(source: Path, target: Path) -> None:
    # mode=rw: opening a missing file must fail rather than create an empty database.
    reader = sqlite3.connect(
        f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=_BUSY_TIMEOUT_SECONDS
    )
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)  # pages=-1: the whole snapshot in one step
        finally:
            writer.close()
    finally:
        reader.close()


def free_backup_path(database: Path, label: str) -> Path:
    """Return ``<database>.<label>.bak``, or ``.<label>.2.bak`` and so on if that exists."""
    candidate = database.with_name(f"{database.name}.{label}.bak")
    number = 2
    while candidate.exists():
        candidate = database.with_name(f"{database.name}.{label}.{number}.bak")
        number += 1
    return candidate
