"""Crash survival: SIGKILL the recorder at random instants; every file must stay readable.

Each round starts a child process recording 1280x720 at 30 fps plus 48 kHz audio from the
synthetic sources through the real recorder, kills it with SIGKILL at a random instant between
2 and 9 s, then checks the file:
  - ffprobe reads it, and ffmpeg decodes it to the end;
  - the segment list verifies every listed byte (``check_recording``), the rest is unlisted tail;
  - media lost = time captured when killed - media time on disk (target: at most 1 s);
    the media covered by the hashed segments is reported too.
Baseline in the same run: a plain MP4 written by ffmpeg and killed the same way (unreadable).

Usage: .venv/bin/python bench/av_crash.py [--rounds 20] [--size 1280x720] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _machine import machine  # noqa: E402

from devices.av.integrity import check_recording  # noqa: E402
from devices.av.segment_list import list_path_for, parse_segment_list  # noqa: E402


def child(out: Path, size: str) -> None:
    """The recorder that gets killed: prints its origin, then runs until killed."""
    from devices.av.recorder import Recorder, RecorderSettings
    from devices.clock import SessionClock

    w, h = (int(v) for v in size.split("x"))
    recorder = Recorder(SessionClock(), settings=RecorderSettings(size=(w, h)))
    recorder.start(out, "synthetic", "synthetic")
    print(json.dumps({"origin_monotonic": time.monotonic()}), flush=True)
    while True:
        time.sleep(1.0)


def media_on_disk(path: Path) -> tuple[float, int, bool, str]:
    """(end of the last packet in s, packets, decodes cleanly, first decoder complaint)."""
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                            "packet=pts_time,duration_time", "-of", "csv=p=0", str(path)],
                           capture_output=True, text=True, timeout=120)
    end = 0.0
    packets = 0
    for line in probe.stdout.splitlines():
        parts = [p for p in line.split(",") if p and p != "N/A"]
        if parts:
            packets += 1
            end = max(end, sum(float(p) for p in parts[:2]))
    decode = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-fps_mode", "passthrough",
                             "-enc_time_base", "-1", "-f", "null", "-"],
                            capture_output=True, text=True, timeout=300)
    complaint = (probe.stderr + decode.stderr).strip().splitlines()
    ok = probe.returncode == 0 and decode.returncode == 0 and packets > 0
    return end, packets, ok, complaint[0] if complaint else ""


def kill_round(work: Path, i: int, size: str, rng: random.Random) -> dict[str, object]:
    out = work / f"crash-{i:02d}.mkv"
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(out), "--size", size],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    origin = json.loads(proc.stdout.readline())["origin_monotonic"]
    delay = rng.uniform(2.0, 9.0)
    time.sleep(max(0.0, origin + delay - time.monotonic()))
    killed_at = time.monotonic()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    captured = killed_at - origin
    end, packets, decodes, complaint = media_on_disk(out)
    check = check_recording(out)
    listing = parse_segment_list(list_path_for(out).read_text())
    listed_end = max((s.last_ms for s in listing.segments), default=0) / 1000.0
    return {"round": i, "killed_after_s": captured, "media_on_disk_s": end, "packets": packets,
            "decodes": decodes, "complaint": complaint, "lost_s": captured - end,
            "listed_media_s": listed_end, "verified": check.ok,
            "segments": check.segments_verified, "unlisted_tail": check.unlisted_tail,
            "size": out.stat().st_size}


def mp4_baseline(work: Path) -> str:
    """A plain MP4 from ffmpeg, killed after 3 s: what the container choice avoids."""
    out = work / "baseline.mp4"
    proc = subprocess.Popen(["ffmpeg", "-v", "quiet", "-re", "-f", "lavfi", "-i",
                             "testsrc2=size=1280x720:rate=30", "-c:v", "libx264", "-preset",
                             "superfast", "-t", "20", str(out)])
    time.sleep(3.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    probe = subprocess.run(["ffprobe", "-v", "error", str(out)], capture_output=True, text=True)
    return "readable" if probe.returncode == 0 else \
        f"UNREADABLE ({(probe.stderr.strip().splitlines() or ['?'])[-1]})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.size)
        return 0
    seed = args.seed if args.seed is not None else int(time.time())
    print(f"machine: {machine(f'seed {seed}')}")
    rng = random.Random(seed)
    work = args.keep or Path(tempfile.mkdtemp(prefix="inkseal-av-crash-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(args.rounds):
        row = kill_round(work, i, args.size, rng)
        rows.append(row)
        print(f"  #{i:02d} killed at {row['killed_after_s']:5.2f} s: on disk {row['media_on_disk_s']:5.2f} s "
              f"({row['packets']} packets, decodes {'ok' if row['decodes'] else 'NO'}), "
              f"lost {row['lost_s']:.3f} s; hashed segments {row['segments']} to "
              f"{row['listed_media_s']:.2f} s, verified {'ok' if row['verified'] else 'NO'}, "
              f"unlisted tail {row['unlisted_tail']} B"
              + (f"  [{row['complaint']}]" if row['complaint'] else ""))
    lost = [float(r["lost_s"]) for r in rows]  # type: ignore[arg-type]
    listed_gap = [float(r["killed_after_s"]) - float(r["listed_media_s"]) for r in rows]  # type: ignore[arg-type]
    readable = sum(bool(r["decodes"]) for r in rows)
    verified = sum(bool(r["verified"]) for r in rows)
    print(f"\nreadable and decodable: {readable}/{len(rows)}; lists verified: {verified}/{len(rows)}")
    print(f"media lost at the kill: mean {sum(lost) / len(lost):.3f} s, max {max(lost):.3f} s "
          f"(target <= 1 s)")
    print(f"captured but not yet covered by a hashed segment: mean "
          f"{sum(listed_gap) / len(listed_gap):.3f} s, max {max(listed_gap):.3f} s")
    print(f"baseline, plain MP4 killed after 3 s: {mp4_baseline(work)}")
    ok = readable == len(rows) and verified == len(rows) and max(lost) <= 1.0
    print(f"TARGET every file readable, verified, at most 1 s lost: {'PASS' if ok else 'FAIL'}")
    if not args.keep:
        for p in work.iterdir():
            p.unlink()
        work.rmdir()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
