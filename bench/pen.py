"""Pen decoding throughput, and a 1000 Hz real-time capture: lost samples and callback delay.

Part 1, full speed: every recorded pen stream in the fixtures (and the shipped STU log through
the STU emulator) goes through the whole stack -- replay transport, reader thread, decoder,
sample callback -- as fast as possible. Baseline in the same run: the decoder alone on the
same bytes in a plain loop; the ratio shows what the thread and transport cost.

Part 2, real time: an STU pad emulated at 1000 reports per second (the real STU log's strokes,
re-timed to 1 ms steps, report 0x34 with sequence numbers) plays for ``--seconds`` through the
replay transport with a 64-report device buffer (hidraw's), the STU driver and a callback.
Figures: samples lost (sequence gaps seen by the driver plus reports the buffer dropped;
target 0), and the delay from the transport's read to the sample callback (p50/p99/max;
target p99 < 2 ms); the transport's lateness against the schedule is shown beside it.

Usage: .venv/bin/python bench/pen.py [--seconds 60] [--rate 1000] [--fixtures DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _machine import machine  # noqa: E402

from devices.clock import SessionClock  # noqa: E402
from devices.pen.stu_driver import StuDriver  # noqa: E402
from devices.pen.stu_emulator import StuEmulator  # noqa: E402
from devices.pen.stu_log import LoggedPenSample, LoggedTake, load_stu_pen_log  # noqa: E402
from devices.pen.tablet import TabletDriver, decoder_for  # noqa: E402
from devices.transport.hid_recording import read_recording  # noqa: E402
from devices.transport.replay import replay_file  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHIPPED_LOG = REPO / "resources" / "devices" / "stu-pen-log.csv"


def full_speed(fixtures: Path | None) -> None:
    print("\n1. Full-speed decoding (replay transport -> reader thread -> decoder -> callback)")
    print(f"   {'stream':<46} {'samples':>8} {'stack/s':>10} {'decoder/s':>10} {'ratio':>6}")
    clock = SessionClock()
    total_samples = total_stack = total_decoder = 0.0
    paths = sorted(fixtures.glob("*/*.hid")) if fixtures else []
    for path in paths:
        recording = read_recording(path)
        if not recording.reports:
            continue
        reports = [r.data for r in recording.reports]
        decoder = decoder_for(replay_file(path, clock=clock, speed=None, recording=recording))
        started = time.perf_counter()
        for _ in range(3):
            for data in reports:
                decoder.decode(data, 0)
        baseline = 3 * len(reports) / (time.perf_counter() - started)
        count = [0]
        transport = replay_file(path, clock=clock, speed=None, recording=recording)
        driver = TabletDriver(transport, clock=clock,
                              on_sample=lambda s, count=count: count.__setitem__(0, count[0] + 1),
                              on_event=lambda e: None)
        started = time.perf_counter()
        driver.start()
        driver.pump.finished.wait(60)
        elapsed = time.perf_counter() - started
        driver.close()
        rate = count[0] / elapsed
        name = f"{path.parent.name[:28]}/{path.name}"[:46]
        print(f"   {name:<46} {count[0]:>8} {rate:>10.0f} {baseline:>10.0f} "
              f"{rate / baseline:>6.2f}")
        total_samples += count[0]
        total_stack += elapsed
        total_decoder += len(reports) / baseline
    takes = load_stu_pen_log(SHIPPED_LOG)
    count = [0]
    emulator = StuEmulator(takes)
    driver = StuDriver(emulator.transport(clock=clock, speed=None, hold_open=False), clock=clock,
                       on_sample=lambda s: count.__setitem__(0, count[0] + 1),
                       on_event=lambda e: None)
    started = time.perf_counter()
    driver.start()
    driver.pump.finished.wait(60)
    elapsed = time.perf_counter() - started
    driver.close()
    print(f"   {'shipped STU log via the STU emulator':<46} {count[0]:>8} "
          f"{count[0] / elapsed:>10.0f} {'-':>10} {'-':>6}")
    if total_samples:
        print(f"   all HID fixtures: {total_samples:.0f} samples, "
              f"{total_samples / total_stack:.0f}/s through the stack, "
              f"{total_samples / total_decoder:.0f}/s decoder alone "
              f"(ratio {total_decoder / total_stack:.2f})")
    elif fixtures is None:
        print("   (no fixture directory: HID streams skipped)")


def retimed_takes(rate: float, seconds: float) -> list[LoggedTake]:
    """The real log's strokes, one report every 1/rate s, repeated to fill ``seconds``."""
    step_ms = 1000.0 / rate
    source = [s for take in load_stu_pen_log(SHIPPED_LOG) for s in take.samples]
    needed = int(rate * seconds)
    samples = [LoggedPenSample(round(i * step_ms), i + 1, source[i % len(source)].x,
                               source[i % len(source)].y, source[i % len(source)].pressure)
               for i in range(needed)]
    return [LoggedTake(0, tuple(samples))]


def real_time(rate: float, seconds: float) -> None:
    print(f"\n2. Real time: emulated STU at {rate:.0f} reports/s for {seconds:.0f} s "
          "(report 0x34, 64-report device buffer)")
    clock = SessionClock()
    takes = retimed_takes(rate, seconds)
    emulator = StuEmulator(takes, take_gap_s=0.0)
    # time_s of the emulator's reports comes from time_count_ms: exact 1 ms steps at 1000 Hz.
    transport = emulator.transport(clock=clock, speed=1.0, hold_open=False)
    transport.buffer_limit = 64
    delays: list[int] = []
    received = [0]

    def on_sample(sample) -> None:
        delays.append(clock.now_ns() - sample.t_ns)
        received[0] += 1

    driver = StuDriver(transport, clock=clock, on_sample=on_sample, on_event=lambda e: None)
    driver.start()
    driver.pump.finished.wait(seconds + 30)
    driver.close()
    expected = len(takes[0].samples)
    lost = expected - received[0]
    delays_ms = sorted(d / 1e6 for d in delays)
    late_ms = sorted(v / 1e6 for v in transport.lateness_ns)

    def pct(values: list[float], q: float) -> float:
        return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")

    print(f"   reports sent {expected}, samples received {received[0]}, lost {lost} "
          f"(sequence gaps seen by the driver: {driver.lost}, dropped by the device buffer: "
          f"{transport.dropped})  target 0")
    print(f"   read -> callback delay: p50 {pct(delays_ms, 0.5):.3f} ms, "
          f"p99 {pct(delays_ms, 0.99):.3f} ms, max {delays_ms[-1] if delays_ms else 0:.3f} ms"
          f"  target p99 < 2 ms")
    print(f"   transport lateness vs schedule: p50 {pct(late_ms, 0.5):.3f} ms, "
          f"p99 {pct(late_ms, 0.99):.3f} ms, max {late_ms[-1] if late_ms else 0:.3f} ms; "
          f"mean rate {received[0] / seconds:.0f}/s "
          f"(stdev of delay {statistics.pstdev(delays_ms) if delays_ms else 0:.3f} ms)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="length of the real-time run (default 60)")
    parser.add_argument("--rate", type=float, default=1000.0, help="reports per second")
    default = Path(os.environ.get("INKSEAL_SHARED_DIR", REPO.parent / "shared")) / \
        "fixtures" / "hid"
    parser.add_argument("--fixtures", type=Path, default=default,
                        help=f"recorded .hid streams (default {default})")
    args = parser.parse_args()
    print("bench/pen.py --", machine())
    full_speed(args.fixtures if args.fixtures.is_dir() else None)
    real_time(args.rate, args.seconds)
    print(f"\n   load average after the run: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
