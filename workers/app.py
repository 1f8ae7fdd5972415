"""The process's runtime parts, built once from settings: database, HTTP client, matcher."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from sources.fetch import Fetcher
from sources.robots import RobotsCache
from workers.db import make_engine, make_sessionmaker, upgrade
from workers.hostlimits import HostLimiter, MemoryHostLimiter, RedisHostLimiter
from workers.settings import Settings


@dataclass
class App:
    """Everything a service needs from the outside, made from one Settings object."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    fetcher: Fetcher
    robots: RobotsCache
    hosts: HostLimiter
    fetch_pool: ThreadPoolExecutor = field(init=False)

    def __post_init__(self) -> None:
        self.fetch_pool = ThreadPoolExecutor(
            self.settings.fetch_concurrency, thread_name_prefix="keepwarm-fetch"
        )

    @classmethod
    def build(cls, settings: Settings, *, migrate: bool | None = None) -> App:
        """Connect to the database (migrating the embedded one) and make the HTTP client."""
        url = settings.effective_database_url
        if migrate if migrate is not None else url.startswith("sqlite"):
            upgrade(url)
        engine = make_engine(url)
        fetcher = Fetcher(
            user_agent=settings.user_agent,
            timeout=settings.fetch_timeout,
            max_bytes=settings.max_response_bytes,
            allowed_networks=settings.allow_private_networks,
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
        )

    def close(self) -> None:
        """Release connections and the fetch threads."""
        self.fetch_pool.shutdown(wait=True, cancel_futures=True)
        self.fetcher.close()
        self.engine.dispose()


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
