"""Prosecutor's workstation: cases and records, drafting from templates, pushing to a terminal.

  inkseal workstation --headless [--listen HOST:PORT] [--demo-record [--out DIR]]
                      [--passphrase-env VAR | --passphrase-file FILE]
                      [--ca FILE --cert FILE --key FILE [--key-passphrase-env VAR | --key-passphrase-file FILE]]

Headless: hosts the session endpoint (mutual TLS 1.3) for a terminal and logs every protocol
event; it drafts nothing by itself.  With ``--demo-record`` it drafts the demo record (in a
demo site under DIR, as ``inkseal demo`` does), has it certified and signed at its own
simulated pad, waits for a terminal to connect for the suspect's signature, seals, packages
and verifies it, then exits (0 only when the package verifies); the command that starts a
matching terminal is printed.  Without it, the site PKI (``pki.dir``) provides the TLS
identity unless ``link.ca``/``link.cert``/``link.key`` (or the flags) name one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.commands import EXIT_NO_DISPLAY
from app.commands._display import has_display, headless_hint
from app.settings import Settings

HELP = "prosecutor's workstation window (cases, records, templates)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.commands.terminal import add_link_arguments

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--headless", action="store_true",
                        help="run the session endpoint without a window")
    parser.add_argument("--listen", metavar="HOST:PORT", help="address the session endpoint listens on")
    parser.add_argument("--demo-record", action="store_true",
                        help="(headless) complete the demo record with the terminal that connects")
    parser.add_argument("--out", type=Path, default=Path("demo-out"), metavar="DIR",
                        help="(with --demo-record) where the demo site and package go")
    add_link_arguments(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.headless:
        return _headless(args, settings)
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
    from app.ui.workstation.remote_terminal import listening_option
    from app.ui.workstation.stations import in_process_option

    # Pushing offers the terminal that connects over the link (link.listen) and a terminal
    # window on this machine.
    return run_window(settings, lambda s: WorkstationWindow(
        s, partial(WorkstationServices.open, s),
        terminals=[listening_option(s), in_process_option(s)]))


# --- headless -------------------------------------------------------------------------------

def _headless(args: argparse.Namespace, settings: Settings) -> int:
    from crypto.errors import CryptoError
    from records.errors import RecordError
    from records.link import LinkError

    try:
        return _demo_record(args, settings) if args.demo_record else _serve(args, settings)
    except (LinkError, RecordError, CryptoError, OSError) as exc:
        reason = getattr(exc, "reason", type(exc).__name__)
        print(f"inkseal workstation: {exc} [{reason}]", file=sys.stderr)
        return 2


def _demo_record(args: argparse.Namespace, settings: Settings) -> int:
    from app.commands.terminal import link_credentials
    from records.demo import demo_passphrase, run_headless_demo
    from records.link import Side
    from records.remote_station import listening_terminal

    listen = args.listen or settings.link.listen
    credentials = None
    if args.ca or args.cert or args.key or settings.link.ca or settings.link.cert:
        credentials = link_credentials(args, settings, Side.WORKSTATION, "", None, None, None)
    data = args.out / "data"

    def progress(text: str) -> None:
        print(text, file=sys.stderr, flush=True)
        if text.startswith("链路 link"):
            print(f"终端 terminal: inkseal --set pki.dir={data / 'pki'} terminal --headless "
                  f"--connect {listen} --passphrase-file {demo_passphrase(data)}",
                  file=sys.stderr, flush=True)

    language = settings.language
    result = run_headless_demo(args.out, language=language, progress=progress,
                               link=listening_terminal(listen, credentials))
    if result.report is not None:
        from crypto.verify_report_text import render_text

        print(render_text(result.report, "en" if language == "en" else "zh"))
    print(result.summary())
    return 0 if result.ok else 1


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from app.commands.terminal import link_credentials, passphrase
    from records.blobstore import BlobStore
    from records.link import Side
    from records.link.headless import run_until_stopped, workstation_endpoint
    from records.remote_station import RemoteStation
    from records.site import WorkingSite

    secret = passphrase(args, "passphrase", "site passphrase")
    site = WorkingSite.open(settings.pki_path, secret)
    names = site.names
    credentials = link_credentials(args, settings, Side.WORKSTATION, names.workstation,
                                   site.pki, secret, (names.terminal,))
    data = settings.data_path
    remote = RemoteStation(names.terminal,
                           log_key=site.log_certificate(names.terminal).public_key(),  # type: ignore[arg-type]
                           capture_dir=data / "capture", media_dir=data / "media",
                           blobs=BlobStore(data / "blobs"))
    listen = args.listen or settings.link.listen
    endpoint = workstation_endpoint(listen=listen, credentials=credentials,
                                    state_dir=data / "link" / "workstation",
                                    station=names.workstation, on_event=remote.on_link_event)
    remote.attach(endpoint)
    print(f"inkseal workstation: session endpoint for {names.terminal} on {listen}; "
          f"stop with Ctrl+C", file=sys.stderr)
    try:
        return run_until_stopped(endpoint)
    finally:
        remote.cancel()
        remote.close()
