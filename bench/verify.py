"""Verifying an evidence package whose recording is 1 GiB, against sha256sum on that file.

A complete record is made the way the workstation makes one (site, certification, three hand
signatures at two stations through the device drivers on simulated devices, seal), except
that the terminal's recording is a 1 GiB file written here and logged segment by segment
(8 MiB segments, as ``av.segment`` entries with their SHA-256, exactly what the recorder
logs) so that it is sealed with the rest.  The package is written (zip, media stored), then
verified: every file against the manifest, every segment against its logged hash, PAdES,
logs.  Baseline, same file, same run: ``sha256sum`` on the recording alone.  Target: the
verifier's throughput over the package's bytes at least 0.8 x sha256sum's over the file.
The file and the package are deleted afterwards.

Usage: .venv/bin/python bench/verify.py [--size-mib 1024] [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from _machine import machine  # noqa: E402

from crypto.capture_log import CaptureLog  # noqa: E402
from crypto.capture_log_entry import BlobRef  # noqa: E402
from crypto.verify_package import verify_package  # noqa: E402
from devices.av import RecordingSummary, SourceInfo, SourceRole, StopReason  # noqa: E402
from devices.av.segment_list import ListHeader, SegmentListWriter  # noqa: E402
from devices.clock import SessionClock  # noqa: E402
from devices.pen import PadMode, PadSpec  # noqa: E402
from records.blobstore import BlobStore  # noqa: E402
from records.executor import ImmediateExecutor  # noqa: E402
from records.fonts import cjk_font_path  # noqa: E402
from records.package import write_package  # noqa: E402
from records.service import RecordService, ulid_factory  # noqa: E402
from records.session import SigningStation, StationConfig  # noqa: E402
from records.session_script import SignatoryScript, scripted_turn  # noqa: E402
from records.session_signing import TurnSigner  # noqa: E402
from records.session_stations import LocalStation, StationClosing  # noqa: E402
from records.session_workflow import RecordWorkflow  # noqa: E402
from records.site import WorkingSite  # noqa: E402
from records.storage import open_database, sqlite_url  # noqa: E402
from records.templates import Role, load_templates  # noqa: E402
from resources import ROOT as RESOURCES  # noqa: E402

SEGMENT = 8 << 20


def now() -> datetime:
    return datetime.now(UTC)


def write_media(path: Path, size: int) -> list[tuple[int, int, str]]:
    """``size`` bytes of noise (incompressible, like encoded video), hashed per segment."""
    rng = np.random.default_rng(7)
    segments = []
    with open(path, "wb") as out:
        offset = 0
        while offset < size:
            data = rng.bytes(min(SEGMENT, size - offset))
            out.write(data)
            segments.append((offset, len(data), hashlib.sha256(data).hexdigest()))
            offset += len(data)
    return segments


class BigMediaTerminal(LocalStation):
    """The terminal, whose recording is the big file: logged as the recorder logs one."""

    def __init__(self, *args, media: Path, size: int, **kwargs) -> None:  # type: ignore
        super().__init__(*args, **kwargs)
        self.media, self.size = media, size

    def close_record(self, record_id: str) -> StationClosing:
        log = self._log  # noqa: SLF001 - the bench stands in for the recorder
        segments = write_media(self.media, self.size)
        name = self.media.name
        listing = self.media.with_name(name + ".segments")
        writer = SegmentListWriter(listing, ListHeader(name, now().isoformat(), ("camera",),
                                                       "bench noise", "none", "bench"))
        log.append("av.started", {"file": name, "camera": "bench noise", "microphone": "none",
                                  "simulated": ["camera"]})
        whole = hashlib.sha256()
        with open(self.media, "rb") as media:
            while chunk := media.read(SEGMENT):
                whole.update(chunk)
        for index, (offset, length, digest) in enumerate(segments):
            chain = writer.record("segment", index, offset, length, index * 500,
                                  index * 500 + 499, digest)
            log.submit("av.segment", {"file": name, "index": index, "offset": offset,
                                      "first_ms": index * 500, "last_ms": index * 500 + 499,
                                      "chain": chain}, blob=BlobRef(digest, length))
        writer.record("end", self.size, len(segments), whole.hexdigest(), 1.0, "requested")
        writer.close()
        log.append("av.stopped", {"file": name, "segments": len(segments), "duration_ms": 0,
                                  "stop_reason": "requested", "simulated": ["camera"]},
                   blob=BlobRef(whole.hexdigest(), self.size))
        closing = super().close_record(record_id)
        info = SourceInfo(SourceRole.CAMERA, "synthetic", "bench noise", True)
        summary = RecordingSummary(self.media, listing, whole.hexdigest(), self.size, 1.0, (),
                                   (), {}, True, info, info, StopReason.REQUESTED, None, 0.0,
                                   0, 0, True)
        return StationClosing(closing.station, closing.log_path, closing.checkpoint,
                              closing.head, summary, ("camera",))


def make_package(work: Path, size: int) -> tuple[Path, WorkingSite]:
    site = WorkingSite.open(work / "pki", b"bench", create="基准测试检察院",
                            officer_names=("李明",), kdf_iterations=1000)
    template = load_templates()["interrogation_transcript"]
    with contextlib.ExitStack() as stack:
        timestamps = stack.enter_context(site.timestamps())
        database = open_database(sqlite_url(work / "bench.sqlite3"))
        stack.callback(database.dispose)
        blobs = BlobStore(work / "blobs")
        service = RecordService(database.sessions, blobs, {template.id: template},
                                executor=ImmediateExecutor(), clock=now, new_id=ulid_factory(now))
        case = service.create_case("基准〔2026〕1号", "基准", "基准测试检察院").result()
        for name, role in (("李明", Role.PROSECUTOR), ("陈静", Role.RECORDER)):
            service.add_person(case.id, name, role).result()
        suspect = service.add_person(case.id, "王某某", Role.SUSPECT, minor=True).result()
        service.add_person(case.id, "赵红", Role.APPROPRIATE_ADULT, acts_for=suspect.id).result()
        record = service.draft_record(case.id, template.id, template.example_values()).result()
        clock = SessionClock()
        stations = {}
        for kind, name in (("workstation", "workstation-1"), ("terminal", "terminal-1")):
            log = CaptureLog.open(work / f"{name}.jsonl", site.log_key(name), name, clock=clock)
            stack.callback(log.close)
            config = StationConfig(name, work / "media", cjk_font_path(), media=None,
                                   pad=PadSpec(pad="simulated", mode=PadMode.SIMULATED,
                                               simulated_log=RESOURCES / "devices" /
                                               "stu-pen-log.csv", replay_speed=None),
                                   fingerprint_settle_s=0.2)
            signer = TurnSigner(site.station_signing_key(name), site.archive_certificate(),
                                timestamps.source, cjk_font_path(), clock)
            station = SigningStation(config, log_to=log, signer=signer, clock=clock)
            stack.callback(station.close)
            driver = scripted_turn(SignatoryScript(page_dwell_s=0, pen_idle_s=0.2))
            stations[kind] = (BigMediaTerminal(station, driver, log=log, own_log=True,
                                               media=work / f"{record.id}-terminal-1.mkv",
                                               size=size)
                              if kind == "terminal" else
                              LocalStation(station, driver, log=log, own_log=False))
        workflow = RecordWorkflow(service, blobs, site, timestamps.source,
                                  stations["workstation"]._log,  # noqa: SLF001
                                  font_path=cjk_font_path(), stations=stations, wall_clock=now)
        workflow.open(record.id)
        workflow.certify(record.id)
        workflow.run_turns(record.id)
        sealed = workflow.seal(record.id)
        return write_package(work / "record.zip", sealed, service=service, blobs=blobs,
                             site=site).path, site


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    size = args.size_mib << 20
    print(f"machine: {machine()}")
    if shutil.which("sha256sum") is None:
        print("sha256sum is not installed: no baseline")
        return 2
    work = Path(tempfile.mkdtemp(prefix="inkseal-bench-verify-"))
    try:
        started = time.perf_counter()
        package, site = make_package(work, size)
        print(f"package: {package.stat().st_size / (1 << 20):.0f} MiB, made in "
              f"{time.perf_counter() - started:.1f} s")
        media = next(work.glob("*.mkv"))
        ours, theirs = [], []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            subprocess.run(["sha256sum", str(media)], check=True, capture_output=True)
            theirs.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            report = verify_package(package, trust=[site.root])
            ours.append(time.perf_counter() - t0)
            if not report.ok:
                print("verification FAILED:", [c.message for c in report.failures()])
                return 1
        verify_s, sha_s = statistics.median(ours), statistics.median(theirs)
        total = package.stat().st_size
        ours_rate = total / verify_s / (1 << 20)
        theirs_rate = media.stat().st_size / sha_s / (1 << 20)
        print(f"verify package  : {verify_s:6.2f} s (median of {args.rounds}), "
              f"{ours_rate:7.0f} MiB/s over {total / (1 << 20):.0f} MiB, "
              f"{len(report.checks)} checks, outcome {report.outcome.value}")
        print(f"sha256sum media : {sha_s:6.2f} s (median of {args.rounds}), "
              f"{theirs_rate:7.0f} MiB/s over {media.stat().st_size / (1 << 20):.0f} MiB")
        ratio = ours_rate / theirs_rate
        print(f"ratio (verify throughput / sha256sum throughput): {ratio:.2f} "
              f"(target >= 0.8: {'met' if ratio >= 0.8 else 'NOT met'})")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
