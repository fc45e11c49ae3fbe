"""The ``inkseal`` command line: help on every subcommand, honest refusals, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import COMMANDS, main

REPO = Path(__file__).resolve().parents[2]


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for name in ("workstation", "terminal", "verify", "demo", "pki", "db"):
        assert name in out


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_subcommand_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([name, "--help"])
    assert exit_info.value.code == 0
    assert f"inkseal {name}" in capsys.readouterr().out


def test_no_subcommand_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_workstation_without_display_says_how_to_run_headless(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert main(["workstation"]) == 3
    err = capsys.readouterr().err
    assert "demo --headless" in err and "xvfb-run" in err


def test_bad_setting_is_reported_with_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--set", "language=fr", "settings"]) == 2
    assert "--set" in capsys.readouterr().err


def test_console_entry_point_runs_as_a_process() -> None:
    out = subprocess.run([sys.executable, "-m", "app", "--version"], cwd=REPO,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert out.stdout.startswith("inkseal ")
