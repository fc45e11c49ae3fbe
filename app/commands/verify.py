"""Verify a sealed record or an evidence package offline and print one report with a verdict per check."""

from __future__ import annotations

import argparse

from app.commands import not_available
from app.settings import Settings

HELP = "verify a sealed record or evidence package offline"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


def run(args: argparse.Namespace, settings: Settings) -> int:
    return not_available("verify", "the PAdES signer and verifier")
