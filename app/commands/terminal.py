"""Detention-room terminal: shows the record pushed by the workstation, captures each signatory's signature, fingerprint and photo.

  inkseal terminal [--connect HOST:PORT] [--station NAME] [--windowed] [passphrase options]
  inkseal terminal --headless --connect HOST:PORT [--station NAME] [--records N]
                   [--passphrase-env VAR | --passphrase-file FILE]
                   [--ca FILE --cert FILE --key FILE [--key-passphrase-env VAR | --key-passphrase-file FILE]]

With a window: the full-screen kiosk (large type, Chinese first, English one tap away) on the
same link; each turn the workstation sends is read, signed, fingerprinted and photographed
there, on the ``devices.*`` devices.

Headless: connects to the workstation over mutual TLS 1.3 and signs every turn it is sent
with a scripted signatory, on the devices of the ``devices.*`` settings (simulated devices
where no hardware is found, and everything they produce says so).  The site PKI
(``pki.dir``) holds this terminal's signing and log keys; its TLS identity comes from
``link.ca``/``link.cert``/``link.key`` (or the flags) when set, else from the site PKI.
Passphrases come from a variable, a file or a prompt, never from the command line.  Every
protocol event is logged.  ``--records N`` exits once N records are closed and uploaded.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.settings import Settings

HELP = "detention-room terminal (kiosk): read, sign, fingerprint, photo"


def add_link_arguments(parser: argparse.ArgumentParser) -> None:
    """The options both headless endpoints share: passphrases and the link's files."""
    parser.add_argument("--passphrase-env", metavar="VAR", help="variable holding the site passphrase")
    parser.add_argument("--passphrase-file", metavar="FILE", help="file holding the site passphrase")
    parser.add_argument("--ca", metavar="FILE", help="site CA certificate (default: link.ca)")
    parser.add_argument("--cert", metavar="FILE", help="this machine's TLS certificate (link.cert)")
    parser.add_argument("--key", metavar="FILE", help="its encrypted private key (link.key)")
    parser.add_argument("--key-passphrase-env", metavar="VAR",
                        help="variable holding the passphrase of --key / link.key")
    parser.add_argument("--key-passphrase-file", metavar="FILE",
                        help="file holding the passphrase of --key / link.key")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--headless", action="store_true",
                        help="no window: sign with a scripted signatory (simulated devices "
                             "where no hardware is found)")
    parser.add_argument("--connect", metavar="HOST:PORT",
                        help="the workstation's address (default: link.connect)")
    parser.add_argument("--station", metavar="NAME",
                        help="this terminal's name in the site PKI (default: terminal_id, "
                             "else terminal-1)")
    parser.add_argument("--windowed", action="store_true",
                        help="(window) a normal window instead of full screen")
    parser.add_argument("--records", type=int, default=0, metavar="N",
                        help="exit after N records are closed and uploaded (0: serve until "
                             "stopped)")
    add_link_arguments(parser)


def passphrase(args: argparse.Namespace, stem: str, what: str) -> bytes:
    """A passphrase from --STEM-env, --STEM-file or a prompt (never an argument's value)."""
    from crypto.keys import PassphraseError, PassphraseSource

    env, path = getattr(args, f"{stem}_env", None), getattr(args, f"{stem}_file", None)
    if env:
        return PassphraseSource.from_env(env).read()
    if path:
        return PassphraseSource.from_file(path).read()
    if not sys.stdin.isatty():
        flag = stem.replace("_", "-")
        raise PassphraseError(f"no terminal to ask for the {what}; use --{flag}-env or "
                              f"--{flag}-file", reason="passphrase_missing", origin="prompt")
    return PassphraseSource.from_prompt(f"{what}: ").read()


def link_credentials(args: argparse.Namespace, settings: Settings, side: Any, station: str,
                     pki: Any, site_passphrase: bytes, peer_names: tuple[str, ...]) -> Any:
    """This side's TLS identity and peer policy from the flags, the ``link.*`` settings or
    the site PKI."""
    from records.link.headless import endpoint_credentials

    files = (args.ca or settings.link.ca, args.cert or settings.link.cert,
             args.key or settings.link.key)
    key_password = None
    if any(files):
        key_password = passphrase(args, "key_passphrase", f"passphrase of {files[2]}")
    return endpoint_credentials(side, station, files=files, key_password=key_password, pki=pki,
                                site_passphrase=site_passphrase, peer_names=peer_names)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not args.headless:
        from app.commands import EXIT_NO_DISPLAY
        from app.commands._display import has_display, headless_hint

        if not has_display():
            print(headless_hint("terminal"), file=sys.stderr)
            return EXIT_NO_DISPLAY
    try:
        return _start(args, settings)
    except Exception as exc:
        # Imported only now: the window's start does not wait for the link's modules.
        from crypto.errors import CryptoError
        from records.errors import RecordError
        from records.link import LinkError

        if not isinstance(exc, (LinkError, RecordError, CryptoError, OSError)):
            raise
        reason = getattr(exc, "reason", type(exc).__name__)
        print(f"inkseal terminal: {exc} [{reason}]", file=sys.stderr)
        return 2


