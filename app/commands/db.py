"""Database administration: create or upgrade the schema (Alembic migrations)."""

from __future__ import annotations

import argparse

from app.commands import not_available
from app.settings import Settings

HELP = "database: create or upgrade the schema"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


def run(args: argparse.Namespace, settings: Settings) -> int:
    return not_available("db", "the storage layer")
