"""One monotonic session clock for every device: pen samples, fingerprint, camera frames, audio.

All capture timestamps are ``time.perf_counter_ns()`` values (CLOCK_MONOTONIC on Linux, QPC on
Windows); the clock also remembers the wall-clock time of one instant so a monotonic value can
be shown or logged as a UTC time without ever mixing the two clocks in arithmetic.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

__all__ = ["SessionClock"]


@dataclass(frozen=True)
class SessionClock:
    """A monotonic nanosecond clock anchored once to the wall clock."""

    anchor_mono_ns: int = field(default_factory=time.perf_counter_ns)
    anchor_wall_ns: int = field(default_factory=time.time_ns)

    def now_ns(self) -> int:
        """Monotonic nanoseconds: the timestamp every captured sample or frame carries."""
        return time.perf_counter_ns()

    def since_start_ns(self, mono_ns: int | None = None) -> int:
        """Nanoseconds since the clock was anchored."""
        return (self.now_ns() if mono_ns is None else mono_ns) - self.anchor_mono_ns

    def wall_ns(self, mono_ns: int) -> int:
        """Wall-clock nanoseconds since the epoch for a monotonic timestamp of this clock."""
        return self.anchor_wall_ns + (mono_ns - self.anchor_mono_ns)

    def wall_datetime(self, mono_ns: int) -> datetime:
        """The UTC time at which a monotonic timestamp of this clock was taken."""
        return datetime.fromtimestamp(self.wall_ns(mono_ns) / 1e9, tz=UTC)
