"""The first step of a new record: which of the templates, printed in which language."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.i18n import Retranslating, current_language
from app.ui.workstation.records import language_name
from records.templates import LANGUAGES, Template

__all__ = ["TemplateDialog"]


class TemplateDialog(Retranslating, QDialog):
    """Lists every template by its title; the record language defaults to the interface's."""

    def __init__(self, templates: Mapping[str, Template], parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("template-dialog")
        self.templates = dict(templates)
        self.heading = QLabel(self)
        self.list = QListWidget(self)
        self.heading.setBuddy(self.list)
        for template_id in self.templates:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, template_id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.language = QComboBox(self)
        for language in LANGUAGES:
            self.language.addItem("", language)
        self.language.setCurrentIndex(self.language.findData(current_language()))
        self.language_label = QLabel(self)
        self.language_label.setBuddy(self.language)
        form = QFormLayout()
        form.addRow(self.language_label, self.language)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.list, 1)
        column.addLayout(form)
        column.addWidget(self.buttons)
        self.retranslate()
        self.resize(600, 420)

    def retranslate(self) -> None:
        language = current_language()
        self.setWindowTitle(self.tr("New record"))
        self.heading.setText(self.tr("&Template"))
        self.language_label.setText(self.tr("Record &language"))
        for row in range(self.list.count()):
            item = self.list.item(row)
            template = self.templates[item.data(Qt.ItemDataRole.UserRole)]
            item.setText(template.title.get(language))
        for index in range(self.language.count()):
            self.language.setItemText(index, language_name(self.language.itemData(index)))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Draft…"))

    def choose(self, template_id: str, language: str | None = None) -> None:
        """Select a template (and a record language) as a user would."""
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == template_id:
                self.list.setCurrentRow(row)
        if language is not None:
            self.language.setCurrentIndex(self.language.findData(language))

    @property
    def template_id(self) -> str:
        return str(self.list.currentItem().data(Qt.ItemDataRole.UserRole))

    @property
    def record_language(self) -> str:
        return str(self.language.currentData())
