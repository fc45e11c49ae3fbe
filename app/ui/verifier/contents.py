"""Open and verify a package (or a lone sealed PDF) for the verifier window: the report, the
capture-log timeline, each signature's pen track and each station's recording (no Qt here).

Everything runs in one background operation (:func:`open_verified`); the result holds plain
values and the places of the recordings, read in place (a stored zip member is read through a
window on the zip file, never extracted; a compressed one is copied to a temporary directory,
removed by :meth:`VerifiedPackage.close`).
"""

from __future__ import annotations

import json
import logging
import shutil
import struct
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from app.ui.verifier.media_clock import MediaClock, media_clock
from app.ui.verifier.signature_ink import ReplayUnavailable, SignatureInk, ink_of_track
from app.ui.verifier.timeline import StationLog, TimelineEvent, build_timeline
from crypto.capture_log_entry import LogEntry, parse_entry
from crypto.capture_log_file import split_log_bytes
from crypto.errors import BagError, CryptoError
from crypto.verify_package_files import PackageFiles
from crypto.verify_report import PackageReport

__all__ = ["MediaSource", "Stage", "StationMedia", "VerifiedPackage", "open_verified"]

log = logging.getLogger(__name__)

MANIFEST = "inkseal-package.json"

#: Stages reported to the progress callback: (done, total, stage name).
Stage = Callable[[int, int, str], None]
STAGES = ("verify", "logs", "evidence", "media")


@dataclass(frozen=True)
class MediaSource:
    """Where a recording's bytes are: ``length`` bytes of ``path`` from ``offset``."""

    path: Path
    offset: int
    length: int


@dataclass(frozen=True)
class StationMedia:
    """A station's recording and how its time maps to the station's session clock."""

    station: str
    name: str
    source: MediaSource
    clock: MediaClock | None
    simulated: tuple[str, ...] = ()


