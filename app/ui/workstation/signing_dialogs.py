"""The prosecutor's two questions before a signing: where to push the record (and, the first
time, the site passphrase that unlocks this workstation's keys), and the officer key's
passphrase or token PIN for the certification.  Neither dialog keeps what was typed after it
closes; both show a refusal (wrong passphrase, wrong PIN) in place and let the prosecutor try
again."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.i18n import Retranslating
from app.ui.style import set_role

__all__ = ["CertifyDialog", "PushDialog"]


class _Dialog(Retranslating, QDialog):
    """A question with an error line and OK/Cancel."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.form = QFormLayout()
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        set_role(self.error, "error")
        self.buttons = QDialogButtonBox(self)
        self.ok_button: QPushButton = self.buttons.addButton(
            "", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button: QPushButton = self.buttons.addButton(
            "", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addLayout(self.form)
        column.addWidget(self.error)
        column.addWidget(self.buttons)
        self.busy = False
        self.setMinimumSize(560, 240)

    def submit(self) -> None:
        """OK: the owner listens to ``accepted`` only once the answer was taken."""
        self.accept()

    def refuse(self, text: str) -> None:
        """Say why the answer was refused and ask again."""
        self.set_busy(False)
        self.error.setText(text)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok_button.setEnabled(not busy)


class PushDialog(_Dialog):
    """Choose the terminal (and give the site passphrase when it is not known yet)."""

    def __init__(self, record_title: str, terminals: Sequence[tuple[str, str]],
                 need_passphrase: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("push-dialog")
        self.record_title = record_title
        self.terminal = QComboBox(self)
        for key, label in terminals:
            self.terminal.addItem(label, key)
        self.terminal_label = QLabel(self)
        self.terminal_label.setBuddy(self.terminal)
        self.form.addRow(self.terminal_label, self.terminal)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_label = QLabel(self)
        self.passphrase_label.setBuddy(self.passphrase)
        if need_passphrase:
            self.form.addRow(self.passphrase_label, self.passphrase)
        else:
            self.passphrase.hide()
            self.passphrase_label.hide()
        self.need_passphrase = need_passphrase
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Push to a terminal"))
        self.heading.setText(self.tr("Push “{0}” to a terminal. Whoever signs there reads it "
                                     "page by page; those who sign here use this workstation's "
                                     "pad.").format(self.record_title))
        self.terminal_label.setText(self.tr("&Terminal:"))
        self.passphrase_label.setText(self.tr("&Site passphrase:"))
        self.passphrase.setPlaceholderText(self.tr("unlocks this workstation's keys"))
        self.ok_button.setText(self.tr("&Push"))
        self.cancel_button.setText(self.tr("Cancel"))

    @property
    def terminal_key(self) -> str:
        return str(self.terminal.currentData())

    def submit(self) -> None:
        if self.need_passphrase and not self.passphrase.text():
            self.refuse(self.tr("The site passphrase is needed to sign at this workstation."))
            return
        self.accept()


class CertifyDialog(_Dialog):
    """The officer key's passphrase, or the PIN of the token it is on: ``secret_given`` is
    emitted with it, and the owner answers with :meth:`refuse` or ``accept()``."""

    secret_given = Signal(str)

    def __init__(self, officer: str, on_token: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("certify-dialog")
        self.officer, self.on_token = officer, on_token
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_label = QLabel(self)
        self.secret_label.setBuddy(self.secret)
        self.form.addRow(self.secret_label, self.secret)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Sign as prosecutor"))
        self.heading.setText(self.tr(
            "{0} certifies the record with the officer key. After this nothing in the record "
            "can change without showing; the signatories sign next.").format(self.officer))
        self.secret_label.setText(self.tr("Token &PIN:") if self.on_token
                                  else self.tr("Officer key &passphrase:"))
        self.ok_button.setText(self.tr("&Sign"))
        self.cancel_button.setText(self.tr("Cancel"))

    def submit(self) -> None:
        if not self.secret.text():
            self.refuse(self.tr("Type the PIN first.") if self.on_token
                        else self.tr("Type the passphrase first."))
            return
        self.set_busy(True)
        self.error.setText("")
        self.secret_given.emit(self.secret.text())
