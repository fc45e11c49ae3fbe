"""What goes wrong at the kiosk, shown plainly with a way to try again and logged: a pad that
cannot be opened, a fingerprint reader that does not answer, a signature cleared and begun
again, a refusal with its reason word for word, a turn the workstation calls off; and the
window keeps turning while a device step blocks."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QTimer

from devices.pen import PadMode, PadSpec
from records.session_types import StationError
from tests.app.ui.terminal.conftest import Kiosk
from tests.app.ui.terminal.test_kiosk_turn import read_every_page, wait_for_pen


def sign_until_fingerprint(kiosk: Kiosk, qtbot: Any) -> None:
    panel = kiosk.window.panel
    read_every_page(kiosk, qtbot)
    panel.reading.sign_button.click()
    qtbot.waitUntil(lambda: panel.screen == "signing" and panel.pad is not None,
                    timeout=10_000)
    wait_for_pen(kiosk, qtbot)
    panel.signing.confirm_button.click()
    qtbot.waitUntil(lambda: panel.screen == "fingerprint", timeout=10_000)


def refuse(kiosk: Kiosk, qtbot: Any, reason: str = "test over") -> None:
    kiosk.window.panel.refuse(reason)
    qtbot.waitUntil(lambda: kiosk.window.panel.screen == "done", timeout=15_000)


def test_a_pad_that_cannot_be_opened_is_shown_with_retry(make_kiosk: Any, qtbot: Any) -> None:
    kiosk = make_kiosk(pad=PadSpec(pad="/dev/hidraw-absent", mode=PadMode.HARDWARE))
    panel = kiosk.window.panel
    turn = kiosk.run_turn()
    read_every_page(kiosk, qtbot)
    panel.reading.sign_button.click()
    qtbot.waitUntil(lambda: panel.fault.showing, timeout=10_000)
    assert "signature pad" in panel.fault.text
    assert panel.fault.retry_button.isVisible()
    panel.fault.retry_button.click()
    qtbot.waitUntil(lambda: len(kiosk.of("pen.event")) >= 2 and panel.fault.showing,
                    timeout=10_000)
    failures = [e for e in kiosk.of("pen.event") if e.data["kind"] == "open_failed"]
    assert len(failures) == 2 and all(e.data["reason"] == "no_pad" for e in failures)
    refuse(kiosk, qtbot)
    turn.join()
    assert turn.outcome[0].refusal_reason == "test over"


def test_a_silent_fingerprint_reader_is_shown_with_retry(make_kiosk: Any, qtbot: Any) -> None:
    kiosk = make_kiosk(fingerprint="/dev/ttyINKSEAL-absent")
    panel = kiosk.window.panel
    turn = kiosk.run_turn()
    sign_until_fingerprint(kiosk, qtbot)
    qtbot.waitUntil(lambda: panel.fault.showing, timeout=15_000)
    assert "fingerprint" in panel.fault.text
    panel.fault.retry_button.click()
    qtbot.waitUntil(lambda: len(kiosk.of("fingerprint.failed")) == 2 and panel.fault.showing,
                    timeout=15_000)
    assert [e.data["attempt"] for e in kiosk.of("fingerprint.failed")] == [1, 2]
    assert not panel.fingerprint.continue_button.isEnabled()
    refuse(kiosk, qtbot)
    turn.join()


def test_clearing_keeps_the_attempt_in_the_log_and_a_refusal_its_words(
        make_kiosk: Any, qtbot: Any) -> None:
    kiosk = make_kiosk()
    panel = kiosk.window.panel
    turn = kiosk.run_turn()
    read_every_page(kiosk, qtbot)
    panel.reading.sign_button.click()
    qtbot.waitUntil(lambda: panel.screen == "signing" and panel.pad is not None,
                    timeout=10_000)
    samples = wait_for_pen(kiosk, qtbot)
    panel.signing.clear_button.click()
    qtbot.waitUntil(lambda: panel.signing.surface.stroke_count == 0 and bool(
        kiosk.of("pen.clear")), timeout=10_000)
    assert kiosk.of("pen.clear")[0].data["discarded_samples"] == samples
    assert not panel.signing.confirm_button.isEnabled()  # nothing written in attempt 2 yet
    dialog = panel.ask_refusal()
    assert dialog is not None and not dialog.refuse_button.isEnabled()
    dialog.choices.setCurrentRow(0)
    dialog.detail.setPlainText("第二页第三行记录有误")
    assert dialog.refuse_button.isEnabled()
    dialog.refuse_button.click()
    qtbot.waitUntil(lambda: panel.screen == "done", timeout=15_000)
    turn.join()
    reason = kiosk.of("turn.refused")[0].data["reason"]
    assert reason == "I do not agree with what the record says: 第二页第三行记录有误"
    assert turn.outcome[0].refusal_reason == reason
    assert "Refusal recorded" in panel.done.title.text()


def test_a_turn_called_off_elsewhere_ends_here(make_kiosk: Any, qtbot: Any) -> None:
    kiosk = make_kiosk()
    panel = kiosk.window.panel
    turn = kiosk.run_turn()
    qtbot.waitUntil(lambda: panel.screen == "reading", timeout=10_000)
    kiosk.station.cancel_turn("the workstation called it off")
    qtbot.waitUntil(lambda: panel.screen == "done", timeout=10_000)
    turn.join()
    assert isinstance(turn.error[0], StationError)
    assert turn.error[0].reason == "turn_cancelled"
    assert kiosk.of("turn.cancelled")[0].data["reason"] == "the workstation called it off"
    assert "Stopped" in panel.done.title.text()


def test_the_window_keeps_turning_while_the_reader_is_pressed(make_kiosk: Any,
                                                            qtbot: Any) -> None:
    kiosk = make_kiosk()
    panel = kiosk.window.panel
    turn = kiosk.run_turn()
    ticks: list[int] = []
    timer = QTimer(kiosk.window)
    timer.timeout.connect(lambda: ticks.append(1))
    sign_until_fingerprint(kiosk, qtbot)
    timer.start(10)
    gui = threading.current_thread()
    qtbot.waitUntil(lambda: panel.capture is not None, timeout=20_000)
    timer.stop()
    assert len(ticks) >= 10, "the GUI thread was blocked during the fingerprint capture"
    assert threading.current_thread() is gui
    refuse(kiosk, qtbot)
    turn.join()
