"""Qt tests of the user interface: one set-up application, no timer left running, and a
fresh database, blob store and writer thread per test (Vorta's rule)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.ui.application import prepare_application
from app.ui.i18n import Localization


@pytest.fixture(scope="session")
def ui_app(qapp: QApplication) -> QApplication:
    """pytest-qt's application with our font, look and (English) interface."""
    prepare_application(qapp, language="en")
    return qapp


@pytest.fixture(autouse=True)
def english_again(ui_app: QApplication) -> Iterator[None]:
    """Every test starts in English and leaves the language as it found it."""
    yield
    localization = Localization.of(ui_app)
    if localization.language != "en":
        localization.set_language("en")


@pytest.fixture(autouse=True)
def no_timer_left_running(monkeypatch: pytest.MonkeyPatch, qtbot: Any) -> Iterator[None]:
    """Fail a test that leaves a QTimer of ours running (napari's dangling-timer check)."""
    started: list[QTimer] = []
    original_start = QTimer.start

    def tracked_start(self: QTimer, *args: Any) -> None:
        started.append(self)
        original_start(self, *args)

    def tracked_single_shot(msec: int, *args: Any) -> None:
        *context, slot = args
        timer = QTimer(context[0] if context else None)
        timer.setSingleShot(True)
        timer.timeout.connect(slot)
        timer.timeout.connect(timer.deleteLater)
        tracked_start(timer, msec)

    monkeypatch.setattr(QTimer, "start", tracked_start)
    monkeypatch.setattr(QTimer, "singleShot", staticmethod(tracked_single_shot))
    yield
    QApplication.processEvents()
    running = [t for t in started if shiboken6.isValid(t) and t.isActive()]
    for timer in running:
        timer.stop()
    assert not running, f"test left {len(running)} QTimer(s) running"
