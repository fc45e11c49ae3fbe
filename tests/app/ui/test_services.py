"""The workstation's services: opened once (in the background when the window is already
up), shut down when the window closes, whatever state they were in."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.settings import Settings
from app.ui.services import WorkstationServices
from app.ui.workstation import WorkstationWindow
from records.errors import StorageError
from tests.app.ui.conftest import Clock


def _threads(prefix: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(prefix)]


def test_services_open_and_shut_down_cleanly(settings: Settings, clock: Clock) -> None:
    services = WorkstationServices.open(settings, clock=clock)
    case = services.records.create_case("N-1", "案", "院").result()
    assert _threads("inkseal-records")
    assert services.records.load_case(case.id).result().case_number == "N-1"
    assert len(services.templates) == 8
    assert services.database.url.startswith("sqlite:///")
    services.shutdown()
    services.shutdown()  # idempotent
    assert services.closed and not _threads("inkseal-records")
    again = WorkstationServices.open(settings, clock=clock)  # the same files, reopened
    assert [c.case_number for c in again.records.list_cases().result()] == ["N-1"]
    again.shutdown()


def test_the_window_is_up_before_the_services_and_closing_it_shuts_them_down(
        qtbot: Any, settings: Settings, clock: Clock) -> None:
    release = threading.Event()
    opened: list[WorkstationServices] = []

    def opener() -> WorkstationServices:
        release.wait(10)
        services = WorkstationServices.open(settings, clock=clock)
        opened.append(services)
        return services

    window = WorkstationWindow(settings, opener, clock=clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.services is None
    assert not window.new_case_action.isEnabled()
    assert window.database_label.text() == "Opening the database…"
    release.set()
    window.close()  # while the services may still be opening: waits, then shuts them down
    assert len(opened) == 1 and opened[0].closed
    assert not _threads("inkseal-records") and not _threads("inkseal-op")


def test_the_window_becomes_ready_when_its_services_open(
        qtbot: Any, settings: Settings, clock: Clock) -> None:
    window = WorkstationWindow(settings, lambda: WorkstationServices.open(settings, clock=clock),
                               clock=clock)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=20_000):
        window.show()
    assert window.services is not None and window.new_case_action.isEnabled()
    assert "sqlite" in window.database_label.text()
    window.close()
    assert window.services.closed


def test_a_database_that_cannot_be_opened_is_reported(qtbot: Any, settings: Settings) -> None:
    def opener() -> WorkstationServices:
        raise StorageError(reason="unreachable", zh="无法连接数据库", en="cannot reach the database")

    window = WorkstationWindow(settings, opener)
    qtbot.addWidget(window)
    shown: list[str] = []
    window.reporter.reported.connect(shown.append)
    window.show()
    qtbot.waitUntil(lambda: bool(shown))
    assert "cannot reach the database" in shown[0] and "unreachable" in shown[0]
    assert "could not be opened" in window.statusBar().currentMessage()
    assert not window.new_case_action.isEnabled()
    for box in window.findChildren(QMessageBox):
        box.close()
    window.close()


@pytest.mark.parametrize("closing", ["twice"])
def test_closing_twice_is_harmless(window: WorkstationWindow, closing: str) -> None:
    window.close()
    window.shutdown()
    assert window.services is not None and window.services.closed
    assert QApplication.instance() is not None
