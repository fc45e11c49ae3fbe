"""Screenshots of the signing side in both languages (saved as PNG: look at them): the push
and certification dialogs, the live view while the suspect signs at the terminal (ink,
camera, page, who signs), the workstation's own pad, the seal's progress and the sealed
record's verification report; every visible character drawable by the shipped font and real
drawing in each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.settings import Settings
from app.ui.i18n import Localization
from app.ui.services import WorkstationServices
from app.ui.workstation.signing_dialogs import CertifyDialog, PushDialog
from tests.app.ui.conftest import close_dialogs, wait_idle
from tests.app.ui.terminal.test_kiosk_screens import shots_dir
from tests.app.ui.test_screenshots import shoot
from tests.app.ui.workstation.signing_rig import PASSPHRASE, make_rig, open_drafted_record


def sealing_progress(window: QWidget) -> QProgressDialog | None:
    """The progress dialog of the seal, once it is on screen."""
    shown = [d for d in window.findChildren(QProgressDialog) if d.isVisible()]
    return shown[0] if shown else None


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_signing_screens(qtbot: Any, settings: Settings, services: WorkstationServices,
                             clock: Any, tmp_path: Path, language: str) -> None:
    Localization.of().set_language(language)
    out = shots_dir(tmp_path)
    rig = make_rig(qtbot, settings, services, clock, media=True, speed=2.0)
    window, live = rig.window, rig.window.signing.live
    try:
        window.resize(1400, 900)
        open_drafted_record(rig, qtbot, services, language)
        qtbot.waitUntil(lambda: window.push_action.isEnabled(), timeout=10_000)
        window.push_action.trigger()
        push = window.dialog
        assert isinstance(push, PushDialog)
        push.passphrase.setText(PASSPHRASE)
        shoot(push, out / f"push-dialog-{language}.png", qtbot)
        push.ok_button.click()
        qtbot.waitUntil(lambda: isinstance(window.dialog, CertifyDialog), timeout=30_000)
        certify = window.dialog
        shoot(certify, out / f"certify-dialog-{language}.png", qtbot)
        certify.secret.setText(PASSPHRASE)
        certify.ok_button.click()

        pad = window.signing.pad_dialog
        qtbot.waitUntil(lambda: pad.isVisible() and pad.panel.screen == "signing"
                        and pad.panel.signing.surface.samples > 30, timeout=60_000)
        pad.resize(1000, 700)
        shoot(pad, out / f"workstation-pad-{language}.png", qtbot)

        qtbot.waitUntil(lambda: live.station_name == "terminal-1" and live.ink.stroke_count > 2
                        and live.camera.frames > 0, timeout=120_000)
        assert window.tabs.currentWidget() is window.live
        shoot(window, out / f"live-view-{language}.png", qtbot)
        qtbot.waitUntil(lambda: window.signing.seal_action.isEnabled(), timeout=120_000)
        wait_idle(qtbot, window)

        window.signing.seal_action.trigger()
        qtbot.waitUntil(lambda: sealing_progress(window) is not None, timeout=30_000)
        shoot(sealing_progress(window), out / f"seal-progress-{language}.png", qtbot,
              least=(150, 50))
        qtbot.waitUntil(lambda: window.signing.filed_record is not None, timeout=120_000)
        wait_idle(qtbot, window)
        viewer = window.signing.open_report()
        assert viewer is not None
        qtbot.waitUntil(lambda: viewer.package is not None, timeout=60_000)
        viewer.resize(1200, 800)
        shoot(viewer, out / f"sealed-report-{language}.png", qtbot)
        viewer.close()
    finally:
        close_dialogs()
        rig.stop()
