"""Headless endpoints: what ``inkseal workstation --headless`` and ``inkseal terminal --headless`` run.

``app/`` resolves the settings (``link.listen``/``link.connect``, ``link.ca``, ``link.cert``,
``link.key``, the key's password, the data directory) and passes plain values here; nothing in
this module reads settings or the environment itself.
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path

from records.link.brain import TerminalBrain
from records.link.credentials import file_credentials
from records.link.endpoint import EventCallback, LinkEndpoint, StatusCallback
from records.link.peers import Side
from records.link.terminal import TerminalEndpoint
from records.link.transport import parse_address
from records.link.workstation import WorkstationEndpoint

__all__ = ["run_until_stopped", "terminal_endpoint", "workstation_endpoint"]

log = logging.getLogger("inkseal.link")


def workstation_endpoint(*, listen: str, ca: str | Path, cert: str | Path, key: str | Path,
                         key_password: bytes | None, state_dir: Path, station: str,
                         on_event: EventCallback | None = None,
                         on_status: StatusCallback | None = None) -> WorkstationEndpoint:
    """A workstation endpoint listening on ``listen`` ('HOST:PORT'); not started yet."""
    identity, policy = file_credentials(ca, cert, key, side=Side.WORKSTATION, key_password=key_password)
    return WorkstationEndpoint(listen=parse_address(listen), identity=identity, policy=policy,
                               state_dir=Path(state_dir), station=station, on_event=on_event,
                               on_status=on_status)


def terminal_endpoint(*, connect: str, ca: str | Path, cert: str | Path, key: str | Path,
                      key_password: bytes | None, state_dir: Path, station: str,
                      brain: TerminalBrain | None = None, on_event: EventCallback | None = None,
                      on_status: StatusCallback | None = None) -> TerminalEndpoint:
    """A terminal endpoint that will connect to ``connect`` ('HOST:PORT'); not started yet."""
    identity, policy = file_credentials(ca, cert, key, side=Side.TERMINAL,
                                        key_password=key_password)
    return TerminalEndpoint(connect=parse_address(connect), identity=identity, policy=policy,
                            state_dir=Path(state_dir), station=station, brain=brain,
                            on_event=on_event, on_status=on_status)


def run_until_stopped(endpoint: LinkEndpoint, stop: threading.Event | None = None) -> int:
    """Start ``endpoint`` and serve until ``stop`` is set or SIGINT/SIGTERM arrives; exit code 0."""
    stop = stop or threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())
    try:
        endpoint.start()
        log.info("link: serving until stopped")
        while not stop.wait(0.5):
            pass
    finally:
        endpoint.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
