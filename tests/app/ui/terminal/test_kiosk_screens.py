"""Screenshots of the kiosk's screens in both languages (saved as PNG: look at them), every
visible character drawable by the shipped font, real drawing in every picture; and the
keyboard reaches every control of every screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.ui.i18n import Localization
from tests.app.ui.terminal.conftest import Kiosk
from tests.app.ui.terminal.test_kiosk_turn import read_every_page, wait_for_pen
from tests.app.ui.test_keyboard import focusable, tab_chain
from tests.app.ui.test_screenshots import shoot

SHOTS = Path(__file__).resolve().parents[4] / "build" / "screenshots"


def shots_dir(tmp_path: Path) -> Path:
    """Where the pictures go: ``build/screenshots`` when it exists (to look at), else tmp."""
    return SHOTS if SHOTS.is_dir() else tmp_path


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_kiosk_screen(make_kiosk: Any, qtbot: Any, tmp_path: Path,
                            language: str) -> None:
    Localization.of().set_language(language)
    kiosk: Kiosk = make_kiosk(media=True)
    window, panel = kiosk.window, kiosk.window.panel
    out = shots_dir(tmp_path)
    window.resize(1100, 820)
    qtbot.waitUntil(lambda: "Record" in panel.waiting.title.text()
                    or "收到" in panel.waiting.title.text(), timeout=5_000)
    shoot(window, out / f"kiosk-waiting-{language}.png", qtbot)

    turn = kiosk.run_turn()
    read_every_page(kiosk, qtbot)
    shoot(window, out / f"kiosk-reading-{language}.png", qtbot)

    panel.reading.sign_button.click()
    qtbot.waitUntil(lambda: panel.screen == "signing" and panel.pad is not None,
                    timeout=10_000)
    wait_for_pen(kiosk, qtbot)
    shoot(window, out / f"kiosk-signing-{language}.png", qtbot)

    panel.signing.confirm_button.click()
    qtbot.waitUntil(lambda: panel.fingerprint.continue_button.isEnabled(), timeout=20_000)
    shoot(window, out / f"kiosk-fingerprint-{language}.png", qtbot)

    panel.fingerprint.continue_button.click()
    qtbot.waitUntil(lambda: panel.screen == "photo" and panel.photo.camera.frames > 0,
                    timeout=10_000)
    shoot(window, out / f"kiosk-photo-{language}.png", qtbot)

    dialog = panel.ask_refusal()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    shoot(dialog, out / f"kiosk-refusal-{language}.png", qtbot)
    dialog.close()

    panel.take_photo()
    qtbot.waitUntil(lambda: panel.photo.finish_button.isEnabled(), timeout=10_000)
    panel.photo.finish_button.click()
    qtbot.waitUntil(lambda: panel.screen == "done", timeout=30_000)
    shoot(window, out / f"kiosk-done-{language}.png", qtbot)
    turn.join()
    assert turn.outcome and turn.outcome[0].signed
    kinds = [e.kind for e in kiosk.entries()]
    assert "photo.taken" in kinds and "turn.signed" in kinds


def test_the_keyboard_reaches_every_control_of_each_screen(make_kiosk: Any, qtbot: Any) -> None:
    kiosk: Kiosk = make_kiosk()
    window, panel = kiosk.window, kiosk.window.panel
    window.activateWindow()
    qtbot.waitActive(window)
    turn = kiosk.run_turn()
    qtbot.waitUntil(lambda: panel.screen == "reading", timeout=10_000)
    reading = panel.reading
    # Pages turn from the keyboard (Page Down / Page Up), signing opens after the last.
    reading.pages.setFocus()
    for _ in range(reading.pages.page_count - 1):
        qtbot.keyClick(reading.pages, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: reading.all_seen and reading.sign_button.isEnabled())
    chain = tab_chain(reading.pages, qtbot)
    assert focusable(window) <= set(chain) | {panel.fault.retry_button}
    assert reading.sign_button in chain and window.language_button in chain
    assert window.input_box in chain
    # Ctrl+L switches the language from anywhere.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "签名" in reading.sign_button.text(), timeout=5_000)
    reading.sign_button.setFocus()
    qtbot.keyClick(reading.sign_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.screen == "signing" and panel.pad is not None,
                    timeout=10_000)
    wait_for_pen(kiosk, qtbot)
    chain = tab_chain(panel.signing.surface, qtbot)
    for button in (panel.signing.clear_button, panel.signing.refuse_button,
                   panel.signing.confirm_button):
        assert button in chain
    qtbot.keyClick(panel.signing.surface, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.screen == "fingerprint", timeout=10_000)
    qtbot.waitUntil(lambda: panel.fingerprint.continue_button.isEnabled(), timeout=20_000)
    chain = tab_chain(panel.fingerprint.continue_button, qtbot)
    assert panel.fingerprint.again_button in chain and panel.fingerprint.refuse_button in chain
    panel.refuse("keyboard test over")
    qtbot.waitUntil(lambda: panel.screen == "done", timeout=15_000)
    turn.join()
