"""A transport that plays recorded input reports, in real time or as fast as possible.

Underneath the same driver code as a real device: reports come out of ``read`` with their
recorded spacing (scaled by ``speed``), or back to back when ``speed`` is ``None``; whatever
the driver writes (feature and output reports) is kept in ``written`` for inspection, and
feature reads are answered from the recording's ``# inkseal-feature:`` lines or by a
``FeatureResponder`` such as the STU emulator.

At the end of the stream ``read`` raises ``DeviceGone(reason="end_of_recording")``, or, with
``hold_open=True``, keeps returning ``None`` like an idle device.

In real time a slow reader meets what it would meet on a real device: with ``buffer_limit``
set (64 is hidraw's per-reader ring), reports that come due while that many are already
waiting are dropped and counted in ``dropped``, as the kernel drops them.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from devices.clock import SessionClock
from devices.errors import DeviceGone, ProtocolError
from devices.transport.base import InputReport, TransportInfo, TransportKind
from devices.transport.hid_recording import HidRecording, RecordedReport, read_recording
from devices.transport.usbhid_dump import is_usbhid_dump, read_usbhid_dump

__all__ = ["END_OF_RECORDING", "FeatureResponder", "ReplayTransport", "load_recording",
           "replay_file"]

END_OF_RECORDING = "end_of_recording"


class FeatureResponder(Protocol):
    """The device side of feature and output reports (an emulator, or recorded answers)."""

    def get_feature(self, report_id: int, size: int) -> bytes: ...

    def set_feature(self, data: bytes) -> None: ...

    def output(self, data: bytes) -> None: ...


class RecordedFeatures:
    """Answers feature reads with the bytes a recording captured; accepts every write."""

    def __init__(self, features: Mapping[int, bytes], source: str) -> None:
        self.features = dict(features)
        self.source = source

    def get_feature(self, report_id: int, size: int) -> bytes:
        try:
            return self.features[report_id][:size]
        except KeyError:
            raise ProtocolError(
                f"{self.source}: feature report 0x{report_id:02x} was not recorded",
                reason="feature_not_recorded", device=self.source) from None

    def set_feature(self, data: bytes) -> None:
        pass

    def output(self, data: bytes) -> None:
        pass


class ReplayTransport:
    """Plays ``reports`` (time in seconds from the start, bytes) as a HID device would."""

    def __init__(self, info: TransportInfo, reports: Iterable[RecordedReport], *,
                 clock: SessionClock, descriptor: bytes | None = None,
                 speed: float | None = 1.0, features: FeatureResponder | None = None,
                 hold_open: bool = False, gone_after: int | None = None,
                 buffer_limit: int | None = None) -> None:
        if speed is not None and speed <= 0:
            raise ValueError("speed must be positive, or None for as fast as possible")
        self.info = info
        self.clock = clock
        self.speed = speed
        self.hold_open = hold_open
        self.gone_after = gone_after
        self.features = features or RecordedFeatures({}, info.path)
        self.written: list[tuple[str, bytes]] = []
        self.delivered = 0
        self.dropped = 0
        self.buffer_limit = buffer_limit
        self.lateness_ns: list[int] = []  # read time minus due time, real-time mode only
        self._due: deque[tuple[int, bytes]] = deque()
        self._descriptor = descriptor
        self._reports: Iterator[RecordedReport] = iter(reports)
        self._pending: RecordedReport | None = None
        self._start_ns: int | None = None
        self._closed = threading.Event()
        self._lock = threading.Lock()

    # -- HidTransport -------------------------------------------------------------------
    def report_descriptor(self) -> bytes | None:
        return self._descriptor

    def read(self, timeout_ms: int) -> InputReport | None:
        if self._closed.is_set():
            raise DeviceGone(f"{self.info.path}: transport closed", device=self.info.path)
        if self.gone_after is not None and self.delivered >= self.gone_after:
            raise DeviceGone(f"{self.info.path}: device unplugged", device=self.info.path,
                             reason="unplugged")
        if self.speed is not None and self.buffer_limit is not None:
            with self._lock:
                if self._start_ns is None:
                    self._start_ns = self.clock.now_ns()
            return self._read_buffered(timeout_ms)
        with self._lock:
            if self._start_ns is None:
                self._start_ns = self.clock.now_ns()
            if self._pending is None:
                self._pending = next(self._reports, None)
            pending, start = self._pending, self._start_ns
        if pending is None:
            if self.hold_open:
                self._closed.wait(timeout_ms / 1000)
                return None
            raise DeviceGone(f"{self.info.path}: end of the recording", device=self.info.path,
                             reason=END_OF_RECORDING)
        if self.speed is None:
            # As fast as possible: the report keeps its recorded place on a virtual timeline.
            t_ns = start + int(pending.time_s * 1e9)
        else:
            due = start + int(pending.time_s / self.speed * 1e9)
            wait_ns = due - self.clock.now_ns()
            if wait_ns > 0:
                if wait_ns > timeout_ms * 1_000_000:
                    self._closed.wait(timeout_ms / 1000)
                    return None
                if self._closed.wait(wait_ns / 1e9):
                    raise DeviceGone(f"{self.info.path}: transport closed",
                                     device=self.info.path)
            t_ns = self.clock.now_ns()
        with self._lock:
            self._pending = None
            self.delivered += 1
        return InputReport(pending.data, t_ns)

    def _read_buffered(self, timeout_ms: int) -> InputReport | None:
        """Real time with a bounded device buffer: due reports queue up, overflow is dropped."""
        assert self.speed is not None and self._start_ns is not None
        deadline = self.clock.now_ns() + timeout_ms * 1_000_000
        while True:
            with self._lock:
                if self._pending is None:
                    self._pending = next(self._reports, None)
                now = self.clock.now_ns()
                while self._pending is not None:
                    due = self._start_ns + int(self._pending.time_s / self.speed * 1e9)
                    if due > now:
                        break
                    if len(self._due) < self.buffer_limit:  # type: ignore[operator]
                        self._due.append((due, self._pending.data))
                    else:
                        self.dropped += 1
                    self._pending = next(self._reports, None)
                if self._due:
                    due, data = self._due.popleft()
                    self.delivered += 1
                    self.lateness_ns.append(now - due)
                    return InputReport(data, now)
                if self._pending is None:
                    break
                next_due = self._start_ns + int(self._pending.time_s / self.speed * 1e9)
            if next_due > deadline:
                self._closed.wait(max(0, deadline - now) / 1e9)
                return None
            if self._closed.wait(max(0, next_due - now) / 1e9):
                raise DeviceGone(f"{self.info.path}: transport closed", device=self.info.path)
        if self.hold_open:
            return None
        raise DeviceGone(f"{self.info.path}: end of the recording", device=self.info.path,
                         reason=END_OF_RECORDING)

    def write(self, data: bytes) -> int:
        self._check_open()
        self.written.append(("output", bytes(data)))
        self.features.output(bytes(data))
        return len(data)

    def get_feature_report(self, report_id: int, size: int) -> bytes:
        self._check_open()
        return self.features.get_feature(report_id, size)

    def send_feature_report(self, data: bytes) -> int:
        self._check_open()
        self.written.append(("feature", bytes(data)))
        self.features.set_feature(bytes(data))
        return len(data)

    def close(self) -> None:
        self._closed.set()

    # -- helpers ------------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def _check_open(self) -> None:
        if self._closed.is_set():
            raise DeviceGone(f"{self.info.path}: transport closed", device=self.info.path)


def load_recording(path: Path | str, *, descriptor: bytes | None = None) -> HidRecording:
    """A hid-recorder file or usbhid-dump output; ``descriptor`` replaces the file's own."""
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(200).decode("ascii", errors="replace")
    if is_usbhid_dump(head):
        return read_usbhid_dump(path, descriptor=descriptor)
    recording = read_recording(path)
    if descriptor is not None:
        recording = replace(recording, descriptor=descriptor)
    return recording


def replay_file(path: Path | str, *, clock: SessionClock, speed: float | None = 1.0,
                recording: HidRecording | None = None, **kwargs: object) -> ReplayTransport:
    """A replay transport for a recording (its descriptor, identity and recorded features)."""
    recording = recording or load_recording(path)
    info = TransportInfo(
        path=str(path), vendor_id=recording.vendor_id or 0, product_id=recording.product_id or 0,
        name=recording.name or Path(path).name, kind=TransportKind.REPLAY,
        bus=recording.bus if recording.bus is not None else 3)
    return ReplayTransport(info, recording.reports, clock=clock, descriptor=recording.descriptor,
                           speed=speed, features=RecordedFeatures(recording.features, str(path)),
                           **kwargs)  # type: ignore[arg-type]
