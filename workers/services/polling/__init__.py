"""Poll: fetch sources politely, parse what changed, store new items once.

Sources are polled in batches: one query loads a batch, its fetches run at once on the
process's fetch pool, and every source that answered is recorded by one statement.
Polite: robots.txt is obeyed, requests per host are spaced and limited in number across
every worker, and Retry-After is honoured. Cheap: a 304 or an unchanged body costs no
parse, and a changed feed stores only the entries its last body did not have.
Self-healing: failures back off with jitter and recover on their own; a source that fails
permanently for days is disabled with its reason.
One source, one failure: whatever a source does (an exception anywhere, a number its
server sends, a row the database refuses) is that source's error, and the other sources
of the batch are recorded. Every number a server sends is clamped to the configured
bounds before date arithmetic or the database, and a source gives at most
KEEPWARM_MAX_ENTRIES_PER_POLL entries a poll and KEEPWARM_MAX_ITEMS_PER_DAY items a day
(the rest is counted in ``skipped_entries``).

The stages, one module each:

- ``batch``: the orchestration of one batch (load, fetch, parse, record);
- ``state``: what a poll knows of a source and the outcomes a stage hands on;
- ``politeness``: robots.txt, per-host spacing and limits, changed-or-not;
- ``parsing``: a changed body into entries (the one place a body is parsed);
- ``storage``: new items stored once, each source's answer and next poll recorded,
  failures backed off.
"""

from workers.services.polling.batch import POLL_BATCH, PollResult, poll_source, poll_sources
from workers.services.polling.storage import HOST_BUSY

__all__ = ["HOST_BUSY", "POLL_BATCH", "PollResult", "poll_source", "poll_sources"]
