"""Record camera and microphone into one crash-safe file with a segment-hash list beside it."""

from __future__ import annotations

import argparse

from app.commands import not_available
from app.settings import Settings

HELP = "record the camera and microphone to a crash-safe file"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


def run(args: argparse.Namespace, settings: Settings) -> int:
    return not_available("record", "the A/V recorder")
