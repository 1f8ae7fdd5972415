"""Worker processes built from the KEEPWARM_CONFIG file alone: the broker it names, and
logs that are JSON lines with a failing actor's traceback, for ``keepwarm worker`` and the
stock ``dramatiq workers.actors`` alike."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

UNREACHABLE_DATABASE = "postgresql+psycopg://keepwarm@127.0.0.1:1/keepwarm"


@pytest.fixture
def config_env(redis_url: str, tmp_path: Path) -> Iterator[tuple[dict[str, str], str]]:
    """An environment whose only keepwarm setting is KEEPWARM_CONFIG, and its namespace."""
    namespace = f"kw-config-{uuid.uuid4().hex[:8]}"
    config = tmp_path / "keepwarm.env"
    config.write_text(
        f"KEEPWARM_BROKER_URL={redis_url}\n"
        f"KEEPWARM_BROKER_NAMESPACE={namespace}\n"
        f"KEEPWARM_DATABASE_URL={UNREACHABLE_DATABASE}\n"
        f"KEEPWARM_DATA_DIR={tmp_path / 'data'}\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEEPWARM_")}
    env["KEEPWARM_CONFIG"] = str(config)
    yield env, namespace
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{namespace}*"))
    if keys:
        client.delete(*keys)
    client.close()


def send_detect(env: dict[str, str], item_id: int) -> str:
    """Import the actors as a worker would, send one message; the broker's kind and namespace."""
    script = (
        "import dramatiq\n"
        "from workers.actors import detect\n"
        f"detect.send([{item_id}])\n"
        "broker = dramatiq.get_broker()\n"
        "print(type(broker).__name__, broker.namespace)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_broker_url_in_the_config_file_reaches_the_broker(
    config_env: tuple[dict[str, str], str], redis_url: str
) -> None:
    env, namespace = config_env

    assert send_detect(env, 7) == f"RedisBroker {namespace}"

    client = redis.Redis.from_url(redis_url)
    try:
        assert client.hlen(f"{namespace}:pipeline.msgs") == 1
    finally:
        client.close()


def read_lines(process: subprocess.Popen[str], until: Callable[[str], bool]) -> list[str]:
    """The process's stderr lines up to the first that ``until`` accepts (60 s at most)."""
    lines: queue.Queue[str] = queue.Queue()
    assert process.stderr is not None
    stderr = process.stderr
    threading.Thread(target=lambda: [lines.put(line) for line in stderr], daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            seen.append(lines.get(timeout=0.5).rstrip("\n"))
        except queue.Empty:
            continue
        if until(seen[-1]):
            return seen
    pytest.fail("no such line within 60 s:\n" + "\n".join(seen))


def _is_failure(line: str) -> bool:
    return line.startswith("{") and "exception" in json.loads(line)


WORKERS = {
    "keepwarm worker": ["-m", "workers", "worker", "--processes", "1", "--threads", "1"],
    "dramatiq workers.actors": ["-m", "dramatiq", "workers.actors", "-p", "1", "-t", "1"],
}


@pytest.mark.parametrize("command", list(WORKERS))
def test_a_failing_actor_is_logged_as_a_json_line_with_its_traceback(
    config_env: tuple[dict[str, str], str], command: str
) -> None:
    env, _ = config_env
    send_detect(env, 7)  # the database is unreachable: detect fails
    process = subprocess.Popen(
        [sys.executable, *WORKERS[command]],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        seen = read_lines(process, _is_failure)
    finally:
        process.terminate()
        process.wait(timeout=30)

    failure: dict[str, Any] = json.loads(seen[-1])
    assert failure["event"].startswith("Failed to process message detect([7])")
    assert failure["level"] == "error" and failure["actor"] == "detect"
    assert failure["message_id"] and failure["timestamp"]
    error, cause = failure["exception"][:2]  # SQLAlchemy's error, and psycopg's under it
    assert error["exc_type"] == "OperationalError" and "Connection refused" in error["exc_value"]
    assert {"detect", "detect_items"} <= {frame["name"] for frame in error["frames"]}
    assert cause["is_cause"] and cause["frames"]
    # The stock command's supervisor does not import keepwarm: its own lines stay dramatiq's.
    worker_lines = [line for line in seen if "[dramatiq.MainProcess]" not in line]
    assert all(isinstance(json.loads(line), dict) for line in worker_lines), worker_lines
