"""The clock every A/V part reads: the session clock in production, a manual one in simulations.

Anything with ``now_ns()`` returning ``time.perf_counter_ns()``-like values will do
(``devices.clock.SessionClock`` is the real one). ``ManualClock`` only moves when told, so a
simulation can push ten minutes of media through the real recorder in seconds.
"""

from __future__ import annotations

import threading
from typing import Protocol

__all__ = ["Clock", "ManualClock"]


class Clock(Protocol):
    """A monotonic nanosecond clock."""

    def now_ns(self) -> int:
        """Monotonic nanoseconds."""
        ...


class ManualClock:
    """A monotonic clock that stands still until ``advance_to``/``advance_by`` moves it."""

    def __init__(self, start_ns: int = 1_000_000_000) -> None:
        self._now = start_ns
        self._lock = threading.Lock()

    def now_ns(self) -> int:
        """The current simulated time."""
        return self._now

    def advance_to(self, t_ns: int) -> None:
        """Move to ``t_ns``; a clock never goes back, so an earlier value is ignored."""
        with self._lock:
            if t_ns > self._now:
                self._now = t_ns

    def advance_by(self, delta_ns: int) -> None:
        """Move forward by ``delta_ns`` (non-negative)."""
        if delta_ns < 0:
            raise ValueError("a clock never goes back")
        with self._lock:
            self._now += delta_ns
