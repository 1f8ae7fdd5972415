"""The fuzz tests' budget: few examples and a fixed seed in CI, more and random locally.

``KEEPWARM_FUZZ_EXAMPLES=2000 pytest tests/fuzz`` runs each property that many times
with fresh random inputs; without it every property runs ``CI_EXAMPLES`` derandomized
examples, so the suite's time stays bounded and a CI run fails only on a real change.
A failure prints the input hypothesis shrank it to: keep it as an ``@example``.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, settings

CI_EXAMPLES = 50
EXAMPLES = int(os.environ.get("KEEPWARM_FUZZ_EXAMPLES", "0") or 0)

FUZZ = settings(
    max_examples=EXAMPLES or CI_EXAMPLES,
    derandomize=not EXAMPLES,
    # Time is bounded by CPU (``cpu_bound``), which a loaded machine does not inflate.
    deadline=None,
    database=None if not EXAMPLES else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
"""The settings of every fuzz property."""


@contextmanager
def cpu_bound(seconds: float) -> Iterator[None]:
    """Fail when the block spends more than ``seconds`` of this thread's CPU. The garbage
    collector is off meanwhile: in a long run a parse that costs 0.3 s alone was once
    measured at 2 s, most likely a collection of the megabytes hypothesis had drawn."""
    enabled = gc.isenabled()
    gc.disable()
    started = time.thread_time()
    try:
        yield
    finally:
        spent = time.thread_time() - started
        if enabled:
            gc.enable()
    assert spent < seconds, f"{spent:.2f} s of CPU, over the bound of {seconds} s"
