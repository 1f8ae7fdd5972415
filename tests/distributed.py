"""keepwarm as real processes, for the end-to-end and fault tests: one ``keepwarm`` command
run to its end, the environment every such process gets, and a cluster of worker and
scheduler processes (each in its own process group, with its own log)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil


def keepwarm(env: dict[str, str], *args: str) -> str:
    """Run a keepwarm command (``python -m workers``); its output, or the test fails."""
    done = subprocess.run(
        [sys.executable, "-m", "workers", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"keepwarm {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def keepwarm_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of a keepwarm process on loopback servers: this one's without its
    KEEPWARM_ settings, then data under ``tmp_path``, loopback feeds and webhooks allowed,
    JSON logs, a fast tick, no first-poll baseline (the demo site's news is fresh); then
    ``settings``, which may override any of these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEEPWARM_")}
    env.update(
        KEEPWARM_DATA_DIR=str(tmp_path / "data"),
        KEEPWARM_ALLOW_PRIVATE_NETWORKS="127.0.0.0/8",
        KEEPWARM_ALLOW_PRIVATE_WEBHOOKS="127.0.0.0/8",
        KEEPWARM_LOG_FORMAT="json",
        KEEPWARM_TICK_SECONDS="0.5",
        KEEPWARM_FIRST_POLL_BASELINE="false",
    )
    env.update(settings)
    return env


class Cluster:
    """Worker and scheduler processes, each in its own process group with its own log."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env, self.folder = env, folder
        self.workers: list[subprocess.Popen[bytes]] = []
        self.others: list[subprocess.Popen[bytes]] = []

    def _start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 - the child holds it
        return subprocess.Popen(
            [sys.executable, "-m", "workers", *args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_workers(self, count: int = 2) -> None:
        """``keepwarm worker`` processes (one child, two threads each)."""
        for _ in range(count):
            name = f"worker-{len(self.workers)}"
            self.workers.append(self._start(name, "worker", "--processes", "1", "--threads", "2"))

    def start_scheduler(self) -> None:
        """The scheduler."""
        self.others.append(self._start("scheduler", "scheduler"))

    def worker_talking_to(self, port: int, seconds: float = 30.0) -> subprocess.Popen[bytes]:
        """The worker one of whose processes has a connection to ``port`` on loopback."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for worker in self.workers:
                if worker.poll() is not None:
                    continue
                family = [psutil.Process(worker.pid)]
                family += family[0].children(recursive=True)
                for process in family:
                    try:
                        connections = process.net_connections(kind="tcp")
                    except psutil.Error:
                        continue
                    if any(c.raddr and c.raddr.port == port for c in connections):
                        return worker
            time.sleep(0.05)
        raise AssertionError(f"no worker connected to port {port} within {seconds:.0f} s")

    def kill(self, worker: subprocess.Popen[bytes]) -> float:
        """SIGKILL the worker's whole process group (its master and children, as when its
        machine dies); return when, on the monotonic clock."""
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        return time.monotonic()

    def stop(self) -> None:
        """Stop every process still running (SIGTERM, then SIGKILL)."""
        for process in self.workers + self.others:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.workers + self.others:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def alive(self) -> list[bool]:
        """Whether each worker still runs."""
        return [w.poll() is None for w in self.workers]

    def all_alive(self) -> bool:
        """Whether every worker and the scheduler still run."""
        return all(p.poll() is None for p in self.workers + self.others)

    def logs(self) -> str:
        """Every process's log, for a failure's message."""
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.folder.glob("*.log"))
        )


@contextmanager
def cluster(env: dict[str, str], folder: Path) -> Iterator[Cluster]:
    """A Cluster, stopped afterwards whatever happens."""
    running = Cluster(env, folder)
    try:
        yield running
    finally:
        running.stop()


def wait_until(
    check: Callable[[], bool], seconds: float, what: str, logs: Callable[[], str]
) -> float:
    """Poll ``check`` until it holds; the seconds it took, or the test fails with the logs."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{what} not reached within {seconds:.0f} s\n{logs()}")
