"""What a screenshot test looks at: every text a window shows, and whether a picture has
anything drawn in it."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPlainTextEdit,
    QTableWidget,
    QWidget,
)

from records.fonts import missing_glyphs


def _visible(widget: QWidget) -> bool:
    return widget.isVisibleTo(widget.window())


def visible_texts(root: QWidget) -> Iterator[tuple[QWidget, str]]:
    """(widget, text) for every piece of text ``root`` and its children show."""
    yield root, root.windowTitle()
    if isinstance(root, QMainWindow):
        for menu_action in root.menuBar().actions():
            yield root, menu_action.text()
            menu = menu_action.menu()
            for action in menu.actions() if menu else []:
                yield root, action.text()
    for widget in [root, *root.findChildren(QWidget)]:
        if not _visible(widget):
            continue
        if isinstance(widget, QLabel):
            yield widget, widget.text()
        elif isinstance(widget, QAbstractButton):
            yield widget, widget.text()
        elif isinstance(widget, QLineEdit):
            yield widget, widget.text() or widget.placeholderText()
        elif isinstance(widget, QPlainTextEdit):
            yield widget, widget.toPlainText()
        elif isinstance(widget, QComboBox):
            for index in range(widget.count()):
                yield widget, widget.itemText(index)
        elif isinstance(widget, QGroupBox):
            yield widget, widget.title()
        elif isinstance(widget, QListWidget):
            for row in range(widget.count()):
                yield widget, widget.item(row).text()
        elif isinstance(widget, QTableWidget):
            for column in range(widget.columnCount()):
                header = widget.horizontalHeaderItem(column)
                yield widget, header.text() if header else ""
                for row in range(widget.rowCount()):
                    item = widget.item(row, column)
                    yield widget, item.text() if item else ""


def glyph_problems(root: QWidget) -> list[str]:
    """Characters shown by ``root`` that the shipped font or the widget's own font lacks."""
    problems = []
    for widget, text in visible_texts(root):
        text = text.replace("&", "")
        metrics = QFontMetrics(widget.font())
        lacking = {c for c in text if c not in "\n\t" and not metrics.inFontUcs4(ord(c))}
        lacking |= set(missing_glyphs(text))
        if lacking:
            problems.append(f"{type(widget).__name__} {text!r}: "
                            + " ".join(f"U+{ord(c):04X}" for c in sorted(lacking)))
    return problems


def ink_fraction(image: QImage, threshold: int = 110) -> float:
    """The share of pixels darker than ``threshold`` (text, lines), sampled on a grid."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    step = 3
    dark = total = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            total += 1
            if image.pixelColor(x, y).lightness() < threshold:
                dark += 1
    return dark / max(total, 1)


def distinct_colours(image: QImage, limit: int = 64) -> int:
    """How many different colours a coarse sample of ``image`` holds (up to ``limit``)."""
    seen = set()
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            seen.add(image.pixel(x, y))
            if len(seen) >= limit:
                return limit
    return len(seen)