def _start(args: argparse.Namespace, settings: Settings) -> int:
    connect = args.connect or settings.link.connect
    if not connect:
        print("inkseal terminal: no workstation to connect to: give --connect HOST:PORT or set "
              "link.connect", file=sys.stderr)
        return 2
    station = station_name(args, settings)
    secret = passphrase(args, "passphrase", "site passphrase")
    if not args.headless:
        from app.ui.terminal.kiosk_app import run_kiosk

        # The window first; the site's keys and the devices are made behind it.
        return run_kiosk(settings, station=station, full_screen=not args.windowed,
                         prepare=lambda stack: terminal_parts(args, settings, station, connect,
                                                              secret, stack))
    return _headless(args, settings, station, connect, secret)


def _headless(args: argparse.Namespace, settings: Settings, station: str, connect: str,
              secret: bytes) -> int:
    import threading
    from contextlib import ExitStack

    from records.link.headless import run_until_stopped, terminal_endpoint
    from records.session_remote import StationBrain, TerminalSetup
    from records.session_script import SignatoryScript, scripted_turn

    closed: list[str] = []
    with ExitStack() as stack:
        parts = terminal_parts(args, settings, station, connect, secret, stack)
        stop = threading.Event()
        brain = StationBrain(TerminalSetup(parts.config, parts.signer, parts.log_key,
                                           parts.clock, parts.home / "capture"),
                             scripted_turn(SignatoryScript(), stop), stop=stop,
                             on_closed=closed.append)
        endpoint = terminal_endpoint(connect=connect, credentials=parts.credentials,
                                     state_dir=parts.home / "link", station=station,
                                     brain=brain)
        print(f"inkseal terminal: {station} connecting to {connect} (devices: "
              f"{settings.devices.mode}; simulated devices are marked in everything they "
              f"produce)", file=sys.stderr)

        def done() -> bool:
            return bool(args.records) and len(closed) >= args.records and \
                endpoint.uploads_pending == 0 and endpoint.status.backlog == 0

        run_until_stopped(endpoint, done=done)
    print(f"inkseal terminal: stopped after {len(closed)} record(s)", file=sys.stderr)
    return 0


@dataclass(frozen=True)
class TerminalParts:
    """What a terminal serves turns with: the workstation's address, its TLS identity, the
    station's devices, the signer, the log key, the session clock, its data directory."""

    connect: str
    credentials: Any
    config: Any
    signer: Any
    log_key: Any
    clock: Any
    home: Path


def station_name(args: argparse.Namespace, settings: Settings) -> str:
    from records.site import SiteNames

    return args.station or settings.terminal_id or SiteNames().terminal


def terminal_parts(args: argparse.Namespace, settings: Settings, station: str, connect: str,
                   secret: bytes, stack: Any) -> TerminalParts:
    """Open the site, the TLS identity, the devices and the signer (the slow part of a
    start: key derivation, device discovery); the timestamp source goes on ``stack``."""
    from devices.clock import SessionClock
    from records.fonts import cjk_font_path
    from records.link import Side
    from records.session_config import station_config
    from records.session_signing import TurnSigner
    from records.site import SiteNames, WorkingSite
    from resources import ROOT as RESOURCES

    site = WorkingSite.open(settings.pki_path, secret, names=SiteNames(terminal=station))
    credentials = link_credentials(args, settings, Side.TERMINAL, station, site.pki, secret,
                                   (site.names.workstation,))
    home = settings.data_path / "terminal"
    d = settings.devices
    width, _, height = d.video_size.partition("x")
    config = station_config(station, media_dir=home / "media", font_path=cjk_font_path(),
                            mode=d.mode, pad=d.pad, fingerprint=d.fingerprint,
                            fingerprint_baud=d.fingerprint_baud, camera=d.camera,
                            microphone=d.microphone, video_size=(int(width), int(height)),
                            video_fps=float(d.video_fps),
                            simulated_pad_log=RESOURCES / "devices" / "stu-pen-log.csv")
    clock = SessionClock()
    timestamps = stack.enter_context(site.timestamps(settings.pki.tsa_url))
    signer = TurnSigner(site.station_signing_key(station), site.archive_certificate(),
                        timestamps.source, cjk_font_path(), clock)
    return TerminalParts(connect, credentials, config, signer, site.log_key(station), clock,
                         home)
