"""The process's runtime parts, built once from settings: database, HTTP client, matcher."""

from __future__ import annotations

import contextvars
import os
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from sources.events.learned import use_model
from sources.fetch import Fetcher
from sources.robots import RobotsCache
from workers.db import make_engine, make_sessionmaker, upgrade
from workers.hostlimits import HostLimiter, MemoryHostLimiter, RedisHostLimiter
from workers.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")


class ContextThreadPool(ThreadPoolExecutor):
    """A thread pool whose tasks run in a copy of the submitter's context, so the message
    context bound for the logs (actor, message id) is on the lines the tasks write."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Schedule ``fn`` in a copy of the current context (``map`` comes through here)."""
        context = contextvars.copy_context()  # one per task: a context runs in one thread
        return super().submit(partial(context.run, fn, *args, **kwargs))


@dataclass
class App:
    """Everything a service needs from the outside, made from one Settings object."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    fetcher: Fetcher
    robots: RobotsCache
    hosts: HostLimiter
    secret: bytes
    """Signs sign-in sessions and the action links in alert emails."""
    fetch_pool: ContextThreadPool = field(init=False)

    def __post_init__(self) -> None:
        self.fetch_pool = ContextThreadPool(
            self.settings.fetch_concurrency, thread_name_prefix="keepwarm-fetch"
        )

    @classmethod
    def build(cls, settings: Settings, *, migrate: bool | None = None) -> App:
        """Connect to the database (migrating the embedded one) and make the HTTP client."""
        use_model(settings.event_model)
        url = settings.effective_database_url
        if migrate if migrate is not None else url.startswith("sqlite"):
            upgrade(url)
        engine = make_engine(url)
        fetcher = Fetcher(
            user_agent=settings.user_agent,
            timeout=settings.fetch_timeout,
            max_bytes=settings.max_response_bytes,
            allowed_networks=settings.allow_private_networks,
            webhook_networks=settings.allow_private_webhooks,
            connections=max(50, 2 * settings.fetch_concurrency),
        )
        # A request holds its host's slot at most this long, even if its worker dies.
        lease = 2 * fetcher.body_seconds
        hosts: HostLimiter = (
            RedisHostLimiter(
                settings.broker_url, settings.broker_namespace, settings.host_concurrency, lease
            )
            if settings.broker_url
            else MemoryHostLimiter(settings.host_concurrency, lease)
        )
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_sessionmaker(engine),
            fetcher=fetcher,
            robots=RobotsCache(fetcher, settings.user_agent),
            hosts=hosts,
            secret=signing_secret(settings),
        )

    def close(self) -> None:
        """Release connections and the fetch threads."""
        self.fetch_pool.shutdown(wait=True, cancel_futures=True)
        self.fetcher.close()
        self.engine.dispose()


def signing_secret(settings: Settings) -> bytes:
    """KEEPWARM_SECRET_KEY, else a random key kept in the data folder (made on first use).

    Every process that serves the inbox or sends alerts must share it: set the variable
    when they run on more than one machine.
    """
    if settings.secret_key:
        return settings.secret_key.encode()
    path = Path(settings.data_dir) / "secret.key"
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48).encode()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_bytes().strip()
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key


_current: App | None = None
_current_lock = threading.Lock()


def current_app() -> App:
    """The process's App, built from the environment on first use."""
    global _current
    with _current_lock:
        if _current is None:
            _current = App.build(Settings.from_env())
        return _current


def use_app(app: App | None) -> None:
    """Make ``app`` the process's App (the CLI, the demo and tests set it explicitly)."""
    global _current
    with _current_lock:
        _current = app
