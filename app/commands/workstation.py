"""Prosecutor's workstation: cases and records, drafting from templates, pushing to a terminal."""

from __future__ import annotations

import argparse
import sys

from app.commands import EXIT_NO_DISPLAY
from app.commands._display import has_display, headless_hint
from app.settings import Settings

HELP = "prosecutor's workstation window (cases, records, templates)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--headless", action="store_true",
                        help="run the session endpoint without a window (needs the link)")
    parser.add_argument("--listen", metavar="HOST:PORT", help="address the session endpoint listens on")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.headless:
        from app.commands import not_available

        return not_available("workstation --headless", "the workstation-terminal link")
    if not has_display():
        print(headless_hint("workstation"), file=sys.stderr)
        return EXIT_NO_DISPLAY
    from functools import partial

    from app.ui.application import run_window
    from app.ui.services import WorkstationServices
    from app.ui.workstation import WorkstationWindow

    # The window is on screen before the database is open: the services open in the
    # background (they import SQLAlchemy, Alembic, pyHanko and reportlab) and the window
    # shuts them down when it closes.
    return run_window(settings, lambda s: WorkstationWindow(s, partial(WorkstationServices.open, s)))
