"""List attached devices, decode a recorded pad stream, or record a live pad into a .hid file."""

from __future__ import annotations

import argparse

from app.commands import not_available
from app.settings import Settings

HELP = "list signature pads, fingerprint readers, cameras, microphones; replay or record a pad"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


def run(args: argparse.Namespace, settings: Settings) -> int:
    return not_available("devices", "the device drivers")
