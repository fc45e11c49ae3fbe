"""A signature drawn up to a moment of its replay: width follows pressure, the pen's place is
marked while it hovers, and nothing is smoothed."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.ui.verifier.signature_ink import SignatureInk

__all__ = ["InkCanvas"]

INK = QColor(0, 0, 110)
HOVER = QColor(31, 95, 168)
MIN_WIDTH, MAX_WIDTH = 0.8, 4.0


class InkCanvas(QWidget):
    """Paints ``signature`` up to sample ``count`` (all of it by default)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verifier-ink")
        self.setMinimumSize(280, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.signature: SignatureInk | None = None
        self.count = 0

    def set_signature(self, signature: SignatureInk | None) -> None:
        self.signature = signature
        self.count = len(signature.points) if signature is not None else 0
        self.update()

    def set_count(self, count: int) -> None:
        """Draw the first ``count`` samples."""
        if count != self.count:
            self.count = count
            self.update()

    def _mapping(self) -> tuple[float, float, float, float, float] | None:
        signature = self.signature
        if signature is None:
            return None
        x0, y0, x1, y1 = signature.bounds
        span_x = max(x1 - x0, 1)
        span_y = max(y1 - y0, 1) * signature.aspect
        margin = 16.0
        width, height = self.width() - 2 * margin, self.height() - 2 * margin
        scale = min(width / span_x, height / span_y)
        off_x = margin + (width - span_x * scale) / 2
        off_y = margin + (height - span_y * scale) / 2
        return off_x, off_y, scale, float(x0), float(y0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QPen(QColor("#c9ced6"), 1))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        mapping = self._mapping()
        if mapping is None or self.signature is None:
            painter.end()
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        off_x, off_y, scale, x0, y0 = mapping
        aspect = self.signature.aspect

        def place(x: int, y: int) -> QPointF:
            return QPointF(off_x + (x - x0) * scale, off_y + (y - y0) * aspect * scale)

        previous: QPointF | None = None
        last = None
        for point in self.signature.points[:self.count]:
            last = point
            if not point.touching:
                previous = None
                continue
            here = place(point.x, point.y)
            width = MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * point.pressure
            pen = QPen(INK, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                       Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            if previous is None:
                painter.drawPoint(here)
            else:
                painter.drawLine(previous, here)
            previous = here
        if last is not None and self.count < len(self.signature.points):
            # Where the pen is now: a ring while it hovers, a dot while it writes.
            painter.setPen(QPen(HOVER, 1.5))
            painter.setBrush(HOVER if last.touching else Qt.BrushStyle.NoBrush)
            painter.drawEllipse(place(last.x, last.y), 4.0, 4.0)
        painter.end()