@dataclass
class VerifiedPackage:
    """What the window shows of one opened package or PDF."""

    path: Path
    report: PackageReport
    logs: tuple[StationLog, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    signatures: dict[str, SignatureInk] = field(default_factory=dict)
    unavailable: dict[str, ReplayUnavailable] = field(default_factory=dict)
    """Signed fields whose pen track cannot be replayed, and why."""
    media: dict[str, StationMedia] = field(default_factory=dict)
    manifest: Mapping[str, Any] = field(default_factory=dict)
    _scratch: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    def entry(self, station: str, line: int) -> LogEntry | None:
        """The log entry at 1-based ``line`` of ``station``'s log."""
        for station_log in self.logs:
            if station_log.station == station and 0 < line <= len(station_log.entries):
                return station_log.entries[line - 1]
        return None

    def close(self) -> None:
        """Remove any temporary copy of a recording.  Idempotent."""
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None


def _read_logs(files: PackageFiles, manifest: Mapping[str, Any]) -> list[StationLog]:
    logs = []
    for station, spec in sorted(manifest.get("logs", {}).get("stations", {}).items()):
        try:
            lines = split_log_bytes(files.read(spec["file"]), spec["file"])
        except (KeyError, OSError) as exc:
            log.warning("log of %s unreadable: %s", station, exc)
            continue
        entries: list[LogEntry] = []
        bad: list[int] = []
        for index in range(len(lines)):
            try:
                entries.append(parse_entry(lines.line(index)))
            except CryptoError:
                bad.append(index + 1)
                break  # the line numbers of later entries would no longer be theirs
        logs.append(StationLog(station, tuple(entries), tuple(bad)))
    return logs


def _zip_member(zip_path: Path, name: str) -> tuple[zipfile.ZipInfo, str] | None:
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            parts = info.filename.split("/", 1)
            if len(parts) == 2 and parts[1] == f"data/{name}":
                return info, info.filename
    return None


def _media_source(package: Path, name: str, scratch: Callable[[], Path]) -> MediaSource | None:
    if package.is_dir():
        path = package / "data" / name
        return MediaSource(path, 0, path.stat().st_size) if path.is_file() else None
    found = _zip_member(package, name)
    if found is None:
        return None
    info, member = found
    if info.compress_type == zipfile.ZIP_STORED:
        with open(package, "rb") as handle:
            handle.seek(info.header_offset)
            header = handle.read(30)
        signature, *_rest = struct.unpack("<4s", header[:4])
        if signature == b"PK\x03\x04":
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            start = info.header_offset + 30 + name_length + extra_length
            return MediaSource(package, start, info.file_size)
    target = scratch() / Path(name).name  # compressed: a private copy to seek in
    with zipfile.ZipFile(package) as archive, archive.open(member) as source, \
            open(target, "wb") as sink:
        shutil.copyfileobj(source, sink, 1 << 20)
    return MediaSource(target, 0, target.stat().st_size)


def _media(package: Path, files: PackageFiles, manifest: Mapping[str, Any],
           logs: Sequence[StationLog], scratch: Callable[[], Path]) -> dict[str, StationMedia]:
    from devices.av import SegmentListError, parse_segment_list

    offsets = {station_log.station: station_log.wall_offset_us for station_log in logs}
    media = {}
    for item in manifest.get("media", []):
        station = str(item.get("station", ""))
        name = str(item.get("file", ""))
        try:
            source = _media_source(package, name, scratch)
        except (OSError, zipfile.BadZipFile, struct.error) as exc:
            log.warning("recording %s unreadable: %s", name, exc)
            continue
        if source is None:
            continue
        clock = None
        try:
            listing = parse_segment_list(files.read(item["segments"]).decode("utf-8"))
            if station in offsets:
                clock = media_clock(listing, offsets[station])
        except (KeyError, OSError, UnicodeDecodeError, SegmentListError) as exc:
            log.warning("segment list of %s unreadable: %s", name, exc)
        media[station] = StationMedia(station, name, source, clock,
                                      tuple(item.get("simulated", ())))
    return media


def _signed_station(logs: Sequence[StationLog], field_name: str) -> str:
    for station_log in logs:
        for entry in station_log.entries:
            if entry.kind == "pen.batch" and (entry.data or {}).get("field") == field_name:
                return station_log.station
    return ""


def _evidence(pdf: bytes, files: PackageFiles | None, manifest: Mapping[str, Any],
              logs: Sequence[StationLog], key: rsa.RSAPrivateKey | None,
              signatures: dict[str, SignatureInk],
              unavailable: dict[str, ReplayUnavailable]) -> None:
    """Decrypt each signatory's evidence and keep the pen track (and photo, fingerprint)."""
    from crypto.evidence import EvidenceError, open_embedded, open_package_file
    from crypto.pades_document import open_reader
    from crypto.pades_verify_evidence import evidence_of
    from devices.errors import ProtocolError
    from devices.signature import track_from_iso, track_from_json

    listed = {s["field"]: s for s in manifest.get("fields", {}).get("signatories", [])}
    try:
        reader = open_reader(pdf)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - an unreadable PDF is the report's finding
        log.warning("PDF unreadable for the replay: %s", exc)
        return
    for sig in embedded:
        field_name = sig.field_name
        try:
            attribute = evidence_of(sig)
        except (ValueError, TypeError, KeyError):
            attribute = None
        if attribute is None:
            continue
        if key is None:
            unavailable[field_name] = ReplayUnavailable.NO_ARCHIVE_KEY
            continue
        spec = listed.get(field_name, {})
        try:
            if files is not None and spec.get("evidence") and files.has(spec["evidence"]):
                opened = open_package_file(files.read(spec["evidence"]), attribute, key)
            elif files is not None:
                unavailable[field_name] = ReplayUnavailable.EVIDENCE_MISSING
                continue
            else:
                opened = open_embedded(attribute, key)
        except (EvidenceError, OSError) as exc:
            log.info("evidence of %s not opened: %s", field_name, exc)
            unavailable[field_name] = ReplayUnavailable.EVIDENCE_REFUSED
            continue
        items = opened.items
        try:
            if "pen_track_readable" in items:
                track, _meta = track_from_json(items["pen_track_readable"].decode("utf-8"))
                session = True
            else:
                track, session = track_from_iso(items["pen_track"]), False
        except (ProtocolError, UnicodeDecodeError, KeyError) as exc:
            log.info("pen track of %s unreadable: %s", field_name, exc)
            unavailable[field_name] = ReplayUnavailable.TRACK_UNREADABLE
            continue
        signatures[field_name] = ink_of_track(
            track, field_name=field_name, station=_signed_station(logs, field_name),
            signatory=opened.signatory_name, role=opened.signatory_role,
            on_session_clock=session, photo=items.get("photo", b""),
            fingerprint=items.get("fingerprint", b""))


def open_verified(path: Path, *, trust: Sequence[x509.Certificate] = (),
                  archive_key: rsa.RSAPrivateKey | None = None,
                  stage: Stage | None = None,
                  check: Callable[[], None] | None = None) -> VerifiedPackage:
    """Verify ``path`` and gather what the window shows; ``stage`` hears each step and
    ``check`` may raise between steps to cancel.  Never raises for a bad package: the
    report says what is wrong."""
    from crypto.verify_package import verify_path
    from records.evidence_bundle import ink_from_iso

    def step(index: int) -> None:
        if check is not None:
            check()
        if stage is not None:
            stage(index, len(STAGES), STAGES[index])

    path = Path(path)
    step(0)
    report = verify_path(path, trust=list(trust), archive_key=archive_key,
                         pen_decoder=ink_from_iso)
    result = VerifiedPackage(path, report)
    if report.kind == "pdf":
        step(2)
        try:
            pdf = path.read_bytes()
        except OSError:
            return result
        _evidence(pdf, None, {}, (), archive_key, result.signatures, result.unavailable)
        return result
    try:
        files = PackageFiles(path)
    except BagError:
        return result
    with files:
        try:
            manifest = json.loads(files.read(MANIFEST))
        except (OSError, ValueError):
            return result
        result.manifest = manifest
        step(1)
        logs = _read_logs(files, manifest)
        result.logs = tuple(logs)
        step(2)
        try:
            pdf = files.read(manifest.get("pdf", "record.pdf"))
            _evidence(pdf, files, manifest, logs, archive_key, result.signatures,
                      result.unavailable)
        except OSError as exc:
            log.warning("record PDF unreadable for the replay: %s", exc)
        step(3)

        def scratch() -> Path:
            if result._scratch is None:
                result._scratch = tempfile.TemporaryDirectory(prefix="inkseal-verifier-")
            return Path(result._scratch.name)

        result.media = _media(path, files, manifest, logs, scratch)
    clocks = {s: m.clock for s, m in result.media.items() if m.clock is not None}
    result.timeline = tuple(build_timeline(logs, report.checks, clocks))
    return result
