"""Qt tests of the user interface: one set-up application, no timer left running, and a
fresh database, blob store and writer thread per test (Vorta's rule); no QTimer, QThread or
QThreadPool task left running after a test (napari's rule)."""

from __future__ import annotations

import itertools
import time
import traceback
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt, QThread, QThreadPool, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.settings import Settings, load_settings
from app.ui.application import prepare_application
from app.ui.i18n import Localization
from app.ui.services import WorkstationServices
from app.ui.workstation import WorkstationWindow


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
    where: dict[int, str] = {}
    original_start = QTimer.start

    def tracked_start(self: QTimer, *args: Any) -> None:
        started.append(self)
        where[id(self)] = "".join(traceback.format_stack(limit=5)[:-1])
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
    described = [f"{type(t.parent()).__name__ if t.parent() else 'no parent'}, every "
                 f"{t.interval()} ms, started at\n{where.get(id(t), '?')}" for t in running]
    for timer in running:
        timer.stop()
    assert not running, f"test left {len(running)} QTimer(s) running: " + "\n".join(described)


class QThreadTracker:
    """Remembers every QThread started (and where) while installed."""

    def __init__(self) -> None:
        self.started: list[tuple[QThread, str]] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        original_start = QThread.start
        started = self.started

        def tracked_start(thread: QThread, *args: Any) -> None:
            started.append((thread, "".join(traceback.format_stack(limit=4)[:-1])))
            original_start(thread, *args)

        monkeypatch.setattr(QThread, "start", tracked_start)

    def still_running(self, grace_ms: int = 1_000) -> list[str]:
        """Where each QThread that is still running after ``grace_ms`` was started; each is
        then stopped, so one leak does not spill into the next test."""
        deadline = time.monotonic() + grace_ms / 1000
        live = [(t, w) for t, w in self.started if shiboken6.isValid(t)]
        while any(t.isRunning() for t, _ in live) and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.01)
        running = [(t, w) for t, w in live if t.isRunning()]
        for thread, _where in running:
            thread.quit()
            thread.wait(2_000)
        return [where for _thread, where in running]


def busy_pool_tasks(grace_ms: int = 1_000) -> int:
    """Tasks still running in Qt's global thread pool after ``grace_ms``."""
    pool = QThreadPool.globalInstance()
    if pool.activeThreadCount():
        pool.waitForDone(grace_ms)
    return pool.activeThreadCount()


@pytest.fixture(autouse=True)
def no_qthread_left_running(monkeypatch: pytest.MonkeyPatch, qtbot: Any) -> Iterator[None]:
    """Fail a test that leaves a QThread running or work in a QThreadPool (threads Qt starts
    are not in ``threading.enumerate()``, so the session-wide thread check cannot see them)."""
    tracker = QThreadTracker()
    tracker.install(monkeypatch)
    yield
    running = tracker.still_running()
    assert not running, "test left QThread(s) running, started at:\n" + "\n".join(running)
    busy = busy_pool_tasks()
    assert not busy, f"test left {busy} QThreadPool task(s) running"


# --- the workstation's world: services on a fresh database, a window around them -------------

T0 = datetime(2024, 6, 3, 9, 30, tzinfo=timezone(timedelta(hours=8)))


class Clock:
    """A clock that moves one second per reading (tz-aware, as the record service needs)."""

    def __init__(self) -> None:
        self.ticks = itertools.count()

    def __call__(self) -> datetime:
        return T0 + timedelta(seconds=next(self.ticks))


@pytest.fixture
def settings(isolated_settings: Path) -> Settings:
    return load_settings(overrides=["terminal_id=WS-TEST"])


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def services(settings: Settings, clock: Clock) -> Iterator[WorkstationServices]:
    opened = WorkstationServices.open(settings, clock=clock)
    yield opened
    opened.shutdown()


@pytest.fixture
def window(qtbot: Any, settings: Settings, services: WorkstationServices,
           clock: Clock) -> Iterator[WorkstationWindow]:
    shown = WorkstationWindow(settings, services, clock=clock)
    qtbot.addWidget(shown)
    with qtbot.waitSignal(shown.ready, timeout=10_000):
        shown.show()
    qtbot.waitExposed(shown)
    yield shown
    close_dialogs()
    shown.close()


def close_dialogs() -> None:
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.isWindow() and widget.windowType() in (
                Qt.WindowType.Dialog, Qt.WindowType.Popup):
            widget.close()


def wait_idle(qtbot: Any, window: WorkstationWindow, timeout: int = 20_000) -> None:
    """Until every op of the window has finished and its results were delivered."""
    qtbot.waitUntil(lambda: window.op_runner.idle() and window.bridge.pending == 0,
                    timeout=timeout)


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` the way an input method commits it (QTest.keyClicks
    aborts the process on non-Latin-1 characters)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def add_case(services: WorkstationServices, *, number: str = "渝南检刑捕受〔2020〕12号",
             persons: Callable[[str], None] | None = None) -> str:
    case = services.records.create_case(number, "王某某盗窃案", "重庆市南岸区人民检察院",
                                        "盗窃").result()
    if persons is not None:
        persons(case.id)
    return case.id
