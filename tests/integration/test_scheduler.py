"""The scheduler's tick against real databases: due sources and re-derived owed work."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import update

from models.schema import Item, Source
from tests.integration.conftest import NOW
from workers.app import App
from workers.db import transaction
from workers.services.scheduler import CLAIM_BATCH, Enqueue, claim_due_sources, tick


class Recorder:
    """A fake of the broker's side of a tick: it keeps what would have been sent."""

    def __init__(self) -> None:
        self.sent: dict[str, list[int]] = {}

    def enqueue(self) -> Enqueue:
        def stage(name: str):  # type: ignore[no-untyped-def]
            if name == "detect":  # batches of item ids, kept as the ids they hold
                return lambda item_ids: self.sent.setdefault(name, []).extend(item_ids)
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


def add_backlog(app: App, items: int) -> None:
    add_sources(app, 1)
    with transaction(app.sessions) as session:
        session.add_all(
            Item(source_id=1, key=f"k{i}", title="t", fetched_at=NOW) for i in range(items)
        )


def test_a_backlog_is_sent_once_per_lease_not_once_per_tick(app: App) -> None:
    add_backlog(app, 3 * CLAIM_BATCH)
    queue = Recorder()  # nothing takes the messages: the worst case, a stalled pipeline
    for minute in range(6, 30):  # a tick a minute for 24 minutes, grace (lease) 5 minutes
        tick(app, NOW + timedelta(minutes=minute), queue.enqueue())
    sent = queue.sent["detect"]
    # Before leases, each tick sent CLAIM_BATCH: 24 ticks would have queued 12,000
    # messages; leased, a batch is sent again only once its lease ran out (every 5 minutes).
    assert 4 * CLAIM_BATCH <= len(sent) <= 5 * CLAIM_BATCH


def test_leased_work_is_sent_again_only_when_still_owed_after_the_lease(app: App) -> None:
    add_backlog(app, 3)
    first, within, after = Recorder(), Recorder(), Recorder()
    tick(app, NOW + timedelta(minutes=10), first.enqueue())
    tick(app, NOW + timedelta(minutes=12), within.enqueue())
    with transaction(app.sessions) as session:
        session.get_one(Item, 1).detected_at = NOW + timedelta(minutes=13)
    tick(app, NOW + timedelta(minutes=16), after.enqueue())
    assert sorted(first.sent["detect"]) == [1, 2, 3]
    assert "detect" not in within.sent  # leased: its messages may still be in the queue
    assert sorted(after.sent["detect"]) == [2, 3]  # lost with the broker: sent again


def test_a_backlog_is_drained_at_the_pace_the_workers_take_it(app: App) -> None:
    add_backlog(app, 2 * CLAIM_BATCH)
    queue = Recorder()
    tick(app, NOW + timedelta(minutes=10), queue.enqueue())
    taken = queue.sent["detect"][: CLAIM_BATCH // 2]
    with transaction(app.sessions) as session:
        session.execute(
            update(Item).where(Item.id.in_(taken)).values(detected_at=NOW + timedelta(minutes=10))
        )
    more = Recorder()
    tick(app, NOW + timedelta(minutes=11), more.enqueue())
    # As many as were taken are sent; none of those still in the queue again.
    assert len(more.sent["detect"]) == CLAIM_BATCH // 2
    assert not set(more.sent["detect"]) & set(queue.sent["detect"])


def test_a_broker_that_lost_its_messages_has_claimed_polls_and_owed_work_sent_again(
    app: App,
) -> None:
    add_sources(app, 3)
    with transaction(app.sessions) as session:
        session.add(Item(source_id=1, key="k", title="t", fetched_at=NOW))
        polled = session.get_one(Source, 3)  # polled a minute ago, next poll in an hour
        polled.last_polled_at = NOW - timedelta(minutes=1)
        polled.next_poll_at = NOW + timedelta(hours=1) - timedelta(minutes=1)
    tick(app, NOW, Recorder().enqueue())  # claims sources 1 and 2; their message is lost
    minute = NOW + timedelta(minutes=1)
    quiet = Recorder()
    tick(app, minute, quiet.enqueue())
    assert quiet.sent == {}  # within the lease, nothing is sent twice
    lost = Recorder()
    tick(app, minute, lost.enqueue(), broker_lost=True)
    assert [sorted(batch) for batch in lost.sent["poll"]] == [[1, 2]]  # not 3: it was polled
    assert lost.sent["detect"] == [1]


def test_a_poll_the_broker_refused_leaves_its_sources_due(app: App) -> None:
    add_sources(app, 2)

    def broker_down(batch: list[int]) -> None:
        raise ConnectionError("redis is down")

    refusing = replace(Recorder().enqueue(), poll=broker_down)
    with pytest.raises(ConnectionError):
        tick(app, NOW, refusing)
    assert sorted(claim_due_sources(app, NOW)) == [1, 2]
