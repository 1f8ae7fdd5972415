"""The scheduler's tick against real databases: due sources and re-derived owed work."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from models.schema import Item, Source
from tests.integration.conftest import NOW
from workers.app import App
from workers.db import transaction
from workers.services.scheduler import Enqueue, claim_due_sources, tick


class Recorder:
    """A fake of the broker's side of a tick: it keeps what would have been sent."""

    def __init__(self) -> None:
        self.sent: dict[str, list[int]] = {}

    def enqueue(self) -> Enqueue:
        def stage(name: str):  # type: ignore[no-untyped-def]
            return lambda item_id: self.sent.setdefault(name, []).append(item_id)

        return Enqueue(*(stage(n) for n in ("poll", "detect", "plan", "route", "deliver", "match")))


def add_sources(app: App, count: int) -> None:
    with transaction(app.sessions) as session:
        session.add_all(
            Source(
                url=f"https://example.com/{i}.xml",
                next_poll_at=NOW - timedelta(minutes=i),
                created_at=NOW,
            )
            for i in range(count)
        )


def test_due_sources_are_claimed_once_even_by_two_schedulers(app: App) -> None:
    add_sources(app, 300)
    with ThreadPoolExecutor(max_workers=2) as pool:
        claims = list(pool.map(lambda _: claim_due_sources(app, NOW, limit=200), range(2)))
    assert len(claims[0]) + len(claims[1]) == 300
    assert not set(claims[0]) & set(claims[1])
    assert claim_due_sources(app, NOW) == []


def test_work_the_broker_lost_is_found_again_after_the_grace_period(app: App) -> None:
    add_sources(app, 1)
    with transaction(app.sessions) as session:
        session.add(Item(source_id=1, key="k", title="t", fetched_at=NOW))
    recorder = Recorder()
    tick(app, NOW, recorder.enqueue())
    assert recorder.sent == {"poll": [[1]]}  # the item is fresh: its message may be in flight
    later = Recorder()
    tick(app, NOW + timedelta(minutes=10), later.enqueue())
    assert later.sent == {"detect": [1]}
