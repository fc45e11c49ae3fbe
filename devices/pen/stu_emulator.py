"""A Wacom STU pad in software, on the replay transport, for tests and the simulated pad.

It answers the feature reports the driver uses (Status, Information, Capability, inking,
pen-data option mode, ink, writing area, clear, reset), checks the image upload protocol
(StartImageData in Ready, blocks of at most 253 bytes in Image state, EndImageData) and keeps
the picture it was sent, and plays real logged pen data as report 0x34 (or 0x01 when the
host did not ask for time and sequence). It says what it is: its transport is of kind
``EMULATOR`` and its information report names the model with an ``-SIM`` suffix.
"""

from __future__ import annotations

import logging
import struct
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from PIL import Image

from devices.clock import SessionClock
from devices.errors import DeviceError
from devices.pen import stu_protocol as stu
from devices.pen.stu_image import decode_image, expected_size
from devices.pen.stu_log import LoggedPenSample, LoggedTake
from devices.transport.base import TransportInfo, TransportKind
from devices.transport.hid_recording import RecordedReport
from devices.transport.replay import ReplayTransport

__all__ = ["PenTransform", "StuEmulator"]

log = logging.getLogger(__name__)

SUPPORTED_ENCODINGS = {stu.EncodingMode.MONO_1BIT: stu.ENCODING_FLAG_1BIT,
                       stu.EncodingMode.RGB565: stu.ENCODING_FLAG_16BIT,
                       stu.EncodingMode.BGR24: stu.ENCODING_FLAG_24BIT}


def _left(sample: LoggedPenSample) -> bool:
    """Is this the report of the pen leaving the pad's range (at (0, 0), no pressure)?"""
    return sample.x == 0 and sample.y == 0 and sample.pressure == 0


@dataclass(frozen=True)
class PenTransform:
    """Scale about the take's centre and shift, so replayed signatures differ a little."""

    scale: float = 1.0
    dx: int = 0
    dy: int = 0
    pressure_scale: float = 1.0

    @classmethod
    def variant(cls, number: int) -> PenTransform:
        """A small, deterministic variation for the ``number``-th simulated signature."""
        if number == 0:
            return cls()
        return cls(scale=1.0 + 0.04 * ((number % 5) - 2), dx=180 * ((number % 3) - 1),
                   dy=int(120 * ((number % 4) - 1.5)),
                   pressure_scale=1.0 - 0.05 * (number % 3))


