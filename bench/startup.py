"""Cold start of the workstation: from spawning ``inkseal workstation`` to its first window on
screen (target: under 1.5 s), and to the window being ready (database open, cases listed).

Each run spawns a new process on the offscreen platform with ``INKSEAL_STARTUP_PROBE=1``: the
window prints ``time.monotonic()`` when it is first painted and when it is ready, then quits.
``time.monotonic()`` is one clock for every process on Linux, so the figures are spawn to
paint, interpreter start-up included.  In the same run, for comparison:
  - python: ``python -c pass`` (the interpreter alone);
  - bare Qt: import QtWidgets, a QApplication, show an empty QMainWindow, first paint.
The first workstation run creates the database (schema migration) and is reported apart;
the medians are over the runs after it, on the same data directory.

Usage: .venv/bin/python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 1.5

BARE_QT = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 800)
class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print(f"startup-probe painted {time.monotonic():.6f}", flush=True)
            QTimer.singleShot(0, app.quit)
            window.removeEventFilter(self)
        return False
probe = Probe()
window.installEventFilter(probe)
window.show()
app.exec()
"""


@dataclass(frozen=True)
class Run:
    """One process: seconds from spawn to each probe line and to its exit."""

    marks: dict[str, float]
    exited: float


def spawn(command: list[str], env: dict[str, str]) -> Run:
    start = time.monotonic()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    out, err = process.communicate(timeout=180)
    exited = time.monotonic() - start
    if process.returncode != 0:
        raise RuntimeError(f"{command} failed ({process.returncode}):\n{err}")
    marks = {}
    for line in out.splitlines():
        words = line.split()
        if len(words) == 3 and words[0] == "startup-probe":
            marks[words[1]] = float(words[2]) - start
    return Run(marks, exited)


def summary(label: str, values: list[float]) -> str:
    return (f"{label:<42} median {statistics.median(values):6.3f} s   "
            f"min {min(values):6.3f}   max {max(values):6.3f}   (n={len(values)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"load {load}, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="inkseal-startup-") as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "INKSEAL_STARTUP_PROBE": "1",
               "INKSEAL_DATA_DIR": str(Path(tmp) / "data"),
               "INKSEAL_SETTINGS": str(Path(tmp) / "no-settings.toml"),
               "INKSEAL_LOG_LEVEL": "WARNING"}
        workstation = [sys.executable, "-m", "app", "workstation"]
        first = spawn(workstation, env)
        print(f"first run (creates the database): painted {first.marks['painted']:.3f} s, "
              f"ready {first.marks['ready']:.3f} s, exited {first.exited:.3f} s")
        python, bare, painted, ready, exited = [], [], [], [], []
        for _ in range(args.runs):  # interleaved, so that load changes hit every series alike
            python.append(spawn([sys.executable, "-c", "pass"], env).exited)
            bare.append(spawn([sys.executable, "-c", BARE_QT], env).marks["painted"])
            run = spawn(workstation, env)
            painted.append(run.marks["painted"])
            ready.append(run.marks["ready"])
            exited.append(run.exited)
    print(summary("python -c pass", python))
    print(summary("bare Qt: QMainWindow painted", bare))
    print(summary("inkseal workstation: window painted", painted))
    print(summary("inkseal workstation: ready (cases listed)", ready))
    print(summary("inkseal workstation: process exited", exited))
    median_painted, median_bare = statistics.median(painted), statistics.median(bare)
    print(f"ratio painted / bare Qt: {median_painted / median_bare:.2f}x "
          f"(+{median_painted - median_bare:.3f} s for Inkseal's own start-up)")
    print(f"ratio ready / painted: {statistics.median(ready) / median_painted:.2f}x "
          "(the database, templates and renderer open behind the window)")
    verdict = "meets" if median_painted < TARGET_S else "MISSES"
    print(f"target: first window under {TARGET_S} s: {verdict} ({median_painted:.3f} s)")
    return 0 if median_painted < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
