"""The checks every UI test runs at its end see what they are meant to: a QThread still
running (and where it was started), a task still busy in Qt's thread pool."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QRunnable, QThread, QThreadPool

from tests.app.ui.conftest import QThreadTracker, busy_pool_tasks


class _Waiting(QThread):
    """A thread that runs until told to go."""

    def __init__(self) -> None:
        super().__init__()
        self.go = threading.Event()

    def run(self) -> None:
        self.go.wait(10)


def test_a_qthread_still_running_is_reported_with_where_it_started(
        monkeypatch: pytest.MonkeyPatch, qtbot: Any) -> None:
    tracker = QThreadTracker()
    tracker.install(monkeypatch)
    thread = _Waiting()
    thread.start()
    try:
        running = tracker.still_running(grace_ms=50)
        assert len(running) == 1 and "test_leak_checks.py" in running[0]
    finally:
        thread.go.set()
        qtbot.waitUntil(thread.isFinished)
    finished = _Waiting()
    finished.start()
    finished.go.set()
    assert tracker.still_running(grace_ms=2_000) == []


def test_a_busy_thread_pool_task_is_counted(qtbot: Any) -> None:
    go = threading.Event()

    class Task(QRunnable):
        def run(self) -> None:
            go.wait(10)

    pool = QThreadPool.globalInstance()
    pool.start(Task())
    try:
        assert busy_pool_tasks(grace_ms=50) == 1
    finally:
        go.set()
    assert busy_pool_tasks(grace_ms=2_000) == 0
