"""The reader thread every pen driver uses: read, decode, publish, survive.

One thread per open device reads input reports with a short timeout (so ``stop`` always
returns promptly), hands each to the driver's decoder, and turns trouble into events:
an undecodable report is logged and skipped, an unplugged device is reported and, when the
driver gave a way to reopen it, reopened in the background; the end of a replay is an event.
Callbacks run on this thread; an exception in one is logged and never stops the capture.
"""

from __future__ import annotations

import logging
import statistics
import threading
from collections import deque
from collections.abc import Callable

from devices.clock import SessionClock
from devices.errors import DeviceError, DeviceGone, ProtocolError
from devices.pen.events import EventCallback, PadEvent, PadEventKind
from devices.transport.base import HidTransport, InputReport
from devices.transport.replay import END_OF_RECORDING

__all__ = ["ReportPump"]

log = logging.getLogger(__name__)

ReportHandler = Callable[[InputReport], None]
Reopener = Callable[[], HidTransport]


class ReportPump:
    """Reads ``transport`` on its own thread and passes each input report to ``handle``."""

    def __init__(self, transport: HidTransport, handle: ReportHandler, *, clock: SessionClock,
                 on_event: EventCallback, name: str, poll_ms: int = 20,
                 reopen: Reopener | None = None,
                 on_reopened: Callable[[HidTransport], None] | None = None,
                 reopen_interval_s: float = 0.5) -> None:
        self.transport = transport
        self.handle = handle
        self.clock = clock
        self.on_event = on_event
        self.name = name
        self.poll_ms = poll_ms
        self.reopen = reopen
        self.on_reopened = on_reopened
        self.reopen_interval_s = reopen_interval_s
        self.reports = 0
        self.skipped = 0
        self._intervals: deque[int] = deque(maxlen=512)
        self._last_t_ns: int | None = None
        self.finished = threading.Event()  # set when the thread has ended, for any reason
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self.finished.clear()
        self._thread = threading.Thread(target=self._run, name=f"pen-reader {self.name}",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 2.0) -> bool:
        """Ask the thread to end and wait for it; False if it did not end in time."""
        self._stop.set()
        thread = self._thread
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(timeout_s)
        if thread.is_alive():
            log.error("%s: reader thread did not stop within %.1f s", self.name, timeout_s)
            return False
        self._thread = None
        return True

    def measured_rate_hz(self) -> float | None:
        """Reports per second, from the median interval of the last 512 reports read.

        HID descriptors do not state a report rate, and vendors' figures disagree with the
        wire, so this is the figure to record. Pauses (pen away) do not skew a median.
        """
        intervals = [i for i in self._intervals if i > 0]
        if len(intervals) < 8:
            return None
        return 1e9 / statistics.median(intervals)

    def emit(self, kind: PadEventKind, message: str, reason: str | None = None,
             **data: object) -> None:
        event = PadEvent(kind, self.clock.now_ns(), message, reason, data)
        try:
            self.on_event(event)
        except Exception:  # noqa: BLE001 - a broken listener must not end the capture
            log.exception("%s: event callback failed on %s", self.name, kind)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    report = self.transport.read(self.poll_ms)
                except DeviceGone as exc:
                    if exc.reason == END_OF_RECORDING:
                        self.emit(PadEventKind.END_OF_STREAM, str(exc), exc.reason,
                                  reports=self.reports, skipped=self.skipped)
                        return
                    if self._stop.is_set():
                        return
                    self.emit(PadEventKind.UNPLUGGED, f"{self.name}: {exc}", exc.reason)
                    if not self._reconnect():
                        return
                    continue
                except DeviceError as exc:
                    self.emit(PadEventKind.ERROR, f"{self.name}: {exc}", exc.reason)
                    self._stop.wait(self.poll_ms / 1000)
                    continue
                if report is None:
                    continue
                self.reports += 1
                if self._last_t_ns is not None:
                    self._intervals.append(report.t_ns - self._last_t_ns)
                self._last_t_ns = report.t_ns
                try:
                    self.handle(report)
                except ProtocolError as exc:
                    self.skipped += 1
                    if self.skipped <= 10 or self.skipped % 100 == 0:
                        log.warning("%s: report skipped (%s, %d so far): %s", self.name,
                                    exc.reason, self.skipped, report.data.hex(" ")[:96])
                    self.emit(PadEventKind.REPORT_SKIPPED, str(exc), exc.reason,
                              report=report.data.hex(), skipped=self.skipped)
                except Exception:  # noqa: BLE001 - a listener's bug must not end the capture
                    log.exception("%s: sample handling failed", self.name)
        finally:
            self.finished.set()

    def _reconnect(self) -> bool:
        """Close the dead transport and reopen until it works or we are stopped."""
        try:
            self.transport.close()
        except DeviceError:
            pass
        if self.reopen is None:
            return False
        attempt = 0
        while not self._stop.wait(self.reopen_interval_s if attempt else 0):
            attempt += 1
            try:
                transport = self.reopen()
            except DeviceError as exc:
                log.debug("%s: reopen attempt %d failed: %s", self.name, attempt, exc)
                continue
            self.transport = transport
            try:
                if self.on_reopened is not None:
                    self.on_reopened(transport)
            except DeviceError as exc:
                log.warning("%s: reopened but set-up failed: %s", self.name, exc)
                try:
                    transport.close()
                except DeviceError:
                    pass
                continue
            self.emit(PadEventKind.RECONNECTED, f"{self.name}: reconnected after "
                      f"{attempt} attempt(s)", attempts=attempt)
            return True
        return False
