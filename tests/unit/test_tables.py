"""The shared half of every import: streamed rows, batches and the progress log."""

from __future__ import annotations

from pathlib import Path

from structlog.testing import capture_logs

from workers.services.tables import ProgressLog, batched, read_table

HEADERS = {"name": "name", "email": "email"}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_progress_log_speaks_every_few_seconds_and_at_the_end_with_counts_only() -> None:
    clock = Clock()
    progress = ProgressLog("import", every=5.0, clock=clock)
    with capture_logs() as logs:
        for done in range(1000, 10_001, 1000):
            clock.now += 2.0
            progress(done, 10_000)
    assert [(e["event"], e["rows"], e["total"]) for e in logs] == [
        ("import.progress", 3000, 10_000),
        ("import.progress", 6000, 10_000),
        ("import.progress", 9000, 10_000),
        ("import.progress", 10_000, 10_000),
    ]
    assert logs[-1]["rows_per_s"] == 500
    assert set(logs[0]) == {"event", "log_level", "what", "rows", "total", "rows_per_s"}


def test_records_come_in_batches_with_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "pool.csv"
    path.write_text("Name,Email\n" + "".join(f"P {n},p{n}@example.net\n" for n in range(10)))
    total, records = read_table(path, HEADERS, required=("name",))
    assert total == 10
    assert next(records) == (2, {"name": "P 0", "email": "p0@example.net"})
    assert [len(batch) for batch in batched(records, 4)] == [4, 4, 1]
