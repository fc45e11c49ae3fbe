"""Site PKI: create a working site CA and issue the certificates Inkseal needs, or import a site's own."""

from __future__ import annotations

import argparse

from app.commands import not_available
from app.settings import Settings

HELP = "site PKI: create a CA, issue terminal, officer, seal and TSA certificates"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


def run(args: argparse.Namespace, settings: Settings) -> int:
    return not_available("pki", "the PKI module")
