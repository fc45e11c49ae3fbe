"""The transcript's questions and answers: an editable list of pairs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.forms.editors import FieldEditor
from app.ui.style import mark_invalid
from records.templates import FieldSpec

__all__ = ["QaListEditor", "QaPair"]


class QaPair(QFrame):
    """One question and its answer, with a button that removes the pair."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 6)
        self.question_label = QLabel(self)
        self.answer_label = QLabel(self)
        self.question = self._text_box(3)
        self.answer = self._text_box(4)
        self.remove = QPushButton(self)
        grid.addWidget(self.question_label, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.question, 0, 1)
        grid.addWidget(self.answer_label, 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.answer, 1, 1)
        grid.addWidget(self.remove, 2, 1, Qt.AlignmentFlag.AlignRight)

    def _text_box(self, lines: int) -> QPlainTextEdit:
        box = QPlainTextEdit(self)
        box.setTabChangesFocus(True)
        box.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 12)
        return box

    def retranslate(self, number: int) -> None:
        self.question_label.setText(self.tr("Question {0}").format(number))
        self.answer_label.setText(self.tr("Answer"))
        self.remove.setText(self.tr("Remove question {0}").format(number))

    def is_blank(self) -> bool:
        return not (self.question.toPlainText().strip() or self.answer.toPlainText().strip())


class QaListEditor(FieldEditor):
    """Questions and answers in order; pairs left completely blank are not part of the value."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        body = QWidget(self)
        self._column = QVBoxLayout(body)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._take(body)
        self.pairs: list[QaPair] = []
        self._add_pair()
        self.add_button = QPushButton(body)
        self.add_button.clicked.connect(self.add_pair)
        self._column.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.setFocusProxy(self.pairs[0].question)
        self.retranslate()

    def retranslate(self) -> None:
        self.add_button.setText(self.tr("Add a question"))
        for number, pair in enumerate(self.pairs, start=1):
            pair.retranslate(number)

    # -- structure ------------------------------------------------------------------------
    def add_pair(self) -> QaPair:
        """Append an empty pair and put the cursor in its question."""
        pair = self._add_pair()
        self._relink()
        pair.question.setFocus()
        self.edited.emit()
        return pair

    def _add_pair(self) -> QaPair:
        pair = QaPair(self)
        pair.remove.clicked.connect(lambda: self.remove_pair(pair))
        pair.question.textChanged.connect(self.edited)
        pair.answer.textChanged.connect(self.edited)
        self._column.insertWidget(len(self.pairs), pair)
        self.pairs.append(pair)
        return pair

    def remove_pair(self, pair: QaPair) -> None:
        """Drop a pair; the last one left stays (emptied instead)."""
        if len(self.pairs) == 1:
            pair.question.clear()
            pair.answer.clear()
            return
        index = self.pairs.index(pair)
        self.pairs.remove(pair)
        pair.hide()
        pair.deleteLater()
        self.setFocusProxy(self.pairs[0].question)
        self._relink()
        self.pairs[min(index, len(self.pairs) - 1)].question.setFocus()
        self.edited.emit()

    def _relink(self) -> None:
        # Pairs added later were created after every other widget of the window: put them
        # (and the Add button) back where they are on screen in the Tab order.
        chain: list[QWidget] = []
        for pair in self.pairs:
            chain += [pair.question, pair.answer, pair.remove]
        chain.append(self.add_button)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.retranslate()

    # -- value ----------------------------------------------------------------------------
    def _filled(self) -> list[QaPair]:
        return [pair for pair in self.pairs if not pair.is_blank()]

    def value(self) -> Any:
        pairs = [{"q": p.question.toPlainText(), "a": p.answer.toPlainText()}
                 for p in self._filled()]
        return pairs or None

    def set_value(self, value: Any) -> None:
        items = list(value or [])
        while len(self.pairs) > max(len(items), 1):
            doomed = self.pairs.pop()
            doomed.hide()
            doomed.deleteLater()
        while len(self.pairs) < len(items):
            self._add_pair()
        self._relink()
        for pair, item in zip(self.pairs, items, strict=False):
            mapping: Mapping[str, Any] = item if isinstance(item, Mapping) else {}
            pair.question.setPlainText(str(mapping.get("q", "")))
            pair.answer.setPlainText(str(mapping.get("a", "")))
        if not items:
            self.pairs[0].question.clear()
            self.pairs[0].answer.clear()

    def set_invalid(self, invalid: bool, item: int | None = None) -> None:
        filled = self._filled()
        for pair in self.pairs:
            bad = invalid and (item is None or (item < len(filled) and filled[item] is pair))
            mark_invalid(pair.question, bad)
            mark_invalid(pair.answer, bad)
