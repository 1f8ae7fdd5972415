"""A full disk under the database, told apart from every other database error.

A full disk is nobody's fault in keepwarm's data: not a source's (its poll is not
recorded as that source's error, and it is not backed off), not a row's (an import does
not reject its rows as values the database refused). The work that hit it is left owed,
so it runs again once there is space: a poll batch makes its sources due again, the
scheduler re-derives owed pipeline work, and an import run again finds its committed
batches unchanged. Every process says so in one line, without a traceback:
``database.disk_full`` in the log, one error from the CLI.

SQLite reports a full disk as SQLITE_FULL ("database or disk is full") once it runs,
but when it cannot even create its shared-memory file at start-up it says "disk I/O
error": that one counts as a full disk when the database's folder has next to no space.
PostgreSQL's is SQLSTATE 53100 (disk_full).
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
import threading
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)

_NEARLY_FULL = 1 << 20
"""Free bytes under which SQLite's "disk I/O error" is taken for a full disk."""


class DiskFullError(Exception):
    """The disk holding the database is full; nothing of the work that met it is written."""


def database_folder(database_url: str) -> Path | None:
    """The folder of an SQLite database file; None for a database server."""
    if not database_url.startswith("sqlite:///"):
        return None
    return Path(database_url.removeprefix("sqlite:///")).parent


def is_disk_full(exc: BaseException, folder: Path | None = None) -> bool:
    """Whether ``exc`` (or what caused it) says the disk under the database is full."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _says_full(current, folder):
            return True
        original = getattr(current, "orig", None)  # SQLAlchemy wraps the driver's error
        if isinstance(original, BaseException) and _says_full(original, folder):
            return True
        current = current.__cause__ or current.__context__
    return False


def database_full(exc: BaseException, database_url: str) -> bool:
    """``is_disk_full`` for the database at ``database_url`` (its folder's free space
    decides what an SQLite I/O error means)."""
    return is_disk_full(exc, database_folder(database_url))


def _says_full(exc: BaseException, folder: Path | None) -> bool:
    if isinstance(exc, DiskFullError):
        return True
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code == sqlite3.SQLITE_FULL or "database or disk is full" in str(exc):
            return True
        io_error = code is not None and code & 0xFF == sqlite3.SQLITE_IOERR
        if (io_error or "disk I/O error" in str(exc)) and folder is not None:
            return free_bytes(folder) < _NEARLY_FULL
    return getattr(exc, "sqlstate", None) == "53100"  # psycopg: disk_full


def free_bytes(folder: Path) -> int:
    """Bytes free for this process on the file system holding ``folder``."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return _NEARLY_FULL


def disk_full_error(database_url: str) -> DiskFullError:
    """The error to show: where the disk is full, and that keepwarm resumes by itself."""
    folder = database_folder(database_url)
    where = (
        f"the disk holding {folder} is full ({free_bytes(folder) // 1024} KiB free)"
        if folder is not None
        else "the database server's disk is full"
    )
    return DiskFullError(
        f"{where}: the database cannot grow. What failed was not written (each write is whole or "
        "not at all); free some space "
        "and keepwarm carries on where it stopped"
    )


class DiskFullFlag:
    """Set by a worker thread that met a full disk, read by the loop that drives them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._error: DiskFullError | None = None

    def set(self, error: DiskFullError) -> None:
        """Note the full disk (and log it once, without a traceback)."""
        with self._lock:
            self._error = error
        log.error("database.disk_full", error=str(error))

    def take(self) -> DiskFullError | None:
        """The error noted since the last call, if any; the flag is cleared."""
        with self._lock:
            error, self._error = self._error, None
        return error


DISK_FULL = DiskFullFlag()
"""The process's flag: the embedded workers set it, ``drain`` and the scheduler read it."""
