"""Screenshots of the verifier's screens in both languages (saved as PNG: look at them),
every character drawable, real drawing in each; and the keyboard reaches everything."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.ui.i18n import Localization
from app.ui.verifier import VerifierWindow
from app.ui.verifier.options import OptionsDialog
from tests.app.ui.screens import distinct_colours, glyph_problems, ink_fraction


def shoot(widget: QWidget, path: Path) -> None:
    for _ in range(3):  # layouts settle over a few turns of the loop
        QApplication.processEvents()
    assert glyph_problems(widget) == []
    image = widget.grab().toImage()
    assert image.width() > 300 and image.height() > 200
    assert distinct_colours(image) > 8, "a flat picture: nothing was drawn"
    assert 0.001 < ink_fraction(image) < 0.5
    assert image.save(str(path))


def screenshot_dir(tmp_path: Path) -> Path:
    """Where the pictures go: SCREENSHOT_DIR if set (to look at them), else tmp."""
    chosen = os.environ.get("SCREENSHOT_DIR")
    path = Path(chosen) if chosen else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("language", ["zh", "en"])
def test_main_screens(window: VerifierWindow, qtbot: Any, tmp_path: Path,
                      language: str) -> None:
    out = screenshot_dir(tmp_path)
    Localization.of().set_language(language)
    window.tabs.setCurrentIndex(0)
    shoot(window, out / f"verifier-report-{language}.png")

    window.tabs.setCurrentIndex(1)
    replay = window.replay
    replay.select_signature("Sig_3_appropriate_adult")
    ink = replay.signature
    assert ink is not None
    window.timeline.select(next(e for e in window.timeline.shown
                                if e.field == ink.field and e.log_kind == "pen.batch"))
    replay.seek(ink.start_us + (ink.end_us - ink.start_us) * 0.7)
    qtbot.waitUntil(lambda: replay.frame_time_s is not None, timeout=10_000)
    shoot(window, out / f"verifier-replay-{language}.png")

    dialog = window.edit_options()
    assert isinstance(dialog, OptionsDialog)
    shoot(dialog, out / f"verifier-options-{language}.png")
    dialog.close()


def test_the_keyboard_reaches_every_part(window: VerifierWindow, qtbot: Any) -> None:
    window.activateWindow()
    qtbot.waitActive(window)
    window.report_view.checks.setFocus()

    def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
              ) -> None:
        qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)

    press(Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentIndex() == 1
    assert window.replay.slider.hasFocus()
    press(Qt.Key.Key_Space)
    assert window.replay.playing
    press(Qt.Key.Key_Space)
    assert not window.replay.playing
    before = window.replay.position_us
    press(Qt.Key.Key_PageUp)
    assert window.replay.position_us == pytest.approx(before + 1_000_000, abs=1_000)

    press(Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    table = window.timeline.table
    assert table.hasFocus()
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Down)
    chosen = window.timeline.shown[table.currentRow()]
    assert window.replay.position_us == chosen.mono_us

    press(Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentIndex() == 0 and window.report_view.checks.hasFocus()
    press(Qt.Key.Key_End)
    last = window.package.report.checks[-1]
    assert last.message in window.report_view.details.toPlainText()

    # Tab walks from the checks to the details and on, never stuck.
    seen = set()
    for _ in range(12):
        press(Qt.Key.Key_Tab)
        seen.add(QApplication.focusWidget())
    assert window.report_view.details in seen and len(seen) >= 3
    shortcuts = {a.shortcut().toString() for a in window.actions()}
    assert {"Ctrl+O", "Ctrl+K", "F5", "Ctrl+E", "Ctrl+P", "Alt+1", "Alt+2",
            "Alt+3"} <= shortcuts
