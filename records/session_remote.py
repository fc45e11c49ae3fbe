"""The terminal's side of a record over the link: a real :class:`~records.session.SigningStation`
driven by what the workstation sends.

:class:`StationBrain` is the terminal endpoint's brain.  On ``record.offer`` (hash already
confirmed by the link) it opens the record's capture log and a signing station and shows the
record (the A/V recording starts); on ``turn.begin`` it rebuilds the
:class:`~records.session_types.TurnRequest`, runs it through a
:data:`~records.session_stations.TurnDriver` (the headless script, or the Qt kiosk window) and
answers with ``signature.result`` (the outcome's bytes, or the failure in both languages);
on ``record.close`` it closes the station, ends the log in a signed checkpoint, and uploads the
recording and its segment list.  Throughout, the station's ink, page views, camera previews
and capture-log lines (each once it is on disk) go to the workstation as they happen; while the
link is down they wait in the link's journal and the terminal goes on capturing.

The log of a record is ``<capture_dir>/<record_id>/<station>.jsonl``, its id on the link the
log's checkpoint origin (:func:`~records.session_stations.log_origin`).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from crypto.capture_log import CaptureLog
from crypto.errors import CryptoError
from crypto.pades_document import record_identity
from devices.av import (
    Gap,
    GapReason,
    RecordingSummary,
    Segment,
    SourceInfo,
    SourceRole,
    StopReason,
    StreamKind,
)
from devices.clock import SessionClock
from records.errors import RecordError
from records.link import InkBatch, InkClear, InkSample, TerminalBrain
from records.link.log_lines import LogShipper
from records.link.messages import (
    LogRequest,
    RecordClose,
    RecordClosed,
    RecordOffer,
    TurnBegin,
    TurnCancel,
)
from records.link.pieces import MAX_PIECE, PieceMap
from records.session import SigningStation
from records.session_config import StationConfig
from records.session_signing import TurnSigner
from records.session_stations import TurnDriver, log_origin
from records.session_types import StationError, StationEvent, StationEventKind, TurnRequest

__all__ = ["StationBrain", "TerminalSetup", "recording_from_json", "recording_pieces",
           "recording_to_json"]

log = logging.getLogger("inkseal.terminal")


@dataclass(frozen=True)
class TerminalSetup:
    """What the terminal signs and logs with; the station's name is ``config.station``."""

    config: StationConfig
    signer: TurnSigner
    log_key: Ed25519PrivateKey
    clock: SessionClock
    capture_dir: Path


class _Open:
    """The record on the terminal's screen: its log, station and what the link carries of it."""

    def __init__(self, record_id: str, log: CaptureLog, station: SigningStation,
                 shipper: LogShipper) -> None:
        self.record_id, self.log, self.station, self.shipper = record_id, log, station, shipper
        self.field = ""
        self.turn = 0
        self.ink_sent = 0


