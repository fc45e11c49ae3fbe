"""``inkseal verify --gui``: the verifier window on the command line's package and options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.commands import EXIT_NO_DISPLAY
from tests.app.ui.verifier.conftest import Demo


def test_without_a_display_it_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str],
                                                   demo: Demo) -> None:
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    assert main(["verify", str(demo.package), "--gui"]) == EXIT_NO_DISPLAY
    assert "xvfb-run" in capsys.readouterr().err


def test_the_window_gets_the_package_trust_and_key(monkeypatch: pytest.MonkeyPatch,
                                                   qtbot: Any, ui_app: Any, demo: Demo,
                                                   tmp_path: Path) -> None:
    passphrase = tmp_path / "passphrase"
    passphrase.write_bytes(demo.passphrase)
    opened: list[Any] = []

    def run_window(settings: Any, factory: Any) -> int:
        window = factory(settings)
        qtbot.addWidget(window)
        opened.append(window)
        return 0

    monkeypatch.setattr("app.ui.application.run_window", run_window)
    assert main(["verify", str(demo.package), "--gui", "--trust", str(demo.trust_root),
                 "--archive-key", str(demo.archive_key), "--passphrase-file",
                 str(passphrase), "--language", "en"]) == 0
    window = opened[0]
    try:
        qtbot.waitUntil(lambda: window.package is not None and window.op_runner.idle(),
                        timeout=60_000)
        assert window.package.report.outcome.value == "pass"
        assert set(window.package.signatures) == {"Sig_2_recorder", "Sig_3_appropriate_adult",
                                                  "Sig_4_suspect"}
    finally:
        window.close()


def test_a_key_without_its_passphrase_asks_for_it_in_the_window(
        monkeypatch: pytest.MonkeyPatch, qtbot: Any, ui_app: Any, demo: Demo) -> None:
    opened: list[Any] = []

    def run_window(settings: Any, factory: Any) -> int:
        window = factory(settings)
        qtbot.addWidget(window)
        opened.append(window)
        return 0

    monkeypatch.setattr("app.ui.application.run_window", run_window)
    assert main(["verify", str(demo.package), "--gui", "--archive-key",
                 str(demo.archive_key)]) == 0
    window = opened[0]
    try:
        qtbot.waitUntil(lambda: window.dialog is not None, timeout=5_000)
        dialog = window.dialog
        assert dialog.archive_key_path == demo.archive_key
        dialog.passphrase_edit.setText(demo.passphrase.decode())
        dialog.accept()
        qtbot.waitUntil(lambda: window.package is not None and window.op_runner.idle(),
                        timeout=60_000)
        assert window.options.archive_key is not None
        assert window.package.report.archive_key
    finally:
        window.close()
