"""Telling a full disk apart from other database errors. SQLite's own SQLITE_FULL comes
from ``PRAGMA max_page_count`` here (the same error path as a full file system, which
tests/faults/test_disk_full.py fills for real)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from workers import diskfull
from workers.diskfull import DiskFullFlag, database_full, disk_full_error, is_disk_full


def sqlite_error(tmp_path: Path, statements: list[str]) -> OperationalError:
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with pytest.raises(OperationalError) as caught, engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()
    return caught.value


def test_sqlite_full_is_a_full_disk(tmp_path: Path) -> None:
    error = sqlite_error(
        tmp_path,
        [
            "CREATE TABLE t (x TEXT)",
            "PRAGMA max_page_count = 3",
            "INSERT INTO t VALUES (printf('%.100000c', 'x'))",
        ],
    )

    assert is_disk_full(error)
    try:
        raise RuntimeError("a service's own error") from error
    except RuntimeError as wrapped:
        assert is_disk_full(wrapped)


def test_other_database_errors_are_not(tmp_path: Path) -> None:
    assert not is_disk_full(sqlite_error(tmp_path, ["SELECT * FROM missing"]))


def test_an_io_error_is_a_full_disk_only_where_the_disk_has_no_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    io_error = sqlite3.OperationalError("disk I/O error")
    url = f"sqlite:///{tmp_path / 'keepwarm.db'}"

    assert not is_disk_full(io_error, tmp_path)  # this test's disk has room
    assert not database_full(io_error, url)
    assert not is_disk_full(io_error)
    monkeypatch.setattr(diskfull, "free_bytes", lambda folder: 0)
    assert is_disk_full(io_error, tmp_path)
    assert database_full(io_error, url)  # the poll and import paths ask this way
    assert not database_full(io_error, "postgresql+psycopg://db.example/keepwarm")


def test_enospc_is_a_full_disk() -> None:
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))


def test_the_error_names_the_folder_and_says_work_resumes(tmp_path: Path) -> None:
    message = str(disk_full_error(f"sqlite:///{tmp_path / 'keepwarm.db'}"))

    assert f"the disk holding {tmp_path} is full" in message
    assert "carries on where it stopped" in message
    assert "database server's disk is full" in str(disk_full_error("postgresql://db/kw"))


def test_the_flag_is_taken_once() -> None:
    flag = DiskFullFlag()
    flag.set(disk_full_error("postgresql://db/kw"))

    assert flag.take() is not None
    assert flag.take() is None
