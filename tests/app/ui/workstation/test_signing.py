"""The workstation's signing side, end to end on simulated devices: push a drafted record to a
terminal in this process, sign as prosecutor (officer key passphrase), the recorder and the
appropriate adult at the workstation's own pad, the suspect at the terminal, seal and file
(an op: the window keeps turning), and the verification report of the sealed record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.settings import Settings
from app.ui.services import WorkstationServices
from app.ui.workstation.signing_dialogs import CertifyDialog, PushDialog
from records.signing import RecordState
from tests.app.ui.conftest import close_dialogs, wait_idle
from tests.app.ui.loop_watch import STALL_S, LoopWatch
from tests.app.ui.workstation.signing_rig import PASSPHRASE, Rig, make_rig, open_drafted_record


@pytest.fixture
def rig(qtbot: Any, settings: Settings, services: WorkstationServices,
        clock: Any) -> Iterator[Rig]:
    made = make_rig(qtbot, settings, services, clock)
    yield made
    close_dialogs()
    made.stop()


def push(rig: Rig, qtbot: Any, passphrase: str = PASSPHRASE) -> PushDialog:
    window = rig.window
    qtbot.waitUntil(lambda: window.push_action.isEnabled(), timeout=10_000)
    window.push_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, PushDialog)
    assert dialog.terminal.count() == 1 and dialog.need_passphrase
    dialog.passphrase.setText(passphrase)
    dialog.ok_button.click()
    return dialog


def certify(rig: Rig, qtbot: Any, secret: str = PASSPHRASE) -> CertifyDialog:
    qtbot.waitUntil(lambda: isinstance(rig.window.dialog, CertifyDialog), timeout=30_000)
    dialog = rig.window.dialog
    assert isinstance(dialog, CertifyDialog) and not dialog.on_token
    dialog.secret.setText(secret)
    dialog.ok_button.click()
    return dialog


@pytest.mark.slow
def test_a_record_is_pushed_signed_in_turn_sealed_and_filed(rig: Rig, qtbot: Any,
                                                           services: WorkstationServices,
                                                           settings: Settings) -> None:
    record_id = open_drafted_record(rig, qtbot, services)
    window = rig.window
    assert not window.signing.seal_action.isEnabled()
    push(rig, qtbot)
    dialog = certify(rig, qtbot, "not the passphrase")
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=20_000)
    assert dialog.isVisible() and "passphrase" in dialog.error.text().lower()
    dialog.secret.setText(PASSPHRASE)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: window.signing.seal_action.isEnabled(), timeout=120_000)
    record = services.records.load_record(record_id).result()
    assert record.state is RecordState.READY
    states = {s.field_name: s.state.value for s in record.head.signatories}
    assert set(states.values()) == {"signed"}
    live = [window.signing.live.events.item(i).text()
            for i in range(window.signing.live.events.count())]
    assert any("terminal-1" in line for line in live)

    watch = LoopWatch(window).start()
    window.signing.seal_action.trigger()
    qtbot.waitUntil(lambda: window.signing.filed_record is not None, timeout=120_000)
    watch.stop()
    # Seal, package, verify: seconds of work, and the window served a 10 ms timer throughout.
    longest = watch.longest_gap()
    assert watch.ticks_between() > 20
    assert longest < STALL_S, f"the event loop stalled for {longest:.3f} s while sealing"
    filed = window.signing.filed_record
    assert filed.report.ok and filed.report.trusted
    assert filed.package.exists() and filed.package.parent == settings.data_path / "packages"
    qtbot.waitUntil(lambda: window.open_record is not None
                    and window.open_record.state is RecordState.SEALED, timeout=10_000)
    wait_idle(qtbot, window)
    assert window.signing.report_action.isEnabled()
    viewer = window.signing.open_report()
    assert viewer is not None
    qtbot.waitUntil(lambda: viewer.package is not None, timeout=60_000)
    viewer.close()


@pytest.mark.slow
def test_a_refusal_at_the_terminal_is_recorded_and_the_record_still_sealed(
        qtbot: Any, settings: Settings, services: WorkstationServices, clock: Any) -> None:
    reason = "我不同意笔录所记载的内容"
    rig = make_rig(qtbot, settings, services, clock, refusals={"suspect": reason})
    try:
        record_id = open_drafted_record(rig, qtbot, services)
        window = rig.window
        opened: list[int] = []
        rig.window.signing.pad_dialog.desk.started.connect(lambda _r: opened.append(1))
        push(rig, qtbot)
        certify(rig, qtbot)
        qtbot.waitUntil(lambda: window.signing.seal_action.isEnabled(), timeout=120_000)
        record = services.records.load_record(record_id).result()
        suspect = next(s for s in record.head.signatories if s.role == "suspect")
        assert suspect.state.value == "refused" and suspect.refusal_reason == reason
        assert len(opened) == 2  # the recorder and the appropriate adult at this pad
        assert not window.signing.pad_dialog.isVisible()
        assert rig.terminal.panel.done.title.text() == "Refusal recorded"
        window.signing.seal_action.trigger()
        qtbot.waitUntil(lambda: window.signing.filed_record is not None, timeout=120_000)
        assert window.signing.filed_record.report.ok
        wait_idle(qtbot, window)
    finally:
        close_dialogs()
        rig.stop()


def test_a_wrong_site_passphrase_pushes_nothing_and_is_asked_again(
        rig: Rig, qtbot: Any, services: WorkstationServices) -> None:
    open_drafted_record(rig, qtbot, services)
    window = rig.window
    reported: list[str] = []
    window.reporter.reported.connect(reported.append)
    push(rig, qtbot, passphrase="wrong")
    qtbot.waitUntil(lambda: bool(reported), timeout=30_000)
    assert window.signing.session is None and window.signing.passphrase is None
    close_dialogs()
    qtbot.waitUntil(lambda: window.push_action.isEnabled(), timeout=10_000)
    window.push_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, PushDialog) and dialog.need_passphrase
    dialog.reject()
    wait_idle(qtbot, window)
