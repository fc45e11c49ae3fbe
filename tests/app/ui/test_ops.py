"""Background operations: the work runs off the GUI thread while the event loop keeps
turning, results and errors come back on the GUI thread, progress and cancellation work, and
no worker thread outlives its window."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThread, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QPushButton, QWidget

from app.ui.bridge import Bridge
from app.ui.errors import ErrorReporter
from app.ui.i18n import Localization
from app.ui.ops import Op, OpProgress, OpRunner
from records.errors import NotFound


class Host(QWidget):
    """A window that runs ops."""

    def __init__(self) -> None:
        super().__init__()
        self.bridge = Bridge(self)
        self.op_runner = OpRunner(self.bridge, ErrorReporter(parent=self), parent=self)

    def stop(self) -> None:
        self.op_runner.shutdown()
        self.bridge.close()


@pytest.fixture
def host(qtbot: Any) -> Iterator[Host]:
    window = Host()
    qtbot.addWidget(window)
    yield window
    window.stop()


def _worker_thread_names() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name.startswith("inkseal-op")}


def test_the_event_loop_keeps_turning_while_an_op_runs(host: Host, qtbot: Any) -> None:
    ticks: list[int] = []
    timer = QTimer(host)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    release = threading.Event()
    threads: list[bool] = []
    results: list[int] = []

    def work(progress: OpProgress) -> int:
        threads.append(QThread.currentThread() is QApplication.instance().thread())
        release.wait(5)
        return 42

    Op(host, work, results.append).run()
    qtbot.wait(300)
    assert len(ticks) >= 5, "the GUI thread stalled while the work ran"
    assert results == []
    release.set()
    qtbot.waitUntil(lambda: results == [42])
    timer.stop()
    assert threads == [False]
    assert host.op_runner.idle()


def test_success_runs_on_the_gui_thread(host: Host, qtbot: Any) -> None:
    where: list[bool] = []
    Op(host, lambda progress: "done",
       lambda value: where.append(Bridge.on_gui_thread() and value == "done")).run()
    qtbot.waitUntil(lambda: where == [True])


def test_a_failure_goes_to_its_handler(host: Host, qtbot: Any) -> None:
    errors: list[BaseException] = []

    def work(progress: OpProgress) -> None:
        raise NotFound("case", "C-1")

    Op(host, work, lambda _: pytest.fail("no success expected")).failure(errors.append).run()
    qtbot.waitUntil(lambda: len(errors) == 1)
    assert isinstance(errors[0], NotFound) and errors[0].reason == "case_not_found"


@pytest.mark.parametrize("language,expected", [("zh", "找不到案件：C-1"), ("en", "no case C-1")])
def test_an_unhandled_domain_error_is_shown_in_the_interface_language_and_logged(
        host: Host, qtbot: Any, caplog: pytest.LogCaptureFixture, language: str,
        expected: str) -> None:
    Localization.of().set_language(language)
    shown: list[str] = []
    host.op_runner.reporter.reported.connect(shown.append)

    def work(progress: OpProgress) -> None:
        raise NotFound("case", "C-1")

    with caplog.at_level(logging.ERROR, logger="app.ui.errors"):
        Op(host, work).run()
        qtbot.waitUntil(lambda: len(shown) == 1)
    assert expected in shown[0] and "case_not_found" in shown[0]
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    assert len(boxes) == 1 and expected in boxes[0].text()
    boxes[0].close()
    record = next(r for r in caplog.records if r.name == "app.ui.errors")
    assert record.exc_info is not None and record.exc_info[0] is NotFound


def test_an_unexpected_error_names_the_log(host: Host, qtbot: Any) -> None:
    shown: list[str] = []
    host.op_runner.reporter.reported.connect(shown.append)

    def work(progress: OpProgress) -> None:
        raise ZeroDivisionError("division by zero")

    Op(host, work).run()
    qtbot.waitUntil(lambda: len(shown) == 1)
    assert "ZeroDivisionError: division by zero" in shown[0]
    for box in host.findChildren(QMessageBox):
        box.close()


def test_progress_shows_a_determinate_dialog_and_cancel_stops_the_work(
        host: Host, qtbot: Any) -> None:
    reached = threading.Event()
    cancelled: list[bool] = []
    finished: list[int] = []

    def work(progress: OpProgress) -> None:
        for step in range(1000):
            progress.update(step, 1000, f"step {step}")
            if step == 5:
                reached.set()
            progress.check()
            threading.Event().wait(0.01)
        finished.append(1)

    op = Op(host, work).with_progress("Counting").cancellable(lambda: cancelled.append(True))
    op.run()
    qtbot.waitUntil(lambda: bool(host.findChildren(QProgressDialog)), timeout=3000)
    dialog = host.findChildren(QProgressDialog)[0]
    qtbot.waitUntil(lambda: dialog.value() > 5)
    assert dialog.maximum() == 1000 and dialog.labelText().startswith("step ")
    [cancel_button] = dialog.findChildren(QPushButton)
    qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cancelled == [True])
    assert finished == [] and op.done
    assert not any(d.isVisible() for d in host.findChildren(QProgressDialog))


def test_a_quick_op_never_shows_its_dialog(host: Host, qtbot: Any) -> None:
    done: list[int] = []
    Op(host, lambda progress: 1, done.append).with_progress("Quick").run()
    qtbot.waitUntil(lambda: done == [1])
    qtbot.wait(50)
    assert not host.findChildren(QProgressDialog)


def test_closing_the_window_drops_late_results_and_leaves_no_thread(qtbot: Any) -> None:
    window = Host()
    release = threading.Event()
    results: list[str] = []

    def work(progress: OpProgress) -> str:
        release.wait(5)
        return "late"

    Op(window, work, results.append).run()
    qtbot.waitUntil(lambda: bool(_worker_thread_names()))
    release.set()
    window.stop()  # joins the workers
    assert not _worker_thread_names()
    window.deleteLater()
    qtbot.wait(50)
    assert results == []
    # An op asked of a closed window never starts.
    ran: list[int] = []
    other = Host()
    other.stop()
    op = Op(other, lambda progress: ran.append(1)).run()
    assert op.done and op.id is None and ran == []
    other.deleteLater()


def test_an_op_outside_any_window_with_a_runner_is_refused(qtbot: Any) -> None:
    orphan = QWidget()
    qtbot.addWidget(orphan)
    with pytest.raises(LookupError):
        Op(orphan, lambda progress: None).run()
