"""Where a station's output goes: its capture log (entries queued from any thread) and its
subscribers (events, on the producing thread).

Every entry is announced twice: ``logged`` when it is queued (its sequence number fixed), and
``log_line`` with the signed line's exact bytes once it is on disk, in log order, on the log's
writer thread.  The link mirrors the terminal's log to the workstation from ``log_line``
(``log.entry`` messages); the workstation's copy must be byte for byte the terminal's file.

A log entry that cannot be written is a *fault*: the subscribers hear of it at once and the
station refuses to sign until the turn is over, because a signature whose capture was not
logged cannot be shown to be what it claims.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from crypto.capture_log import CaptureLog, PendingEntry
from crypto.capture_log_entry import BlobRef
from crypto.errors import CaptureLogError
from records.session_devices import log_safe
from records.session_types import StationEvent, StationEventKind

__all__ = ["Listener", "StationOutput"]

log = logging.getLogger(__name__)
Listener = Callable[[StationEvent], None]


class StationOutput:
    """The log and the listeners of one station; thread-safe."""

    def __init__(self, station: str, capture_log: CaptureLog) -> None:
        self.station = station
        self.log = capture_log
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._first: int | None = None
        self._last = -1
        self.fault: str | None = None

    def subscribe(self, listener: Listener) -> None:
        """Receive every event from now on."""
        with self._lock:
            self._listeners.append(listener)

    def publish(self, event_kind: StationEventKind, /, **data: Any) -> None:
        """Tell every listener; a listener that raises is logged and skipped."""
        event = StationEvent(event_kind, self.station, data)
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # noqa: BLE001 - a listener must never break capture
                log.exception("a station listener failed")

    def write(self, kind: str, data: Mapping[str, Any], blob: BlobRef | None = None) -> None:
        """Queue one capture-log entry (returns at once; the log commits in batches)."""
        try:
            pending = self.log.submit(kind, log_safe(dict(data)), blob=blob)
        except CaptureLogError as exc:
            self.fault = f"{exc.reason}: {exc}"
            self.publish(StationEventKind.FAULT, reason=exc.reason, message=str(exc))
            return
        with self._lock:
            if self._first is None:
                self._first = pending.seq
            self._last = max(self._last, pending.seq)
        self.publish(StationEventKind.LOGGED, seq=pending.seq, kind=kind)
        pending.add_done_callback(self._durable)

    def _durable(self, pending: PendingEntry) -> None:
        """On the log's writer thread: the signed line is on disk (or its batch failed)."""
        try:
            entry = pending.result(0)
        except CaptureLogError as exc:
            self.fault = f"{exc.reason}: {exc}"
            self.publish(StationEventKind.FAULT, reason=exc.reason, message=str(exc))
            return
        self.publish(StationEventKind.LOG_LINE, seq=entry.seq, kind=entry.kind,
                     line=entry.line)

    def start_turn(self) -> None:
        """Count sequence numbers and faults afresh for a new turn."""
        with self._lock:
            self._first, self._last, self.fault = None, -1, None

    def turn_seqs(self) -> tuple[int, int]:
        """First and last sequence number written since :meth:`start_turn`."""
        with self._lock:
            return (self._first if self._first is not None else -1), self._last
