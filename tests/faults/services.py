"""Private PostgreSQL and Redis servers for fault tests, on free loopback ports.

The shared servers on 5432 and 6379 serve every engineer's tests: a test that restarts a
server starts its own here (``initdb`` + ``pg_ctl`` in a temporary folder, run as the
``postgres`` user when this process is root; ``redis-server`` with or without an
append-only file) and stops it afterwards. A missing binary skips the test, or fails it
when CI=true.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from workers.demo.servers import free_port


def require(binary: str | None, what: str) -> str:
    """The binary's path, else skip (fail when CI=true) saying what is missing."""
    if binary and os.path.exists(binary):
        return binary
    message = f"{what} is not installed; the fault tests need it"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " and CI=true, so this is a failure", pytrace=False)
    pytest.skip(message)


def _wait(check: object, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not come up within {seconds:.0f} s")


class OwnRedis:
    """A redis-server of this test's own; ``persistent`` keeps an fsynced append-only file."""

    def __init__(self, *, persistent: bool) -> None:
        self.binary = require(shutil.which("redis-server"), "redis-server")
        self.folder = Path(tempfile.mkdtemp(prefix="kw-redis-"))
        self.port = free_port()
        self.persistent = persistent
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start listening (loading the append-only file when persistent)."""
        keep = ["--appendonly", "yes", "--appendfsync", "always"] if self.persistent else []
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--dir",
                str(self.folder),
                "--appendonly",
                "no",
                *keep,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        def answers() -> bool:
            try:
                return bool(redis.Redis(port=self.port, socket_timeout=1).ping())
            except redis.RedisError:
                return False

        _wait(answers, "redis-server")

    def kill(self) -> None:
        """Stop it at once, as a crash would (SIGKILL: nothing saved on the way out)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def close(self) -> None:
        """Stop it and remove its folder."""
        self.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


class OwnPostgres:
    """A PostgreSQL cluster of this test's own with a database ``keepwarm`` (trust auth)."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        self.initdb = require(found[-1] if found else shutil.which("initdb"), "PostgreSQL (initdb)")
        self.pg_ctl = str(Path(self.initdb).with_name("pg_ctl"))
        self.folder = Path(tempfile.mkdtemp(prefix="kw-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/keepwarm"
        self._as: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to ``postgres``
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                require(None, "a 'postgres' system user (to run initdb as non-root)")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{args[0]} failed:\n{done.stdout}\n{done.stderr}"

    def start(self) -> None:
        """Create the cluster on first use, start it and wait until it accepts connections."""
        if not self.data.exists():
            self._run(
                self.initdb, "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync"
            )
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=on"
        self._run(
            self.pg_ctl,
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )
        import psycopg

        admin = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = 'keepwarm'"
            ).fetchone()
            if not exists:
                connection.execute("CREATE DATABASE keepwarm")

    def stop(self, mode: str = "immediate") -> None:
        """Stop it; ``immediate`` is a crash: no checkpoint, recovery from the WAL on start."""
        self._run(self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop")

    def close(self) -> None:
        """Stop it if it runs and remove the cluster."""
        subprocess.run(
            [*self._as, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.folder, ignore_errors=True)
