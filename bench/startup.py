"""Cold start of each role's window: from spawning ``inkseal workstation``, ``inkseal terminal``
(the kiosk) or ``inkseal verify --gui PACKAGE`` to its first window on screen (target: under
1.5 s), and to the window being ready (workstation: database open, cases listed; terminal:
site keys unlocked, devices found, link started; verifier: the package's verdict shown).

Each run spawns a new process on the offscreen platform with ``INKSEAL_STARTUP_PROBE=1``: the
window prints ``time.monotonic()`` when it is first painted and when it is ready, then quits.
``time.monotonic()`` is one clock for every process on Linux, so the figures are spawn to
paint, interpreter start-up included.  In the same run, for comparison:
  - python: ``python -c pass`` (the interpreter alone);
  - bare Qt: import QtWidgets, a QApplication, show an empty QMainWindow, first paint.
Set-up, not timed: a site PKI for the terminal (``inkseal pki init``, the real key
derivation, which the terminal pays behind its window) and a sealed package for the verifier
(``inkseal demo --headless``).  The terminal's workstation address is a closed port: the link
retries in the background.  The first workstation run creates the database (schema
migration) and is reported apart; the medians are over the runs after it.

Usage: .venv/bin/python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _machine import machine

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


def prepare(tmp: Path, env: dict[str, str]) -> dict[str, list[str]]:
    """The three windows' commands, with what they need made first."""
    py = [sys.executable, "-m", "app"]
    passphrase = tmp / "site-passphrase.txt"
    passphrase.write_text("startup bench passphrase\n", encoding="ascii")
    subprocess.run([*py, "pki", "--passphrase-file", str(passphrase), "init", "--site-name",
                    "测试检察院", "--terminal", "terminal-1"], cwd=REPO, env=env, check=True,
                   capture_output=True, timeout=300)
    demo = tmp / "demo"
    subprocess.run([*py, "demo", "--headless", "--out", str(demo)], cwd=REPO, env=env,
                   check=True, capture_output=True, timeout=600)
    package = next(demo.glob("record-*.zip"))
    root = demo / "data" / "pki" / "ca" / "root-ca.cert.pem"
    return {"workstation": [*py, "workstation"],
            "terminal": [*py, "terminal", "--windowed", "--connect", "127.0.0.1:9",
                         "--passphrase-file", str(passphrase)],
            "verifier": [*py, "verify", "--gui", str(package), "--trust", str(root)]}


READY = {"workstation": "cases listed", "terminal": "keys, devices, link started",
         "verifier": "verdict shown"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="inkseal-startup-") as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "INKSEAL_STARTUP_PROBE": "1",
               "INKSEAL_DATA_DIR": str(Path(tmp) / "data"),
               "INKSEAL_SETTINGS": str(Path(tmp) / "no-settings.toml"),
               "INKSEAL_LOG_LEVEL": "ERROR"}
        windows = prepare(Path(tmp), env)
        first = spawn(windows["workstation"], env)
        print(f"first workstation run (creates the database): painted "
              f"{first.marks['painted']:.3f} s, ready {first.marks['ready']:.3f} s, "
              f"exited {first.exited:.3f} s")
        python, bare = [], []
        painted: dict[str, list[float]] = {name: [] for name in windows}
        ready: dict[str, list[float]] = {name: [] for name in windows}
        for _ in range(args.runs):  # interleaved, so that load changes hit every series alike
            python.append(spawn([sys.executable, "-c", "pass"], env).exited)
            bare.append(spawn([sys.executable, "-c", BARE_QT], env).marks["painted"])
            for name, command in windows.items():
                run = spawn(command, env)
                painted[name].append(run.marks["painted"])
                ready[name].append(run.marks["ready"])
    print(summary("python -c pass", python))
    print(summary("bare Qt: QMainWindow painted", bare))
    median_bare = statistics.median(bare)
    missed = []
    for name in windows:
        print(summary(f"inkseal {name}: window painted", painted[name]))
        print(summary(f"inkseal {name}: ready ({READY[name]})", ready[name]))
    for name in windows:
        median = statistics.median(painted[name])
        print(f"ratio {name} painted / bare Qt: {median / median_bare:.2f}x "
              f"(+{median - median_bare:.3f} s for Inkseal's own start-up); ready / painted "
              f"{statistics.median(ready[name]) / median:.2f}x")
        if median >= TARGET_S:
            missed.append(name)
    for name in windows:
        median = statistics.median(painted[name])
        verdict = "meets" if median < TARGET_S else "MISSES"
        print(f"target: {name}'s first window under {TARGET_S} s: {verdict} ({median:.3f} s)")
    print(f"load at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
