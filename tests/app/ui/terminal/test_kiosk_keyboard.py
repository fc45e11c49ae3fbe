"""A whole turn at the kiosk from the keyboard alone: pages turn with Page Down, Tab reaches
every control of each screen (photo and done included), and the main action of each screen
has its shortcut (Ctrl+Return to go on, Ctrl+P for the photo)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.app.ui.terminal.conftest import Kiosk
from tests.app.ui.terminal.test_kiosk_turn import wait_for_pen
from tests.app.ui.test_keyboard import focusable, tab_chain

CTRL = Qt.KeyboardModifier.ControlModifier


def press(qtbot: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
          ) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def test_a_turn_from_the_keyboard_alone(make_kiosk: Any, qtbot: Any) -> None:
    kiosk: Kiosk = make_kiosk(media=True)
    window, panel = kiosk.window, kiosk.window.panel
    window.activateWindow()
    qtbot.waitActive(window)
    turn = kiosk.run_turn()
    qtbot.waitUntil(lambda: panel.screen == "reading", timeout=10_000)
    reading = panel.reading
    reading.pages.setFocus()
    while not reading.all_seen:
        press(qtbot, Qt.Key.Key_PageDown)
        qtbot.wait(20)
    qtbot.waitUntil(reading.sign_button.isEnabled)
    while QApplication.focusWidget() is not reading.sign_button:
        press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.screen == "signing" and panel.pad is not None,
                    timeout=10_000)
    wait_for_pen(kiosk, qtbot)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: panel.fingerprint.continue_button.isEnabled(), timeout=20_000)
    press(qtbot, Qt.Key.Key_Return, CTRL)

    qtbot.waitUntil(lambda: panel.screen == "photo" and panel.photo.camera.frames > 0
                    and panel.photo.photo_button.isEnabled(), timeout=10_000)
    photo = panel.photo
    chain = tab_chain(photo.photo_button, qtbot)
    assert {photo.photo_button, photo.refuse_button, window.language_button} <= set(chain)
    assert focusable(window) <= set(chain) | {panel.fault.retry_button}
    press(qtbot, Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(photo.finish_button.isEnabled, timeout=10_000)
    # The focus may have left the photo screen with the button that was busy: Ctrl+Return
    # still finishes.
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: panel.screen == "done", timeout=30_000)
    chain = tab_chain(window.language_button, qtbot)
    assert focusable(window) <= set(chain) | {panel.fault.retry_button}
    turn.join()
    assert turn.outcome and turn.outcome[0].signed
