"""Structured logs: JSON when not on a terminal, key=value on one. Ids only, never names.

keepwarm's structlog events and the standard library's records (dramatiq, Alembic,
SQLAlchemy) pass through one handler on the root logger and come out alike: one JSON
line each, with the message context ``LogContext`` binds, and an exception as its
traceback in structured fields. The frames carry no local variables, which may hold
names. ``ConfigureLogging`` does the set-up in each dramatiq worker process, so the stock
``dramatiq workers.actors`` logs as ``keepwarm worker`` does; only its supervisor process,
which never imports keepwarm, writes its few lines (booting, stopping) in dramatiq's format.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog
from dramatiq.middleware import Middleware
from structlog.stdlib import ProcessorFormatter
from structlog.tracebacks import ExceptionDictTransformer

from workers.settings import Settings

KEEPWARM_LOGGERS = ("workers", "sources", "models")
"""keepwarm's packages: their loggers log at KEEPWARM_LOG_LEVEL, other libraries' at
WARNING and above (their INFO is chatter: Alembic's lines on every start, dramatiq's boot)."""


def configure_logging(settings: Settings, *, stream: TextIO | None = None) -> None:
    """Route structlog and the standard library's logging through one formatter on stderr."""
    level = logging.getLevelNamesMapping().get(settings.log_level.upper(), logging.INFO)
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[ProcessorFormatter.remove_processors_meta, *_renderers(settings)],
        )
    )
    # force: replaces dramatiq's plain-text handler in its worker processes.
    logging.basicConfig(level=max(level, logging.WARNING), handlers=[handler], force=True)
    for name in KEEPWARM_LOGGERS:
        logging.getLogger(name).setLevel(level)
    structlog.configure(
        processors=[*shared, ProcessorFormatter.wrap_for_formatter],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=False,
    )


def _renderers(settings: Settings) -> list[structlog.typing.Processor]:
    """JSON with the traceback as fields, or lines a person reads with a plain traceback."""
    if _json_output(settings.log_format):
        return [
            structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False)),
            structlog.processors.JSONRenderer(),
        ]
    return [
        structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    ]


def _json_output(log_format: str) -> bool:
    """``auto`` is JSON unless the process's stderr is a terminal. ``sys.__stderr__``, as
    dramatiq's worker processes write to a pipe their parent copies to its stderr."""
    if log_format != "auto":
        return log_format == "json"
    return not (sys.__stderr__ is not None and sys.__stderr__.isatty())


class ConfigureLogging(Middleware):
    """Sets up keepwarm's logging in each dramatiq worker process, replacing dramatiq's."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def after_process_boot(self, broker: Any) -> None:
        configure_logging(self.settings)


class LogContext(Middleware):
    """Binds the actor and message id to every log line written while processing."""

    def before_process_message(self, broker: Any, message: Any) -> None:
        structlog.contextvars.bind_contextvars(
            actor=message.actor_name, message_id=message.message_id
        )

    def after_process_message(
        self, broker: Any, message: Any, *, result: Any = None, exception: Any = None
    ) -> None:
        structlog.contextvars.clear_contextvars()

    after_skip_message = after_process_message
