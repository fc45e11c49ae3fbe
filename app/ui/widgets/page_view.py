"""One page of a record at a time, as large as the space allows (the kiosk reads page by page).

Pages are rendered synchronously with QtPdf onto white (``render()`` alone is transparent) at
the widget's size in device pixels, so what is painted is exactly the page and a screenshot
never catches a half-rendered view.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.ui.pdf_preview import render_page

__all__ = ["PageView"]


class PageView(QWidget):
    """Shows page :attr:`page` (0-based) of the loaded PDF, scaled to fit."""

    page_changed = Signal(int)  # 0-based page now on screen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 300)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.document: QPdfDocument | None = None
        self._buffer: QBuffer | None = None
        self.page = 0
        self._image = QImage()
        self._rendered_for: tuple[int, QSize] | None = None

    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self.document is not None else 0

    def load(self, data: bytes) -> int:
        """Load a PDF; its page count (0 when QtPdf refuses it).  Shows the first page."""
        self.unload()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument(self)
        document.load(buffer)
        if document.status() != QPdfDocument.Status.Ready:
            document.deleteLater()
            buffer.deleteLater()
            return 0
        self.document, self._buffer = document, buffer
        self.show_page(0)
        return document.pageCount()

    def unload(self) -> None:
        """Show nothing."""
        for leftover in (self.document, self._buffer):
            if leftover is not None:
                leftover.deleteLater()
        self.document, self._buffer = None, None
        self._image, self._rendered_for, self.page = QImage(), None, 0
        self.update()

    def show_page(self, page: int) -> bool:
        """Show page ``page`` (0-based); False when there is no such page."""
        if not 0 <= page < self.page_count:
            return False
        self.page = page
        self._rendered_for = None
        self.update()
        self.page_changed.emit(page)
        return True

    def _page_rect(self) -> QRectF:
        assert self.document is not None
        points = self.document.pagePointSize(self.page)
        ratio = points.height() / max(points.width(), 1.0)
        margin = 8.0
        width, height = self.width() - 2 * margin, self.height() - 2 * margin
        if width * ratio > height:
            width = height / ratio
        else:
            height = width * ratio
        return QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)

    def page_image(self) -> QImage:
        """The page on screen as painted (rendered on white at device resolution)."""
        if self.document is None:
            return QImage()
        rect = self._page_rect()
        size = QSize(max(1, round(rect.width() * self.devicePixelRatioF())),
                     max(1, round(rect.height() * self.devicePixelRatioF())))
        if self._rendered_for != (self.page, size):
            self._image = render_page(self.document, self.page, size.width())
            self._rendered_for = (self.page, size)
        return self._image

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        # The arrows turn pages too (Page Up / Page Down are the reading screen's buttons).
        step = {Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1, Qt.Key.Key_Left: -1,
                Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
        if step is not None and self.show_page(self.page + step):
            event.accept()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        self._rendered_for = None
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#d9dde3"))
        if self.document is not None:
            rect = self._page_rect()
            painter.drawImage(rect, self.page_image())
            painter.setPen(QPen(QColor("#9aa0a8"), 1))
            painter.drawRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))
        if self.hasFocus():
            painter.setPen(QPen(self.palette().highlight().color(), 2))
            painter.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        painter.end()
