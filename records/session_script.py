"""A scripted signatory: takes a station through a turn the way a person would, for the
headless demo and the tests.

It shows every page for a moment, starts the pad, lets the (simulated or replayed) pen write
until it has been idle for a while, accepts, presses the fingerprint until the reader is
satisfied, has the photo taken and finishes; or reads and refuses.  Every step goes through
the station's public API, nothing else.  (It never clears the pad: a replayed take that was
cleared has nothing left to write the next attempt with; clears are the tests' business.)
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from devices.fingerprint import Verdict
from records.session import SigningStation
from records.session_stations import TurnDriver
from records.session_types import SignatureOutcome, StationError, TurnRequest

__all__ = ["SignatoryScript", "scripted_turn"]


@dataclass(frozen=True)
class SignatoryScript:
    """How the scripted signatory behaves."""

    page_dwell_s: float = 0.05
    """Seconds each page stays on screen."""
    pen_idle_s: float = 0.5
    """The signature is taken as done once the pen has sent nothing for this long."""
    pen_timeout_s: float = 60.0
    fingerprint_tries: int = 3
    refuse: str | None = None
    """Read, then refuse with this reason instead of signing."""


def _wait_for_pen(station: SigningStation, script: SignatoryScript,
                  stop: threading.Event) -> None:
    deadline = time.monotonic() + script.pen_timeout_s
    previous, last_change = -1, time.monotonic()
    while time.monotonic() < deadline and not stop.is_set():
        count = station.pen_sample_count()
        if count != previous:
            previous, last_change = count, time.monotonic()
        elif count > 0 and time.monotonic() - last_change >= script.pen_idle_s:
            return
        stop.wait(0.02)
    raise StationError(reason="pen_timeout", step="sign", zh="等待签名超时",
                       en=f"no finished signature within {script.pen_timeout_s} s")


def scripted_turn(script: SignatoryScript = SignatoryScript(),
                  stop: threading.Event | None = None) -> TurnDriver:
    """A :data:`TurnDriver` that follows ``script``; ``stop`` cuts waits short."""
    halt = stop or threading.Event()

    def drive(station: SigningStation, request: TurnRequest) -> SignatureOutcome:
        station.begin_turn(request)
        for page in range(1, request.pages + 1):
            station.page_shown(page)
            halt.wait(script.page_dwell_s)
        station.page_hidden()
        if script.refuse is not None:
            return station.refuse(script.refuse)
        station.start_signing()
        _wait_for_pen(station, script, halt)
        station.accept_signature()
        for _ in range(max(1, script.fingerprint_tries)):
            capture = station.capture_fingerprint(halt)
            if capture.verdict in (Verdict.GOOD, Verdict.ACCEPTABLE):
                break
        if station.config.media is not None:
            station.take_photo()
        return station.finish_turn()

    return drive
