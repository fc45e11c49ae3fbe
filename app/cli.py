"""The ``inkseal`` command: global options, then one subcommand per role or admin task.

Subcommand modules live in ``app/commands`` and are imported only to build the parser;
each keeps heavy imports (Qt, pyHanko, PyAV) inside its ``run`` so that ``inkseal --help``
and headless commands start fast and never need a display.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app import __version__
from app.logs import configure_logging
from app.settings import SettingsError, load_settings

__all__ = ["COMMANDS", "build_parser", "main"]

log = logging.getLogger(__name__)

# name -> module in app.commands; the order is the order of ``inkseal --help``.
COMMANDS = {
    "workstation": "workstation",
    "terminal": "terminal",
    "verify": "verify",
    "archive": "archive",
    "demo": "demo",
    "pki": "pki",
    "db": "db",
    "devices": "devices",
    "fingerprint": "fingerprint",
    "record": "record",
    "settings": "settings",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inkseal",
        description="Inkseal: signature-pad signing of interrogation records, sealed as evidence.",
    )
    parser.add_argument("--version", action="version", version=f"inkseal {__version__}")
    parser.add_argument("--settings", type=Path, metavar="FILE",
                        help="settings file to use instead of the user's (a site-wide file)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override one setting, for example --set database.url=sqlite:///x.db")
    parser.add_argument("--log-level", metavar="LEVEL",
                        help="console log level (DEBUG, INFO, WARNING, ERROR)")
    parser.add_argument("-v", "--verbose", action="store_const", const="DEBUG", dest="log_level",
                        help="same as --log-level DEBUG")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(f"app.commands.{module_name}")
        command = sub.add_parser(name, help=module.HELP, description=module.__doc__)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    overrides = list(args.overrides)
    if args.log_level:
        overrides.append(f"log_level={args.log_level}")
    try:
        settings = load_settings(args.settings, overrides=overrides)
    except SettingsError as exc:
        print(f"inkseal: bad settings: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_path, settings.log_level)
    log.debug("inkseal %s %s", __version__, args.command)
    try:
        return int(args.run(args, settings) or 0)
    except KeyboardInterrupt:
        print("inkseal: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head(1) and the like
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0
