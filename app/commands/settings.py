"""Show the effective settings, where each value came from, and what it means."""

from __future__ import annotations

import argparse
import json

from app.settings import Settings, default_settings_file

HELP = "show the effective settings and where each value came from"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace, settings: Settings) -> int:
    rows = settings.items()
    if args.json:
        print(json.dumps({key: {"value": value, "source": source} for key, value, source, _ in rows},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"# settings file: {args.settings or default_settings_file()}")
    print(f"# data directory: {settings.data_path}")
    print(f"# database: {settings.database_url}")
    print(f"# log file: {settings.log_path}")
    for key, value, source, doc in rows:
        print(f"{key} = {value!r}    # {source}; {doc}")
    return 0
