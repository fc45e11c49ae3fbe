"""Keyboard use of the dialogs not covered with their windows: the push and certification
dialogs of the signing side, the kiosk's refusal dialog, the verifier's options.  Tab reaches
every control and comes back, Escape cancels, and Enter answers where an answer is ready."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from app.ui.terminal.refusal import RefusalDialog
from app.ui.verifier.options import OptionsDialog, VerificationOptions
from app.ui.workstation.signing_dialogs import CertifyDialog, PushDialog
from tests.app.ui.test_keyboard import focusable, tab_chain

DIALOGS: dict[str, Callable[[], QDialog]] = {
    "push": lambda: PushDialog("讯问笔录", [("in-process", "Terminal in this process"),
                                            ("listening", "Terminal connecting to :8443")],
                               True),
    "certify": lambda: CertifyDialog("李明", on_token=False),
    "certify-token": lambda: CertifyDialog("李明", on_token=True),
    "refusal": lambda: RefusalDialog("被讯问人 王某某"),
    "options": lambda: OptionsDialog(VerificationOptions()),
}


def shown(qtbot: Any, make: Callable[[], QDialog]) -> QDialog:
    dialog = make()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    return dialog


@pytest.mark.parametrize("name", sorted(DIALOGS))
def test_tab_reaches_every_control_and_escape_cancels(qtbot: Any, name: str) -> None:
    dialog = shown(qtbot, DIALOGS[name])
    # Opened, the dialog gives the focus to one of its controls: typing goes somewhere.
    qtbot.waitUntil(lambda: QApplication.focusWidget() in focusable(dialog), timeout=2_000)
    start = QApplication.focusWidget()
    controls = focusable(dialog)  # once focused: a list takes its first row as current
    assert len(controls) >= 2
    assert set(tab_chain(start, qtbot)) == controls
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_enter_pushes_once_the_passphrase_is_typed(qtbot: Any) -> None:
    dialog = shown(qtbot, DIALOGS["push"])
    assert isinstance(dialog, PushDialog)
    dialog.passphrase.setFocus()
    qtbot.keyClicks(dialog.passphrase, "site passphrase")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)


def test_enter_gives_the_officer_secret(qtbot: Any) -> None:
    dialog = shown(qtbot, DIALOGS["certify"])
    assert isinstance(dialog, CertifyDialog)
    given: list[str] = []
    dialog.secret_given.connect(given.append)
    dialog.secret.setFocus()
    qtbot.keyClicks(dialog.secret, "officer passphrase")
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: given == ["officer passphrase"])
    dialog.reject()


def test_a_refusal_is_recorded_from_the_keyboard(qtbot: Any) -> None:
    dialog = shown(qtbot, DIALOGS["refusal"])
    assert isinstance(dialog, RefusalDialog)
    dialog.choices.setFocus()
    qtbot.waitUntil(dialog.choices.hasFocus)
    # The list has the focus, no reason is chosen yet: Enter records nothing.
    assert dialog.reason == "" and not dialog.refuse_button.isEnabled()
    qtbot.keyClick(dialog.choices, Qt.Key.Key_Return)
    assert dialog.isVisible()
    qtbot.keyClick(dialog.choices, Qt.Key.Key_Down)
    assert dialog.refuse_button.isEnabled()
    dialog.refuse_button.setFocus()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.refuse_button, Qt.Key.Key_Space)
    assert dialog.reason
