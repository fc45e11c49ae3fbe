"""The camera's preview: the newest frame scaled to fit, marked when the camera is simulated."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.ui.i18n import Retranslating

__all__ = ["CameraView"]

SIMULATED = QColor("#b3261e")


class CameraView(Retranslating, QWidget):
    """Paints the last preview frame (JPEG); says so when there is none yet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.image = QImage()
        self.simulated = False
        self.frames = 0
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Camera picture"))
        self._waiting = self.tr("No camera picture yet")
        self._badge = self.tr("SIMULATED CAMERA")
        self.update()

    def show_frame(self, jpeg: bytes, simulated: bool) -> bool:
        """Show one JPEG frame; False if it does not decode (the last good one stays)."""
        image = QImage.fromData(jpeg, "JPEG")
        if image.isNull():
            return False
        self.image, self.simulated = image, simulated
        self.frames += 1
        self.update()
        return True

    def clear(self) -> None:
        self.image = QImage()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#1b1f24"))
        if self.image.isNull():
            painter.setPen(QColor("#c9ced6"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self._waiting)
            painter.end()
            return
        scale = min(self.width() / self.image.width(), self.height() / self.image.height())
        width, height = self.image.width() * scale, self.image.height() * scale
        target = QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, self.image)
        if self.simulated:
            metrics = painter.fontMetrics()
            box = QRectF(target.left() + 6, target.top() + 6,
                         metrics.horizontalAdvance(self._badge) + 12, metrics.height() + 6)
            painter.fillRect(box, SIMULATED)
            painter.setPen(QPen(QColor("white")))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self._badge)
        painter.end()
