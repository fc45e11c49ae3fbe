"""A complete record on this machine with simulated devices, with windows or headless."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.commands import not_available
from app.settings import Settings

HELP = "walk a complete record on this machine with simulated devices"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--headless", action="store_true", help="no windows: a scripted run")
    parser.add_argument("--out", type=Path, default=Path("demo-out"), metavar="DIR",
                        help="where the demo writes its output (default: ./demo-out)")
    parser.add_argument("--language", choices=("zh", "en"), help="language of the rendered records")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not args.headless:
        return not_available("demo", "the desktop application; use 'inkseal demo --headless'")
    from records.demo import run_headless_demo

    result = run_headless_demo(args.out, language=args.language or settings.language,
                               progress=lambda text: print(text, file=sys.stderr))
    print(result.summary())
    return 0 if result.ok else 1
