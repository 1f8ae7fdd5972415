"""SQLite on a full disk, embedded mode: the data folder is a real 8 MiB tmpfs mounted by
the test (we run as root; where mounting is not allowed the test is skipped, saying so,
rather than faking the file system), filled with a ballast file until about 200 KiB are
left: enough for SQLite to open the database, too little to store a poll's items or a
pool file. ``keepwarm run --once`` and ``keepwarm import`` are run as a user runs them.

Checked: each says the disk is full in one line (no traceback, in its output or its log),
the source is not blamed (no error recorded, not backed off), the database passes
``PRAGMA integrity_check``, and once the ballast is gone the next run polls the source
and the next import imports every row.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.faults.conftest import recovered

KEEPWARM = [sys.executable, "-m", "workers"]
ENTRIES = 120


class _Feed(BaseHTTPRequestHandler):
    """A feed of long entries (about 1 MB): more than the full disk can take."""

    body = (
        '<rss version="2.0"><channel><title>Newsroom</title>'
        + "".join(
            f"<item><title>Acme news {i}</title><guid>news-{i}</guid>"
            f"<link>https://acme.example/news/{i}</link>"
            f"<description>{'Acme opens a new office. ' * 300}</description></item>"
            for i in range(ENTRIES)
        )
        + "</channel></rss>"
    ).encode()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def feed_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/feed.xml"
    server.shutdown()
    server.server_close()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """An 8 MiB tmpfs of its own, unmounted after the test."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.strip()}): no small disk to fill")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """A ballast file that takes all the space but ``leave`` bytes."""
    ballast = disk / "ballast"
    with ballast.open("wb") as handle:
        chunk = b"\0" * (1 << 16)
        try:
            while True:
                handle.write(chunk)
                handle.flush()
        except OSError:
            pass
    os.truncate(ballast, max(0, ballast.stat().st_size - leave))
    return ballast


def keepwarm(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KEEPWARM, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )


def database(disk: Path) -> sqlite3.Connection:
    return sqlite3.connect(disk / "data" / "keepwarm.db")


def says_disk_full(done: subprocess.CompletedProcess[str]) -> None:
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Error: the disk holding" in done.stderr and "is full" in done.stderr, output
    assert "Traceback" not in output and '"exception"' not in output, output


def test_a_full_disk_is_one_clear_error_and_work_resumes_when_there_is_space(
    small_disk: Path, feed_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "KEEPWARM_DATA_DIR": str(small_disk / "data"),
        "KEEPWARM_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8",
        "KEEPWARM_HOST_INTERVAL": "0",
        "KEEPWARM_FIRST_POLL_BASELINE": "false",
        "KEEPWARM_WEB_PORT": "0",
        "KEEPWARM_LOG_FORMAT": "json",
    }
    pool = tmp_path / "pool.csv"
    pool.write_text(
        "Name,Email,Employer\n"
        + "".join(f"Member {i},member{i}@example.nl,Employer {i} B.V.\n" for i in range(3000)),
        "utf-8",
    )
    added = keepwarm(env, "sources", "add", feed_url)
    assert added.returncode == 0, added.stderr

    ballast = fill(small_disk, leave=200 * 1024)
    says_disk_full(keepwarm(env, "run", "--once"))
    says_disk_full(keepwarm(env, "import", str(pool)))

    with database(small_disk) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT count(*) FROM item").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM member").fetchone() == (0,)
        # Nobody's fault: the source is not failing, nor put off.
        assert db.execute("SELECT error_count, last_error FROM source").fetchall() == [(0, None)]

    ballast.unlink()
    started = time.monotonic()
    polled = keepwarm(env, "run", "--once")
    assert polled.returncode == 0, polled.stderr
    imported = keepwarm(env, "import", str(pool))
    assert imported.returncode == 0, imported.stderr
    recovered("SQLite disk full: the next poll and import, space back", time.monotonic() - started)

    assert "created 3000, updated 0, unchanged 0, rejected 0" in imported.stdout
    with database(small_disk) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT count(*) FROM item").fetchone()[0] > 0
        assert db.execute("SELECT count(*) FROM member").fetchone() == (3000,)
        assert db.execute("SELECT last_error FROM source").fetchall() == [(None,)]
