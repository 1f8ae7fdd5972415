"""Logs an operator can use: keepwarm's and the standard library's records alike, one JSON
line each, exceptions with their traceback as fields, the message context in pool threads."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import dramatiq
import pytest
import structlog
from dramatiq.brokers.stub import StubBroker

from workers.app import ContextThreadPool
from workers.logs import KEEPWARM_LOGGERS, ConfigureLogging, LogContext, configure_logging
from workers.settings import Settings

JSON = Settings(log_format="json")
NAME = "Lisa Jansen"  # held by a frame that fails: its locals are never logged


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """Each test configures the process's logging; put it back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    own = {name: logging.getLogger(name).level for name in KEEPWARM_LOGGERS}
    yield
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, own_level in own.items():
        logging.getLogger(name).setLevel(own_level)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    """Every line written, each parsed as one JSON object."""
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_standard_library_record_is_one_json_line() -> None:
    stream = io.StringIO()
    configure_logging(JSON, stream=stream)

    logging.getLogger("alembic.runtime.migration").warning("Revision %s is %s", "abc", "odd")

    [line] = lines(stream)
    assert line["event"] == "Revision abc is odd"
    assert line["level"] == "warning" and line["logger"] == "alembic.runtime.migration"
    assert line["timestamp"].endswith("Z")


def test_keepwarm_logs_at_its_level_and_other_libraries_from_warning() -> None:
    stream = io.StringIO()
    configure_logging(Settings(log_format="json", log_level="DEBUG"), stream=stream)

    structlog.get_logger("workers.services.polling").debug("poll.batch", sources=3)
    logging.getLogger("alembic.runtime.migration").info("Running upgrade")
    logging.getLogger("dramatiq.worker").warning("Worker is slow")

    assert [(line["event"], line["level"]) for line in lines(stream)] == [
        ("poll.batch", "debug"),
        ("Worker is slow", "warning"),
    ]


def _fail_with(member_name: str) -> None:
    raise LookupError("member 7 has no owner")


def test_an_exception_is_logged_with_its_traceback_as_fields_and_no_locals() -> None:
    stream = io.StringIO()
    configure_logging(JSON, stream=stream)
    log = structlog.get_logger("workers.runtime")

    try:
        _fail_with(NAME)
    except LookupError:
        log.exception("scheduler.tick_failed", tick=3)

    [line] = lines(stream)
    assert line["event"] == "scheduler.tick_failed" and line["tick"] == 3
    assert "exc_info" not in line
    [error] = line["exception"]
    assert error["exc_type"] == "LookupError" and error["exc_value"] == "member 7 has no owner"
    assert [frame["name"] for frame in error["frames"]][-1] == "_fail_with"
    assert "Lisa" not in stream.getvalue(), "a frame's local variables were logged"


def test_the_console_format_shows_a_person_the_traceback() -> None:
    stream = io.StringIO()
    configure_logging(Settings(log_format="console"), stream=stream)

    try:
        _fail_with(NAME)
    except LookupError:
        logging.getLogger("dramatiq.worker").exception("Failed to process message")

    text = stream.getvalue()
    assert "Failed to process message" in text and "Traceback (most recent call last)" in text
    assert "LookupError: member 7 has no owner" in text and "Lisa" not in text


def test_a_failing_actor_is_logged_as_json_with_its_traceback_and_its_message() -> None:
    stream = io.StringIO()
    configure_logging(JSON, stream=stream)
    broker = StubBroker()
    broker.add_middleware(LogContext())

    @dramatiq.actor(broker=broker, max_retries=0)
    def deliver(delivery_id: int) -> None:
        _fail_with(NAME)

    message = deliver.send(42)
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        broker.join(deliver.queue_name, fail_fast=False)
        worker.join()
    finally:
        worker.stop()

    [line] = [line for line in lines(stream) if "exception" in line]
    assert line["event"].startswith("Failed to process message deliver(42)")
    assert line["logger"].startswith("dramatiq.worker") and line["level"] == "error"
    assert (line["actor"], line["message_id"]) == ("deliver", message.message_id)
    [error] = line["exception"]
    assert error["exc_type"] == "LookupError"
    assert [frame["name"] for frame in error["frames"]][-2:] == ["deliver", "_fail_with"]


def test_a_dramatiq_worker_process_replaces_dramatiqs_plain_text_logging() -> None:
    logging.basicConfig(format="[%(name)s] %(message)s", force=True)  # as dramatiq does
    broker = StubBroker()
    broker.add_middleware(ConfigureLogging(JSON))

    broker.emit_after("process_boot")  # dramatiq's worker process, once it has the broker

    [handler] = logging.getLogger().handlers
    assert isinstance(handler.formatter, structlog.stdlib.ProcessorFormatter)


def test_the_message_context_reaches_lines_logged_in_fetch_pool_threads() -> None:
    stream = io.StringIO()
    configure_logging(JSON, stream=stream)
    log = structlog.get_logger("workers.services.polling")
    pool = ContextThreadPool(2, thread_name_prefix="keepwarm-fetch")
    structlog.contextvars.bind_contextvars(actor="poll", message_id="m-1")
    try:
        pool.submit(log.info, "fetch.done", source_id=1).result()
        list(pool.map(lambda source_id: log.info("fetch.done", source_id=source_id), [2, 3]))
    finally:
        pool.shutdown()

    logged = lines(stream)
    assert sorted(line["source_id"] for line in logged) == [1, 2, 3]
    assert all((line["actor"], line["message_id"]) == ("poll", "m-1") for line in logged)