class StuEmulator:
    """Device side of an STU pad: feature reports in, pen reports out."""

    def __init__(self, takes: Sequence[LoggedTake], *, product_id: int = 0x00A8,
                 transform: PenTransform | None = None, drop_sequences: frozenset[int] =
                 frozenset(), take_gap_s: float = 1.0, busy_polls: int = 1) -> None:
        if not takes:
            raise ValueError("the emulator needs at least one take to play")
        self.model = stu.STU_MODELS.get(product_id, stu.STU_MODELS[0x00A8])
        self.product_id = product_id
        width, height = self.model.screen
        flags = stu.ENCODING_FLAG_1BIT | (stu.ENCODING_FLAG_16BIT | stu.ENCODING_FLAG_24BIT
                                          if self.model.colour else 0)
        self.capability = stu.StuCapability(10800, 6480, 1023, width, height, 200, 2540, flags)
        # The model name field holds 9 characters: "STU-540" becomes "STU540SIM".
        self.information = stu.StuInformation(f"{self.model.name.replace('-', '')}SIM"[:9],
                                              1, 0, 0, b"")
        self.takes = list(takes)
        self.transform = transform or PenTransform()
        self.drop_sequences = drop_sequences
        self.take_gap_s = take_gap_s
        self.busy_polls = busy_polls
        self._lock = threading.Lock()
        self.commands: list[int] = []
        self.images_shown = 0
        self.clears = 0
        self.screen: Image.Image | None = None
        self._power_on()
        self._played = self._samples()  # computed now, not when the first report is due
        self._cursor = 0          # next sample to play, across transports (survives a replug)
        self._sequence = 0        # the pad's running sequence counter
        self._time_base = 4000    # device milliseconds at the first report

    def _power_on(self) -> None:
        self.status = stu.StatusCode.READY
        self.last_result = stu.ErrorCode.NONE
        self.busy = 0
        self.inking = True
        self.option_mode = stu.PenDataOptionMode.NONE
        self.ink: tuple[tuple[int, int, int], int] = ((0, 0, 0), 1)
        self.writing_area = (0, 0, self.model.screen[0] - 1, self.model.screen[1] - 1)
        self._image_mode: stu.EncodingMode | None = None
        self._image = bytearray()

    # -- FeatureResponder -----------------------------------------------------------------
    def get_feature(self, report_id: int, size: int) -> bytes:
        with self._lock:
            if report_id == stu.ReportId.STATUS:
                status = stu.StatusCode.CALCULATION if self.busy else self.status
                if self.busy:
                    self.busy -= 1
                return stu.StuStatus(status, self.last_result, 0).encode()[:size]
            if report_id == stu.ReportId.INFORMATION:
                return self.information.encode()[:size]
            if report_id == stu.ReportId.CAPABILITY:
                return self.capability.encode()[:size]
            if report_id == stu.ReportId.INKING_MODE:
                return bytes([report_id, int(self.inking)])[:size]
            if report_id == stu.ReportId.PEN_DATA_OPTION_MODE:
                return bytes([report_id, int(self.option_mode)])[:size]
            if report_id == stu.ReportId.HANDWRITING_DISPLAY_AREA:
                return (bytes([report_id]) + struct.pack("<4H", *self.writing_area))[:size]
            self.last_result = stu.ErrorCode.WRONG_REPORT_ID
        raise DeviceError(f"emulated STU: feature report 0x{report_id:02x} not supported",
                          reason="feature_failed")

    def _refuse(self, code: stu.ErrorCode, what: str) -> DeviceError:
        self.last_result = code
        return DeviceError(f"emulated STU refused {what}: {code.name.lower()}",
                           reason="feature_failed")

    def set_feature(self, data: bytes) -> None:
        if not data:
            raise DeviceError("empty feature report", reason="feature_failed")
        with self._lock:
            self.commands.append(data[0])
            self._set(data[0], data)
            self.last_result = stu.ErrorCode.NONE

    def _set(self, rid: int, data: bytes) -> None:  # noqa: C901 - one branch per report
        image_states = {stu.ReportId.IMAGE_DATA_BLOCK, stu.ReportId.END_IMAGE_DATA}
        if rid in image_states:
            if self.status != stu.StatusCode.IMAGE:
                raise self._refuse(stu.ErrorCode.WRONG_STATE, f"report 0x{rid:02x}")
        elif rid != stu.ReportId.RESET and (self.busy or self.status != stu.StatusCode.READY):
            raise self._refuse(stu.ErrorCode.WRONG_STATE, f"report 0x{rid:02x}")
        if rid == stu.ReportId.RESET:
            self._power_on()
        elif rid == stu.ReportId.CLEAR_SCREEN:
            self.screen = Image.new("RGB", self.model.screen, "white")
            self.clears += 1
            self.busy = self.busy_polls
        elif rid == stu.ReportId.INKING_MODE and len(data) >= 2:
            self.inking = bool(data[1])
        elif rid == stu.ReportId.PEN_DATA_OPTION_MODE and len(data) >= 2:
            if data[1] > stu.PenDataOptionMode.TIME_COUNT_SEQUENCE:
                raise self._refuse(stu.ErrorCode.BAD_PARAMETER, "pen data option mode")
            self.option_mode = stu.PenDataOptionMode(data[1])
        elif rid == stu.ReportId.HANDWRITING_THICKNESS_COLOR24 and len(data) >= 5:
            self.ink = ((data[3], data[2], data[1]), data[4])
        elif rid == stu.ReportId.HANDWRITING_DISPLAY_AREA and len(data) >= 9:
            x1, y1, x2, y2 = struct.unpack("<4H", data[1:9])
            width, height = self.model.screen
            if not (x1 < x2 < width and y1 < y2 < height):
                raise self._refuse(stu.ErrorCode.WRONG_AREA, "handwriting display area")
            self.writing_area = (x1, y1, x2, y2)
        elif rid == stu.ReportId.START_IMAGE_DATA and len(data) >= 2:
            try:
                mode = stu.EncodingMode(data[1])
            except ValueError:
                raise self._refuse(stu.ErrorCode.WRONG_ENCODING, "image encoding") from None
            if not SUPPORTED_ENCODINGS.get(mode, 0) & self.capability.encoding_flag:
                raise self._refuse(stu.ErrorCode.WRONG_ENCODING, f"image encoding {mode.name}")
            self._image_mode, self._image = mode, bytearray()
            self.status = stu.StatusCode.IMAGE
        elif rid == stu.ReportId.IMAGE_DATA_BLOCK and len(data) >= 3:
            (length,) = struct.unpack("<H", data[1:3])
            if length > stu.IMAGE_BLOCK_MAX_DATA or 3 + length > len(data):
                raise self._refuse(stu.ErrorCode.BAD_PARAMETER, f"image block of {length}")
            self._image += data[3:3 + length]
            assert self._image_mode is not None
            if len(self._image) > expected_size(self.model.screen, self._image_mode):
                raise self._refuse(stu.ErrorCode.IMAGE_TOO_LONG, "image data")
        elif rid == stu.ReportId.END_IMAGE_DATA and len(data) >= 2:
            self.status = stu.StatusCode.READY
            assert self._image_mode is not None
            if data[1] == 0:
                if len(self._image) != expected_size(self.model.screen, self._image_mode):
                    raise self._refuse(stu.ErrorCode.BAD_PARAMETER, "incomplete image")
                self.screen = decode_image(bytes(self._image), self.model.screen,
                                           self._image_mode)
                self.images_shown += 1
                self.busy = self.busy_polls
        elif rid not in (stu.ReportId.HANDWRITING_THICKNESS_COLOR, stu.ReportId.INK_THRESHOLD):
            raise self._refuse(stu.ErrorCode.WRONG_REPORT_ID, f"report 0x{rid:02x}")

    def output(self, data: bytes) -> None:
        log.debug("emulated STU ignores output report %s", data[:8].hex(" "))

    # -- pen data -------------------------------------------------------------------------
    def _samples(self) -> list[tuple[float, int, int, int, int, bool]]:
        """(seconds from start, x, y, pressure, take, in proximity) for every logged sample,
        transformed. The pad reports the pen leaving its range as (0, 0) with no pressure:
        such a row stays (0, 0) and goes out without the ready bit."""
        out = []
        offset = 0.0
        t = self.transform
        for take in self.takes:
            first = take.samples[0].time_count_ms
            near = [s for s in take.samples if not _left(s)] or take.samples
            xs = [s.x for s in near]
            ys = [s.y for s in near]
            cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
            for s in take.samples:
                if _left(s):
                    out.append((offset + (s.time_count_ms - first) / 1000, 0, 0, 0, take.number,
                                False))
                    continue
                x = round(cx + (s.x - cx) * t.scale + t.dx)
                y = round(cy + (s.y - cy) * t.scale + t.dy)
                p = round(s.pressure * t.pressure_scale)
                out.append((offset + (s.time_count_ms - first) / 1000,
                            min(max(x, 0), self.capability.max_x),
                            min(max(y, 0), self.capability.max_y),
                            min(max(p, 0), self.capability.max_pressure), take.number, True))
            offset += take.duration_ms / 1000 + self.take_gap_s
        return out

    def reports(self) -> Iterator[RecordedReport]:
        """Pen reports from the current position on, encoded per the current option mode."""
        samples = self._played
        start = samples[self._cursor][0] if self._cursor < len(samples) else 0.0
        while True:
            with self._lock:
                if self._cursor >= len(samples):
                    return
                time_s, x, y, pressure, _take, ready = samples[self._cursor]
                self._cursor += 1
                self._sequence = (self._sequence + 1) & 0xFFFF
                sequence, mode = self._sequence, self.option_mode
            if sequence in self.drop_sequences:
                continue  # lost on the way: the host sees a gap in the sequence
            time_count = (self._time_base + round(time_s * 1000)) & 0xFFFF
            pen = stu.StuPenData(ready, 1 if pressure > 0 else 0, pressure, x, y,
                                 time_count, sequence)
            report_id = (stu.ReportId.PEN_DATA_TIME_COUNT_SEQUENCE
                         if mode == stu.PenDataOptionMode.TIME_COUNT_SEQUENCE
                         else stu.ReportId.PEN_DATA)
            yield RecordedReport(time_s - start, pen.encode(report_id))

    @property
    def finished(self) -> bool:
        return self._cursor >= sum(len(t.samples) for t in self.takes)

    def unplugged(self) -> None:
        """What a replug does to the pad: it powers up again with default settings."""
        with self._lock:
            self._power_on()

    def transport(self, *, clock: SessionClock, speed: float | None = 1.0,
                  hold_open: bool = True, gone_after: int | None = None) -> ReplayTransport:
        """A transport to this pad (another one after an unplug continues the stream)."""
        info = TransportInfo(path=f"emulator:stu-{self.product_id:04x}",
                             vendor_id=stu.WACOM_VID, product_id=self.product_id,
                             name=f"Wacom {self.model.name} (simulated)",
                             kind=TransportKind.EMULATOR, serial="SIMULATED")
        return ReplayTransport(info, self.reports(), clock=clock, speed=speed, features=self,
                               hold_open=hold_open, gone_after=gone_after)
