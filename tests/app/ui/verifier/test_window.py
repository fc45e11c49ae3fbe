"""The verifier window on a real sealed package: the report, the replay beside the recording,
the timeline that moves the replay, export, and what happens without the archive key."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QProgressDialog

from app.settings import Settings
from app.ui.verifier import VerifierWindow
from app.ui.verifier.timeline import EventKind
from crypto.pades_report import Verdict
from tests.app.ui.verifier.conftest import Demo, wait_verified


def test_the_report_shows_every_check_with_its_verdict(window: VerifierWindow) -> None:
    report = window.package.report
    view = window.report_view
    assert report.outcome.value == "pass"
    assert view.checks.topLevelItemCount() == len(report.checks) > 30
    assert "VERIFIED" in view.outcome_label.text()
    passed = sum(c.verdict is Verdict.PASS for c in report.checks)
    assert f"{passed} passed, 0 failed" in view.outcome_label.text()
    assert any(c.name == "pen_commitments" for c in report.checks)
    assert "Archive key given" in view.facts_label.text()
    assert "SIMULATED" in view.facts_label.text()
    for row, check in enumerate(report.checks):
        item = view.checks.topLevelItem(row)
        assert item.text(0) == {"pass": "PASS", "fail": "FAIL", "warn": "WARN",
                                "skip": "SKIP"}[check.verdict.value]
        assert not item.icon(0).isNull()
    ink = next(i for i, c in enumerate(report.checks) if c.name == "ink")
    view.checks.setCurrentItem(view.checks.topLevelItem(ink))
    assert "differing_share" in view.details.toPlainText()
    assert window.export_pdf_action.isEnabled() and window.export_html_action.isEnabled()


def test_the_event_loop_keeps_turning_while_verifying(qtbot: Any, ui_app: Any,
                                                      verifier_settings: Settings,
                                                      demo: Demo) -> None:
    shown = VerifierWindow(verifier_settings)
    qtbot.addWidget(shown)
    shown.show()
    ticks: list[float] = []
    dialogs: list[str] = []
    timer = QTimer(shown)
    timer.setInterval(10)

    def tick() -> None:
        ticks.append(time.monotonic())
        dialog = shown.findChild(QProgressDialog)
        if dialog is not None and dialog.isVisible():
            dialogs.append(dialog.labelText())

    timer.timeout.connect(tick)
    timer.start()
    try:
        started = time.monotonic()
        shown.open_path(demo.package)
        assert not shown.export_html_action.isEnabled()  # nothing to export yet
        wait_verified(qtbot, shown)
        finished = time.monotonic()
    finally:
        timer.stop()
        shown.close()
    # The GUI thread served the timer all along: no stall longer than a few
    # hundred milliseconds anywhere between opening and the verdict.
    during = [started, *(t for t in ticks if started <= t <= finished), finished]
    longest = max(b - a for a, b in zip(during, during[1:]))
    assert len(during) > 10
    assert longest < 0.5, f"the event loop stalled for {longest:.3f} s"
    assert any(text.startswith("Verifying") for text in dialogs)


def test_the_replay_plays_in_sync_and_scrubs(window: VerifierWindow, qtbot: Any) -> None:
    replay = window.replay
    window.tabs.setCurrentIndex(1)
    replay.select_signature("Sig_4_suspect")
    ink = window.package.signatures["Sig_4_suspect"]
    assert replay.station == "terminal-1" and replay.signature is ink
    assert replay.canvas.count == 0  # half a second before the first sample
    replay.set_speed(2.0)
    start, frames = replay.position_us, replay.frames_shown
    replay.play_button.click()
    assert replay.playing
    qtbot.waitUntil(lambda: replay.position_us > ink.start_us + 200_000, timeout=10_000)
    qtbot.waitUntil(lambda: replay.frames_shown > frames + 3, timeout=10_000)
    replay.play_button.click()
    assert not replay.playing and replay.position_us > start
    assert 0 < replay.canvas.count == ink.count_at(replay.position_us) < len(ink.points)

    # Scrub to the end of the signature: all the ink, and the frame of that moment.
    replay.slider.setValue(round((ink.end_us + 1000 - replay.range_us[0]) / 1000))  # ms steps
    assert replay.canvas.count == len(ink.points)
    media_s = replay.media_time_s()
    assert media_s is not None
    qtbot.waitUntil(lambda: replay.frame_time_s is not None
                    and media_s - 0.5 < replay.frame_time_s <= media_s + 0.002, timeout=10_000)
    # And back: the ink shrinks with the scrub.
    replay.seek(ink.start_us + (ink.end_us - ink.start_us) / 2)
    assert 0 < replay.canvas.count < len(ink.points)
    assert replay.time_label.text().count(":") == 2


def test_choosing_a_timeline_event_moves_the_replay_there(window: VerifierWindow,
                                                          qtbot: Any) -> None:
    timeline, replay = window.timeline, window.replay
    window.tabs.setCurrentIndex(1)
    stroke = next(e for e in timeline.shown if e.kind is EventKind.STROKE
                  and e.field == "Sig_3_appropriate_adult")
    timeline.select(stroke)
    assert replay.station == "workstation-1"
    assert replay.position_us == stroke.mono_us
    assert replay.signature is window.package.signatures["Sig_3_appropriate_adult"]
    assert replay.canvas.count == replay.signature.count_at(stroke.mono_us)
    assert "pen.batch" in timeline.details.toPlainText()
    assert "Verification: verified" in timeline.details.toPlainText()
    # An event of the other station switches the replay to that station's recording.
    page = next(e for e in timeline.shown if e.kind is EventKind.PAGE
                and e.station == "terminal-1")
    timeline.select(page)
    assert replay.station == "terminal-1" and replay.position_us == page.mono_us
    assert timeline.strip.cursor_wall_us == page.wall_us


def test_the_timeline_filters_by_kind_station_and_status(window: VerifierWindow) -> None:
    timeline = window.timeline
    everything = len(timeline.shown)
    timeline.kind_boxes[EventKind.STROKE].setChecked(False)
    assert all(e.kind is not EventKind.STROKE for e in timeline.shown)
    assert timeline.table.rowCount() == len(timeline.shown) < everything
    timeline.kind_boxes[EventKind.MEDIA].setChecked(True)
    assert any(e.kind is EventKind.MEDIA for e in timeline.shown)
    timeline.station_filter.setCurrentIndex(timeline.station_filter.findData("terminal-1"))
    assert {e.station for e in timeline.shown} == {"terminal-1"}
    timeline.problems_only.setChecked(True)
    assert timeline.shown == [] and timeline.table.rowCount() == 0


def test_the_report_exports_as_html_and_pdf(window: VerifierWindow, qtbot: Any,
                                            tmp_path: Path) -> None:
    for kind in ("html", "pdf"):
        target = tmp_path / f"report.{kind}"
        with qtbot.waitSignal(window.exported, timeout=30_000) as blocker:
            window.export(target, kind)
        assert blocker.args == [str(target)]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Inkseal verification report" in html and "VERIFIED" in html
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert not list(tmp_path.glob("*.part"))
    if shutil.which("pdftotext") and shutil.which("pdffonts"):
        text = subprocess.run(["pdftotext", str(tmp_path / "report.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "VERIFIED" in text and "Sig_4_suspect" in text
        fonts = subprocess.run(["pdffonts", str(tmp_path / "report.pdf")],
                               capture_output=True, text=True, check=True).stdout
        assert "InksealSans" in fonts


def test_without_the_archive_key_replay_says_why(qtbot: Any, ui_app: Any,
                                                 verifier_settings: Settings,
                                                 demo: Demo) -> None:
    shown = VerifierWindow(verifier_settings, demo.package)
    qtbot.addWidget(shown)
    shown.show()
    try:
        wait_verified(qtbot, shown)
        report = shown.package.report
        assert report.outcome.value == "untrusted"
        assert "INTACT BUT NOT TRUSTED" in shown.report_view.outcome_label.text()
        assert "No archive key" in shown.report_view.facts_label.text()
        ink = next(c for c in report.checks if c.name == "ink")
        assert ink.verdict is Verdict.SKIP
        replay = shown.replay
        assert replay.ink_stack.currentWidget() is replay.ink_message
        assert "archive key" in replay.ink_message.text()
        assert replay.station  # the recordings still play
        assert "no trust roots given" in shown.status_label.text()
    finally:
        shown.close()


def test_a_wrong_passphrase_is_reported_with_its_reason(qtbot: Any, ui_app: Any,
                                                        verifier_settings: Settings,
                                                        demo: Demo) -> None:
    shown = VerifierWindow(verifier_settings)
    qtbot.addWidget(shown)
    shown.show()
    try:
        with qtbot.waitSignal(shown.reporter.reported, timeout=30_000) as blocker:
            shown.apply_options([demo.trust_root], demo.archive_key, b"not the passphrase")
        assert "wrong_passphrase" in blocker.args[0]
        assert shown.options.archive_key is None and shown.package is None
    finally:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == "inkseal-error":
                widget.close()
        shown.close()


def test_a_dropped_file_is_opened(qtbot: Any, ui_app: Any, verifier_settings: Settings,
                                  demo: Demo) -> None:
    shown = VerifierWindow(verifier_settings)
    qtbot.addWidget(shown)
    shown.show()
    try:
        data = QMimeData()
        data.setUrls([QUrl.fromLocalFile(str(demo.pdf))])
        drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data,
                          Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        shown.dropEvent(drop)
        wait_verified(qtbot, shown)
        assert shown.path == demo.pdf and shown.package.report.kind == "pdf"
        assert "Inkseal — Verifier record.pdf" == shown.windowTitle()
    finally:
        shown.close()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_language_switches_live(window: VerifierWindow, language: str) -> None:
    window.switch_language(language)
    QApplication.processEvents()
    expected = {"zh": ("验证报告", "验证通过"), "en": ("Report", "VERIFIED")}[language]
    assert window.tabs.tabText(0) == expected[0]
    assert expected[1] in window.report_view.outcome_label.text()


def test_a_file_that_is_no_package_gets_a_failed_report(qtbot: Any, ui_app: Any,
                                                        verifier_settings: Settings,
                                                        tmp_path: Path) -> None:
    junk = tmp_path / "notes.zip"
    junk.write_bytes(b"this is not a zip")
    shown = VerifierWindow(verifier_settings, junk)
    qtbot.addWidget(shown)
    shown.show()
    try:
        wait_verified(qtbot, shown)
        report = shown.package.report
        assert report.outcome.value == "fail"
        assert [c.reason for c in report.failures()] == ["not_a_bag"]
        assert "FAILED" in shown.report_view.outcome_label.text()
        assert shown.timeline.shown == [] and shown.replay.station == ""
        assert shown.replay.ink_message.text() == "No signature to replay."
        assert shown.export_html_action.isEnabled()  # a failed report is worth keeping too
    finally:
        shown.close()
