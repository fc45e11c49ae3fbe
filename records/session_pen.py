"""Pen samples of one signing turn: grouped into attempts, logged in stroke batches as
commitments, opened only with the archive key.

Samples arrive on the pad's reader thread.  Each one joins the open batch; a batch is closed
when the pen goes down or up (so a batch never spans two strokes), when it covers
:data:`BATCH_US` of sample time, or when it holds :data:`BATCH_SAMPLES` samples.  Nothing is
dropped or smoothed: hover samples are batched too (``stroke`` is null for them).  A clear
starts a new attempt; the discarded attempt's batches stay logged, followed by a ``pen.clear``
entry saying how much it held, so a retry is never hidden.

What the log gets (format 2, see :mod:`crypto.evidence_pen` for the exact rule): one
``pen.batch`` entry per batch with ``"v": 2``, the batch's place (field, attempt, ``batch``
index in the turn, ``stroke``, ``first`` sample index), its non-biometric facts (``count``,
``first_us``, ``last_us`` on the session clock, ``touching``) and ``commit``, a SHA-256 over a
per-turn random nonce and the batch's canonical bytes.  The samples themselves, the nonce and
every batch of the turn form the turn's :class:`~crypto.evidence_pen.PenOpening`, which the
station encrypts for the archive key (in the evidence bundle, or in ``pen.sealed`` for a turn
that ends unsigned).  The live ink listener gets every row too, sooner: in live batches of at
most :data:`LIVE_US` of sample time, each inside one log batch (the link mirrors them over TLS
and the workstation's live panel draws them; that is transport, not the log).

Each row is ``[t_us, x, y, pressure, touching, tilt_x, tilt_y, device_time, sequence]``:
session-clock microseconds (the log's ``mono_us`` timeline), device units, and the device's
own counters (``null`` where the device has none).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Mapping
from typing import Any

from crypto.evidence_pen import NONCE_BYTES, PEN_ROW, PenBatch, PenOpening, report_commitment
from devices.pen import PenSample

__all__ = ["BATCH_SAMPLES", "BATCH_US", "LIVE_US", "PEN_ROW", "PenCapture", "pen_row"]

BATCH_US = 100_000
BATCH_SAMPLES = 150
LIVE_US = 16_000
"""Live ink goes out once it spans this much sample time (about one screen frame)."""

LogWriter = Callable[[str, Mapping[str, Any]], None]
InkListener = Callable[[Mapping[str, Any]], None]


def pen_row(sample: PenSample) -> list[int | None]:
    """One sample as a row (integers only: canonical JSON allows no floats)."""
    return [sample.t_ns // 1000, sample.x, sample.y, sample.pressure, int(sample.touching),
            sample.tilt_x, sample.tilt_y, sample.device_time, sample.sequence]


class PenCapture:
    """The samples of one turn; thread-safe (the pad thread adds, the caller reads).

    ``nonce`` is the turn's commitment nonce (32 random bytes unless a test gives one).
    """

    def __init__(self, field: str, write: LogWriter, on_ink: InkListener, *,
                 nonce: bytes | None = None) -> None:
        self.field = field
        self._write = write
        self._on_ink = on_ink
        self._nonce = secrets.token_bytes(NONCE_BYTES) if nonce is None else bytes(nonce)
        if len(self._nonce) != NONCE_BYTES:
            raise ValueError(f"the commitment nonce must be {NONCE_BYTES} bytes")
        self._lock = threading.Lock()
        self._attempt = 1
        self._samples: list[PenSample] = []
        self._batch: list[PenSample] = []
        self._batch_first = 0        # index in the attempt of the batch's first sample
        self._live = 0               # rows of the open batch already sent live
        self._strokes = 0            # pen-down runs in this attempt
        self._total = 0              # samples over all attempts
        self._logged: list[PenBatch] = []   # every batch of the turn, in log order
        self._reports: list[bytes] = []     # raw pad reports that could not be decoded

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
            if (sample.t_ns - self._batch[self._live].t_ns) // 1000 >= LIVE_US:
                self._send_live_locked()

    def _send_live_locked(self) -> None:
        """The open batch's rows not yet sent live, to the live ink listener."""
        batch = self._batch
        if self._live >= len(batch):
            return
        stroke = self._strokes if batch[0].touching else None
        self._on_ink({"field": self.field, "attempt": self._attempt, "stroke": stroke,
                      "first": self._batch_first + self._live, "batch": len(self._logged),
                      "rows": [pen_row(s) for s in batch[self._live:]]})
        self._live = len(batch)

    def flush(self) -> None:
        """Log the open batch now (before a clear, an accept, or the end of the turn)."""
        with self._lock:
            self._flush_locked()

    def _flush_locked(self) -> None:
        batch = self._batch
        if not batch:
            return
        self._send_live_locked()
        self._batch = []
        self._live = 0
        rows = [pen_row(s) for s in batch]
        stroke = self._strokes if batch[0].touching else None
        logged = PenBatch(self.field, self._attempt, len(self._logged), stroke,
                          self._batch_first, tuple(tuple(r) for r in rows))
        self._logged.append(logged)
        self._write("pen.batch", logged.log_data(self._nonce))

    def seal_report(self, report: bytes) -> dict[str, Any]:
        """An undecodable pad report as its ``pen.event`` may show it: length, index and
        commitment; the bytes join the turn's opening."""
        with self._lock:
            index = len(self._reports)
            self._reports.append(bytes(report))
            return {"length": len(report), "index": index,
                    "commit": report_commitment(self._nonce, self.field, index, report)}

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

    def opening(self) -> PenOpening:
        """Everything that opens the turn's logged commitments (flush first for the open
        batch to be part of it)."""
        with self._lock:
            return PenOpening(self.field, self._nonce, tuple(self._logged),
                              tuple(self._reports))

    def batches(self) -> int:
        """Batches logged so far in this turn."""
        with self._lock:
            return len(self._logged)

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
