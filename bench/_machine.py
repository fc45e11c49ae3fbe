"""The machine a benchmark ran on, as the one line every script in bench/ prints first.

Host name, CPU model, logical CPUs, OS, kernel and architecture, Python version and the
1/5/15-minute load average; a script appends its own facts (library versions, a seed) as
``extra``.  Imported as ``from _machine import machine``: the scripts run as
``python bench/NAME.py``, so bench/ is on sys.path.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")


def cpu_model() -> str:
    """The "model name" of /proc/cpuinfo, else what the platform module knows."""
    try:
        for line in CPUINFO.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def load_average() -> str:
    if not hasattr(os, "getloadavg"):
        return "load average unavailable"
    try:
        load = os.getloadavg()
    except OSError:
        return "load average unavailable"
    return "load average " + " ".join(f"{v:.2f}" for v in load)


def machine(*extra: str) -> str:
    """One line: host, CPU, logical CPUs, OS, Python, load average, then ``extra``."""
    facts = [
        cpu_model(),
        f"{os.cpu_count() or '?'} logical CPUs",
        f"{platform.system()} {platform.release()} {platform.machine()}",
        f"Python {platform.python_version()}",
        load_average(),
        *(fact for fact in extra if fact),
    ]
    return f"{platform.node()}: " + ", ".join(facts)
