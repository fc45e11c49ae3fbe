"""Capture one fingerprint image from an R30x/ZFM/AS608 reader on a serial port."""

from __future__ import annotations

import argparse

from app.commands import not_available
from app.settings import Settings

HELP = "capture one fingerprint image from a serial reader to PNG"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


def run(args: argparse.Namespace, settings: Settings) -> int:
    return not_available("fingerprint", "the fingerprint reader driver")
