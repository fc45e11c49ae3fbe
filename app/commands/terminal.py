"""Detention-room terminal: shows the record pushed by the workstation, captures each signatory's signature, fingerprint and photo."""

from __future__ import annotations

import argparse

from app.commands import not_available
from app.settings import Settings

HELP = "detention-room terminal (kiosk): read, sign, fingerprint, photo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


def run(args: argparse.Namespace, settings: Settings) -> int:
    return not_available("terminal", "the workstation-terminal link and the terminal window")
