"""End-to-end helpers: the ``keepwarm`` command and a ``keepwarm serve`` process."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

KEEPWARM = shutil.which("keepwarm", path=str(Path(sys.executable).parent)) or "keepwarm"


def keepwarm(env: dict[str, str], *args: str) -> str:
    """Run a keepwarm command; its output (long lines unwrapped), or the test fails."""
    done = subprocess.run(
        [KEEPWARM, *args],
        env={**env, "COLUMNS": "250"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"keepwarm {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@contextmanager
def serving(env: dict[str, str], base: str) -> Iterator[list[str]]:
    """``keepwarm serve`` on ``base`` in its own process; yields, then holds, its output."""
    port = base.rsplit(":", 1)[1]
    process = subprocess.Popen(
        [KEEPWARM, "serve", "--host", "127.0.0.1", "--port", port],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output: list[str] = []
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            text = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"keepwarm serve did not start:\n{text}")
        time.sleep(0.2)
    try:
        yield output
    finally:
        process.terminate()
        output.append(process.communicate(timeout=10)[0].decode())
