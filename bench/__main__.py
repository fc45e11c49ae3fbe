"""Run the benchmarks: ``python -m bench [NAME ...] [--list]`` (``make bench``).

Each benchmark is a script in this directory that prints the machine, its figures and their
ratio to a baseline measured in the same run.  They run one after another (never together:
they measure the machine), each in its own process; the exit status is non-zero when any of
them failed to run.  Names are the scripts' stems (``pen``, ``seal``...); none: all of them.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts() -> dict[str, Path]:
    return {p.stem: p for p in sorted(HERE.glob("*.py")) if not p.stem.startswith("_")}


def main(argv: list[str]) -> int:
    known = scripts()
    if "--list" in argv or "-h" in argv or "--help" in argv:
        print(__doc__)
        print("benchmarks:", " ".join(known))
        return 0
    unknown = [name for name in argv if name not in known]
    if unknown:
        print(f"unknown benchmark(s): {' '.join(unknown)}; known: {' '.join(known)}",
              file=sys.stderr)
        return 2
    chosen = argv or list(known)
    failed = []
    for name in chosen:
        print(f"\n=== bench/{name}.py ===", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, str(known[name])], cwd=HERE.parent)
        print(f"=== bench/{name}.py: {'done' if code == 0 else f'exit {code}'} in "
              f"{time.monotonic() - started:.0f} s ===", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed to run: {' '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
