"""Pen input on the screen itself: a pen display or a tablet the operating system drives (Qt
tablet events with pressure and tilt), or the mouse where that is allowed (simulated mode).

A :class:`PenSurface` is an :class:`~app.ui.widgets.ink_canvas.InkCanvas` that, while a sink
is attached, turns every pen event over it into a :class:`SurfaceSample` in the canvas's
device units (hundredths of a millimetre of screen, so the ink lands under the pen) and
hands it to the sink.  It paints nothing itself: the ink comes back through the station like
any pad's, so the screen shows exactly what was logged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QInputDevice, QMouseEvent, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QWidget

from app.ui.widgets.ink_canvas import InkArea, InkCanvas

__all__ = ["UNITS_PER_MM", "PenSurface", "SurfaceInput", "SurfaceSample"]

#: Device units of the screen surface: 1/100 mm, the resolution ISO/IEC 19794-7 tracks use.
UNITS_PER_MM = 100
#: The mouse has no pressure: a drag is drawn as a steady medium press (and logged as such).
MOUSE_PRESSURE = 0.6


class SurfaceInput(StrEnum):
    """Which kind of pointer wrote a sample."""

    TABLET = "os-tablet"   # a pen display or tablet reported by the OS (QTabletEvent)
    MOUSE = "mouse"        # the mouse: simulated mode only, no pressure


@dataclass(frozen=True, slots=True)
class SurfaceSample:
    """One pen event over the surface, in its device units."""

    input: SurfaceInput
    x: float
    y: float
    pressure: float          # 0..1 (the mouse has none: a constant while a button is down)
    tilt_x: float | None     # degrees, -60..60 (None when the device has no tilt)
    tilt_y: float | None
    touching: bool
    in_range: bool
    eraser: bool
    barrel: bool
    event_ms: int            # the event's own timestamp (ms, the windowing system's clock)
    device: str              # the pointing device's name as the OS gives it
    device_id: int


Sink = Callable[[SurfaceSample], None]


def _tilt_capable(device: QPointingDevice) -> bool:
    return bool(device.capabilities() & QInputDevice.Capability.XTilt)


class PenSurface(InkCanvas):
    """Ink canvas that also captures the pen (and, when allowed, the mouse) over it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TabletTracking)  # hover: the pen in range
        self._sink: Sink | None = None
        self._mouse = False
        self._mouse_down = False
        self.ignored_mouse = 0  # mouse events refused while only a pen may write

    @property
    def capturing(self) -> bool:
        return self._sink is not None

    def dots_per_mm(self) -> float:
        """Logical pixels per millimetre of the screen the surface is on."""
        screen = self.screen()
        dpi = screen.physicalDotsPerInch() if screen is not None else 96.0
        return max(dpi, 30.0) / 25.4

    def surface_area(self) -> InkArea:
        """The whole canvas in surface units: what a capture starting now maps onto."""
        units = UNITS_PER_MM / self.dots_per_mm()
        return InkArea(0.0, round(self.width() * units), 0.0, round(self.height() * units))

    def attach(self, sink: Sink, *, mouse: bool) -> InkArea:
        """Start handing pen events to ``sink`` (``mouse``: the mouse writes too); the area
        the samples are in, which the canvas now shows."""
        area = self.surface_area()
        self.set_area(area)
        self._sink, self._mouse, self._mouse_down = sink, mouse, False
        return area

    def detach(self) -> None:
        """Stop capturing."""
        self._sink, self._mouse_down = None, False

    # -- events ---------------------------------------------------------------------------
    def _emit(self, sample: SurfaceSample) -> None:
        sink = self._sink
        if sink is not None:
            sink(sample)

    def _units(self, position: QPointF) -> tuple[float, float]:
        return self.to_device(position)

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802 - Qt's name
        if self._sink is None:
            event.ignore()
            return
        kind = event.type()
        if kind not in (QEvent.Type.TabletPress, QEvent.Type.TabletMove,
                        QEvent.Type.TabletRelease):
            event.ignore()
            return
        device = event.pointingDevice()
        touching = kind != QEvent.Type.TabletRelease and bool(
            event.buttons() & Qt.MouseButton.LeftButton)
        x, y = self._units(event.position())
        tilt = _tilt_capable(device)
        self._emit(SurfaceSample(
            SurfaceInput.TABLET, x, y, float(event.pressure()) if touching else 0.0,
            float(event.xTilt()) if tilt else None, float(event.yTilt()) if tilt else None,
            touching, True, device.pointerType() == QPointingDevice.PointerType.Eraser,
            bool(event.buttons() & (Qt.MouseButton.RightButton | Qt.MouseButton.MiddleButton)),
            int(event.timestamp()), device.name(), int(device.uniqueId().numericId())))
        event.accept()

    def _mouse_sample(self, event: QMouseEvent, touching: bool) -> None:
        device = event.pointingDevice()
        if device.type() != QInputDevice.DeviceType.Mouse:
            event.ignore()  # a pen or touch synthesised into a mouse event: handled as such
            return
        if self._sink is None or not self._mouse:
            self.ignored_mouse += self._sink is not None
            event.ignore()
            return
        x, y = self._units(event.position())
        self._emit(SurfaceSample(SurfaceInput.MOUSE, x, y, MOUSE_PRESSURE if touching else 0.0,
                                 None, None,
                                 touching, True, False, False, int(event.timestamp()),
                                 device.name() or "mouse", int(device.systemId())))
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton:
            self._mouse_down = True
            self._mouse_sample(event, True)
        else:
            event.ignore()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        # A mouse has no proximity: only drags are pen samples, never a hovering pointer.
        if self._mouse_down:
            self._mouse_sample(event, True)
        else:
            event.ignore()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton and self._mouse_down:
            self._mouse_down = False
            self._mouse_sample(event, False)
        else:
            event.ignore()
