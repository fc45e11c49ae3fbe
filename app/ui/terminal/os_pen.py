"""The screen as a pad: pen samples from a pen display or tablet the OS drives, or from the
mouse in simulated mode, fed to the station like any pad's.

:class:`ScreenPad` has the interface the station uses of :class:`devices.pen.Pad` (start,
stop, clear, close, capabilities, info, show_prompt).  Its samples come from a
:class:`~app.ui.widgets.pen_surface.PenSurface` on the GUI thread; what it is goes into the
capture log (``device.pad``: name, ``source`` ``os-tablet`` or ``mouse``, ``simulated`` for the
mouse), and each sample keeps the OS event's own time as ``device_time`` (milliseconds).

The pen protocol is recorded as ``hid-digitizer`` because the pen layer's list has no entry
for "whatever the OS reports" yet; ``capabilities.notes`` and ``info.details["source"]`` say
what it really was, so nothing is hidden.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.ui.widgets.ink_canvas import InkArea
from app.ui.widgets.pen_surface import UNITS_PER_MM, SurfaceInput, SurfaceSample
from devices.clock import SessionClock
from devices.discovery import DeviceInfo, DeviceKind
from devices.pen import (
    AxisRange,
    PadEvent,
    PadEventKind,
    PenButtons,
    PenCapabilities,
    PenProtocol,
    PenSample,
)
from devices.pen.sample import WrapCounter

__all__ = ["PRESSURE_LEVELS", "ScreenPad", "screen_capabilities"]

#: Qt gives pressure as a float 0..1; it is kept as 1024 levels, like most pen displays.
PRESSURE_LEVELS = 1024
TILT_RANGE = 60


def screen_capabilities(area: InkArea, source: SurfaceInput, device: str) -> PenCapabilities:
    """What the screen pad reports: the surface in 1/100 mm, pressure in 1024 levels (the
    mouse has none), tilt in degrees for a tablet."""
    tablet = source is SurfaceInput.TABLET
    tilt = AxisRange(-TILT_RANGE, TILT_RANGE, 1.0) if tablet else None
    notes = ("source: pen events reported by the operating system (Qt tablet events), "
             "coordinates in 1/100 mm of the screen surface",) if tablet else (
        "source: the mouse (simulated mode); no pressure, no tilt, no proximity",)
    return PenCapabilities(
        name=(f"OS tablet: {device}" if tablet else "Mouse (simulated pen)"),
        protocol=PenProtocol.HID_DIGITIZER, vendor_id=None, product_id=None,
        x=AxisRange(0, int(area.x_max), float(UNITS_PER_MM)),
        y=AxisRange(0, int(area.y_max), float(UNITS_PER_MM)),
        pressure=AxisRange(0, PRESSURE_LEVELS - 1), tilt_x=tilt, tilt_y=tilt,
        device_time_unit_s=0.001, simulated=not tablet, notes=notes)


class ScreenPad:
    """A pad whose samples come from the screen (see the module docstring)."""

    def __init__(self, source: SurfaceInput, area: InkArea, device: str, *,
                 clock: SessionClock, on_sample: Callable[[PenSample], None],
                 on_event: Callable[[PadEvent], None]) -> None:
        self.source = source
        self.capabilities = screen_capabilities(area, source, device)
        self.info = DeviceInfo(
            kind=DeviceKind.PAD, name=self.capabilities.name, path=f"screen:{source.value}",
            simulated=self.capabilities.simulated,
            details={"source": source.value, "device": device, "protocol": "os-pointer",
                     "units_per_mm": UNITS_PER_MM})
        self._clock = clock
        self._on_sample = on_sample
        self._on_event = on_event
        self._lock = threading.Lock()
        self._running = False
        self._closed = False
        self._time = WrapCounter(bits=32)  # Qt's event time is a 32-bit millisecond counter
        self.samples = 0

    @property
    def has_display(self) -> bool:
        return False

    def _event(self, kind: PadEventKind, message: str) -> None:
        self._on_event(PadEvent(kind, self._clock.now_ns(), message))

    def start(self) -> None:
        with self._lock:
            if self._running or self._closed:
                return
            self._running = True
        self._event(PadEventKind.STARTED, f"{self.capabilities.name}: capture started")

    def stop(self) -> None:
        with self._lock:
            if not self._running:
                return
            self._running = False
        self._event(PadEventKind.STOPPED, f"{self.capabilities.name}: capture stopped")

    def close(self) -> None:
        self.stop()
        with self._lock:
            self._closed = True

    def clear(self) -> None:
        """Nothing to clear on the device: the screen's ink is the window's."""

    def show_prompt(self, signer: str, font_path: object, **text: str) -> bool:
        return False  # the prompt is on the same screen, shown by the window

    def measured_report_rate_hz(self) -> float | None:
        return None

    def feed(self, sample: SurfaceSample) -> None:
        """A sample from the surface (GUI thread); dropped unless capturing."""
        with self._lock:
            if not self._running:
                return
            self.samples += 1
        caps = self.capabilities
        x = min(max(round(sample.x), 0), caps.x.maximum)
        y = min(max(round(sample.y), 0), caps.y.maximum)
        level = round(min(max(sample.pressure, 0.0), 1.0) * (PRESSURE_LEVELS - 1))
        buttons = PenButtons.NONE
        if sample.barrel:
            buttons |= PenButtons.BARREL
        if sample.eraser:
            buttons |= PenButtons.ERASER
        self._on_sample(PenSample(
            x=x, y=y, x_mm=caps.x.to_mm(x), y_mm=caps.y.to_mm(y), pressure=level,
            pressure_norm=level / (PRESSURE_LEVELS - 1),
            tilt_x=None if sample.tilt_x is None else round(sample.tilt_x),
            tilt_y=None if sample.tilt_y is None else round(sample.tilt_y),
            buttons=buttons, in_range=sample.in_range, touching=sample.touching,
            device_time=self._time.update(sample.event_ms & 0xFFFFFFFF), sequence=None,
            t_ns=self._clock.now_ns()))
