"""Fault tests: recovery times are collected and printed at the end of the run."""

from __future__ import annotations

from typing import Any

RECOVERIES: list[tuple[str, float]] = []


def recovered(what: str, seconds: float) -> None:
    """Note how long recovery from a fault took, for the run's summary."""
    RECOVERIES.append((what, seconds))
    print(f"recovery: {what}: {seconds:.1f} s")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """A table of the recovery times measured by this run's fault tests."""
    if not RECOVERIES:
        return
    terminalreporter.section("fault recovery times")
    for what, seconds in RECOVERIES:
        terminalreporter.line(f"{seconds:7.1f} s  {what}")
