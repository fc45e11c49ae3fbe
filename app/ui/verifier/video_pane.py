"""The recording's frame at the replay position, scaled to fit, or why there is none."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from app.ui.i18n import Retranslating
from app.ui.style import set_role

__all__ = ["VideoPane"]


class VideoPane(Retranslating, QWidget):
    """The recording's frame at the replay position, scaled to fit, or why there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verifier-video")
        self.picture = QLabel(self)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(240, 180)
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.picture.setStyleSheet("background: #101214;")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.message, "placeholder")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.picture)
        self.caption = QLabel(self)
        set_role(self.caption, "hint")
        self.caption.setWordWrap(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.stack, 1)
        column.addWidget(self.caption)
        self.image: QImage | None = None
        self._message = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.message.setText(self._message or self.tr("No recording for this station."))
        self.picture.setAccessibleName(self.tr("Recording"))

    def show_message(self, text: str) -> None:
        self._message = text
        self.image = None
        self.stack.setCurrentWidget(self.message)
        self.retranslate()

    def show_image(self, image: QImage) -> None:
        self.image = image
        self.stack.setCurrentWidget(self.picture)
        self._rescale()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self.image is None:
            return
        pixmap = QPixmap.fromImage(self.image)
        self.picture.setPixmap(pixmap.scaled(
            self.picture.size(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
