"""Headless endpoints: what ``inkseal workstation --headless`` and ``inkseal terminal --headless`` run.

``app/`` resolves the settings (``link.listen``/``link.connect``, ``link.ca``, ``link.cert``,
``link.key``, the passphrases, the data directory) and passes plain values here; nothing in
this module reads settings or the environment itself.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path

from crypto.pki import SitePki
from records.link.brain import TerminalBrain
from records.link.credentials import file_credentials, site_credentials
from records.link.endpoint import EventCallback, LinkEndpoint, StatusCallback
from records.link.errors import LinkConfigError
from records.link.peers import PeerPolicy, Side
from records.link.terminal import TerminalEndpoint
from records.link.tls import LinkIdentity
from records.link.transport import parse_address
from records.link.workstation import WorkstationEndpoint

__all__ = ["LinkFiles", "endpoint_credentials", "run_until_stopped", "terminal_endpoint",
           "workstation_endpoint"]

log = logging.getLogger("inkseal.link")

Credentials = tuple[LinkIdentity, PeerPolicy]
LinkFiles = tuple[str, str, str]
"""(``link.ca``, ``link.cert``, ``link.key``); all empty: the site PKI's TLS identity."""


def endpoint_credentials(side: Side, station: str, *, files: LinkFiles,
                         key_password: bytes | None, pki: SitePki | None,
                         site_passphrase: bytes | None,
                         peer_names: tuple[str, ...] | None = None) -> Credentials:
    """``side``'s TLS identity and peer policy: from the ``link.*`` files when any is set
    (``key_password`` opens the key), else ``station``'s certificate in the site PKI."""
    if any(files):
        ca, cert, key = files
        return file_credentials(ca, cert, key, side=side, key_password=key_password,
                                peer_names=peer_names)
    if pki is None or site_passphrase is None:
        raise LinkConfigError("neither link.ca/link.cert/link.key nor a site PKI is given",
                              reason="not-configured")
    return site_credentials(pki, station, side=side, passphrase=site_passphrase,
                            peer_names=peer_names)


def workstation_endpoint(*, listen: str, credentials: Credentials, state_dir: Path,
                         station: str, on_event: EventCallback | None = None,
                         on_status: StatusCallback | None = None) -> WorkstationEndpoint:
    """A workstation endpoint listening on ``listen`` ('HOST:PORT'); not started yet."""
    identity, policy = credentials
    return WorkstationEndpoint(listen=parse_address(listen), identity=identity, policy=policy,
                               state_dir=Path(state_dir), station=station, on_event=on_event,
                               on_status=on_status)


def terminal_endpoint(*, connect: str, credentials: Credentials, state_dir: Path, station: str,
                      brain: TerminalBrain | None = None, on_event: EventCallback | None = None,
                      on_status: StatusCallback | None = None) -> TerminalEndpoint:
    """A terminal endpoint that will connect to ``connect`` ('HOST:PORT'); not started yet."""
    identity, policy = credentials
    return TerminalEndpoint(connect=parse_address(connect), identity=identity, policy=policy,
                            state_dir=Path(state_dir), station=station, brain=brain,
                            on_event=on_event, on_status=on_status)


def run_until_stopped(endpoint: LinkEndpoint, stop: threading.Event | None = None,
                      done: Callable[[], bool] | None = None) -> int:
    """Start ``endpoint`` and serve until ``stop`` is set, ``done()`` says so, or SIGINT/SIGTERM
    arrives; exit code 0."""
    stop = stop or threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())
    try:
        endpoint.start()
        log.info("link: serving until stopped")
        while not stop.wait(0.2):
            if done is not None and done():
                break
    finally:
        endpoint.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
