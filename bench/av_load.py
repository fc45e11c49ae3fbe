"""Real-time load: 1280x720 at 30 fps plus 48 kHz audio through the recorder for 60 s.

Measures, for this process (all threads): CPU time as a share of one core, frames dropped for
any reason, and the writer's lag (capture instant -> frame muxed) p50/p99/max. The synthetic
camera draws its frames in this process, so its cost is included: a baseline run of the sources
alone (no recorder) is measured first and shown for comparison. The machine is shared, so the
CPU used by other processes during the run is reported too (from /proc/stat).

Usage: .venv/bin/python bench/av_load.py [--seconds 60] [--size 1280x720] [--preset superfast]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _machine import machine  # noqa: E402

from devices.av.capture_queue import CaptureQueue  # noqa: E402
from devices.av.media import PreviewFrame  # noqa: E402
from devices.av.muxer import EncoderSettings  # noqa: E402
from devices.av.recorder import Recorder, RecorderSettings  # noqa: E402
from devices.av.sources import open_camera, open_microphone  # noqa: E402
from devices.av.synthetic_camera import SyntheticCameraSettings  # noqa: E402
from devices.clock import SessionClock  # noqa: E402


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def machine_busy_s() -> float:
    """CPU seconds all processes have used since boot (user+nice+system+irq+softirq+steal)."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]
    return busy / ticks


class Meter:
    """CPU of this process and of everything else over an interval."""

    def __enter__(self) -> Meter:
        self.wall0, self.cpu0, self.busy0 = time.perf_counter(), cpu_s(), machine_busy_s()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = cpu_s() - self.cpu0
        self.others = max(0.0, machine_busy_s() - self.busy0 - self.cpu)

    def line(self) -> str:
        return (f"this process {100 * self.cpu / self.wall:5.1f} % of one core; other processes "
                f"{100 * self.others / self.wall:5.1f} % of one core (machine: "
                f"{os.cpu_count()} cores = {100 * (os.cpu_count() or 1)} %)")


def synthetic(size: tuple[int, int], fps: float, noise: float) -> SyntheticCameraSettings:
    return SyntheticCameraSettings(width=size[0], height=size[1], fps=fps, noise_sigma=noise)


def sources_only(seconds: float, size: tuple[int, int], fps: float, noise: float) -> Meter:
    clock = SessionClock()
    queue = CaptureQueue(max_video=10_000, max_audio=100_000)
    camera = open_camera("synthetic", clock, synthetic=synthetic(size, fps, noise))
    mic = open_microphone("synthetic", clock)
    drain_stop = threading.Event()

    def drain() -> None:
        while not drain_stop.is_set():
            queue.get(0.05)

    drainer = threading.Thread(target=drain, daemon=True)
    drainer.start()
    with Meter() as m:
        origin = clock.now_ns()
        mic.start(queue, origin)
        camera.start(queue, origin)
        time.sleep(seconds)
        camera.stop()
        mic.stop()
    drain_stop.set()
    drainer.join()
    return m


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--fps", type=float, default=30.0)
    ap.add_argument("--preset", default="superfast")
    ap.add_argument("--no-preview", action="store_true")
    ap.add_argument("--noise", type=float, default=0.0,
                    help="sensor-like noise sigma in the synthetic picture (8: a dim room)")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    print(f"machine: {machine()}")

    base = sources_only(min(10.0, args.seconds), size, args.fps, args.noise)  # type: ignore[arg-type]
    print(f"\nbaseline, synthetic sources alone ({base.wall:.0f} s): {base.line()}")

    previews: list[PreviewFrame] = []
    clock = SessionClock()
    settings = RecorderSettings(size=size, fps=args.fps,  # type: ignore[arg-type]
                                encoder=EncoderSettings(preset=args.preset))
    recorder = Recorder(clock, settings=settings,
                        preview=None if args.no_preview else previews.append)
    with tempfile.TemporaryDirectory(prefix="inkseal-av-load-") as tmp:
        out = Path(tmp) / "load.mkv"
        with Meter() as m:
            camera = open_camera("synthetic", clock,
                                 synthetic=synthetic(size, args.fps, args.noise))  # type: ignore[arg-type]
            recorder.start(out, camera, "synthetic")
            time.sleep(args.seconds)
            stats = recorder.stats()
            summary = recorder.stop()
        captured = recorder.camera.frames if recorder.camera else 0
        size_mb = out.stat().st_size / 1e6
    expected = int(args.seconds * args.fps)
    # A frame exposed before the recording's first instant was never part of it.
    dropped = sum(n for reason, n in summary.dropped.items() if reason != "before_start")
    print(f"\nrecorder, {args.size}@{args.fps:g} + 48 kHz, x264 {args.preset}, noise {args.noise:g}, "
          f"preview {'off' if args.no_preview else '5 fps 320x180'} ({m.wall:.0f} s):")
    print(f"  CPU: {m.line()}")
    print(f"  frames: {captured} captured (about {expected} due), {summary.video_frames} encoded, "
          f"dropped {dropped} (all reasons: {dict(summary.dropped) or 0}); audio blocks dropped "
          f"{stats.audio_dropped_queue_full}")
    print(f"  writer lag (capture -> muxed): p50 {stats.writer_lag_ms_p50:.1f} ms, "
          f"p99 {stats.writer_lag_ms_p99:.1f} ms, max {stats.writer_lag_ms_max:.1f} ms")
    print(f"  output {size_mb:.1f} MB ({8 * size_mb / summary.duration_s:.2f} Mbit/s), "
          f"{len(summary.segments)} segments, gaps: {[(g.reason.value, round(g.duration_s, 3)) for g in summary.gaps]}")
    print(f"  previews delivered: {len(previews)}")
    recorder_cpu = 100 * m.cpu / m.wall
    print(f"\nratio: recorder / sources alone = {m.cpu / m.wall:.3f} / {base.cpu / base.wall:.3f} "
          f"= {(m.cpu / m.wall) / max(base.cpu / base.wall, 1e-6):.1f}x; recording proper costs "
          f"{recorder_cpu - 100 * base.cpu / base.wall:.1f} % of one core")
    ok = recorder_cpu <= 100.0 and dropped == 0
    print(f"TARGET CPU <= one core and 0 frames dropped: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
