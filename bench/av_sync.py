"""A/V sync through the real recorder over ten minutes of media, faster than real time.

A synthetic camera flashes white and a synthetic microphone beeps at the same true instants,
every 2 s. The microphone's clock runs 200 ppm fast, its callbacks jitter, and a 150 ms input
overrun is injected at 5 minutes; the camera has 60 ms of latency and 3 ms of jitter. Both run
on a manual (simulated) clock stepped event by event, so ten minutes take well under ten; the
recorder itself (its writer thread, timeline, encoder, muxer, hashing sink) is the production
code. The output is decoded with PyAV and the offset of every flash/beep pair printed.

Runs:
  1. calibration: 20 s without drift, camera latency unknown (0) -> measured latency
  2. the measured run: 600 s, 200 ppm, overrun, latency as calibrated   (target |offset| <= 10 ms)
  3. baseline: the same, with video stamped on the session clock alone (no audio-master mapping)

Usage: .venv/bin/python bench/av_sync.py [--seconds 600] [--ppm 200] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from _machine import machine  # noqa: E402

from devices.av.calibration import SyncMeasurement, measure_sync  # noqa: E402
from devices.av.camera import Camera  # noqa: E402
from devices.av.clocks import ManualClock  # noqa: E402
from devices.av.events import RecordingSummary, SourceInfo, SourceRole  # noqa: E402
from devices.av.microphone import Microphone  # noqa: E402
from devices.av.muxer import EncoderSettings  # noqa: E402
from devices.av.recorder import Recorder, RecorderSettings  # noqa: E402
from devices.av.synthetic_camera import SyntheticCameraSettings, SyntheticCapture  # noqa: E402
from devices.av.synthetic_microphone import (  # noqa: E402
    SyntheticInputStream,
    SyntheticMicrophoneSettings,
)
from devices.av.writer import WriterSettings  # noqa: E402

FLASH_EVERY_S = 2.0


def simulate(out: Path, *, seconds: float, mic_ppm: float, overruns: list[tuple[float, float]],
             true_latency_ms: float, configured_latency_ms: float,
             audio_master: bool = True) -> tuple[RecordingSummary, float]:
    """Record ``seconds`` of simulated media; returns the summary and the wall time taken."""
    clock = ManualClock()
    start = clock.now_ns() + 10_000_000
    flashes = [FLASH_EVERY_S * k for k in range(1, int(seconds / FLASH_EVERY_S))]
    cam_settings = SyntheticCameraSettings(width=320, height=180, fps=30.0,
                                           latency_ms=true_latency_ms, jitter_ms=3.0,
                                           flash_at_s=flashes)
    capture = SyntheticCapture(clock, cam_settings, paced=False, start_ns=start)
    cam_info = SourceInfo(SourceRole.CAMERA, "synthetic", "flash camera", True,
                          {"latency_ms": configured_latency_ms})
    camera = Camera(capture.reopen, cam_info, clock, width=320, height=180, fps=30.0,
                    latency_ns=int(configured_latency_ms * 1e6))
    mic_settings = SyntheticMicrophoneSettings(drift_ppm=mic_ppm, delivery_ms=2.0, jitter_ms=4.0,
                                               marks_at_s=flashes, overruns=overruns)
    streams: list[SyntheticInputStream] = []

    def factory(cb):  # type: ignore[no-untyped-def]
        streams.append(SyntheticInputStream(cb, clock, mic_settings, paced=False, start_ns=start))
        return streams[-1]

    mic_info = SourceInfo(SourceRole.MICROPHONE, "synthetic", "beep microphone", True,
                          {"drift_ppm": mic_ppm})
    microphone = Microphone(factory, mic_info, clock, sample_rate=48_000, channels=1)
    settings = RecorderSettings(encoder=EncoderSettings(preset="ultrafast"),
                                writer=WriterSettings(audio_master=audio_master))
    recorder = Recorder(clock, settings=settings)
    t0 = time.perf_counter()
    recorder.start(out, camera, microphone, drive_sources=False)
    stream = streams[0]
    end = start + int(seconds * 1e9)
    while True:
        t_cam, t_mic = capture.next_ready_ns(), stream.next_due_ns()
        t = min(t_cam, t_mic)
        if t > end:
            break
        clock.advance_to(t)
        if t_cam <= t_mic:
            camera.capture_once()
        else:
            stream.deliver_next()
        while recorder.backlog() > 40:  # let the writer keep up: a simulation never drops
            time.sleep(0.0005)
    summary = recorder.stop()
    return summary, time.perf_counter() - t0


def report(name: str, m: SyncMeasurement, *, every: bool) -> None:
    offs = m.offsets_ms
    print(f"\n== {name}: {len(m.pairs)} flash/beep pairs "
          f"({len(m.video_onsets_s)} flashes, {len(m.audio_onsets_s)} beeps found)")
    if every:
        for (t_audio, off) in m.pairs:
            print(f"   t={t_audio:8.3f} s  offset={off * 1000:+7.2f} ms")
    if len(offs):
        print(f"   mean {offs.mean():+.2f} ms, min {offs.min():+.2f}, max {offs.max():+.2f}, "
              f"max |offset| {np.abs(offs).max():.2f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--ppm", type=float, default=200.0)
    ap.add_argument("--overrun-ms", type=float, default=150.0)
    ap.add_argument("--latency-ms", type=float, default=60.0, help="the camera's true latency")
    ap.add_argument("--keep", type=Path, help="keep the recordings in this directory")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="inkseal-av-sync-"))
    work.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%H%M%S")
    overrun = [(args.seconds / 2 + 0.5, args.overrun_ms / 1000.0)]

    cal_path = work / f"calibration-{stamp}.mkv"
    _, wall = simulate(cal_path, seconds=20.0, mic_ppm=0.0, overruns=[],
                       true_latency_ms=args.latency_ms, configured_latency_ms=0.0)
    cal = measure_sync(cal_path)
    latency = cal.latency_correction_ms()
    print(f"\ncalibration: 20 s simulated in {wall:.1f} s; camera latency measured {latency:.2f} ms "
          f"(true {args.latency_ms} ms)")

    path = work / f"sync-{stamp}.mkv"
    summary, wall = simulate(path, seconds=args.seconds, mic_ppm=args.ppm, overruns=overrun,
                             true_latency_ms=args.latency_ms, configured_latency_ms=latency)
    m = measure_sync(path)
    print(f"\nmeasured run: {summary.duration_s:.1f} s of media simulated in {wall:.1f} s "
          f"({summary.duration_s / wall:.1f}x real time); fitted drift {summary.drift_ppm:+.2f} ppm "
          f"(true {args.ppm:+.1f}); gaps: "
          + ", ".join(f"{g.stream} {g.reason} {g.duration_s * 1000:.1f} ms at {g.media_start_s:.2f} s"
                      for g in summary.gaps)
          + f"; dropped frames: {dict(summary.dropped) or 0}")
    report("audio-master timing (the recorder)", m, every=True)
    worst = m.max_abs_ms
    expected = int(args.seconds / FLASH_EVERY_S) - 1
    ok = worst <= 10.0 and len(m.pairs) >= expected - 1

    if not args.no_baseline:
        base_path = work / f"baseline-{stamp}.mkv"
        _, wall_b = simulate(base_path, seconds=args.seconds, mic_ppm=args.ppm, overruns=overrun,
                             true_latency_ms=args.latency_ms, configured_latency_ms=latency,
                             audio_master=False)
        b = measure_sync(base_path)
        report("baseline: video on the session clock alone", b, every=False)
        print(f"\nratio: worst |offset| baseline / recorder = {b.max_abs_ms:.2f} / {worst:.2f} ms "
              f"= {b.max_abs_ms / max(worst, 1e-3):.1f}x")
    print(f"\nTARGET |offset| <= 10 ms for every pair: {'PASS' if ok else 'FAIL'} "
          f"(worst {worst:.2f} ms over {len(m.pairs)}/{expected} pairs)")
    if not args.keep:
        for p in work.iterdir():
            p.unlink()
        work.rmdir()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
