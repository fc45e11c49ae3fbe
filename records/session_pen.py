"""Pen samples of one signing turn: grouped into attempts, logged in stroke batches.

Samples arrive on the pad's reader thread.  Each one joins the open batch; a batch is written
to the capture log as one ``pen.batch`` entry when the pen goes down or up (so a batch never
spans two strokes), when it covers :data:`BATCH_US` of sample time, or when it holds
:data:`BATCH_SAMPLES` samples.  Nothing is dropped or smoothed: hover samples are logged too
(``stroke`` is null for them).  A clear starts a new attempt; the discarded attempt stays in
the log, followed by a ``pen.clear`` entry saying how much it held, so a retry is never hidden.

Each row of a batch is ``[t_us, x, y, pressure, touching, tilt_x, tilt_y, device_time,
sequence]``: session-clock microseconds (the log's ``mono_us`` timeline), device units, and
the device's own counters (``null`` where the device has none).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from devices.pen import PenSample

__all__ = ["BATCH_SAMPLES", "BATCH_US", "PEN_ROW", "PenCapture", "pen_row"]

BATCH_US = 100_000
BATCH_SAMPLES = 150
PEN_ROW = ("t_us", "x", "y", "pressure", "touching", "tilt_x", "tilt_y", "device_time",
           "sequence")

LogWriter = Callable[[str, Mapping[str, Any]], None]
InkListener = Callable[[Mapping[str, Any]], None]


def pen_row(sample: PenSample) -> list[int | None]:
    """One sample as the log writes it (integers only: the log's JSON allows no floats)."""
    return [sample.t_ns // 1000, sample.x, sample.y, sample.pressure, int(sample.touching),
            sample.tilt_x, sample.tilt_y, sample.device_time, sample.sequence]


class PenCapture:
    """The samples of one turn; thread-safe (the pad thread adds, the caller reads)."""

    def __init__(self, field: str, write: LogWriter, on_ink: InkListener) -> None:
        self.field = field
        self._write = write
        self._on_ink = on_ink
        self._lock = threading.Lock()
        self._attempt = 1
        self._samples: list[PenSample] = []
        self._batch: list[PenSample] = []
        self._batch_first = 0        # index in the attempt of the batch's first sample
        self._strokes = 0            # pen-down runs in this attempt
        self._total = 0              # samples over all attempts

    @property
    def attempt(self) -> int:
        with self._lock:
            return self._attempt

    def add(self, sample: PenSample) -> None:
        """A sample from the pad (reader thread)."""
        with self._lock:
            batch = self._batch
            if batch:
                first, last = batch[0], batch[-1]
                if (sample.touching != last.touching
                        or (sample.t_ns - first.t_ns) // 1000 >= BATCH_US
                        or len(batch) >= BATCH_SAMPLES):
                    self._flush_locked()
            if sample.touching and (not self._samples or not self._samples[-1].touching):
                self._strokes += 1
            if not self._batch:
                self._batch_first = len(self._samples)
            self._batch.append(sample)
            self._samples.append(sample)
            self._total += 1

    def flush(self) -> None:
        """Log the open batch now (before a clear, an accept, or the end of the turn)."""
        with self._lock:
            self._flush_locked()

    def _flush_locked(self) -> None:
        batch = self._batch
        if not batch:
            return
        self._batch = []
        stroke = self._strokes if batch[0].touching else None
        data = {"field": self.field, "attempt": self._attempt, "stroke": stroke,
                "first": self._batch_first, "rows": [pen_row(s) for s in batch]}
        self._write("pen.batch", data)
        self._on_ink(data)

    def clear(self, reason: str) -> dict[str, Any]:
        """Discard the current attempt (it stays logged) and start the next; what was
        discarded, as logged in ``pen.clear``."""
        with self._lock:
            self._flush_locked()
            data = {"field": self.field, "attempt": self._attempt,
                    "discarded_samples": len(self._samples),
                    "discarded_strokes": self._strokes, "reason": reason}
            self._write("pen.clear", data)
            self._attempt += 1
            self._samples = []
            self._strokes = 0
            return data

    def samples(self) -> tuple[PenSample, ...]:
        """The current attempt's samples, in order."""
        with self._lock:
            return tuple(self._samples)

    def strokes(self) -> int:
        with self._lock:
            return self._strokes

    @property
    def total(self) -> int:
        """Samples received over every attempt of the turn."""
        with self._lock:
            return self._total
