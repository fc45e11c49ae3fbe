"""The bridge: calls from real threads arrive on the GUI thread, in order, and never after
the receiver or the bridge is gone."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication

from app.ui.bridge import Bridge


def _gui_thread() -> QThread:
    return QApplication.instance().thread()


def test_calls_from_threads_run_on_the_gui_thread_in_order(qtbot: Any) -> None:
    bridge = Bridge()
    seen: list[tuple[int, int, bool]] = []
    record = bridge.adapt(lambda worker, n: seen.append(
        (worker, n, QThread.currentThread() is _gui_thread())))

    def worker(index: int) -> None:
        for n in range(200):
            record(index, n)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    qtbot.waitUntil(lambda: len(seen) == 800, timeout=5000)
    assert all(on_gui for _, _, on_gui in seen)
    for index in range(4):  # each thread's calls keep their order
        assert [n for w, n, _ in seen if w == index] == list(range(200))
    assert bridge.pending == 0
    bridge.close()
    bridge.deleteLater()


def test_a_post_from_the_gui_thread_runs_later_not_inside_the_caller(qtbot: Any) -> None:
    bridge = Bridge()
    seen: list[str] = []
    bridge.post(seen.append, "posted")
    seen.append("caller went on")
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert seen == ["caller went on", "posted"]
    assert Bridge.on_gui_thread()
    bridge.deleteLater()


def test_nothing_is_delivered_after_close(qtbot: Any) -> None:
    bridge = Bridge()
    seen: list[int] = []
    bridge.post(seen.append, 1)  # queued but not yet delivered
    bridge.close()
    thread = threading.Thread(target=lambda: bridge.post(seen.append, 2))
    thread.start()
    thread.join()
    assert bridge.post(seen.append, 3) is False
    qtbot.wait(50)
    assert seen == []
    assert bridge.closed
    bridge.deleteLater()


def test_a_delivery_to_a_deleted_receiver_is_dropped(qtbot: Any) -> None:
    bridge = Bridge()
    receiver = QObject()
    seen: list[str] = []
    call = bridge.adapt(lambda: seen.append("ran"), context=receiver)
    thread = threading.Thread(target=call)
    thread.start()
    thread.join()
    import shiboken6

    shiboken6.delete(receiver)
    qtbot.waitUntil(lambda: bridge.pending == 0)
    assert seen == []
    bridge.deleteLater()


def test_batched_items_arrive_complete_in_few_deliveries(qtbot: Any) -> None:
    bridge = Bridge()
    batches: list[list[int]] = []
    add = bridge.batched(batches.append)
    go = threading.Event()

    def producer() -> None:
        go.wait()
        for n in range(5000):
            add(n)

    thread = threading.Thread(target=producer)
    thread.start()
    go.set()
    thread.join()
    qtbot.waitUntil(lambda: sum(len(b) for b in batches) == 5000, timeout=5000)
    assert [n for batch in batches for n in batch] == list(range(5000))
    assert len(batches) < 5000  # coalesced: items that arrived together came as one list
    bridge.deleteLater()


def test_latest_delivers_only_the_newest_value(qtbot: Any) -> None:
    bridge = Bridge()
    seen: list[int] = []
    set_value = bridge.latest(seen.append)
    thread = threading.Thread(target=lambda: [set_value(n) for n in range(1000)])
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bridge.pending == 0 and seen and seen[-1] == 999)
    assert seen == sorted(seen) and len(seen) < 1000
    bridge.deleteLater()
