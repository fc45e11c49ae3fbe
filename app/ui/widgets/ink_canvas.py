"""Live ink: pen samples painted as they arrive, width and shade following the pressure.

Samples are in the pen device's own units; the canvas maps the device's active area onto
itself keeping its proportions (``set_area``).  Each new sample paints one segment into a
backing image and asks Qt to repaint only the few pixels it touched, so a 200 Hz pad costs
almost nothing per frame; the strokes are kept so a resize or a language switch redraws them
exactly.  Nothing is smoothed or filtered: what is shown is what the pen sent.

The canvas only draws.  Pen input on the screen itself (a pen display, a tablet the OS drives,
the mouse in simulated mode) is :class:`~app.ui.widgets.pen_surface.PenSurface`, a subclass.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QPainter,
    QPaintEvent,
    QPen,
    QRegion,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

__all__ = ["InkArea", "InkCanvas", "InkPoint", "ink_colour", "ink_width"]

INK = QColor(12, 22, 110)
HOVER = QColor(31, 95, 168)
GUIDE = QColor("#c9ced6")
MIN_WIDTH, MAX_WIDTH = 0.9, 5.5
MARGIN = 14.0


@dataclass(frozen=True, slots=True)
class InkPoint:
    """One sample to draw: device units, pressure 0..1, pen on the surface or hovering."""

    x: float
    y: float
    pressure: float
    touching: bool
    t_ns: int = 0
    """When the sample was read (the session clock), for latency measurements."""
    in_range: bool = True
    """The pen is near enough to be tracked (False: it left; no hover mark)."""


@dataclass(frozen=True, slots=True)
class InkArea:
    """The device's active area in its units; ``aspect`` is how tall one y unit is against
    one x unit (1.0 for square units)."""

    x_min: float = 0.0
    x_max: float = 1.0
    y_min: float = 0.0
    y_max: float = 1.0
    aspect: float = 1.0

    @property
    def width(self) -> float:
        return max(self.x_max - self.x_min, 1e-9)

    @property
    def height(self) -> float:
        return max(self.y_max - self.y_min, 1e-9) * self.aspect


def ink_width(pressure: float, scale: float = 1.0) -> float:
    """Stroke width in pixels for ``pressure`` (0..1): light pressure, fine line."""
    p = min(1.0, max(0.0, pressure))
    return (MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * p ** 0.8) * scale


def ink_colour(pressure: float) -> QColor:
    """Ink shade for ``pressure``: a light touch is paler."""
    p = min(1.0, max(0.0, pressure))
    colour = QColor(INK)
    colour.setAlpha(round(90 + 165 * p ** 0.6))
    return colour


class InkCanvas(QWidget):
    """Draws strokes as samples come in; :meth:`clear` starts a blank page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(320, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.area = InkArea()
        self.fitting = True  # no area given yet: the area grows to hold the ink
        self.strokes: list[list[InkPoint]] = []
        self._open = False  # the last stroke is still being drawn
        self._hover: InkPoint | None = None
        self._image = QImage()
        self._scale = 1.0
        self._offset = QPointF()
        self.samples = 0
        self.frames = 0
        #: With a list here, each sample's latency goes into it once the paint event that
        #: covered its pixel has finished: ``painted - t_ns`` in ns (bench/ink_latency.py).
        self.latencies: list[int] | None = None
        self._unpainted: list[tuple[int, QPoint]] = []  # (t_ns, pixel) not yet painted

    # -- what is drawn --------------------------------------------------------------------
    def set_area(self, area: InkArea) -> None:
        """Map ``area`` (device units) onto the canvas; redraws what is there."""
        self.fitting = False
        if area != self.area:
            self.area = area
            self._rebuild()

    def add_rows(self, rows: Iterable[Sequence[Any]], *, pressure_max: int,
                 t_ns: int = 0) -> None:
        """Append logged pen rows (``[t_us, x, y, pressure, touching, ...]``, device units);
        with no area given, the area grows to hold them.  ``t_ns`` (``perf_counter_ns``) is
        when they reached this machine, for latency figures; the rows' own times may come
        from another machine's clock."""
        scale = 1.0 / max(pressure_max, 1)
        points = [InkPoint(float(r[1]), float(r[2]), float(r[3] or 0) * scale, bool(r[4]),
                           t_ns) for r in rows]
        if self.fitting and points:
            self._fit(points)
        self.add_points(points)

    def _fit(self, points: list[InkPoint]) -> None:
        xs = [p.x for p in points]
        ys = [p.y for p in points]
        first = not self.strokes and self._hover is None
        x0, x1 = min(xs), max(xs)
        y0, y1 = min(ys), max(ys)
        if not first:
            area = self.area
            if x0 >= area.x_min and x1 <= area.x_max and y0 >= area.y_min and y1 <= area.y_max:
                return
            x0, x1 = min(x0, area.x_min), max(x1, area.x_max)
            y0, y1 = min(y0, area.y_min), max(y1, area.y_max)
        pad = max(x1 - x0, y1 - y0, 1.0) * 0.25  # room to grow before the next refit
        self.area = InkArea(x0 - pad, x1 + pad, y0 - pad, y1 + pad)
        self._rebuild()

    def clear(self) -> None:
        """Remove every stroke (an area fitted to them is forgotten too)."""
        if self.fitting:
            self.area = InkArea()
        self.strokes = []
        self._open = False
        self._hover = None
        self.samples = 0
        self._rebuild()

    @property
    def stroke_count(self) -> int:
        return len(self.strokes)

    def add_points(self, points: Iterable[InkPoint]) -> None:
        """Append samples in order: a touching sample continues or starts a stroke, a hovering
        one ends it and shows where the pen is."""
        dirty = QRectF()
        painter: QPainter | None = None
        for point in points:
            self.samples += 1
            if self.latencies is not None and point.t_ns and point.in_range:
                self._unpainted.append((point.t_ns,
                                        self.to_widget(point.x, point.y).toPoint()))
            if not point.touching:
                self._open = False
                shown = point if point.in_range else None
                dirty = dirty.united(self._hover_rect(self._hover)).united(self._hover_rect(shown))
                self._hover = shown
                continue
            if self._hover is not None:
                dirty = dirty.united(self._hover_rect(self._hover))
                self._hover = None
            if not self._open:
                self.strokes.append([])
                self._open = True
            stroke = self.strokes[-1]
            previous = stroke[-1] if stroke else None
            stroke.append(point)
            if painter is None:
                painter = self._begin()
            if painter is not None:
                dirty = dirty.united(self._paint_segment(painter, previous, point))
        if painter is not None:
            painter.end()
        if not dirty.isEmpty():
            self.update(dirty.toAlignedRect().adjusted(-2, -2, 2, 2))

    # -- geometry -------------------------------------------------------------------------
    def _geometry(self) -> None:
        area = self.area
        width, height = self.width() - 2 * MARGIN, self.height() - 2 * MARGIN
        self._scale = max(min(width / area.width, height / area.height), 1e-9)
        self._offset = QPointF(MARGIN + (width - area.width * self._scale) / 2,
                               MARGIN + (height - area.height * self._scale) / 2)

    def to_widget(self, x: float, y: float) -> QPointF:
        """Where the device point (x, y) is on the canvas."""
        area = self.area
        return QPointF(self._offset.x() + (x - area.x_min) * self._scale,
                       self._offset.y() + (y - area.y_min) * area.aspect * self._scale)

    def to_device(self, point: QPointF) -> tuple[float, float]:
        """The device point under the canvas point ``point`` (the inverse of to_widget)."""
        area = self.area
        return (area.x_min + (point.x() - self._offset.x()) / self._scale,
                area.y_min + (point.y() - self._offset.y()) / (self._scale * area.aspect))

    def writing_rect(self) -> QRectF:
        """The device's area on the canvas."""
        area = self.area
        return QRectF(self._offset, QSize(round(area.width * self._scale),
                                          round(area.height * self._scale)).toSizeF())

    def _pixels(self) -> float:
        # Pen widths grow a little with the canvas so a full-screen signature is not hairline.
        return max(0.8, min(2.5, self.width() / 500))

    # -- painting -------------------------------------------------------------------------
    def _begin(self) -> QPainter | None:
        if self._image.isNull():
            return None
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        return painter

    def _paint_segment(self, painter: QPainter, previous: InkPoint | None,
                       point: InkPoint) -> QRectF:
        to = self.to_widget(point.x, point.y)
        pressure = point.pressure if previous is None else (point.pressure + previous.pressure) / 2
        width = ink_width(pressure, self._pixels())
        pen = QPen(ink_colour(pressure), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                   Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        if previous is None:
            painter.drawPoint(to)
            start = to
        else:
            start = self.to_widget(previous.x, previous.y)
            painter.drawLine(start, to)
        pad = width / 2 + 1
        return QRectF(start, to).normalized().adjusted(-pad, -pad, pad, pad)

    def _hover_rect(self, point: InkPoint | None) -> QRectF:
        if point is None:
            return QRectF()
        at = self.to_widget(point.x, point.y)
        return QRectF(at.x() - 6, at.y() - 6, 12, 12)

    def _background(self, painter: QPainter) -> None:
        painter.fillRect(self._image.rect(), QColor("white"))
        rect = self.writing_rect()
        painter.setPen(QPen(GUIDE, 1, Qt.PenStyle.DashLine))
        painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        base = rect.top() + rect.height() * 0.78
        painter.setPen(QPen(GUIDE, 1.5))
        painter.drawLine(QPointF(rect.left() + rect.width() * 0.06, base),
                         QPointF(rect.right() - rect.width() * 0.06, base))

    def _rebuild(self) -> None:
        """Redraw everything into a fresh backing image (new size, new area, clear)."""
        self._geometry()
        ratio = self.devicePixelRatioF()
        size = QSize(max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio)))
        self._image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        self._image.setDevicePixelRatio(ratio)
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._background(painter)
        for stroke in self.strokes:
            previous = None
            for point in stroke:
                self._paint_segment(painter, previous, point)
                previous = point
        painter.end()
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        self._rebuild()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        if self._image.isNull():
            self._rebuild()
        painter = QPainter(self)
        rect = QRectF(event.rect())
        ratio = self._image.devicePixelRatio()
        painter.drawImage(rect, self._image, QRectF(rect.x() * ratio, rect.y() * ratio,
                                                    rect.width() * ratio, rect.height() * ratio))
        if self._hover is not None:
            at = self.to_widget(self._hover.x, self._hover.y)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(HOVER, 1.5))
            painter.drawEllipse(at, 4.0, 4.0)
        painter.end()
        self.frames += 1
        if self._unpainted and self.latencies is not None:
            self._painted(event.region())

    def _painted(self, region: QRegion) -> None:
        """The samples whose pixel this paint covered are on screen now; a pixel outside the
        canvas is never painted and is dropped."""
        now = time.perf_counter_ns()
        inside = self.rect()
        waiting = []
        for t_ns, pixel in self._unpainted:
            if region.contains(pixel):
                self.latencies.append(now - t_ns)  # type: ignore[union-attr]
            elif inside.contains(pixel):
                waiting.append((t_ns, pixel))
        self._unpainted = waiting