class StationBrain(TerminalBrain):
    """See the module docstring.  ``stop`` is set when a turn is called off (give it to the
    driver so its waits end); ``on_station`` hears of each record's new station (a kiosk
    window subscribes to it there); ``on_closed`` hears of each record closed and uploaded."""

    def __init__(self, setup: TerminalSetup, driver: TurnDriver, *,
                 stop: threading.Event | None = None,
                 on_station: Callable[[SigningStation], None] | None = None,
                 on_closed: Callable[[str], None] | None = None) -> None:
        self.setup = setup
        self._driver = driver
        self._stop = stop or threading.Event()
        self._on_station = on_station
        self._on_closed = on_closed
        self._open: _Open | None = None
        self._shippers: dict[str, LogShipper] = {}
        self._lock = threading.Lock()

    @property
    def station_name(self) -> str:
        return self.setup.config.station

    def detach(self) -> None:
        self._stop.set()
        with self._lock:
            current, self._open = self._open, None
        if current is not None:  # the terminal stops with a record open: keep what it logged
            try:
                current.station.close()
            finally:
                current.log.close()

    # --- the record ----------------------------------------------------------------------
    def on_record(self, offer: RecordOffer) -> None:
        if self._open is not None:
            if self._open.record_id == offer.record_id:
                return  # offered again (the workstation restarted): it is already shown
            log.warning("terminal: record %s replaces %s, which was never closed",
                        offer.record_id, self._open.record_id)
            self._close_open("replaced")
        s = self.setup
        origin = log_origin(offer.record_id, self.station_name)
        path = s.capture_dir / offer.record_id / f"{self.station_name}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        assert self.terminal is not None
        shipper = LogShipper(self.terminal, origin, path)
        capture_log = CaptureLog.open(path, s.log_key, self.station_name, clock=s.clock)
        station = SigningStation(s.config, log_to=capture_log, signer=s.signer, clock=s.clock)
        current = _Open(offer.record_id, capture_log, station, shipper)
        station.subscribe(lambda event: self._station_event(current, event))
        with self._lock:
            self._open = current
            self._shippers[origin] = shipper
        shipper.catch_up()  # the log's own first line
        if self._on_station is not None:
            self._on_station(station)
        try:
            identity = record_identity(offer.pdf).hex()
            station.show_record(offer.record_id, identity, offer.pages)
        except (RecordError, CryptoError) as exc:
            # Reported to the workstation when it asks for the first turn.
            log.error("terminal: record %s cannot be shown: %s", offer.record_id, exc)

    def _station_event(self, current: _Open, event: StationEvent) -> None:
        """What the station publishes, to the workstation (on the station's threads)."""
        terminal, data = self.terminal, event.data
        if terminal is None:
            return
        kind = event.kind
        if kind is StationEventKind.LOG_LINE:
            current.shipper.line_written(int(data["seq"]), bytes(data["line"]))
        elif kind is StationEventKind.INK and data.get("stroke") is not None:
            samples = tuple(InkSample(x=row[1], y=row[2], pressure=max(0, min(65535, row[3])),
                                      tilt_x=row[5] or 0, tilt_y=row[6] or 0,
                                      device_time=row[7] or 0, host_ns=row[0] * 1000)
                            for row in data["rows"])
            terminal.send_ink(InkBatch(record_id=current.record_id, turn=current.turn,
                                       stroke=int(data["stroke"]), first=current.ink_sent,
                                       samples=samples))
            current.ink_sent += len(samples)
        elif kind is StationEventKind.CLEARED:
            terminal.send(InkClear(record_id=current.record_id, turn=current.turn,
                                   reason=f"attempt {data.get('attempt')}"))
        elif kind is StationEventKind.PAGE_VIEWED:
            terminal.page_view(current.record_id, current.field, int(data["page"]),
                               int(data["shown_ms"]))
        elif kind is StationEventKind.PREVIEW:
            terminal.send_preview(bytes(data["jpeg"]), int(data["width"]), int(data["height"]),
                                  at_ns=int(data["at_ns"]))

    # --- turns ---------------------------------------------------------------------------
    def on_turn(self, turn: TurnBegin) -> None:
        assert self.terminal is not None
        current = self._open
        try:
            if current is None or current.record_id != turn.record_id:
                raise StationError(reason="record_not_shown", step="begin_turn",
                                   field=turn.field_name, zh="该笔录未在本终端上显示",
                                   en="that record is not shown on this terminal")
            request = TurnRequest.from_json(_request_fields(turn), turn.pdf)
            current.field, current.turn, current.ink_sent = turn.field_name, turn.turn, 0
            self._stop.clear()
            outcome = self._driver(current.station, request)
        except StationError as exc:
            log.warning("terminal: turn %s of %s failed: %s [%s]", turn.field_name,
                        turn.record_id, exc, exc.reason)
            if current is not None:
                current.station.cancel_turn(f"failed: {exc.reason}")
            self.terminal.send_result(turn.record_id, turn.turn, turn.field_name, "failed", b"",
                                      simulated=False, reason=exc.reason,
                                      message_zh=exc.zh, message_en=exc.en)
            return
        self.terminal.send_result(turn.record_id, turn.turn, turn.field_name,
                                  outcome.kind.value, outcome.to_bytes(),
                                  simulated=bool(outcome.simulated))

    def on_turn_cancel(self, cancel: TurnCancel) -> None:
        self._stop.set()
        current = self._open
        if current is not None and current.record_id == cancel.record_id:
            current.station.cancel_turn(cancel.reason or "cancelled by the workstation")

    # --- closing -------------------------------------------------------------------------
    def on_record_close(self, close: RecordClose) -> None:
        current = self._open
        if current is None or current.record_id != close.record_id:
            log.warning("terminal: asked to close record %s, which is not open here",
                        close.record_id)
            return
        self._close_open(close.reason)

    def _close_open(self, reason: str) -> None:
        assert self.terminal is not None
        with self._lock:
            current, self._open = self._open, None
        if current is None:
            return
        artifacts = current.station.close_record()
        note = current.log.checkpoint(current.shipper.log_id)
        current.log.close()
        size = current.shipper.catch_up()
        self.terminal.send_checkpoint(current.shipper.log_id, size, note.encode("utf-8"))
        recording = artifacts.recording
        media = segments = ""
        summary = b""
        if recording is not None:
            segments = self.terminal.upload_file(recording.list_path,
                                                 media_type="text/tab-separated-values")
            media = self.terminal.upload_file(recording.path, media_type="video/x-matroska",
                                              sha256=recording.sha256,
                                              pieces=recording_pieces(recording))
            summary = json.dumps(recording_to_json(recording), ensure_ascii=False,
                                 sort_keys=True).encode("utf-8")
        self.terminal.send(RecordClosed(record_id=current.record_id,
                                        log_id=current.shipper.log_id, log_size=size,
                                        simulated=tuple(artifacts.simulated),
                                        recording_upload=media, segments_upload=segments,
                                        summary=summary))
        log.info("terminal: record %s closed (%s): %d log entries, recording %s",
                 current.record_id, reason, size, recording.path.name if recording else "none")
        if self._on_closed is not None:
            self._on_closed(current.record_id)

    def on_log_request(self, request: LogRequest) -> None:
        shipper = self._shippers.get(request.log_id)
        if shipper is None:
            log.warning("terminal: the workstation asks for log %s, unknown here", request.log_id)
            return
        shipper.resend_from(request.from_index)


