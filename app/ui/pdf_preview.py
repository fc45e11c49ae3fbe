"""A record's PDF on screen: page thumbnails and the pages themselves, drawn by QtPdf.

Two facts about QtPdf shape this widget: ``QPdfView`` paints asynchronously (a grab right
after loading is blank until the view has rendered), and ``QPdfDocument.render()`` returns
pages with a transparent background, so every image we make is composited onto white.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.i18n import Retranslating
from app.ui.style import set_role

__all__ = ["PdfPreview", "render_page"]

THUMBNAIL_WIDTH = 72


def render_page(document: QPdfDocument, page: int, width: int) -> QImage:
    """Page ``page`` (0-based) ``width`` pixels wide, on a white background."""
    points = document.pagePointSize(page)
    height = max(1, round(width * points.height() / max(points.width(), 1.0)))
    rendered = document.render(page, QSize(width, height))
    image = QImage(rendered.size(), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.drawImage(0, 0, rendered)
    painter.end()
    return image


class PdfPreview(Retranslating, QWidget):
    """Shows one PDF (bytes in memory) or, with none, says what would appear here."""

    loaded = Signal(int)  # the page count of the document just shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        set_role(self.title, "heading")
        self.title.setWordWrap(True)
        self.pages_label = QLabel(self)
        set_role(self.pages_label, "hint")
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.pages_label, 0)

        self.thumbnails = QListWidget(self)
        self.thumbnails.setViewMode(QListView.ViewMode.IconMode)
        self.thumbnails.setFlow(QListView.Flow.TopToBottom)
        self.thumbnails.setWrapping(False)
        self.thumbnails.setMovement(QListView.Movement.Static)
        self.thumbnails.setIconSize(QSize(THUMBNAIL_WIDTH, round(THUMBNAIL_WIDTH * 1.42)))
        self.thumbnails.setFixedWidth(THUMBNAIL_WIDTH + 30)
        self.thumbnails.currentRowChanged.connect(self._jump)
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.view.setMinimumWidth(200)
        pages = QWidget(self)
        row = QHBoxLayout(pages)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.thumbnails, 0)
        row.addWidget(self.view, 1)

        self.placeholder = QLabel(self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        set_role(self.placeholder, "placeholder")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(pages)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(header)
        column.addWidget(self.stack, 1)

        self.document: QPdfDocument | None = None
        self._buffer: QBuffer | None = None
        self._placeholder_text = ""
        self._title_text = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.thumbnails.setAccessibleName(self.tr("Pages"))
        self.view.setAccessibleName(self.tr("Document"))
        self.placeholder.setText(self._placeholder_text or self.tr("No record is open."))
        count = self.page_count
        self.pages_label.setText(self.tr("%n page(s)", "", count) if count else "")

    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self.document is not None else 0

    def set_placeholder(self, text: str) -> None:
        """What the empty preview says (already translated)."""
        self._placeholder_text = text
        self.retranslate()

    def show_pdf(self, data: bytes, title: str) -> bool:
        """Show the PDF in ``data`` under ``title``; False (and a message) if QtPdf refuses it."""
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument(self)
        document.load(buffer)
        if document.status() != QPdfDocument.Status.Ready:
            error = document.error()
            document.deleteLater()
            buffer.deleteLater()
            self.clear(self.tr("This PDF cannot be shown ({0}).").format(error.name))
            return False
        old_document, old_buffer = self.document, self._buffer
        self.document, self._buffer = document, buffer
        self.view.setDocument(document)
        for leftover in (old_document, old_buffer):
            if leftover is not None:
                leftover.deleteLater()
        self.title.setText(title)
        self._fill_thumbnails(document)
        self.stack.setCurrentIndex(1)
        self.retranslate()
        self.loaded.emit(document.pageCount())
        return True

    def clear(self, message: str = "") -> None:
        """Show no document (and ``message`` instead of the usual placeholder)."""
        self.view.setDocument(None)
        for leftover in (self.document, self._buffer):
            if leftover is not None:
                leftover.deleteLater()
        self.document, self._buffer = None, None
        self.thumbnails.clear()
        self.title.setText("")
        self._placeholder_text = message
        self.stack.setCurrentIndex(0)
        self.retranslate()

    def page_image(self, page: int, width: int) -> QImage:
        """A page of the shown document on white (for thumbnails, screenshots, tests)."""
        if self.document is None:
            raise LookupError("no document is shown")
        return render_page(self.document, page, width)

    def _fill_thumbnails(self, document: QPdfDocument) -> None:
        self.thumbnails.blockSignals(True)
        self.thumbnails.clear()
        for page in range(document.pageCount()):
            icon = QIcon(QPixmap.fromImage(render_page(document, page, THUMBNAIL_WIDTH)))
            item = QListWidgetItem(icon, str(page + 1))
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.thumbnails.addItem(item)
        self.thumbnails.setCurrentRow(0)
        self.thumbnails.blockSignals(False)

    def _jump(self, page: int) -> None:
        if self.document is not None and 0 <= page < self.document.pageCount():
            navigator = self.view.pageNavigator()
            navigator.jump(page, QPointF(), navigator.currentZoom())
