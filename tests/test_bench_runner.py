"""``make bench`` runs ``python -m bench``: it knows every script in bench/ and refuses a
name it does not know (without running anything)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bench", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=60, check=False)


def test_every_benchmark_script_is_listed() -> None:
    listed = bench("--list")
    assert listed.returncode == 0
    names = listed.stdout.strip().splitlines()[-1].removeprefix("benchmarks:").split()
    expected = sorted(p.stem for p in (ROOT / "bench").glob("*.py") if not p.stem.startswith("_"))
    assert names == expected and {"pen", "seal", "verify", "link", "startup"} <= set(names)


def test_an_unknown_benchmark_is_refused() -> None:
    refused = bench("pen", "no-such-bench")
    assert refused.returncode == 2 and "no-such-bench" in refused.stderr
    assert "=== bench/pen.py" not in refused.stdout
