"""``inkseal workstation`` starts the window on a virtual screen, opens the database behind it,
and (with the start-up probe) says when it was painted and ready."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_the_workstation_command_opens_the_window_offscreen(isolated_settings: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "INKSEAL_STARTUP_PROBE": "1"}
    done = subprocess.run([sys.executable, "-m", "app", "--log-level", "WARNING",
                           "workstation"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in done.stdout.splitlines()
             if line.startswith("startup-probe")]
    assert [words[1] for words in lines] == ["painted", "ready"]
    painted, ready = (float(words[2]) for words in lines)
    assert painted <= ready
    assert (isolated_settings / "data" / "inkseal.sqlite3").exists()  # the database was opened
    assert "Traceback" not in done.stderr
