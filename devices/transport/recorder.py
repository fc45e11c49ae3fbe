"""Capture what a device sends into a ``.hid`` file while a driver uses it.

``RecordingTransport`` wraps any transport: the driver runs unchanged on top, and every
input report it reads is appended as an ``E:`` line (time since the first read), every
feature report the device answered as an ``# inkseal-feature:`` line. A field engineer
can so send us a real pad's stream, and the file replays through ``replay_file``.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TextIO

from devices.clock import SessionClock
from devices.errors import DeviceError
from devices.transport.base import HidTransport, InputReport
from devices.transport.hid_recording import format_event, format_header, write_feature

__all__ = ["RecordingTransport"]

log = logging.getLogger(__name__)


class RecordingTransport:
    """A transport that forwards to ``inner`` and writes everything it reads to ``out``."""

    def __init__(self, inner: HidTransport, out: Path | str | TextIO, *,
                 clock: SessionClock, comments: tuple[str, ...] = ()) -> None:
        self.inner = inner
        self.info = inner.info
        self.clock = clock
        self._owns_file = isinstance(out, (str, Path))
        self._out: TextIO = (open(out, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
                             if isinstance(out, (str, Path)) else out)
        self._lock = threading.Lock()
        self._first_ns: int | None = None
        self.recorded = 0
        try:
            descriptor = inner.report_descriptor()
        except DeviceError as exc:
            log.warning("%s: no report descriptor to record: %s", self.info.path, exc)
            descriptor = None
        stamp = clock.wall_datetime(clock.now_ns()).isoformat(timespec="seconds")
        header = format_header(
            descriptor=descriptor, name=self.info.name, phys=self.info.path, bus=self.info.bus,
            vendor_id=self.info.vendor_id, product_id=self.info.product_id,
            comments=(f"recorded by inkseal {stamp} from {self.info.kind.value} "
                      f"{self.info.path}", *comments))
        with self._lock:
            for line in header:
                self._out.write(line + "\n")
            self._out.flush()

    def report_descriptor(self) -> bytes | None:
        return self.inner.report_descriptor()

    def read(self, timeout_ms: int) -> InputReport | None:
        report = self.inner.read(timeout_ms)
        if report is not None:
            with self._lock:
                if self._first_ns is None:
                    self._first_ns = report.t_ns
                if not self._out.closed:
                    self._out.write(format_event((report.t_ns - self._first_ns) / 1e9,
                                                 report.data) + "\n")
                    self.recorded += 1
                    if self.recorded % 200 == 0:
                        self._out.flush()  # a crash loses at most a second of pen data
        return report

    def write(self, data: bytes) -> int:
        return self.inner.write(data)

    def get_feature_report(self, report_id: int, size: int) -> bytes:
        data = self.inner.get_feature_report(report_id, size)
        with self._lock:
            if not self._out.closed:
                write_feature(self._out, data)
        return data

    def send_feature_report(self, data: bytes) -> int:
        return self.inner.send_feature_report(data)

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            with self._lock:
                if not self._out.closed:
                    self._out.flush()
                    if self._owns_file:
                        self._out.close()
