"""The kiosk as an application: its window is on screen before the site's keys are unlocked
and the devices found (that work runs behind it), and a failure to start is said in the
window, not on a console nobody at a kiosk reads."""

from __future__ import annotations

import threading
import time
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.settings import Settings
from app.ui.terminal.kiosk_app import run_kiosk
from app.ui.terminal.window import TerminalWindow
from records.session_types import StationError


def test_the_window_comes_first_and_a_failed_start_is_shown_in_it(
        qtbot: Any, settings: Settings) -> None:
    release = threading.Event()
    seen: dict[str, Any] = {}

    def prepare(_stack: Any) -> Any:  # on the op's worker thread
        seen["prepared on"] = threading.current_thread().name
        release.wait(10)
        raise StationError(reason="wrong_passphrase", zh="口令错误", en="wrong passphrase")

    deadline = time.monotonic() + 20
    timer = QTimer()
    timer.setInterval(20)

    def watch() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, TerminalWindow) and w.isVisible()]
        if time.monotonic() > deadline or ("fault" in seen and not windows):
            timer.stop()
            QApplication.instance().quit()
        elif windows and "starting" not in seen:
            seen["starting"] = windows[0].link_label.text()
            seen["fault before"] = windows[0].panel.fault.showing
            release.set()  # only now may the preparation end
        elif windows and windows[0].panel.fault.showing:
            seen["fault"] = windows[0].panel.fault.text
            seen["link"] = windows[0].link_label.text()
            windows[0].close()

    timer.timeout.connect(watch)
    timer.start()
    try:
        code = run_kiosk(settings, station="terminal-1", prepare=prepare, full_screen=False)
    finally:
        timer.stop()
        release.set()
    assert code == 0
    assert seen["starting"] and not seen["fault before"]
    assert seen["prepared on"] != threading.main_thread().name
    assert "wrong_passphrase" in seen["fault"]
    assert seen["link"] and seen["link"] != seen["starting"]
