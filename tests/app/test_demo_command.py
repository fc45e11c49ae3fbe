"""``inkseal demo --headless``: the full record from draft to a verified package (a process
of its own, as a user runs it), and stage one with ``--unsigned``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_unsigned_renders_stage_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--headless", "--unsigned", "--out", str(tmp_path / "out"),
                 "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "Stage one" in out and len(list((tmp_path / "out").glob("*.en.pdf"))) == 8


def test_without_a_display_it_says_how_to_run_headless(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    assert main(["demo"]) == 3
    assert "demo --headless" in capsys.readouterr().err


@pytest.mark.slow
def test_the_full_demo_runs_as_a_user_runs_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INKSEAL_")}
    env.update(INKSEAL_DATA_DIR=str(tmp_path / "user-data"),
               INKSEAL_SETTINGS=str(tmp_path / "settings.toml"))
    out = tmp_path / "demo"
    run = subprocess.run([sys.executable, "-m", "app", "demo", "--headless", "--out", str(out)],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    (package,) = out.glob("record-*.zip")
    assert str(package.resolve()) in run.stdout
    assert "结论：验证通过" in run.stdout and "demo passed" in run.stdout
    assert "模拟设备" in run.stdout
    for step in ("drafted", "certifying", "sealing", "verifying"):
        assert step in run.stderr
    # The user's own data directory gets the program's log only: the demo's site, database,
    # capture logs and media all live under DIR.
    assert {p.name for p in (tmp_path / "user-data").iterdir()} <= {"logs"}
    again = subprocess.run([sys.executable, "-m", "app", "verify", str(package), "--trust",
                            str(out / "data" / "pki" / "ca" / "root-ca.cert.pem")],
                           cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
