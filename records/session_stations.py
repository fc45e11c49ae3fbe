"""Stations as the workstation's record workflow drives them.

:class:`StationHandle` is the interface: show the record, run one signatory's turn, close the
record and hand over the capture log, its checkpoint and the recording.  :class:`LocalStation`
implements it for a :class:`~records.session.SigningStation` in this process (the
workstation's own pad, or a terminal in the demo); the link implements it for a remote
terminal: ``show_record`` is ``record.offer``, ``run_turn`` sends ``turn.begin`` with the
PDF and waits for ``signature.result`` (whose payload is :meth:`SignatureOutcome.to_bytes`),
``close_record`` is ``record.close`` followed by the terminal's ``log.checkpoint``, its log
entries and the recording's upload.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from crypto.capture_log import CaptureLog, LogHead
from devices.av import RecordingSummary
from records.session import SigningStation
from records.session_types import SignatureOutcome, TurnRequest

__all__ = ["LocalStation", "StationClosing", "StationHandle", "TurnDriver", "log_origin",
           "serve_turn"]

TurnDriver = Callable[[SigningStation, TurnRequest], SignatureOutcome]
"""Takes a station through one turn: a person at the Qt window, or the headless script."""


def log_origin(record_id: str, source: str) -> str:
    """The checkpoint origin of ``source``'s log for one record (ends in ``/<source>``, as
    :meth:`crypto.capture_log_seal.SealedLogs.from_notes` expects)."""
    return f"inkseal/{record_id}/{source}"


@dataclass(frozen=True)
class StationClosing:
    """What a station hands over when the record closes."""

    station: str
    log_path: Path
    checkpoint: str | None
    """The station's own signed checkpoint; ``None`` when its log is the workstation's."""
    head: LogHead | None
    recording: RecordingSummary | None
    simulated: tuple[str, ...]


class StationHandle(Protocol):
    """A signing station as the workstation sees it, local or across the link."""

    @property
    def name(self) -> str:
        """The station's name (its capture-log source and PKI entry)."""
        ...

    def show_record(self, record_id: str, record_sha256: str, pdf: bytes, pages: int) -> None:
        """Put the record on the station's screen (it starts recording)."""
        ...

    def run_turn(self, request: TurnRequest) -> SignatureOutcome:
        """One signatory's turn, start to end (blocks until it ends)."""
        ...

    def close_record(self, record_id: str) -> StationClosing:
        """Stop recording, end the station's log in a checkpoint, hand everything over."""
        ...


class LocalStation:
    """A :class:`SigningStation` in this process.

    ``own_log`` is the station machine's capture log when it is not the workstation's (a
    terminal in the demo): it is checkpointed on close.  The workstation's own pad shares
    the workstation log, which the workflow checkpoints itself.
    """

    def __init__(self, station: SigningStation, driver: TurnDriver, *,
                 log: CaptureLog, own_log: bool) -> None:
        self.station = station
        self._driver = driver
        self._log = log
        self._own_log = own_log

    @property
    def name(self) -> str:
        return self.station.config.station

    def show_record(self, record_id: str, record_sha256: str, pdf: bytes, pages: int) -> None:
        self.station.show_record(record_id, record_sha256, pages)

    def run_turn(self, request: TurnRequest) -> SignatureOutcome:
        return self._driver(self.station, request)

    def close_record(self, record_id: str) -> StationClosing:
        artifacts = self.station.close_record()
        note = head = None
        if self._own_log:
            note = self._log.checkpoint(log_origin(record_id, self.name))
            head = self._log.head
        return StationClosing(self.name, self._log.path, note, head, artifacts.recording,
                              artifacts.simulated)


def serve_turn(station: SigningStation, driver: TurnDriver, request_json: Mapping[str, Any],
               pdf: bytes) -> bytes:
    """The terminal's side of one turn across the link: the request as ``turn.begin`` carried
    it (the PDF must hash as announced), the turn, and the outcome as the bytes
    ``signature.result`` carries back (:meth:`SignatureOutcome.from_bytes` reads them)."""
    return driver(station, TurnRequest.from_json(request_json, pdf)).to_bytes()
