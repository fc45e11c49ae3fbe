"""Group commit for the capture log: how entries are batched onto disk and who waits for them.

A batch is the unit of durability: the log's writer thread signs its entries in order, writes
them with one ``write`` and makes them durable with one ``fdatasync``, after which everyone
waiting on any of them is released at once.  Waiting costs the appending thread nothing.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from crypto.capture_log_entry import BlobRef, LogEntry
from crypto.errors import CaptureLogError

__all__ = ["GroupCommit", "PendingEntry", "Batch", "finish_batch", "write_all"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GroupCommit:
    """How appends are batched onto disk."""

    max_batch: int = 4096
    """Most entries signed, written and fsynced together."""
    max_delay_s: float = 0.0
    """How long the writer waits for a batch to fill after its first line (0: take what is
    there; lines arriving during an fsync form the next batch anyway)."""
    max_pending: int = 65536
    """Lines signed but not yet on disk before :meth:`CaptureLog.submit` waits for room."""
    room_timeout_s: float = 10.0
    """How long :meth:`CaptureLog.submit` waits for room before raising ``backlog_full``."""

    def __post_init__(self) -> None:
        if self.max_batch < 1 or self.max_pending < self.max_batch or self.max_delay_s < 0:
            raise ValueError("need max_batch >= 1, max_pending >= max_batch, max_delay_s >= 0")


class Batch:
    """Entries that go to disk together, and who waits for them."""

    __slots__ = ("entries", "first_at", "done", "error", "callbacks", "guard")

    def __init__(self) -> None:
        self.entries: list[PendingEntry] = []
        self.first_at = time.monotonic()
        self.done = threading.Event()
        self.error: CaptureLogError | None = None
        self.callbacks: list[tuple[Callable[[PendingEntry], None], PendingEntry]] = []
        self.guard = threading.Lock()


class PendingEntry:
    """An entry on its way to disk.  Its ``seq`` and times are fixed when it is queued; the
    writer signs it; :meth:`result` returns the signed :class:`LogEntry` once durable."""

    __slots__ = ("seq", "kind", "data", "data_text", "blob", "t_us", "mono_us", "source", "kid",
                 "prev", "line", "sig", "line_hash", "_entry", "_batch")

    def __init__(self, batch: Batch, seq: int, kind: str, data: Mapping[str, Any] | None,
                 data_text: str | None, blob: BlobRef | None, t_us: int, mono_us: int,
                 source: str, kid: str) -> None:
        self._batch = batch
        self.seq, self.kind, self.data, self.data_text, self.blob = seq, kind, data, data_text, blob
        self.t_us, self.mono_us, self.source, self.kid = t_us, mono_us, source, kid
        self.prev = self.sig = ""
        self.line = self.line_hash = b""
        self._entry: LogEntry | None = None

    @property
    def entry(self) -> LogEntry | None:
        """The signed entry, once the writer has signed it (built on first use, by the caller's
        thread rather than the writer's)."""
        if self._entry is None and self.line:
            self._entry = LogEntry(self.seq, self.t_us, self.mono_us, self.source, self.kind,
                                   self.data, self.blob, self.prev, self.kid, self.sig,
                                   self.line, self.line_hash)
        return self._entry

    def done(self) -> bool:
        """True once the entry is on disk or its batch failed."""
        return self._batch.done.is_set()

    def result(self, timeout: float | None = None) -> LogEntry:
        """The entry once on disk; raises :class:`~crypto.errors.CaptureLogError` if its batch
        failed (the reason says why) or with reason ``timeout``."""
        if not self._batch.done.wait(timeout):
            raise CaptureLogError(f"entry {self.seq} not on disk after {timeout} s",
                                  reason="timeout", line=self.seq + 1)
        if self._batch.error is not None:
            raise self._batch.error
        entry = self.entry
        assert entry is not None
        return entry

    def add_done_callback(self, callback: Callable[[PendingEntry], None]) -> None:
        """Call ``callback(self)`` once durable or failed: on the writer thread, or at once if
        that already happened.  Keep it short; it delays the next batch."""
        batch = self._batch
        with batch.guard:
            if not batch.done.is_set():
                batch.callbacks.append((callback, self))
                return
        callback(self)


def finish_batch(batch: Batch, error: CaptureLogError | None) -> None:
    """Release everyone waiting on ``batch``: it is durable (``error`` None) or failed."""
    with batch.guard:
        batch.error = error
        batch.done.set()
        callbacks, batch.callbacks = batch.callbacks, []
    for callback, pending in callbacks:
        try:
            callback(pending)
        except Exception:  # a caller's bug must not stop the log
            _log.exception("capture log callback failed")


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a short write is legal for regular files)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