def recording_pieces(summary: RecordingSummary) -> PieceMap | None:
    """The recording's piece map from the segments the recorder hashed as it wrote them (so the
    upload hashes nothing), or None when the segments do not cover the file piece by piece."""
    segments = sorted(summary.segments, key=lambda s: s.offset)
    at = 0
    for segment in segments:
        if segment.offset != at or not 0 < segment.length <= MAX_PIECE:
            return None
        at += segment.length
    if at != summary.size or not segments:
        return None
    return PieceMap.of((s.length, s.sha256) for s in segments)


def _request_fields(turn: TurnBegin) -> dict[str, Any]:
    return {"v": 1, "record_id": turn.record_id, "revision": turn.revision,
            "order": turn.turn, "field_name": turn.field_name,
            "signatory_id": turn.signatory_id, "signatory_name": turn.signatory_name,
            "role": turn.signatory_role, "label_zh": turn.label_zh, "label_en": turn.label_en,
            "pages": turn.pages, "pdf_sha256": turn.pdf_sha256}


# --- the recording's summary across the link --------------------------------------------------

def _source(info: SourceInfo) -> dict[str, Any]:
    return {"role": info.role.value, "kind": info.kind, "name": info.name,
            "simulated": info.simulated, "details": {k: str(v) for k, v in info.details.items()}}


def recording_to_json(summary: RecordingSummary) -> dict[str, Any]:
    """A recording's summary as plain JSON (the file paths are the receiver's business)."""
    return {"name": summary.path.name, "list_name": summary.list_path.name,
            "sha256": summary.sha256, "size": summary.size, "duration_s": summary.duration_s,
            "segments": [[s.index, s.offset, s.length, s.sha256, s.chain, s.media_start_ms,
                          s.media_end_ms, s.simulated] for s in summary.segments],
            "gaps": [[g.stream.value, g.media_start_s, g.duration_s, g.reason.value, g.samples]
                     for g in summary.gaps],
            "dropped": dict(summary.dropped), "simulated": summary.simulated,
            "camera": _source(summary.camera), "microphone": _source(summary.microphone),
            "stop_reason": summary.stop_reason.value, "error": summary.error,
            "drift_ppm": summary.drift_ppm, "video_frames": summary.video_frames,
            "audio_samples": summary.audio_samples, "list_complete": summary.list_complete}


def recording_from_json(data: Mapping[str, Any], path: Path, list_path: Path) -> RecordingSummary:
    """Read :func:`recording_to_json` back for the files at ``path`` and ``list_path``;
    ``ValueError`` (or ``KeyError``/``TypeError``) for a summary that does not parse."""
    def source(d: Mapping[str, Any]) -> SourceInfo:
        return SourceInfo(SourceRole(d["role"]), str(d["kind"]), str(d["name"]),
                          bool(d["simulated"]), dict(d["details"]))

    return RecordingSummary(
        path=path, list_path=list_path, sha256=str(data["sha256"]), size=int(data["size"]),
        duration_s=float(data["duration_s"]),
        segments=tuple(Segment(int(i), int(o), int(n), str(h), str(c), int(a), int(b), bool(sim))
                       for i, o, n, h, c, a, b, sim in data["segments"]),
        gaps=tuple(Gap(StreamKind(k), float(start), float(length), GapReason(r), int(samples))
                   for k, start, length, r, samples in data["gaps"]),
        dropped={str(k): int(v) for k, v in data["dropped"].items()},
        simulated=bool(data["simulated"]), camera=source(data["camera"]),
        microphone=source(data["microphone"]), stop_reason=StopReason(data["stop_reason"]),
        error=None if data["error"] is None else str(data["error"]),
        drift_ppm=float(data["drift_ppm"]), video_frames=int(data["video_frames"]),
        audio_samples=int(data["audio_samples"]), list_complete=bool(data["list_complete"]))

